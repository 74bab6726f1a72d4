"""Reads about cases. What the public sees (:func:`public_cases`) never carries the reporter's
identity; everything else is scoped by the policy module."""

import datetime
import statistics
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Avg, Count, F, Q, QuerySet
from django.urls import reverse

from gongjian.cases.models import Case, CaseEvent, CasePhoto, Category, hash_follow_token
from gongjian.cases.policies import VIEW_REPORTER
from gongjian.cases.services import NEARBY_METRES, distance_m
from gongjian.core import policy
from gongjian.places.models import Place, PlaceKind

PUBLIC_STATUSES = [s for s in Case.Status.values if s != Case.Status.MERGED]


def public_categories() -> QuerySet[Category]:
    """The categories a public report may choose."""
    return Category.objects.filter(active=True).order_by("klass", "order", "id")


def public_cases() -> QuerySet[Case]:
    """Cases the public may see: of a public category, not merged into another. Callers show
    none of the reporter fields."""
    return (
        Case.objects.filter(category__is_public=True)
        .exclude(status=Case.Status.MERGED)
        .select_related("category", "community", "district", "unit")
    )


def case_public_url(case: Case) -> str:
    return reverse("cases:public-detail", args=[case.number])


def case_photo_public_url(photo: CasePhoto) -> str:
    """The URL of a case photo; the view serving it asks :func:`photo_visible`."""
    return reverse("cases:photo", args=[photo.pk])


def photo_visible(*, photo: CasePhoto, user: Any) -> bool:
    """Photos of public cases are public; others only to those who may see the case."""
    if public_cases().filter(pk=photo.case_id).exists():
        return True
    return policy.restrict(CasePhoto.objects.filter(pk=photo.pk), user, policy.VIEW).exists()


def case_by_follow_token(token: str) -> Case | None:
    if not token or len(token) > 100:
        return None
    return (
        Case.objects.filter(follow_token_hash=hash_follow_token(token))
        .select_related("category", "community", "unit", "merged_into")
        .first()
    )


def may_see_reporter(*, user: Any, case: Case) -> bool:
    return policy.can(user, VIEW_REPORTER, case)


@dataclass
class CaseFilters:
    category: Category | None = None
    status: str = ""
    district: Place | None = None
    community: Place | None = None
    unit_id: int | None = None
    overdue: bool = False
    q: str = ""
    date_from: datetime.date | None = None
    date_to: datetime.date | None = None


def apply_filters(qs: QuerySet[Case], f: CaseFilters) -> QuerySet[Case]:
    if f.category is not None:
        qs = qs.filter(category=f.category)
    if f.status == "open":
        qs = qs.filter(status__in=Case.OPEN_STATUSES)
    elif f.status:
        qs = qs.filter(status=f.status)
    if f.district is not None:
        qs = qs.filter(district=f.district)
    if f.community is not None:
        qs = qs.filter(community=f.community)
    if f.unit_id:
        qs = qs.filter(unit_id=f.unit_id)
    if f.overdue:
        qs = qs.filter(overdue_at__isnull=False)
    if f.q:
        qs = qs.filter(Q(number__icontains=f.q) | Q(description__icontains=f.q) | Q(address__icontains=f.q))
    if f.date_from:
        qs = qs.filter(created_at__date__gte=f.date_from)
    if f.date_to:
        qs = qs.filter(created_at__date__lte=f.date_to)
    return qs


def case_list(*, user: Any, filters: CaseFilters | None = None) -> QuerySet[Case]:
    """The cases ``user`` may see (staff, units, a resident's own), filtered."""
    qs = policy.restrict(Case.objects.all(), user, policy.VIEW).select_related(
        "category", "community", "district", "unit"
    )
    return apply_filters(qs, filters or CaseFilters())


def public_case_list(*, filters: CaseFilters | None = None) -> QuerySet[Case]:
    return apply_filters(public_cases(), filters or CaseFilters())


def case_timeline(*, case: Case) -> QuerySet[CaseEvent]:
    return case.events.select_related("unit").order_by("created_at", "id")


