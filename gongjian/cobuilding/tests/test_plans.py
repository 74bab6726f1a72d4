import datetime
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from gongjian.cobuilding.models import ItemStatus, Plan, PlanItem, PlanStatus, WorkArea
from gongjian.cobuilding.selectors import revision_compare
from gongjian.cobuilding.services import (
    plan_agree,
    plan_approve,
    plan_create,
    plan_item_add,
    plan_item_update,
    plan_return,
    plan_submit,
    plan_update,
)
from gongjian.core.models import AuditEntry, Notification


def test_it_starts_a_draft_with_the_government_title(plan: Plan) -> None:
    assert plan.status == PlanStatus.DRAFT
    assert plan.title == "2023年度市城发集团北岭社区共建工作实施方案"


def test_it_keeps_one_plan_per_pairing(world: dict[str, Any], plan: Plan, chengfa_liaison: Any) -> None:
    with pytest.raises(ValidationError) as exc:
        plan_create(pairing=world["chengfa_pairing"], actor=chengfa_liaison)
    assert "pairing" in exc.value.message_dict


def test_it_refuses_an_item_due_outside_the_campaign(plan: Plan) -> None:
    with pytest.raises(ValidationError) as exc:
        plan_item_add(plan=plan, area=WorkArea.PUBLICITY, title="宣传栏", due_on=datetime.date(2024, 1, 5))
    assert "due_on" in exc.value.message_dict
    assert not PlanItem.objects.exists()


@pytest.mark.parametrize("budget", [Decimal("-1"), Decimal("10.123")])
def test_it_refuses_a_bad_budget(plan: Plan, budget: Decimal) -> None:
    with pytest.raises(ValidationError) as exc:
        plan_item_add(
            plan=plan, area=WorkArea.PUBLICITY, title="宣传栏", budget=budget, due_on=datetime.date(2023, 6, 1)
        )
    assert "budget" in exc.value.message_dict


def test_it_refuses_to_submit_a_plan_without_items(plan: Plan, chengfa_liaison: Any) -> None:
    with pytest.raises(ValidationError) as exc:
        plan_submit(plan=plan, actor=chengfa_liaison)
    assert "items" in exc.value.message_dict
    plan.refresh_from_db()
    assert plan.status == PlanStatus.DRAFT


def test_it_runs_the_whole_lifecycle_and_keeps_each_submission(
    plan: Plan, sewer_item: PlanItem, chengfa_liaison: Any, beiling_staff: Any, city_admin: Any
) -> None:
    first = plan_submit(plan=plan, actor=chengfa_liaison)
    assert first.number == 1
    assert Notification.objects.filter(recipient=beiling_staff, kind="cobuilding.plan_submitted").exists()
    with pytest.raises(ValidationError):
        plan_item_update(item=sewer_item, title="改了")  # submitted: the content is frozen
    plan_return(plan=plan, actor=beiling_staff, comment="请补充化粪池建设内容")
    plan.refresh_from_db()
    assert plan.status == PlanStatus.RETURNED
    assert plan.review_comment == "请补充化粪池建设内容"
    assert Notification.objects.filter(recipient=chengfa_liaison, kind="cobuilding.plan_returned").exists()

    plan_item_update(item=sewer_item, budget=Decimal("150000.00"))
    plan_item_add(
        plan=plan,
        area=WorkArea.COMMUNITY_BUILDING,
        title="新建小区化粪池",
        budget=Decimal("60000"),
        due_on=datetime.date(2023, 10, 31),
    )
    second = plan_submit(plan=plan, actor=chengfa_liaison)
    assert second.number == 2
    plan_agree(plan=plan, actor=beiling_staff)
    plan_approve(plan=plan, actor=city_admin)
    plan.refresh_from_db()
    assert plan.status == PlanStatus.APPROVED and plan.revision == 2
    outcomes = list(plan.revisions.values_list("number", "outcome", "outcome_comment"))
    assert outcomes == [(1, "returned", "请补充化粪池建设内容"), (2, "approved", "")]
    events = set(AuditEntry.objects.filter(action="event").values_list("event", flat=True))
    assert {
        "cobuilding.plan_submitted",
        "cobuilding.plan_returned",
        "cobuilding.plan_agreed",
        "cobuilding.plan_approved",
    } <= events

    # Progress is updated after approval; the content is not.
    plan_item_update(item=sewer_item, status=ItemStatus.DONE, completed_on=datetime.date(2023, 9, 20))
    sewer_item.refresh_from_db()
    assert sewer_item.progress == 100 and sewer_item.on_time
    with pytest.raises(ValidationError):
        plan_update(plan=plan, goals="改目标")


def test_it_compares_two_revisions_item_by_item(
    plan: Plan, sewer_item: PlanItem, chengfa_liaison: Any, beiling_staff: Any
) -> None:
    first = plan_submit(plan=plan, actor=chengfa_liaison)
    plan_return(plan=plan, actor=beiling_staff, comment="补充")
    plan_item_update(item=sewer_item, budget=Decimal("150000.00"), responsible="市城发集团")
    plan_item_add(plan=plan, area=WorkArea.VOLUNTEER_SERVICE, title="卫生大清扫", due_on=datetime.date(2023, 8, 18))
    plan_update(plan=plan, goals="解决下水道淤堵，硬化路面")
    second = plan_submit(plan=plan, actor=chengfa_liaison)

    diff = revision_compare(a=first, b=second)
    assert diff.counts == {"added": 1, "removed": 0, "changed": 1, "same": 0}
    changed = next(d for d in diff.items if d.state == "changed")
    assert changed.title == "新苑小区下水管道改造"
    assert [(c.label, c.old, c.new) for c in changed.changes] == [
        ("预算（元）", "200000.00", "150000.00"),
        ("责任人", "城市更新公司", "市城发集团"),
    ]
    assert [c.label for c in diff.text_changes] == ["工作目标"]
    added = next(d for d in diff.items if d.state == "added")
    assert added.area == "开展志愿服务"


def test_it_lets_only_the_right_people_move_the_plan(
    plan: Plan,
    sewer_item: PlanItem,
    chengfa_liaison: Any,
    gongdian_liaison: Any,
    beiling_staff: Any,
    beiling_grid_worker: Any,
    city_admin: Any,
) -> None:
    with pytest.raises(PermissionDenied):
        plan_submit(plan=plan, actor=gongdian_liaison)  # another unit
    plan_submit(plan=plan, actor=chengfa_liaison)
    for outsider in (gongdian_liaison, chengfa_liaison, beiling_grid_worker, city_admin):
        with pytest.raises(PermissionDenied):
            plan_agree(plan=plan, actor=outsider)
    plan_agree(plan=plan, actor=beiling_staff)
    for outsider in (beiling_staff, chengfa_liaison, gongdian_liaison):
        with pytest.raises(PermissionDenied):
            plan_approve(plan=plan, actor=outsider)
    plan_approve(plan=plan, actor=city_admin)


def test_it_audits_every_change_of_a_plan_and_its_items(plan: Plan, sewer_item: PlanItem) -> None:
    plan_item_update(item=sewer_item, budget=Decimal("210000.00"))
    entry = AuditEntry.objects.filter(action="update", object_id=str(sewer_item.pk)).latest("id")
    assert entry.changes["budget"] == ["200000.00", "210000.00"]
    assert AuditEntry.objects.filter(action="create", object_id=str(plan.pk), object_repr=plan.title).exists()
