import datetime
import io
from decimal import Decimal
from typing import Any

import pytest
from django.urls import reverse
from docx import Document

from gongjian.cobuilding.models import Commendation, Contribution, Plan, PlanItem, PlanStatus, Project
from gongjian.cobuilding.services import (
    commendation_create,
    contribution_create,
    plan_agree,
    plan_approve,
    plan_submit,
    project_create,
)
from gongjian.conftest import make_photo

pytestmark = pytest.mark.django_db


@pytest.fixture
def approved(plan: Plan, sewer_item: PlanItem, chengfa_liaison: Any, beiling_staff: Any, city_admin: Any) -> Plan:
    plan_submit(plan=plan, actor=chengfa_liaison)
    plan_agree(plan=plan, actor=beiling_staff)
    return plan_approve(plan=plan, actor=city_admin)


def test_it_walks_a_plan_through_the_pages(client, world, chengfa_liaison, beiling_staff, city_admin) -> None:
    client.force_login(chengfa_liaison)
    listing = client.get(reverse("cobuilding:plan-list")).content.decode()
    assert "编制方案" in listing
    pairing = world["chengfa_pairing"]
    response = client.post(
        reverse("cobuilding:plan-create", args=[pairing.pk]),
        {"title": "2023年度市城发集团北岭社区共建工作实施方案", "basis": "", "goals": "路面硬化", "safeguards": ""},
    )
    plan = Plan.objects.get()
    assert response["Location"] == reverse("cobuilding:plan-detail", args=[plan.pk])
    bad = client.post(
        reverse("cobuilding:item-create", args=[plan.pk]),
        {
            "area": "community_building",
            "title": "路面硬化",
            "budget": "-5",
            "due_on": "2024-02-01",
            "progress": "0",
            "status": "not_started",
        },
    )
    assert bad.status_code == 200 and not PlanItem.objects.exists()
    assert "预算（元）" in bad.content.decode()
    ok = client.post(
        reverse("cobuilding:item-create", args=[plan.pk]),
        {
            "area": "community_building",
            "title": "路面硬化",
            "budget": "30000.50",
            "due_on": "2023-10-01",
            "progress": "0",
            "status": "not_started",
        },
    )
    assert ok.status_code == 302
    client.post(reverse("cobuilding:plan-submit", args=[plan.pk]))
    plan.refresh_from_db()
    assert plan.status == PlanStatus.SUBMITTED

    client.force_login(beiling_staff)
    client.post(reverse("cobuilding:plan-return", args=[plan.pk]), {"comment": "请补充化粪池"})
    plan.refresh_from_db()
    assert plan.status == PlanStatus.RETURNED and plan.review_comment == "请补充化粪池"
    page = client.get(reverse("cobuilding:plan-detail", args=[plan.pk])).content.decode()
    assert "请补充化粪池" in page

    client.force_login(chengfa_liaison)
    client.post(reverse("cobuilding:plan-submit", args=[plan.pk]))
    client.force_login(beiling_staff)
    client.post(reverse("cobuilding:plan-agree", args=[plan.pk]))
    client.force_login(city_admin)
    client.post(reverse("cobuilding:plan-approve", args=[plan.pk]))
    plan.refresh_from_db()
    assert plan.status == PlanStatus.APPROVED
    compare = client.get(reverse("cobuilding:plan-compare", args=[plan.pk]) + "?a=1&b=2")
    assert compare.status_code == 200


def test_it_refuses_other_units_and_outsiders(client, world, plan, sewer_item, gongdian_liaison, resident) -> None:
    client.force_login(gongdian_liaison)
    assert client.get(reverse("cobuilding:plan-detail", args=[plan.pk])).status_code == 404
    assert client.post(reverse("cobuilding:plan-submit", args=[plan.pk])).status_code == 404
    assert client.get(reverse("cobuilding:item-edit", args=[sewer_item.pk])).status_code == 404
    assert client.get(reverse("cobuilding:plan-create", args=[world["chengfa_pairing"].pk])).status_code == 404
    client.force_login(resident)
    assert client.get(reverse("cobuilding:plan-detail", args=[plan.pk])).status_code == 404
    client.logout()
    response = client.get(reverse("cobuilding:plan-detail", args=[plan.pk]))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_it_exports_the_approved_plan_as_a_government_document(client, approved, chengfa_liaison) -> None:
    client.force_login(chengfa_liaison)
    response = client.get(reverse("cobuilding:plan-docx", args=[approved.pk]))
    assert response.status_code == 200
    doc = Document(io.BytesIO(response.content))
    texts = [p.text for p in doc.paragraphs]
    assert texts[0] == "2023年度市城发集团北岭社区共建工作实施方案"
    for heading in ("一、工作依据", "二、工作目标", "三、重点任务", "四、保障措施"):
        assert heading in texts
    assert "（一）推进社区建设" in texts
    table = doc.tables[0]
    assert [c.text for c in table.rows[0].cells] == ["序号", "工作内容", "工作目标", "预算（元）", "完成时限", "责任人"]
    assert [c.text for c in table.rows[1].cells] == [
        "1",
        "新苑小区下水管道改造",
        "田心路沿线门店下水道不再淤堵",
        "200,000.00",
        "2023-09-30",
        "城市更新公司",
    ]


def test_it_does_not_export_a_plan_before_approval(client, plan, sewer_item, chengfa_liaison) -> None:
    client.force_login(chengfa_liaison)
    assert client.get(reverse("cobuilding:plan-docx", args=[plan.pk])).status_code == 404


