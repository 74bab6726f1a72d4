"""Reads for volunteer service: scoped lists, a volunteer's hours and stars, hours by month, and
the monthly compliance of in-service party members."""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone

from gongjian.core import policy
from gongjian.places.models import Place
from gongjian.units.models import Unit
from gongjian.volunteers.models import (
    Activity,
    HourRule,
    RecordEntry,
    ServiceRecord,
    Signup,
    Team,
    Volunteer,
)
from gongjian.volunteers.policies import ORGANISE

COUNTED = (ServiceRecord.Status.APPROVED,)


def hour_rule_current() -> HourRule:
    """The city admin's rule, or the defaults (30-minute steps, at most 8 hours a record)."""
    return HourRule.objects.order_by("pk").first() or HourRule()


def volunteer_of(user: Any) -> Volunteer | None:
    """The volunteer an account is linked to (one at most)."""
    if not getattr(user, "is_authenticated", False):
        return None
    return Volunteer.objects.select_related("unit", "community").filter(user_id=user.pk).first()


def star_level(hours: Decimal | float | int) -> int:
    """Stars (0 to 5) for cumulative approved hours, by the VOLUNTEER_STAR_HOURS thresholds."""
    return sum(1 for threshold in settings.VOLUNTEER_STAR_HOURS if Decimal(hours) >= Decimal(threshold))


def star_next(hours: Decimal) -> tuple[int, Decimal] | None:
    """The next star level and the approved hours still needed for it; None at five stars."""
    for level, threshold in enumerate(settings.VOLUNTEER_STAR_HOURS, start=1):
        if Decimal(hours) < Decimal(threshold):
            return level, (Decimal(threshold) - Decimal(hours)).quantize(Decimal("0.01"))
    return None


def approved_hours(*, volunteer: Volunteer) -> Decimal:
    total = ServiceRecord.objects.filter(volunteer=volunteer, status__in=COUNTED).aggregate(h=Sum("hours"))["h"]
    return Decimal(total or 0).quantize(Decimal("0.01"))


def volunteer_list(
    *,
    user: Any,
    q: str = "",
    unit_id: int | None = None,
    community_id: int | None = None,
    party_only: bool = False,
) -> QuerySet[Volunteer]:
    """Volunteers the user may see, each with their approved hours."""
    qs = (
        policy.restrict(Volunteer.objects.all(), user, policy.VIEW)
        .select_related("unit", "community")
        .annotate(total_hours=Sum("records__hours", filter=Q(records__status__in=COUNTED)))
        .order_by("id")
    )
    if q:
        qs = qs.filter(name__icontains=q)
    if unit_id:
        qs = qs.filter(unit_id=unit_id)
    if community_id:
        qs = qs.filter(community_id=community_id)
    if party_only:
        qs = qs.filter(is_party_member=True)
    return qs


def team_list(*, user: Any) -> QuerySet[Team]:
    return (
        policy.restrict(Team.objects.all(), user, policy.VIEW)
        .select_related("community", "unit", "leader")
        .annotate(member_count=Count("members", distinct=True))
        .order_by("id")
    )


def activity_list(
    *, user: Any, upcoming_from: datetime.datetime | None = None, organised_only: bool = False
) -> QuerySet[Activity]:
    """Activities the user may see (published ones are public), each with its confirmed and
    waitlisted counts; with ``upcoming_from``, those not yet ended, soonest first."""
    qs = policy.restrict(Activity.objects.all(), user, ORGANISE if organised_only else policy.VIEW)
    qs = qs.select_related("community", "organiser_unit", "organiser_community", "organiser_team").annotate(
        confirmed=Count("signups", filter=Q(signups__status=Signup.Status.CONFIRMED), distinct=True),
        waitlisted=Count("signups", filter=Q(signups__status=Signup.Status.WAITLISTED), distinct=True),
    )
    if upcoming_from is not None:
        return qs.filter(ends_at__gt=upcoming_from).order_by("starts_at", "id")
    return qs.order_by("-starts_at", "-id")


def activity_signups(*, activity: Activity) -> QuerySet[Signup]:
    """The activity's sign-ups, places first then the waitlist in order (for its organisers)."""
    return activity.signups.select_related("volunteer", "volunteer__unit").order_by("id")


def activity_records(*, activity: Activity) -> QuerySet[ServiceRecord]:
    return activity.records.select_related("volunteer", "reviewed_by").order_by("checked_in_at", "id")


