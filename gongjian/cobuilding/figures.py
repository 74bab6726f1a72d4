from decimal import Decimal

from django.urls import reverse
from django.utils.translation import gettext as _

from gongjian.cobuilding.models import Contribution, Plan, PlanStatus
from gongjian.core.figures import Figure, FigureContext, figure
from gongjian.pairings.models import Pairing
from gongjian.pairings.selectors import campaign_current

RED = "#b8322a"


def _wan(money: Decimal) -> str:
    return f"{money / 10000:,.1f}"


@figure("cobuilding.contributions", order=30)
def contributions_figure(ctx: FigureContext) -> Figure | None:
    """Campaign-wide totals of the ledger (published figures; which unit gave what is scoped)."""
    campaign = campaign_current()
    if campaign is None:
        return None
    from django.db.models import Count, Q, Sum
    from django.db.models.functions import Coalesce

    agg = Contribution.objects.filter(pairing__campaign=campaign).aggregate(
        money=Coalesce(Sum("amount"), Decimal(0)),
        people=Coalesce(Sum("person_times"), 0),
        units=Count("pairing__unit_id", distinct=True, filter=Q(amount__gt=0) | Q(person_times__gt=0)),
    )
    return Figure(
        key="cobuilding.contributions",
        title=_("%(year)s 年联点单位投入") % {"year": campaign.year},
        value=_("%(wan)s 万元") % {"wan": _wan(agg["money"])},
        detail=_("志愿服务 %(people)s 人次；%(units)s 家单位有投入")
        % {"people": f"{agg['people']:,}", "units": agg["units"]},
        url=reverse("cobuilding:ledger-totals") + f"?campaign={campaign.pk}",
    )


@figure("cobuilding.plans", order=31)
def plans_figure(ctx: FigureContext) -> Figure | None:
    campaign = campaign_current()
    if campaign is None:
        return None
    from django.db.models import Count

    counts = dict(
        Plan.objects.filter(pairing__campaign=campaign).values_list("status").annotate(n=Count("id")).order_by()
    )
    paired = Pairing.objects.filter(campaign=campaign).count()
    approved = counts.get(PlanStatus.APPROVED, 0)
    labels = [(s, str(s.label)) for s in PlanStatus]
    none = paired - sum(counts.values())
    return Figure(
        key="cobuilding.plans",
        title=_("共建工作实施方案已批准"),
        value=f"{approved} / {paired}",
        detail=_("社区已同意 %(agreed)s，待确认 %(submitted)s，退回修改 %(returned)s，尚未提交 %(none)s")
        % {
            "agreed": counts.get(PlanStatus.AGREED, 0),
            "submitted": counts.get(PlanStatus.SUBMITTED, 0),
            "returned": counts.get(PlanStatus.RETURNED, 0),
            "none": none + counts.get(PlanStatus.DRAFT, 0),
        },
        url=reverse("cobuilding:plan-list") + f"?campaign={campaign.pk}",
        chart={
            "series": [
                {
                    "type": "pie",
                    "radius": ["55%", "80%"],
                    "label": {"show": False},
                    "data": [{"name": label, "value": counts.get(s, 0)} for s, label in labels]
                    + [{"name": _("未编制"), "value": none}],
                }
            ],
            "color": ["#9ca3af", "#f59e0b", "#ef4444", "#60a5fa", RED, "#e5e7eb"],
            "tooltip": {"trigger": "item"},
        },
    )


@figure("cobuilding.ranking", order=32)
def ranking_figure(ctx: FigureContext) -> Figure | None:
    campaign = campaign_current()
    if campaign is None:
        return None
    from gongjian.cobuilding.selectors import ranking

    board = ranking(campaign=campaign)
    if not board.rows:
        return None
    top = board.rows[0]
    return Figure(
        key="cobuilding.ranking",
        title=_("共建工作红黑榜"),
        value=f"{top.unit_short_name} {top.total}",
        detail=_("%(n)d 家单位，满分 %(full)s；点击查看排名与计分公式")
        % {"n": len(board.rows), "full": board.full_marks},
        url=reverse("cobuilding:ranking") + f"?campaign={campaign.pk}",
    )
