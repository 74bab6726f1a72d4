import datetime
import io
from decimal import Decimal
from typing import Any

import pytest
import time_machine
from django.urls import reverse
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.table import Table as DocxTable
from docx.text.paragraph import Paragraph as DocxParagraph

from gongjian.cobuilding.models import Commendation, Contribution, Plan, PlanItem, PlanStatus, Project, WorkArea
from gongjian.cobuilding.services import (
    commendation_create,
    contribution_create,
    plan_agree,
    plan_approve,
    plan_item_add,
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


def _blocks(doc: Any) -> list[tuple[str, Any]]:
    """The document body in order: ("p", text) for paragraphs, ("table", rows of cell texts)."""
    out: list[tuple[str, Any]] = []
    for child in doc.element.body.iterchildren():
        if child.tag == qn("w:p"):
            out.append(("p", DocxParagraph(child, doc).text))
        elif child.tag == qn("w:tbl"):
            out.append(("table", [[c.text for c in row.cells] for row in DocxTable(child, doc).rows]))
    return out


def test_it_exports_the_approved_plan_as_a_government_document(
    client, plan, sewer_item, chengfa_liaison, beiling_staff, city_admin, gongdian_liaison
) -> None:
    plan_item_add(
        plan=plan,
        area=WorkArea.VOLUNTEER_SERVICE,
        title="职工志愿者卫生大清扫",
        target="卫生死角清零",
        budget=Decimal("1500.50"),
        due_on=datetime.date(2023, 8, 18),
        responsible="集团团委",
    )
    plan_submit(plan=plan, actor=chengfa_liaison)
    plan_agree(plan=plan, actor=beiling_staff)
    with time_machine.travel(datetime.datetime(2023, 5, 8, 9, tzinfo=datetime.UTC), tick=False):
        plan_approve(plan=plan, actor=city_admin)
    client.force_login(chengfa_liaison)
    response = client.get(reverse("cobuilding:plan-docx", args=[plan.pk]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats-officedocument.wordprocessingml")
    assert response["Content-Disposition"].startswith("attachment;")
    doc = Document(io.BytesIO(response.content))
    blocks = _blocks(doc)
    texts = [b for kind, b in blocks if kind == "p" and b]

    # Title, centred and in the title face; the units under it.
    assert texts[0] == "2023年度市城发集团北岭社区共建工作实施方案"
    title = doc.paragraphs[0]
    assert title.alignment == WD_ALIGN_PARAGRAPH.CENTER
    assert title.runs[0].font.size.pt == 22
    assert title.runs[0]._element.rPr.rFonts.get(qn("w:eastAsia")) == "方正小标宋简体"
    assert texts[1] == "联点单位：株洲市城市发展集团有限公司\u3000联点社区：北岭社区"

    # Basis, goals, key tasks, safeguards, in that order, each followed by its text.
    def after(heading: str) -> str:
        return texts[texts.index(heading) + 1]

    assert after("一、工作依据") == "依据《株洲市2023年“株事有礼·社区联点共建”工作方案》"
    assert after("二、工作目标") == "解决北岭社区下水道淤堵问题"
    assert after("三、重点任务") == "围绕五大任务，共安排重点任务 2 项，预算合计 201,500.50 元，具体如下："
    assert after("四、保障措施") == "成立工作专班，落实经费"
    headings = ["一、工作依据", "二、工作目标", "三、重点任务", "四、保障措施"]
    assert [texts.index(h) for h in headings] == sorted(texts.index(h) for h in headings)

    # The five work areas in order, each with its items in a table (or a line saying it has none).
    areas = [
        "（一）推进社区建设",
        "（二）创新社会治理",
        "（三）开展志愿服务",
        "（四）倡树文明新风",
        "（五）营造宣传氛围",
    ]
    assert [t for t in texts if t.startswith("（")] == areas
    header = ["序号", "工作内容", "工作目标", "预算（元）", "完成时限", "责任人"]
    tables = {}
    for n, (kind, value) in enumerate(blocks):
        if kind == "table":
            heading = next(b for k, b in reversed(blocks[:n]) if k == "p" and b.startswith("（"))
            tables[heading] = value
    assert tables == {
        "（一）推进社区建设": [
            header,
            [
                "1",
                "新苑小区下水管道改造",
                "田心路沿线门店下水道不再淤堵",
                "200,000.00",
                "2023年9月30日",
                "城市更新公司",
            ],
        ],
        "（三）开展志愿服务": [
            header,
            ["2", "职工志愿者卫生大清扫", "卫生死角清零", "1,500.50", "2023年8月18日", "集团团委"],
        ],
    }
    assert after("（二）创新社会治理") == "本项暂无具体事项。"

    # Signed by the unit and the community, dated the day of approval; A4, numbered pages.
    assert texts[-3:] == ["株洲市城市发展集团有限公司", "北岭社区", "2023年5月8日"]
    section = doc.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    assert round(section.top_margin.mm) == 37 and round(section.left_margin.mm) == 28
    assert 'w:instr="PAGE"' in section.footer.paragraphs[0]._p.xml
    assert doc.core_properties.title == plan.title

    # Another unit cannot fetch it.
    client.force_login(gongdian_liaison)
    assert client.get(reverse("cobuilding:plan-docx", args=[plan.pk])).status_code == 404


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


def test_it_puts_every_change_made_on_the_pages_in_the_audit_trail(
    client, world, plan, sewer_item, chengfa_liaison, beiling_staff, city_admin
) -> None:
    from gongjian.core.models import AuditEntry

    def last(model: str, pk: int, action: str) -> AuditEntry:
        return AuditEntry.objects.filter(content_type__model=model, object_id=str(pk), action=action).latest("id")

    client.force_login(chengfa_liaison)
    form = {
        "title": plan.title,
        "basis": plan.basis,
        "goals": "解决下水道淤堵，硬化路面",
        "safeguards": plan.safeguards,
    }
    assert client.post(reverse("cobuilding:plan-edit", args=[plan.pk]), form).status_code == 302
    entry = last("plan", plan.pk, "update")
    assert entry.actor == chengfa_liaison and entry.remote_addr == "127.0.0.1" and entry.request_id
    assert entry.changes["goals"] == ["解决北岭社区下水道淤堵问题", "解决下水道淤堵，硬化路面"]
    item_form = {
        "area": "community_building",
        "title": sewer_item.title,
        "target": sewer_item.target,
        "budget": "180000.00",
        "due_on": "2023-09-30",
        "responsible": sewer_item.responsible,
        "progress": "0",
        "status": "not_started",
    }
    assert client.post(reverse("cobuilding:item-edit", args=[sewer_item.pk]), item_form).status_code == 302
    entry = last("planitem", sewer_item.pk, "update")
    assert entry.actor == chengfa_liaison and entry.changes["budget"] == ["200000.00", "180000.00"]
    client.post(reverse("cobuilding:plan-submit", args=[plan.pk]))
    client.force_login(beiling_staff)
    client.post(reverse("cobuilding:plan-return", args=[plan.pk]), {"comment": "请补充化粪池"})
    client.force_login(chengfa_liaison)
    client.post(reverse("cobuilding:plan-submit", args=[plan.pk]))
    client.force_login(beiling_staff)
    client.post(reverse("cobuilding:plan-agree", args=[plan.pk]))
    client.force_login(city_admin)
    client.post(reverse("cobuilding:plan-approve", args=[plan.pk]))
    events = list(
        AuditEntry.objects.filter(action="event", object_id=str(plan.pk), event__startswith="cobuilding.plan_")
        .order_by("id")
        .values_list("event", "actor")
    )
    assert events == [
        ("cobuilding.plan_submitted", chengfa_liaison.pk),
        ("cobuilding.plan_returned", beiling_staff.pk),
        ("cobuilding.plan_submitted", chengfa_liaison.pk),
        ("cobuilding.plan_agreed", beiling_staff.pk),
        ("cobuilding.plan_approved", city_admin.pk),
    ]
    status_changes = [
        e.changes["status"]
        for e in AuditEntry.objects.filter(content_type__model="plan", object_id=str(plan.pk), action="update")
        .order_by("id")
        .only("changes")
        if "status" in e.changes
    ]
    assert status_changes == [
        ["draft", "submitted"],
        ["submitted", "returned"],
        ["returned", "submitted"],
        ["submitted", "agreed"],
        ["agreed", "approved"],
    ]

    # The ledger, written on its pages.
    client.force_login(chengfa_liaison)
    ledger = {
        "pairing": world["chengfa_pairing"].pk,
        "kind": "money",
        "made_on": "2023-06-21",
        "amount": "1000",
        "person_times": "0",
        "quantity": "0",
        "plan_item": sewer_item.pk,
    }
    assert client.post(reverse("cobuilding:ledger-create"), ledger).status_code == 302
    money = Contribution.objects.get()
    ledger.pop("pairing")
    assert (
        client.post(reverse("cobuilding:ledger-edit", args=[money.pk]), {**ledger, "amount": "1200.50"}).status_code
        == 302
    )
    assert client.post(reverse("cobuilding:ledger-delete", args=[money.pk])).status_code == 302
    trail = list(
        AuditEntry.objects.filter(content_type__model="contribution", object_id=str(money.pk))
        .order_by("id")
        .values_list("action", "actor")
    )
    assert trail == [("create", chengfa_liaison.pk), ("update", chengfa_liaison.pk), ("delete", chengfa_liaison.pk)]
    assert last("contribution", money.pk, "update").changes["amount"] == ["1000.00", "1200.50"]


def test_it_lets_the_unit_remove_a_photo_and_the_community_remove_a_commendation(
    client, world, chengfa_liaison, gongdian_liaison, beiling_staff
) -> None:
    project = project_create(pairing=world["chengfa_pairing"], name="化粪池")
    client.force_login(chengfa_liaison)
    client.post(reverse("cobuilding:project-photo-add", args=[project.pk]), {"stage": "before", "photo": make_photo()})
    photo = project.photos.get()
    page = client.get(reverse("cobuilding:project-detail", args=[project.pk])).content.decode()
    assert reverse("cobuilding:project-photo-delete", args=[photo.pk]) in page
    thanks = commendation_create(
        pairing=world["chengfa_pairing"],
        actor=beiling_staff,
        text="为民福祉，排忧解难",
        given_on=datetime.date(2023, 9, 15),
    )
    delete_thanks = reverse("cobuilding:commendation-delete", args=[thanks.pk])
    assert delete_thanks not in client.get(reverse("cobuilding:commendation-list")).content.decode()
    assert client.post(delete_thanks).status_code == 403  # the unit does not remove its own thanks

    client.force_login(gongdian_liaison)
    assert client.post(reverse("cobuilding:project-photo-delete", args=[photo.pk])).status_code == 404
    assert client.post(delete_thanks).status_code == 403
    assert project.photos.count() == 1 and Commendation.objects.count() == 1

    client.force_login(chengfa_liaison)
    assert client.post(reverse("cobuilding:project-photo-delete", args=[photo.pk])).status_code == 302
    assert not project.photos.exists()
    client.force_login(beiling_staff)
    assert delete_thanks in client.get(reverse("cobuilding:commendation-list")).content.decode()
    assert client.post(delete_thanks).status_code == 302
    assert not Commendation.objects.exists()
