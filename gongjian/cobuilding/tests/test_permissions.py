"""Who may do what, proved against another unit: 国网 (gongdian) can neither edit 市城发集团's plan
or ledger, nor agree to, return or approve its plan, nor set the weights — on the pages and over
the API — and nothing changes when it tries. The unit, its community and the city office each
do only their own step."""

import datetime
import re
from decimal import Decimal
from typing import Any

import pytest
from django.urls import reverse

from gongjian.cobuilding.models import Contribution, Plan, PlanItem, PlanStatus, ScoreWeight
from gongjian.cobuilding.services import contribution_create, plan_agree, plan_submit
from gongjian.core.models import AuditEntry

pytestmark = pytest.mark.django_db
JSON = "application/json"
API = "/api/cobuilding"


def _field_errors(html: str) -> list[str]:
    return re.findall(r'<p class="fielderror" role="alert">([^<]*)</p>', html)


@pytest.fixture
def entry(world: dict[str, Any], sewer_item: PlanItem, chengfa_liaison: Any) -> Contribution:
    return contribution_create(
        pairing=world["chengfa_pairing"],
        actor=chengfa_liaison,
        kind="money",
        made_on=datetime.date(2023, 6, 21),
        amount=Decimal("200000.00"),
        plan_item=sewer_item,
    )


def _frozen(plan: Plan, item: PlanItem, entry: Contribution) -> tuple[Any, ...]:
    plan.refresh_from_db()
    item.refresh_from_db()
    entry.refresh_from_db()
    return (
        plan.status,
        plan.title,
        plan.goals,
        plan.revision,
        plan.items.count(),
        item.title,
        item.budget,
        item.progress,
        entry.amount,
        Contribution.objects.count(),
    )


def test_it_refuses_another_unit_the_plan_and_ledger_on_pages_and_api(
    client, world, plan, sewer_item, entry, gongdian_liaison
) -> None:
    before = _frozen(plan, sewer_item, entry)
    client.force_login(gongdian_liaison)
    item_form = {"area": "publicity", "title": "宣传栏", "budget": "1", "due_on": "2023-06-01", "progress": "0"}
    pages = [
        ("get", reverse("cobuilding:plan-edit", args=[plan.pk]), {}),
        ("post", reverse("cobuilding:plan-edit", args=[plan.pk]), {"title": "改", "goals": "改"}),
        ("get", reverse("cobuilding:item-create", args=[plan.pk]), {}),
        ("post", reverse("cobuilding:item-create", args=[plan.pk]), {**item_form, "status": "not_started"}),
        ("post", reverse("cobuilding:item-edit", args=[sewer_item.pk]), {**item_form, "status": "done"}),
        ("post", reverse("cobuilding:item-delete", args=[sewer_item.pk]), {}),
        ("post", reverse("cobuilding:plan-submit", args=[plan.pk]), {}),
        ("get", reverse("cobuilding:ledger-edit", args=[entry.pk]), {}),
        ("post", reverse("cobuilding:ledger-edit", args=[entry.pk]), {"kind": "money", "amount": "1"}),
        ("post", reverse("cobuilding:ledger-delete", args=[entry.pk]), {}),
        ("get", reverse("cobuilding:plan-docx", args=[plan.pk]), {}),
    ]
    for method, url, data in pages:
        assert getattr(client, method)(url, data).status_code == 404, (method, url)
    # The ledger form offers only gongdian's own pairings: 市城发集团's is not a valid choice.
    response = client.post(
        reverse("cobuilding:ledger-create"),
        {
            "pairing": world["chengfa_pairing"].pk,
            "kind": "money",
            "made_on": "2023-06-21",
            "amount": "5",
            "person_times": "0",
            "quantity": "0",
        },
    )
    assert response.status_code == 200
    assert any(e.startswith("联点共建关系：") for e in _field_errors(response.content.decode()))

    calls = [
        ("patch", f"{API}/plans/{plan.pk}", {"goals": "改"}, 404),
        ("post", f"{API}/plans/{plan.pk}/items", {"area": "publicity", "title": "x", "due_on": "2023-06-01"}, 404),
        ("patch", f"{API}/plan-items/{sewer_item.pk}", {"progress": 50}, 404),
        ("delete", f"{API}/plan-items/{sewer_item.pk}", None, 404),
        ("post", f"{API}/plans/{plan.pk}/submit", {}, 404),
        ("post", f"{API}/plans", {"pairing": world["chengfa_pairing"].pk}, 403),
        (
            "post",
            f"{API}/contributions",
            {
                "pairing": world["chengfa_pairing"].pk,
                "kind": "money",
                "made_on": "2023-06-21",
                "amount": "5",
                "plan_item": sewer_item.pk,
            },
            403,
        ),
        ("patch", f"{API}/contributions/{entry.pk}", {"amount": "1"}, 404),
        ("delete", f"{API}/contributions/{entry.pk}", None, 404),
    ]
    for method, url, body, status in calls:
        kwargs = {"content_type": JSON} if body is not None else {}
        response = getattr(client, method)(url, body, **kwargs) if body is not None else getattr(client, method)(url)
        assert response.status_code == status, (method, url, response.content)
    assert _frozen(plan, sewer_item, entry) == before
    assert client.get(f"{API}/contributions").json()["count"] == 0


