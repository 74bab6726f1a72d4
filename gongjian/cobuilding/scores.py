"""The scorecard parts this app knows: visits, the head leading one, the plan, items done on
time, contributions and commendations. Each is a few aggregate queries over all units of the
campaign, whatever their number."""

from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db.models import Count, F, Q, Sum
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gongjian.cobuilding.models import Commendation, Contribution, ItemStatus, PlanItem, PlanStatus
from gongjian.core.scorecard import PartValue, clamp, score_part
from gongjian.pairings.models import Pairing
from gongjian.pairings.selectors import visit_counts_by_unit


def _visit_counts(campaign: Any) -> dict[int, tuple[int, int]]:
    """Visits and head-led visits by unit, read once per scoring of a campaign (two parts use
    them): kept on the campaign object, which lives as long as the request that scores it."""
    cached = getattr(campaign, "_cobuilding_visit_counts", None)
    if cached is None:
        cached = visit_counts_by_unit(campaign=campaign)
        campaign._cobuilding_visit_counts = cached
    return cached


PLAN_RATIO: dict[str, float] = {PlanStatus.APPROVED: 1.0, PlanStatus.AGREED: 0.5}


@score_part(
    "cobuilding.visits",
    title=gettext_lazy("走访报到"),
    formula=gettext_lazy("走访次数 ÷ 满分次数（默认 4 次，达到即满分）"),
    default_weight=20,
    order=10,
)
def visits_part(campaign: Any) -> dict[int, PartValue]:
    full = max(settings.COBUILDING_VISITS_FULL_MARKS, 1)
    return {
        unit_id: PartValue(
            ratio=clamp(n / full), detail=_("%(n)d 次（满分 %(full)d 次）") % {"n": n, "full": full}, raw=n
        )
        for unit_id, (n, _head) in _visit_counts(campaign).items()
    }


@score_part(
    "cobuilding.head_led",
    title=gettext_lazy("“一把手”带队走访"),
    formula=gettext_lazy("单位主要负责人带队走访过 = 1，否则 = 0"),
    default_weight=10,
    order=11,
)
def head_led_part(campaign: Any) -> dict[int, PartValue]:
    detail = _("带队 %(n)d 次")
    return {
        unit_id: PartValue(ratio=1.0 if head else 0.0, detail=detail % {"n": head}, raw=head)
        for unit_id, (_n, head) in _visit_counts(campaign).items()
    }


@score_part(
    "cobuilding.plan",
    title=gettext_lazy("共建工作实施方案"),
    formula=gettext_lazy("市文明办已批准 = 1，社区已同意 = 0.5，其他 = 0"),
    default_weight=10,
    order=20,
)
def plan_part(campaign: Any) -> dict[int, PartValue]:
    labels = {value: str(label) for value, label in PlanStatus.choices}
    out = {}
    for unit_id, status in Pairing.objects.filter(campaign=campaign, plan__isnull=False).values_list(
        "unit_id", "plan__status"
    ):
        ratio = PLAN_RATIO.get(status, 0.0)
        out[unit_id] = PartValue(ratio=ratio, detail=labels.get(status, status), raw=ratio)
    return out


@score_part(
    "cobuilding.items_on_time",
    title=gettext_lazy("方案事项按期完成"),
    formula=gettext_lazy("按期完成的事项数 ÷ 已批准方案的事项数"),
    default_weight=15,
    order=21,
)
def items_on_time_part(campaign: Any) -> dict[int, PartValue]:
    rows = (
        PlanItem.objects.filter(plan__pairing__campaign=campaign, plan__status=PlanStatus.APPROVED)
        .values(unit_id=F("plan__pairing__unit_id"))
        .annotate(
            total=Count("id"),
            timely=Count(
                "id", filter=Q(status=ItemStatus.DONE, completed_on__isnull=False, completed_on__lte=F("due_on"))
            ),
        )
    )
    detail = _("%(done)d / %(total)d 项按期完成")
    return {
        r["unit_id"]: PartValue(
            ratio=clamp(r["timely"] / r["total"]) if r["total"] else 0.0,
            detail=detail % {"done": r["timely"], "total": r["total"]},
            raw=r["timely"],
        )
        for r in rows
    }


@score_part(
    "cobuilding.contributions",
    title=gettext_lazy("资金与人力投入"),
    formula=gettext_lazy("0.5 × 投入金额 ÷ 全市最高投入金额 + 0.5 × 志愿服务人次 ÷ 全市最高人次"),
    default_weight=15,
    order=30,
)
def contributions_part(campaign: Any) -> dict[int, PartValue]:
    rows = list(
        Contribution.objects.filter(pairing__campaign=campaign)
        .values(unit_id=F("pairing__unit_id"))
        .annotate(money=Sum("amount"), people=Sum("person_times"))
    )
    top_money = max((r["money"] or Decimal(0) for r in rows), default=Decimal(0))
    top_people = max((r["people"] or 0 for r in rows), default=0)
    detail = _("%(money)s 元，%(people)d 人次")
    out = {}
    for r in rows:
        money: Decimal = r["money"] or Decimal(0)
        people: int = r["people"] or 0
        ratio = (0.5 * float(money / top_money) if top_money else 0.0) + (
            0.5 * people / top_people if top_people else 0.0
        )
        out[r["unit_id"]] = PartValue(
            ratio=clamp(ratio),
            detail=detail % {"money": f"{money:,.2f}", "people": people},
            raw=money,
        )
    return out


@score_part(
    "cobuilding.commendations",
    title=gettext_lazy("社区表扬"),
    formula=gettext_lazy("收到锦旗、感谢信数 ÷ 满分数（默认 2 面，达到即满分）"),
    default_weight=5,
    order=50,
)
def commendations_part(campaign: Any) -> dict[int, PartValue]:
    full = max(settings.COBUILDING_COMMENDATIONS_FULL_MARKS, 1)
    rows = (
        Commendation.objects.filter(pairing__campaign=campaign)
        .values(unit_id=F("pairing__unit_id"))
        .annotate(n=Count("id"))
    )
    detail = _("%(n)d 次")
    return {
        r["unit_id"]: PartValue(ratio=clamp(r["n"] / full), detail=detail % {"n": r["n"]}, raw=r["n"]) for r in rows
    }
