"""Bad input is refused with a message naming the field, in Chinese, and changes nothing: money
(not negative, at most two decimals), an item's due date inside the campaign, a plan with no items
neither submitted nor approved."""

import datetime
import re
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from gongjian.cobuilding.models import Contribution, Plan, PlanItem, PlanStatus, Project
from gongjian.cobuilding.services import (
    contribution_create,
    plan_approve,
    plan_item_add,
    plan_item_update,
    project_create,
)

pytestmark = pytest.mark.django_db
JSON = "application/json"
API = "/api/cobuilding"
D = datetime.date


def _field_errors(html: str) -> list[str]:
    return re.findall(r'<p class="fielderror" role="alert">([^<]*)</p>', html)


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"kind": "money", "amount": Decimal("-0.01")}, "amount", "金额不能为负数。"),
        ({"kind": "money", "amount": Decimal("10.005")}, "amount", "金额最多保留两位小数。"),
        ({"kind": "money", "amount": Decimal("NaN")}, "amount", "金额应为有限的数字。"),
        ({"kind": "money", "amount": Decimal("0")}, "amount", "资金投入请填写金额（元）。"),
        (
            {"kind": "materials", "material": "水泥", "quantity": Decimal("1.125"), "measure": "吨"},
            "quantity",
            "数量最多保留两位小数。",
        ),
        ({"kind": "money", "amount": Decimal("5"), "made_on": D(2024, 1, 2)}, "made_on", "2023-12-31"),
    ],
)
def test_it_refuses_bad_ledger_values_naming_the_field(
    world, sewer_item, chengfa_liaison, fields: dict[str, Any], field: str, message: str
) -> None:
    with pytest.raises(ValidationError) as exc:
        contribution_create(
            pairing=world["chengfa_pairing"],
            actor=chengfa_liaison,
            plan_item=sewer_item,
            **{"made_on": D(2023, 6, 21), **fields},
        )
    assert list(exc.value.message_dict) == [field]
    assert message in exc.value.message_dict[field][0]
    assert not Contribution.objects.exists()


@pytest.mark.parametrize("field", ["budget", "spent"])
def test_it_refuses_bad_project_money(world, field: str) -> None:
    for value in (Decimal("-1"), Decimal("0.001")):
        with pytest.raises(ValidationError) as exc:
            project_create(pairing=world["chengfa_pairing"], name="下水管道改造", **{field: value})
        assert list(exc.value.message_dict) == [field]
    assert not Project.objects.exists()


@pytest.mark.parametrize(
    ("amount", "error"),
    [
        ("-1", "金额（元）：金额不能为负数。"),
        ("12.345", "金额（元）：金额最多保留两位小数。"),
        ("abc", "金额（元）：金额应为数字。"),
    ],
)
def test_it_shows_the_ledger_forms_money_error_on_its_field(
    client, world, sewer_item, chengfa_liaison, amount: str, error: str
) -> None:
    client.force_login(chengfa_liaison)
    response = client.post(
        reverse("cobuilding:ledger-create"),
        {
            "pairing": world["chengfa_pairing"].pk,
            "kind": "money",
            "made_on": "2023-06-21",
            "amount": amount,
            "person_times": "0",
            "quantity": "0",
            "plan_item": sewer_item.pk,
        },
    )
    assert response.status_code == 200
    assert _field_errors(response.content.decode()) == [error]
    assert not Contribution.objects.exists()


def _item_form(**changes: str) -> dict[str, str]:
    return {
        "area": "community_building",
        "title": "路面硬化",
        "budget": "30000",
        "due_on": "2023-10-01",
        "progress": "0",
        "status": "not_started",
        **changes,
    }


def test_it_names_the_budget_and_the_due_date_on_the_item_form(client, plan, chengfa_liaison) -> None:
    client.force_login(chengfa_liaison)
    url = reverse("cobuilding:item-create", args=[plan.pk])
    bad_budget = client.post(url, _item_form(budget="-5"))
    assert _field_errors(bad_budget.content.decode()) == ["预算（元）：金额不能为负数。"]
    for due in ("2024-02-01", "2023-04-25"):
        late = client.post(url, _item_form(due_on=due))
        assert late.status_code == 200
        assert _field_errors(late.content.decode()) == [
            "完成时限：日期应在 2023-04-26 至 2023-12-31 之间（本年度共建活动期间）。"
        ]
    assert not PlanItem.objects.exists()
    assert client.post(url, _item_form(due_on="2023-12-31")).status_code == 302  # the last day counts


def test_it_refuses_a_due_date_outside_the_campaign_over_the_api(client, plan, sewer_item, chengfa_liaison) -> None:
    client.force_login(chengfa_liaison)
    r = client.post(
        f"{API}/plans/{plan.pk}/items",
        {"area": "publicity", "title": "宣传栏", "due_on": "2024-01-05"},
        content_type=JSON,
    )
    assert r.status_code == 400
    assert r.json()["errors"][0]["field"] == "due_on" and "2023-12-31" in r.json()["errors"][0]["message"]
    r = client.patch(f"{API}/plan-items/{sewer_item.pk}", {"due_on": "2023-01-01"}, content_type=JSON)
    assert r.status_code == 400 and r.json()["errors"][0]["field"] == "due_on"
    r = client.patch(f"{API}/plan-items/{sewer_item.pk}", {"budget": "-3"}, content_type=JSON)
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "budget"
    sewer_item.refresh_from_db()
    assert sewer_item.due_on == D(2023, 9, 30) and sewer_item.budget == Decimal("200000.00")
    assert plan.items.count() == 1


def test_it_refuses_to_mark_an_item_done_in_the_future(plan, sewer_item) -> None:
    with pytest.raises(ValidationError) as exc:
        plan_item_update(item=sewer_item, status="done", completed_on=D(2023, 11, 20))  # "today" is 2023-11-01
    assert list(exc.value.message_dict) == ["completed_on"]


def test_it_refuses_to_approve_a_plan_with_no_items(client, plan: Plan, city_admin) -> None:
    # Submission already needs items; a plan emptied behind the workflow's back is still refused.
    Plan.objects.filter(pk=plan.pk).update(status=PlanStatus.AGREED, revision=1)
    with pytest.raises(ValidationError) as exc:
        plan_approve(plan=plan, actor=city_admin)
    assert exc.value.message_dict == {"items": ["方案没有任何工作事项，不能批准。"]}
    client.force_login(city_admin)
    response = client.post(reverse("cobuilding:plan-approve", args=[plan.pk]), follow=True)
    assert "方案没有任何工作事项，不能批准。" in response.content.decode()
    r = client.post(f"{API}/plans/{plan.pk}/approve", {}, content_type=JSON)
    assert r.status_code == 400 and r.json()["errors"][0]["field"] == "items"
    plan.refresh_from_db()
    assert plan.status == PlanStatus.AGREED and plan.approved_at is None


def test_it_refuses_an_item_once_the_plan_is_submitted(plan, sewer_item, chengfa_liaison) -> None:
    from gongjian.cobuilding.services import plan_submit

    plan_submit(plan=plan, actor=chengfa_liaison)
    with pytest.raises(ValidationError) as exc:
        plan_item_add(plan=plan, area="publicity", title="宣传栏", due_on=D(2023, 6, 1))
    assert list(exc.value.message_dict) == ["status"]
    assert plan.items.count() == 1