def test_it_lets_only_the_community_agree_or_return_and_only_the_city_office_approve(
    client, plan, sewer_item, chengfa_liaison, gongdian_liaison, beiling_grid_worker, beiling_staff, city_admin
) -> None:
    plan_submit(plan=plan, actor=chengfa_liaison)

    def status() -> str:
        plan.refresh_from_db()
        return plan.status

    client.force_login(gongdian_liaison)  # another unit does not even see the plan
    for step in ("plan-agree", "plan-return"):
        assert client.post(reverse(f"cobuilding:{step}", args=[plan.pk]), {"comment": "不行"}).status_code == 404
    for step in ("agree", "return"):
        assert client.post(f"{API}/plans/{plan.pk}/{step}", {"comment": "不行"}, content_type=JSON).status_code == 404
    # the unit itself, the community's grid worker and the city office see it but may not review it
    for user in (chengfa_liaison, beiling_grid_worker, city_admin):
        client.force_login(user)
        assert client.post(reverse("cobuilding:plan-agree", args=[plan.pk])).status_code == 403, user
        assert (
            client.post(f"{API}/plans/{plan.pk}/return", {"comment": "不行"}, content_type=JSON).status_code == 403
        ), user
    assert status() == PlanStatus.SUBMITTED
    page = client.get(reverse("cobuilding:plan-detail", args=[plan.pk])).content.decode()
    assert "同意方案" not in page and "退回修改" not in page  # no buttons for those who may not press them

    plan_agree(plan=plan, actor=beiling_staff)
    client.force_login(gongdian_liaison)
    assert client.post(reverse("cobuilding:plan-approve", args=[plan.pk])).status_code == 404
    assert client.post(f"{API}/plans/{plan.pk}/approve", {}, content_type=JSON).status_code == 404
    for user in (chengfa_liaison, beiling_staff):
        client.force_login(user)
        assert client.post(reverse("cobuilding:plan-approve", args=[plan.pk])).status_code == 403, user
        assert client.post(f"{API}/plans/{plan.pk}/approve", {}, content_type=JSON).status_code == 403, user
    assert status() == PlanStatus.AGREED

    client.force_login(city_admin)
    assert client.post(reverse("cobuilding:plan-approve", args=[plan.pk])).status_code == 302
    assert status() == PlanStatus.APPROVED


def test_it_lets_only_the_city_office_set_weights_on_the_page_and_over_the_api(
    client, world, gongdian_liaison, chengfa_liaison, city_admin
) -> None:
    campaign = world["campaign"]
    page = reverse("cobuilding:weights", args=[campaign.pk])
    api = f"{API}/campaigns/{campaign.pk}/weights"
    for user in (gongdian_liaison, chengfa_liaison):
        client.force_login(user)
        assert client.get(page).status_code == 403
        assert client.post(page, {"cobuilding.visits": "40"}).status_code == 403
        assert client.put(api, {"weights": {"cobuilding.visits": 40}}, content_type=JSON).status_code == 403
        assert "设置权重" not in client.get(reverse("cobuilding:ranking")).content.decode()
        # everyone signed in may read the weights: the formula is published
        weights = {w["key"]: w["weight"] for w in client.get(api).json()}
        assert weights["cobuilding.visits"] == "20"
    assert not ScoreWeight.objects.exists()
    assert not AuditEntry.objects.filter(content_type__model="scoreweight").exists()

    client.force_login(city_admin)
    response = client.put(api, {"weights": {"cobuilding.visits": "40.5"}}, content_type=JSON)
    assert response.status_code == 200, response.content
    assert {w["key"]: w["weight"] for w in response.json()}["cobuilding.visits"] == "40.50"
    bad = client.put(api, {"weights": {"cobuilding.visits": -1}}, content_type=JSON)
    assert bad.status_code == 422 and "cobuilding.visits" in bad.json()["errors"][0]["field"]
    unknown = client.put(api, {"weights": {"no.such.part": 1}}, content_type=JSON)
    assert unknown.status_code == 400 and unknown.json()["errors"][0]["field"] == "no.such.part"
    assert ScoreWeight.objects.get().weight == Decimal("40.50")
    event = AuditEntry.objects.get(event="cobuilding.weights_set")
    assert event.actor == city_admin and event.changes["cobuilding.visits"] == ["20.00", "40.50"]
    page = client.get(reverse("cobuilding:weights", args=[campaign.pk])).content.decode()
    assert "最近的权重调整" in page and "走访报到：<del>20.00</del> → <ins>40.50</ins>" in page
