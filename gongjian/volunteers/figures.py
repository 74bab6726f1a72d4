import datetime
from decimal import Decimal
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from gongjian.core.figures import Figure, FigureContext, figure
from gongjian.volunteers.models import Activity, ServiceRecord, Team, Volunteer
from gongjian.volunteers.selectors import (
    COUNTED,
    compliance_month,
    hours_by_month,
    month_start,
)

RED = "#b8322a"


@figure("volunteers.people", order=50)
def people_figure(ctx: FigureContext) -> Figure | None:
    """City-wide counts, shown to everyone signed in (who did what is behind the scopes)."""
    if not getattr(ctx.user, "is_authenticated", False):
        return None
    volunteers = Volunteer.objects.filter(is_active=True).count()
    party = Volunteer.objects.filter(is_active=True, is_party_member=True).count()
    teams = Team.objects.count()
    activities = Activity.objects.filter(status=Activity.Status.PUBLISHED).count()
    return Figure(
        key="volunteers.people",
        title=_("注册志愿者"),
        value=str(volunteers),
        detail=_("其中在职党员 %(party)d 名；志愿服务队 %(teams)d 支；活动 %(activities)d 场")
        % {"party": party, "teams": teams, "activities": activities},
        url=reverse("volunteers:activity-list"),
    )


@figure("volunteers.hours", order=51)
def hours_figure(ctx: FigureContext) -> Figure | None:
    if not getattr(ctx.user, "is_authenticated", False):
        return None
    months = hours_by_month(as_of=ctx.as_of)
    total = ServiceRecord.objects.filter(status__in=COUNTED).count()
    return Figure(
        key="volunteers.hours",
        title=_("志愿服务时长（按月）"),
        value=_("%(h)s 小时") % {"h": sum((h for _m, h in months), Decimal("0"))},
        detail=_("近 12 个月已认定的时长；累计认定服务 %(n)d 人次") % {"n": total},
        url=reverse("volunteers:activity-list"),
        chart=monthly_hours_chart(months),
    )


def monthly_hours_chart(months: list[tuple[datetime.date, Decimal]]) -> dict[str, Any]:
    return {
        "xAxis": {"type": "category", "data": [m.strftime("%Y-%m") for m, _h in months]},
        "yAxis": {"type": "value"},
        "series": [
            {"type": "bar", "name": _("服务时长"), "data": [float(h) for _m, h in months], "itemStyle": {"color": RED}}
        ],
        "tooltip": {"trigger": "axis"},
        "grid": {"left": 48, "right": 12, "top": 16, "bottom": 28},
    }


@figure("volunteers.compliance", order=52)
def compliance_figure(ctx: FigureContext) -> Figure | None:
    """This month's share of in-service party members who have served in a community (those the
    viewer may see: the city for the city admin, a unit's own members for its liaison)."""
    if not getattr(ctx.user, "is_authenticated", False):
        return None
    month = month_start(ctx.as_of)
    total = compliance_month(user=ctx.user, month=month).total
    if not total.members:
        return None
    return Figure(
        key="volunteers.compliance",
        title=_("在职党员进社区服务（%(month)s）") % {"month": month.strftime("%Y-%m")},
        value=total.percent,
        detail=_("%(served)d / %(members)d 名在职党员本月已到社区服务至少一次")
        % {"served": total.served, "members": total.members},
        url=reverse("volunteers:compliance") + f"?month={month:%Y-%m}",
        chart={
            "series": [
                {
                    "type": "pie",
                    "radius": ["55%", "80%"],
                    "label": {"show": False},
                    "data": [
                        {"name": _("已服务"), "value": total.served},
                        {"name": _("未服务"), "value": total.not_served},
                    ],
                }
            ],
            "color": [RED, "#e5e7eb"],
            "tooltip": {"trigger": "item"},
        },
    )