def nearby_open_cases(
    *, category: Category, place: Place | None = None, lat: Decimal | None = None, lng: Decimal | None = None
) -> list[Case]:
    """Unfinished public cases of the same category in the same estate (or community, when the
    place is a community) or within ``NEARBY_METRES`` of the point, most supported first."""
    base = public_cases().filter(category=category, status__in=Case.UNFINISHED_STATUSES)
    found: dict[int, Case] = {}
    if place is not None:
        estate = place
        if place.kind not in (PlaceKind.ESTATE, PlaceKind.COMMUNITY):
            ids = [*place.ancestor_ids, place.pk]
            estate = Place.objects.filter(pk__in=ids, kind=PlaceKind.ESTATE).first() or place
        for case in base.filter(place__path__startswith=estate.path)[:20]:
            found[case.pk] = case
    if lat is not None and lng is not None:
        # About 0.003° of latitude is 330 m: a box the database can cut, then the exact distance.
        span = Decimal("0.004")
        box = base.filter(lat__range=(lat - span, lat + span), lng__range=(lng - span, lng + span))
        for case in box[:100]:
            if (
                case.lat is not None
                and case.lng is not None
                and distance_m(float(lat), float(lng), float(case.lat), float(case.lng)) <= NEARBY_METRES
            ):
                found[case.pk] = case
    return sorted(found.values(), key=lambda c: (-c.me_too_count, -c.created_at.timestamp()))[:10]


@dataclass
class CaseStats:
    total: int
    open: int
    overdue: int
    resolved: int
    resolved_on_time: int
    median_hours_to_close: float | None
    rated: int
    average_rating: float | None

    @property
    def on_time_rate(self) -> float | None:
        return self.resolved_on_time / self.resolved if self.resolved else None


def case_stats(qs: QuerySet[Case], *, at: datetime.datetime) -> CaseStats:
    """Counts over a scoped queryset: two queries whatever its size."""
    live = qs.exclude(status__in=[Case.Status.MERGED, Case.Status.REJECTED])
    agg = live.aggregate(
        total=Count("id"),
        open=Count("id", filter=Q(status__in=Case.OPEN_STATUSES)),
        overdue=Count("id", filter=Q(status__in=Case.OPEN_STATUSES, due_at__lt=at)),
        resolved=Count("id", filter=Q(resolved_at__isnull=False)),
        on_time=Count("id", filter=Q(resolved_at__isnull=False, resolved_at__lte=F("due_at"))),
        rated=Count("id", filter=Q(rating__isnull=False)),
        average_rating=Avg("rating"),
    )
    closed_rows = live.filter(status=Case.Status.CLOSED, closed_at__isnull=False).values_list("created_at", "closed_at")
    spans = [(closed - created).total_seconds() / 3600 for created, closed in closed_rows if closed is not None]
    return CaseStats(
        total=agg["total"],
        open=agg["open"],
        overdue=agg["overdue"],
        resolved=agg["resolved"],
        resolved_on_time=agg["on_time"],
        median_hours_to_close=statistics.median(spans) if spans else None,
        rated=agg["rated"],
        average_rating=float(agg["average_rating"]) if agg["average_rating"] is not None else None,
    )


def case_breakdown(qs: QuerySet[Case], *, by: str, at: datetime.datetime) -> list[dict[str, Any]]:
    """Open, overdue and resolved-on-time counts grouped by ``by`` (``unit__short_name``,
    ``district__name``, ``category__name``…), largest first."""
    live = qs.exclude(status__in=[Case.Status.MERGED, Case.Status.REJECTED])
    rows = (
        live.values(by)
        .annotate(
            total=Count("id"),
            open=Count("id", filter=Q(status__in=Case.OPEN_STATUSES)),
            overdue=Count("id", filter=Q(status__in=Case.OPEN_STATUSES, due_at__lt=at)),
            resolved=Count("id", filter=Q(resolved_at__isnull=False)),
            on_time=Count("id", filter=Q(resolved_at__isnull=False, resolved_at__lte=F("due_at"))),
        )
        .order_by("-total", by)
    )
    keys = ("total", "open", "overdue", "resolved", "on_time")
    return [{"name": r[by] or "—", **{k: r[k] for k in keys}} for r in rows]
