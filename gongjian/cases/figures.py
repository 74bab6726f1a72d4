"""The cases app's dashboard figures: open and overdue cases, resolution on time, time to close
and satisfaction, by district, category and unit. Each viewer sees the cases in their scope."""

import datetime
from typing import Any

from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from gongjian.cases.models import Case
from gongjian.cases.selectors import CaseStats, case_breakdown, case_stats
from gongjian.core import policy
from gongjian.core.figures import Figure, FigureContext, figure

RED = "#b8322a"
GREY = "#9ca3af"
GREEN = "#2f7d4f"


def _scoped(ctx: FigureContext) -> tuple[QuerySet[Case], datetime.datetime, CaseStats] | None:
    """The viewer's cases up to the day, the moment "overdue" is judged at, and their counts
    (computed once for the three figures)."""
    if not getattr(ctx.user, "is_authenticated", False):
        return None
    cached = getattr(ctx, "_cases_scoped", None)
    if cached is not None:
        return cached  # type: ignore[no-any-return]
    end = datetime.datetime.combine(ctx.as_of, datetime.time.max, tzinfo=timezone.get_current_timezone())
    at = min(end, timezone.now())
    qs = policy.restrict(Case.objects.all(), ctx.user, policy.VIEW).filter(created_at__lte=end)
    result = (qs, at, case_stats(qs, at=at))
    object.__setattr__(ctx, "_cases_scoped", result)  # FigureContext is frozen; this is a per-request memo
    return result


def _bar(rows: list[dict[str, Any]], series: list[tuple[str, str, str]], limit: int = 8) -> dict[str, Any]:
    """Horizontal stacked bars, the largest group on top: names stay readable in a dashboard card."""
    rows = rows[:limit]
    return {
        "legend": {"top": 0, "itemWidth": 12, "itemHeight": 8},
        "yAxis": {"type": "category", "data": [r["name"] for r in rows], "inverse": True},
        "xAxis": {"type": "value", "minInterval": 1},
        "series": [
            {
                "type": "bar",
                "stack": "cases",
                "name": label,
                "data": [r[key] for r in rows],
                "itemStyle": {"color": color},
            }
            for key, label, color in series
        ],
        "tooltip": {"trigger": "axis", "axisPointer": {"type": "shadow"}},
        "grid": {"left": 8, "right": 12, "top": 26 if len(series) < 4 else 46, "bottom": 4, "containLabel": True},
    }


@figure("cases.open", order=40)
def open_cases(ctx: FigureContext) -> Figure | None:
    scoped = _scoped(ctx)
    if scoped is None:
        return None
    qs, at, stats = scoped
    if not stats.total:
        return None
    rows = case_breakdown(qs, by="district__name", at=at)
    for r in rows:
        r["open_in_time"] = r["open"] - r["overdue"]
    return Figure(
        key="cases.open",
        title=_("办理中的诉求"),
        value=str(stats.open),
        detail=_("其中超期 %(overdue)d 件；累计受理 %(total)d 件") % {"overdue": stats.overdue, "total": stats.total},
        url=reverse("cases:manage-list") + "?status=open",
        chart=_bar(rows, [("open_in_time", _("未超期"), GREY), ("overdue", _("超期"), RED)]),
    )


@figure("cases.on_time", order=41)
def on_time(ctx: FigureContext) -> Figure | None:
    scoped = _scoped(ctx)
    if scoped is None:
        return None
    qs, at, stats = scoped
    if not stats.resolved:
        return None
    rows = case_breakdown(qs, by="category__name", at=at)
    for r in rows:
        r["late"] = r["resolved"] - r["on_time"]
    median = stats.median_hours_to_close
    return Figure(
        key="cases.on_time",
        title=_("诉求按时办结率"),
        value=f"{(stats.on_time_rate or 0) * 100:.0f}%",
        detail=_("按时处置 %(on_time)d / 已处置 %(resolved)d；结案用时中位数 %(median)s")
        % {
            "on_time": stats.resolved_on_time,
            "resolved": stats.resolved,
            "median": _("%(h).1f 小时") % {"h": median} if median is not None else "—",
        },
        url=reverse("cases:manage-list"),
        chart=_bar(rows, [("on_time", _("按时"), GREEN), ("late", _("超时"), RED)]),
    )


@figure("cases.by_unit", order=42)
def by_unit(ctx: FigureContext) -> Figure | None:
    scoped = _scoped(ctx)
    if scoped is None:
        return None
    qs, at, stats = scoped
    rows = case_breakdown(qs.filter(unit__isnull=False), by="unit__short_name", at=at)
    if not rows:
        return None
    for r in rows:
        r["late"] = r["resolved"] - r["on_time"]
        r["open_in_time"] = r["open"] - r["overdue"]
    average = stats.average_rating
    return Figure(
        key="cases.by_unit",
        title=_("责任单位办理情况与群众满意度"),
        value=f"{average:.1f}" if average is not None else "—",
        detail=_("群众评价平均分（满分 5 分，%(n)d 件评价）；图为各单位按时、超时处置与办理中、超期未办件数")
        % {"n": stats.rated},
        url=reverse("cases:manage-list"),
        chart=_bar(
            rows,
            [
                ("on_time", _("按时处置"), GREEN),
                ("late", _("超时处置"), "#d97706"),
                ("open_in_time", _("办理中"), GREY),
                ("overdue", _("超期未办"), RED),
            ],
        ),
    )