def record_list(*, user: Any, volunteer: Volunteer | None = None, status: str = "") -> QuerySet[ServiceRecord]:
    qs = policy.restrict(ServiceRecord.objects.all(), user, policy.VIEW).select_related(
        "volunteer", "activity", "community"
    )
    if volunteer is not None:
        qs = qs.filter(volunteer=volunteer)
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("-checked_in_at", "-id")


def pending_records(*, user: Any) -> QuerySet[ServiceRecord]:
    """Records waiting for this organiser's approval."""
    return (
        policy.restrict(ServiceRecord.objects.all(), user, ORGANISE)
        .filter(status=ServiceRecord.Status.PENDING)
        .select_related("volunteer", "activity")
        .order_by("checked_in_at", "id")
    )


def stale_open_records(*, user: Any, now: datetime.datetime) -> QuerySet[ServiceRecord]:
    """Check-ins of this organiser's activities never checked out and now past the check-out
    window: the volunteer can no longer close them, and until the organiser enters the check-out
    time or declines them they block that volunteer's next check-in."""
    grace = datetime.timedelta(minutes=hour_rule_current().checkout_grace_minutes)
    return (
        policy.restrict(ServiceRecord.objects.all(), user, ORGANISE)
        .filter(status=ServiceRecord.Status.OPEN, checked_out_at__isnull=True, activity__ends_at__lt=now - grace)
        .select_related("volunteer", "activity")
        .order_by("checked_in_at", "id")
    )


def record_entries(*, volunteer: Volunteer) -> dict[str, list[RecordEntry]]:
    out: dict[str, list[RecordEntry]] = {k: [] for k in RecordEntry.Kind.values}
    for entry in volunteer.entries.all():
        out[entry.kind].append(entry)
    return out


def _day_bounds(first: datetime.date, last: datetime.date) -> tuple[datetime.datetime, datetime.datetime]:
    tz = timezone.get_current_timezone()
    start = datetime.datetime.combine(first, datetime.time.min, tzinfo=tz)
    end = datetime.datetime.combine(last + datetime.timedelta(days=1), datetime.time.min, tzinfo=tz)
    return start, end


def statement_records(
    *, volunteer: Volunteer, period_from: datetime.date, period_to: datetime.date
) -> QuerySet[ServiceRecord]:
    """Approved records that began within the period (inclusive), oldest first."""
    start, end = _day_bounds(period_from, period_to)
    return (
        ServiceRecord.objects.filter(
            volunteer=volunteer, status__in=COUNTED, checked_in_at__gte=start, checked_in_at__lt=end
        )
        .select_related("activity", "activity__organiser_unit", "activity__organiser_team", "community")
        .select_related("activity__organiser_community")
        .order_by("checked_in_at", "id")
    )


def hours_by_month(*, as_of: datetime.date, months: int = 12, user: Any = None) -> list[tuple[datetime.date, Decimal]]:
    """Approved hours per calendar month, the last ``months`` months up to ``as_of``, zeros included:
    of the whole city, or, with ``user``, of the records that user may see (a liaison's own members
    and the activities their unit organised)."""
    first = month_start(as_of)
    for _i in range(months - 1):
        first = month_start(first - datetime.timedelta(days=1))
    start, end = _day_bounds(first, as_of)
    records = ServiceRecord.objects.all() if user is None else policy.restrict(ServiceRecord.objects.all(), user)
    rows = (
        records.filter(status__in=COUNTED, checked_in_at__gte=start, checked_in_at__lt=end)
        .annotate(month=TruncMonth("checked_in_at"))
        .values("month")
        .annotate(h=Sum("hours"))
    )
    by_month: dict[datetime.date, Decimal] = {}
    for row in rows:
        month = row["month"]
        key = month.date() if isinstance(month, datetime.datetime) else month
        by_month[key] = by_month.get(key, Decimal("0")) + (row["h"] or Decimal("0"))
    out = []
    month = first
    while month <= as_of:
        out.append((month, by_month.get(month, Decimal("0.00"))))
        month = month_end(month) + datetime.timedelta(days=1)
    return out


# --- Monthly compliance --------------------------------------------------------------------------


