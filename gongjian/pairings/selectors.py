"""Reads for campaigns, pairings and visits, including the campaign's progress as of a date."""

import datetime
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, F, Min, Q, QuerySet
from django.utils import timezone

from gongjian.core import policy
from gongjian.pairings.models import Campaign, Pairing, Visit
from gongjian.pairings.policies import REPORT, VIEW_VISITS
from gongjian.units.models import Unit


def campaign_current() -> Campaign | None:
    """The campaign running today, else the latest one."""
    today = timezone.localdate()
    return Campaign.objects.filter(starts_on__lte=today, ends_on__gte=today).first() or Campaign.objects.first()


def campaign_default_as_of(campaign: Campaign) -> datetime.date:
    return campaign.clamp(timezone.localdate())


@dataclass(frozen=True)
class Progress:
    campaign: Campaign
    as_of: datetime.date
    paired_units: int
    visited_units: int
    head_led_units: int
    visits: int

    @property
    def rate(self) -> float:
        return self.visited_units / self.paired_units if self.paired_units else 0.0

    @property
    def percent(self) -> str:
        return f"{self.rate * 100:.1f}%"


def campaign_progress(*, campaign: Campaign, as_of: datetime.date) -> Progress:
    """How many paired units had visited their community at least once by ``as_of`` (inclusive).

    The counts are campaign-wide totals, shown to every signed-in user; which unit did what is
    behind the visit scope (:func:`pairing_status_rows`)."""
    upto = Q(visits__visited_on__lte=as_of)
    agg = Pairing.objects.filter(campaign=campaign).aggregate(
        paired=Count("id", distinct=True),
        visited=Count("id", filter=upto, distinct=True),
        head_led=Count("id", filter=upto & Q(visits__led_by_head=True), distinct=True),
        visits=Count("visits", filter=upto),
    )
    return Progress(
        campaign=campaign,
        as_of=as_of,
        paired_units=agg["paired"],
        visited_units=agg["visited"],
        head_led_units=agg["head_led"],
        visits=agg["visits"],
    )


def visits_per_week(*, campaign: Campaign, as_of: datetime.date) -> list[tuple[datetime.date, int]]:
    """Visits per ISO week (keyed by the week's Monday) from the campaign's start up to ``as_of``,
    weeks without visits included as zero."""
    end = min(as_of, campaign.ends_on)
    rows = (
        Visit.objects.filter(pairing__campaign=campaign, visited_on__gte=campaign.starts_on, visited_on__lte=end)
        .values("visited_on")
        .annotate(n=Count("id"))
    )
    counts: dict[datetime.date, int] = {}
    for row in rows:
        day: datetime.date = row["visited_on"]
        monday = day - datetime.timedelta(days=day.weekday())
        counts[monday] = counts.get(monday, 0) + row["n"]
    weeks = []
    monday = campaign.starts_on - datetime.timedelta(days=campaign.starts_on.weekday())
    while monday <= end:
        weeks.append((monday, counts.get(monday, 0)))
        monday += datetime.timedelta(days=7)
    return weeks


def pairing_list(
    *, user: Any, campaign: Campaign | None = None, unit_id: int | None = None, community_id: int | None = None
) -> QuerySet[Pairing]:
    qs = policy.restrict(Pairing.objects.all(), user, policy.VIEW).select_related(
        "campaign", "unit", "community", "community__parent", "community__parent__parent"
    )
    if campaign is not None:
        qs = qs.filter(campaign=campaign)
    if unit_id:
        qs = qs.filter(unit_id=unit_id)
    if community_id:
        qs = qs.filter(community_id=community_id)
    return qs


def pairing_status_rows(*, user: Any, campaign: Campaign, as_of: datetime.date) -> QuerySet[Pairing]:
    """The pairings whose visits the user may see, each with its visit count, first visit and
    number of visits the head led, as of ``as_of``."""
    upto = Q(visits__visited_on__lte=as_of)
    return (
        policy.restrict(Pairing.objects.filter(campaign=campaign), user, VIEW_VISITS)
        .select_related("unit", "community", "community__parent", "community__parent__parent")
        .annotate(
            visit_count=Count("visits", filter=upto),
            first_visit=Min("visits__visited_on", filter=upto),
            head_led=Count("visits", filter=upto & Q(visits__led_by_head=True)),
        )
        .order_by(F("first_visit").asc(nulls_last=True), "unit__id")
    )


def visit_list(
    *,
    user: Any,
    campaign: Campaign | None = None,
    unit_id: int | None = None,
    community_id: int | None = None,
    date_from: datetime.date | None = None,
    date_to: datetime.date | None = None,
    led_by_head: bool | None = None,
) -> QuerySet[Visit]:
    """Visits the user may see, newest first, filtered."""
    qs = (
        policy.restrict(Visit.objects.all(), user, policy.VIEW)
        .select_related("pairing", "pairing__unit", "pairing__community", "pairing__campaign", "created_by")
        .annotate(photo_count=Count("photos"))
        .order_by("-visited_on", "-id")
    )
    if campaign is not None:
        qs = qs.filter(pairing__campaign=campaign)
    if unit_id:
        qs = qs.filter(pairing__unit_id=unit_id)
    if community_id:
        qs = qs.filter(pairing__community_id=community_id)
    if date_from:
        qs = qs.filter(visited_on__gte=date_from)
    if date_to:
        qs = qs.filter(visited_on__lte=date_to)
    if led_by_head is not None:
        qs = qs.filter(led_by_head=led_by_head)
    return qs


def visit_units(*, user: Any) -> QuerySet[Unit]:
    """Units whose visits the user may see (for the visit list's unit filter)."""
    pairings = policy.restrict(Pairing.objects.all(), user, VIEW_VISITS)
    return Unit.objects.filter(pk__in=pairings.values("unit_id")).order_by("id")


def reportable_pairings(*, user: Any, campaign: Campaign | None = None) -> QuerySet[Pairing]:
    """Pairings the user may record visits for (a liaison: their unit's; the city admin: all)."""
    qs = policy.restrict(Pairing.objects.all(), user, REPORT).select_related("campaign", "unit", "community")
    if campaign is not None:
        qs = qs.filter(campaign=campaign)
    return qs.order_by("-campaign__year", "unit__id")


def visit_counts_by_unit(*, campaign: Campaign, as_of: datetime.date | None = None) -> dict[int, tuple[int, int]]:
    """For every unit paired in the campaign: (visits, visits the head led), up to ``as_of``
    (inclusive; all when None). One query whatever the number of units; not scoped (the
    scorecard publishes these counts)."""
    cond = Q(visits__visited_on__lte=as_of) if as_of else Q()
    rows = (
        Pairing.objects.filter(campaign=campaign)
        .values("unit_id")
        .annotate(n=Count("visits", filter=cond), head=Count("visits", filter=cond & Q(visits__led_by_head=True)))
    )
    return {r["unit_id"]: (r["n"], r["head"]) for r in rows}