def test_it_records_ledger_entries_and_refuses_bad_money(client, world, sewer_item, chengfa_liaison) -> None:
    client.force_login(chengfa_liaison)
    base = {
        "pairing": world["chengfa_pairing"].pk,
        "kind": "money",
        "made_on": "2023-06-21",
        "person_times": "0",
        "quantity": "0",
        "plan_item": sewer_item.pk,
    }
    for amount in ("-1", "12.345"):
        response = client.post(reverse("cobuilding:ledger-create"), {**base, "amount": amount})
        assert response.status_code == 200
        assert "金额（元）" in response.content.decode()
    assert not Contribution.objects.exists()
    response = client.post(reverse("cobuilding:ledger-create"), {**base, "amount": "120000.50"})
    assert response.status_code == 302
    assert Contribution.objects.get().amount == Decimal("120000.50")


def test_it_shows_commendations_on_the_units_page(client, world, beiling_staff, gongdian_liaison) -> None:
    client.force_login(beiling_staff)
    response = client.post(
        reverse("cobuilding:commendation-create"),
        {
            "pairing": world["chengfa_pairing"].pk,
            "kind": "pennant",
            "text": "为民福祉，排忧解难",
            "given_on": "2023-09-15",
            "given_by": "网格员丁元春和居民代表",
            "photo": make_photo("pennant.jpg"),
        },
    )
    assert response.status_code == 302
    item = Commendation.objects.get()
    assert item.photo and item.recorded_by == beiling_staff
    client.force_login(gongdian_liaison)  # anyone signed in sees the thanks on the unit page
    page = client.get(reverse("units:detail", args=[world["chengfa"].pk])).content.decode()
    assert "为民福祉，排忧解难" in page
    # but only the community records them
    assert client.get(reverse("cobuilding:commendation-create")).status_code == 403


def test_it_shows_the_community_everything_its_unit_did(
    client, world, approved, sewer_item, chengfa_liaison, beiling_staff, gongdian_liaison
) -> None:
    project = project_create(
        pairing=world["chengfa_pairing"], name="北岭社区下水管道改造", budget=Decimal("200000"), spent=Decimal("205000")
    )
    contribution_create(
        pairing=world["chengfa_pairing"],
        actor=chengfa_liaison,
        kind="money",
        made_on=datetime.date(2023, 6, 21),
        amount=Decimal("205000.00"),
        project=project,
    )
    commendation_create(
        pairing=world["chengfa_pairing"],
        actor=beiling_staff,
        text="为民福祉，排忧解难",
        given_on=datetime.date(2023, 9, 15),
    )
    client.force_login(beiling_staff)
    url = reverse("cobuilding:community", args=[world["beiling"].pk])
    page = client.get(url).content.decode()
    for text in (
        "株洲市城市发展集团有限公司",
        "205,000.00",
        "北岭社区下水管道改造",
        "为民福祉，排忧解难",
        approved.title,
    ):
        assert text in page
    client.force_login(gongdian_liaison)
    assert client.get(url).status_code == 404


def test_it_uploads_before_and_after_photos(client, world, chengfa_liaison, gongdian_liaison) -> None:
    project = project_create(pairing=world["chengfa_pairing"], name="化粪池")
    client.force_login(chengfa_liaison)
    client.post(
        reverse("cobuilding:project-photo-add", args=[project.pk]),
        {"stage": "before", "photo": make_photo(exif_gps=True)},
    )
    client.post(reverse("cobuilding:project-photo-add", args=[project.pk]), {"stage": "after", "photo": make_photo()})
    assert list(project.photos.values_list("stage", flat=True)) == ["after", "before"]
    photo = project.photos.first()
    assert client.get(reverse("cobuilding:project-photo", args=[photo.pk])).status_code == 200
    client.force_login(gongdian_liaison)
    assert client.get(reverse("cobuilding:project-photo", args=[photo.pk])).status_code == 404
    assert (
        client.post(
            reverse("cobuilding:project-photo-add", args=[project.pk]), {"stage": "after", "photo": make_photo()}
        ).status_code
        == 404
    )
    assert Project.objects.get().photos.count() == 2


def test_it_puts_its_figures_on_the_dashboard(client, world, approved, chengfa_liaison, sewer_item) -> None:
    contribution_create(
        pairing=world["chengfa_pairing"],
        actor=chengfa_liaison,
        kind="money",
        made_on=datetime.date(2023, 6, 21),
        amount=Decimal("205000.00"),
        plan_item=sewer_item,
    )
    client.force_login(chengfa_liaison)
    page = client.get(reverse("core:dashboard")).content.decode()
    assert 'data-figure="cobuilding.contributions"' in page and "20.5 万元" in page
    assert 'data-figure="cobuilding.plans"' in page and "1 / 2" in page
    assert 'data-figure="cobuilding.ranking"' in page


def test_it_lists_and_totals_for_each_kind_of_user(
    client, world, approved, chengfa_liaison, beiling_staff, city_admin
) -> None:
    for user in (chengfa_liaison, beiling_staff, city_admin):
        client.force_login(user)
        for name in ("plan-list", "ledger-list", "ledger-totals", "project-list", "commendation-list", "ranking"):
            assert client.get(reverse(f"cobuilding:{name}")).status_code == 200, (user, name)
        for by in ("unit", "community", "district", "campaign"):
            assert client.get(reverse("cobuilding:ledger-totals"), {"by": by}).status_code == 200
    client.force_login(city_admin)
    assert client.get(reverse("cobuilding:weights", args=[world["campaign"].pk])).status_code == 200


def test_it_speaks_english(client, world, approved, chengfa_liaison) -> None:
    client.force_login(chengfa_liaison)
    client.cookies["django_language"] = "en"
    page = client.get(reverse("cobuilding:plan-detail", args=[approved.pk]), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Community construction" in page and "Approved by the city office" in page