def month_start(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


def month_end(day: datetime.date) -> datetime.date:
    nxt = (day.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)
    return nxt - datetime.timedelta(days=1)


def served_in_month(month: datetime.date) -> Any:
    """The ids of volunteers with a record (not declined) in a community that began in ``month``.

    Used as ``pk IN (…)``: uncorrelated, so both PostgreSQL (a hashed subplan) and SQLite (an
    ephemeral index) read the month's records once, through the (checked_in_at, volunteer) index,
    instead of probing once per member."""
    start, end = _day_bounds(month_start(month), month_end(month))
    return (
        ServiceRecord.objects.filter(checked_in_at__gte=start, checked_in_at__lt=end, community__isnull=False)
        .exclude(status=ServiceRecord.Status.DECLINED)
        .values("volunteer_id")
    )


def party_members(*, user: Any, month: datetime.date) -> QuerySet[Volunteer]:
    """In-service party members the user may see who were registered by the month's end."""
    _start, end = _day_bounds(month_start(month), month_end(month))
    return policy.restrict(Volunteer.objects.all(), user, policy.VIEW).filter(
        is_party_member=True, is_active=True, unit__isnull=False, created_at__lt=end
    )


@dataclass(frozen=True)
class ComplianceRow:
    key: int | None
    name: str
    members: int
    served: int

    @property
    def rate(self) -> float:
        return self.served / self.members if self.members else 0.0

    @property
    def percent(self) -> str:
        return f"{self.rate * 100:.1f}%"

    @property
    def not_served(self) -> int:
        return self.members - self.served


@dataclass(frozen=True)
class ComplianceReport:
    month: datetime.date
    by_unit: list[ComplianceRow]
    by_district: list[ComplianceRow]
    total: ComplianceRow


def compliance_month(*, user: Any, month: datetime.date) -> ComplianceReport:
    """The month's report over the in-service party members the user may see: how many served at
    least once in a community, by unit, by district of residence, and in all.

    One aggregate query grouped by (unit, district), read from covering indexes, whatever the
    number of members; the unit and district rows are sums of its groups (and one query for the
    names)."""
    groups = list(
        party_members(user=user, month=month)
        .values("unit_id", "district_id")
        .annotate(members=Count("id"), served=Count("id", filter=Q(pk__in=served_in_month(month))))
        .order_by("unit_id", "district_id")
    )
    units: dict[int | None, list[int]] = {}
    districts: dict[int | None, list[int]] = {}
    for g in groups:
        for key, into in ((g["unit_id"], units), (g["district_id"], districts)):
            acc = into.setdefault(key, [0, 0])
            acc[0] += g["members"]
            acc[1] += g["served"]
    unit_names = {
        u.pk: u.display_name for u in Unit.objects.filter(pk__in=[k for k in units if k]).only("name", "short_name")
    }
    place_names = dict(Place.objects.filter(pk__in=[k for k in districts if k]).values_list("pk", "name"))

    def rows(totals: dict[int | None, list[int]], names: dict[int, str]) -> list[ComplianceRow]:
        out = [
            ComplianceRow(key=k, name=names.get(k, "—") if k else "—", members=m, served=sv)
            for k, (m, sv) in totals.items()
        ]
        return sorted(out, key=lambda row: (row.rate, row.name))

    by_unit = rows(units, unit_names)
    return ComplianceReport(
        month=month_start(month),
        by_unit=by_unit,
        by_district=rows(districts, place_names),
        total=compliance_total(by_unit),
    )


def compliance_by(*, user: Any, month: datetime.date, group: str = "unit") -> list[ComplianceRow]:
    """The report's rows by unit (``group="unit"``) or by district of residence (``"district"``)."""
    report = compliance_month(user=user, month=month)
    return report.by_unit if group == "unit" else report.by_district


def compliance_total(rows: Iterable[ComplianceRow]) -> ComplianceRow:
    rows = list(rows)
    return ComplianceRow(key=None, name="", members=sum(r.members for r in rows), served=sum(r.served for r in rows))


def not_served(*, user: Any, month: datetime.date, unit_id: int | None = None) -> QuerySet[Volunteer]:
    """The in-service party members (that the user may see) with no service in a community yet in ``month``."""
    qs = (
        party_members(user=user, month=month)
        .exclude(pk__in=served_in_month(month))
        .select_related("unit", "community")
        .order_by("unit_id", "id")
    )
    if unit_id:
        qs = qs.filter(unit_id=unit_id)
    return qs
