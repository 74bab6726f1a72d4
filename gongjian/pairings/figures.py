import datetime
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from gongjian.core.figures import Figure, FigureContext, figure
from gongjian.pairings.selectors import campaign_current, campaign_progress, visits_per_week

RED = "#b8322a"  # the site's red (site.css --red)


@figure("pairings.progress", order=10)
def progress_figure(ctx: FigureContext) -> Figure | None:
    campaign = campaign_current()
    if campaign is None:
        return None
    as_of = campaign.clamp(ctx.as_of)
    p = campaign_progress(campaign=campaign, as_of=as_of)
    return Figure(
        key="pairings.progress",
        title=_("%(year)s 年已走访联点社区的单位") % {"year": campaign.year},
        value=f"{p.visited_units} / {p.paired_units}",
        detail=_("截至 %(date)s，%(percent)s；其中“一把手”带队 %(head)s 家")
        % {"date": as_of.isoformat(), "percent": p.percent, "head": p.head_led_units},
        url=reverse("pairings:campaign-detail", args=[campaign.pk]) + f"?as_of={as_of.isoformat()}",
        chart={
            "series": [
                {
                    "type": "pie",
                    "radius": ["55%", "80%"],
                    "label": {"show": False},
                    "data": [
                        {"name": _("已走访"), "value": p.visited_units},
                        {"name": _("未走访"), "value": p.paired_units - p.visited_units},
                    ],
                }
            ],
            "color": [RED, "#e5e7eb"],
            "tooltip": {"trigger": "item"},
        },
    )


@figure("pairings.visits_per_week", order=20)
def visits_per_week_figure(ctx: FigureContext) -> Figure | None:
    campaign = campaign_current()
    if campaign is None:
        return None
    as_of = campaign.clamp(ctx.as_of)
    weeks = visits_per_week(campaign=campaign, as_of=as_of)
    total = sum(n for _w, n in weeks)
    return Figure(
        key="pairings.visits_per_week",
        title=_("走访次数（按周）"),
        value=str(total),
        detail=_("%(year)s 年 %(weeks)d 周，最近一周 %(last)d 次")
        % {"year": campaign.year, "weeks": len(weeks), "last": weeks[-1][1] if weeks else 0},
        url=reverse("pairings:visit-list"),
        chart=weekly_visits_chart(weeks),
    )


def weekly_visits_chart(weeks: list[tuple[datetime.date, int]]) -> dict[str, Any]:
    """The ECharts option for visits per week (the dashboard card and the campaign page)."""
    return {
        "xAxis": {"type": "category", "data": [w.strftime("%m-%d") for w, _n in weeks]},
        "yAxis": {"type": "value", "minInterval": 1},
        "series": [{"type": "bar", "name": _("走访次数"), "data": [n for _w, n in weeks], "itemStyle": {"color": RED}}],
        "tooltip": {"trigger": "axis"},
        "grid": {"left": 40, "right": 12, "top": 16, "bottom": 28},
    }
