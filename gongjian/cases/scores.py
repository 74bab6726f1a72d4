"""The cases app's parts of the unit scorecard: how the cases of each unit's paired community
were handled in the campaign's year. Two aggregate queries for all units together."""

import datetime
from decimal import Decimal
from typing import Any

from django.db.models import Avg, Count, F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gongjian.cases.models import Case
from gongjian.core.scorecard import PartValue, clamp, score_part
from gongjian.pairings.models import Pairing


def _campaign_cases(campaign: Any) -> Any:
    tz = timezone.get_current_timezone()
    start = datetime.datetime.combine(campaign.starts_on, datetime.time.min, tzinfo=tz)
    end = datetime.datetime.combine(campaign.ends_on, datetime.time.max, tzinfo=tz)
    return Case.objects.filter(created_at__range=(start, end)).exclude(
        status__in=[Case.Status.MERGED, Case.Status.REJECTED]
    )


def _by_community(campaign: Any, **aggregates: Any) -> tuple[dict[int, int], dict[int, dict[str, Any]]]:
    unit_of = dict(Pairing.objects.filter(campaign=campaign).values_list("community_id", "unit_id"))
    cases = _campaign_cases(campaign).filter(community_id__in=list(unit_of))
    rows = cases.values("community_id").annotate(**aggregates)
    return unit_of, {r["community_id"]: r for r in rows}


@score_part(
    "cases.on_time",
    title=_("联点社区诉求按时办结"),
    formula=_("联点社区诉求中按时处置的件数 ÷ 已处置件数"),
    default_weight=Decimal(15),
    order=40,
)
def cases_on_time(campaign: Any) -> dict[int, PartValue]:
    _units, by_community = _by_community(
        campaign,
        resolved=Count("id", filter=Q(resolved_at__isnull=False)),
        on_time=Count("id", filter=Q(resolved_at__isnull=False, resolved_at__lte=F("due_at"))),
    )
    out: dict[int, PartValue] = {}
    for pairing in Pairing.objects.filter(campaign=campaign).values("unit_id", "community_id"):
        row = by_community.get(pairing["community_id"])
        if not row or not row["resolved"]:
            continue
        out[pairing["unit_id"]] = PartValue(
            ratio=clamp(row["on_time"] / row["resolved"]),
            detail=f"{row['on_time']} / {row['resolved']} 按时",
            raw=row["on_time"],
        )
    return out


@score_part(
    "cases.rating",
    title=_("联点社区诉求群众满意度"),
    formula=_("联点社区诉求评价平均分 ÷ 5"),
    default_weight=Decimal(10),
    order=41,
)
def cases_rating(campaign: Any) -> dict[int, PartValue]:
    _units, by_community = _by_community(
        campaign,
        average=Avg("rating", filter=Q(rating__isnull=False)),
        rated=Count("id", filter=Q(rating__isnull=False)),
    )
    out: dict[int, PartValue] = {}
    for pairing in Pairing.objects.filter(campaign=campaign).values("unit_id", "community_id"):
        row = by_community.get(pairing["community_id"])
        if not row or not row["rated"]:
            continue
        average = float(row["average"])
        out[pairing["unit_id"]] = PartValue(
            ratio=clamp(average / 5), detail=f"{average:.1f} 分（{row['rated']} 件）", raw=round(average, 2)
        )
    return out
