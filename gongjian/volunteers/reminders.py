"""Reminders in the month's last week to in-service party members who have not yet served in a
community that month, and to their unit's liaisons (one message per unit, with the count).

Idempotent: each reminder is kept as a :class:`ComplianceReminder` row (unique per month and
person or unit), so the command and the task may run every day of the last week, or twice on one
day, and each person and unit hears once a month."""

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.tasks import task
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from gongjian.accounts.models import Membership, Role
from gongjian.core.notify import notify
from gongjian.core.policy import Scope
from gongjian.volunteers.models import ComplianceReminder
from gongjian.volunteers.selectors import month_end, month_start, not_served


@dataclass(frozen=True)
class ReminderResult:
    month: datetime.date
    in_window: bool
    volunteers: int = 0
    units: int = 0


class _City:
    """The reminder job sees every unit's members."""

    is_authenticated = True
    is_active = True
    pk = None
    _gongjian_scope = Scope(user_id=0, is_authenticated=True, is_city_admin=True)


def in_last_week(day: datetime.date) -> bool:
    return (month_end(day) - day).days < settings.VOLUNTEER_REMIND_LAST_DAYS


@transaction.atomic
def reminders_send(*, today: datetime.date | None = None, force: bool = False) -> ReminderResult:
    """Send this month's reminders if ``today`` is in the month's last week (or ``force``)."""
    today = today or timezone.localdate()
    month = month_start(today)
    if not (force or in_last_week(today)):
        return ReminderResult(month=month, in_window=False)
    already_people = set(
        ComplianceReminder.objects.filter(month=month, volunteer__isnull=False).values_list("volunteer_id", flat=True)
    )
    already_units = set(
        ComplianceReminder.objects.filter(month=month, volunteer__isnull=True).values_list("unit_id", flat=True)
    )
    missing = list(not_served(user=_City(), month=month).select_related("user", "unit"))
    url = reverse("volunteers:activity-list")
    people = [v for v in missing if v.pk not in already_people]
    for volunteer in people:
        notify(
            [volunteer.user],
            kind="volunteers.remind_member",
            title=_("本月尚未到社区开展“文明实践微服务”"),
            body=_("%(name)s，你 %(month)s 还没有社区志愿服务记录：每名在职党员每月至少 1 次，请报名近期活动。")
            % {"name": volunteer.name, "month": month.strftime("%Y-%m")},
            url=url,
        )
    ComplianceReminder.objects.bulk_create(
        [ComplianceReminder(month=month, volunteer=v, unit=v.unit) for v in people], ignore_conflicts=True
    )
    by_unit: dict[int, int] = {}
    names: dict[int, str] = {}
    for v in missing:
        if v.unit_id is not None:
            by_unit[v.unit_id] = by_unit.get(v.unit_id, 0) + 1
            names[v.unit_id] = v.unit.display_name if v.unit else ""
    units = [u for u in by_unit if u not in already_units]
    liaisons: dict[int, list[object]] = {}
    for m in Membership.objects.filter(role=Role.UNIT_LIAISON, is_active=True, unit_id__in=units).select_related(
        "user"
    ):
        liaisons.setdefault(m.unit_id or 0, []).append(m.user)
    compliance_url = reverse("volunteers:compliance") + f"?month={month:%Y-%m}"
    for unit_id in units:
        notify(
            liaisons.get(unit_id, []),
            kind="volunteers.remind_unit",
            title=_("%(unit)s 有 %(n)d 名在职党员本月尚未到社区服务") % {"unit": names[unit_id], "n": by_unit[unit_id]},
            body=_("%(month)s 即将结束，请提醒本单位尚未到社区服务的在职党员。") % {"month": month.strftime("%Y-%m")},
            url=compliance_url,
        )
    ComplianceReminder.objects.bulk_create(
        [ComplianceReminder(month=month, unit_id=u) for u in units], ignore_conflicts=True
    )
    return ReminderResult(month=month, in_window=True, volunteers=len(people), units=len(units))


@task()
def send_reminders() -> str:
    """The queued form of the reminder run (schedule it daily, e.g. from cron: it is idempotent)."""
    result = reminders_send()
    return f"{result.month:%Y-%m}: {result.volunteers} members, {result.units} units"
