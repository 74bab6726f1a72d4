"""Who sees and does what in volunteer service.

- The city admin: everything.
- A unit's liaison: their unit's volunteers and those volunteers' records (never another unit's),
  activities their unit organises, and the sign-ups and records of those activities.
- Community staff and grid workers: volunteers living in their communities, activities held or
  organised there, and their sign-ups and records.
- A team leader: the team's activities.
- A volunteer: their own person, sign-ups, records and statements.
- Activities are public (anyone may read a published activity and sign up); teams are visible to
  anyone signed in.
"""

from typing import Any

from django.db.models import Q, QuerySet

from gongjian.core import policy
from gongjian.volunteers.models import (
    Activity,
    ComplianceReminder,
    HourRule,
    RecordEntry,
    ServiceRecord,
    Signup,
    Statement,
    Team,
    Volunteer,
)

ORGANISE = "organise"  # manage an activity: its sign-ups, attendance, approvals, QR code
SEE_FULL = "see_full"  # see a volunteer's phone and ID number in full (only the volunteer themselves)


def _organiser_q(scope: policy.Scope, prefix: str = "") -> Q:
    """Activities the scope organises: its unit's, its communities', or those of teams it leads."""
    q = Q(**{f"{prefix}organiser_unit_id__in": scope.unit_ids})
    q |= Q(**{f"{prefix}organiser_community_id__in": scope.community_ids})
    q |= Q(**{f"{prefix}community_id__in": scope.community_ids})
    if scope.user_id is not None:
        q |= Q(**{f"{prefix}organiser_team__leader__user_id": scope.user_id})
    return q


def _volunteer_q(scope: policy.Scope, prefix: str = "") -> Q:
    """Volunteers the scope looks after: its unit's members, its communities' residents, itself."""
    q = Q(**{f"{prefix}unit_id__in": scope.unit_ids}) | Q(**{f"{prefix}community_id__in": scope.community_ids})
    if scope.user_id is not None:
        q |= Q(**{f"{prefix}user_id": scope.user_id})
    return q


@policy.rule(Volunteer)
def volunteer_rule(scope: policy.Scope, qs: QuerySet[Any], action: str) -> QuerySet[Any]:
    if scope.user_id is None:
        return qs.none()
    if action == SEE_FULL:
        return qs.filter(user_id=scope.user_id)
    if scope.is_city_admin:
        return qs
    if action in (policy.VIEW, policy.CHANGE):
        return qs.filter(_volunteer_q(scope))
    if action == ORGANISE:  # sign up or mark on someone's behalf: those they look after
        return qs.filter(_volunteer_q(scope))
    return qs.none()


@policy.rule(Team)
def team_rule(scope: policy.Scope, qs: QuerySet[Any], action: str) -> QuerySet[Any]:
    if scope.is_city_admin:
        return qs
    if scope.user_id is None:
        return qs.none()
    if action == policy.VIEW:
        return qs
    if action in (policy.ADD, policy.CHANGE):
        return qs.filter(
            Q(unit_id__in=scope.unit_ids) | Q(community_id__in=scope.community_ids) | Q(leader__user_id=scope.user_id)
        )
    return qs.none()


@policy.rule(Activity)
def activity_rule(scope: policy.Scope, qs: QuerySet[Any], action: str) -> QuerySet[Any]:
    if action == policy.VIEW:
        if scope.is_city_admin:
            return qs
        # Published activities are public; a cancelled one stays visible to its organisers.
        public = Q(status=Activity.Status.PUBLISHED)
        return qs.filter(public | _organiser_q(scope)) if scope.user_id else qs.filter(public)
    if scope.is_city_admin:
        return qs
    if scope.user_id is None:
        return qs.none()
    if action in (policy.ADD, policy.CHANGE, ORGANISE):
        return qs.filter(_organiser_q(scope))
    return qs.none()


def _record_q(scope: policy.Scope) -> Q:
    # A liaison sees their own members' records, plus the records of activities their unit organised
    # (to approve them); community staff the records of their communities.
    return (
        _volunteer_q(scope, "volunteer__") | _organiser_q(scope, "activity__") | Q(community_id__in=scope.community_ids)
    )


@policy.rule(Signup)
def signup_rule(scope: policy.Scope, qs: QuerySet[Any], action: str) -> QuerySet[Any]:
    if scope.is_city_admin:
        return qs
    if scope.user_id is None:
        return qs.none()
    own = Q(volunteer__user_id=scope.user_id)
    if action == policy.VIEW:
        return qs.filter(own | _organiser_q(scope, "activity__") | Q(volunteer__unit_id__in=scope.unit_ids))
    if action in (policy.CHANGE, policy.DELETE):  # cancel
        return qs.filter(own | _organiser_q(scope, "activity__"))
    return qs.none()


@policy.rule(ServiceRecord)
def record_rule(scope: policy.Scope, qs: QuerySet[Any], action: str) -> QuerySet[Any]:
    if scope.is_city_admin:
        return qs
    if scope.user_id is None:
        return qs.none()
    if action == policy.VIEW:
        return qs.filter(_record_q(scope))
    if action == ORGANISE:  # approve, decline, mark check-out
        return qs.filter(_organiser_q(scope, "activity__"))
    return qs.none()


@policy.rule(RecordEntry)
def entry_rule(scope: policy.Scope, qs: QuerySet[Any], action: str) -> QuerySet[Any]:
    if scope.is_city_admin:
        return qs
    if scope.user_id is None:
        return qs.none()
    if action == policy.VIEW:
        return qs.filter(_volunteer_q(scope, "volunteer__"))
    if action in (policy.ADD, policy.CHANGE):
        return qs.filter(Q(volunteer__unit_id__in=scope.unit_ids) | Q(volunteer__community_id__in=scope.community_ids))
    return qs.none()


@policy.rule(Statement)
def statement_rule(scope: policy.Scope, qs: QuerySet[Any], action: str) -> QuerySet[Any]:
    if scope.is_city_admin:
        return qs
    if scope.user_id is None:
        return qs.none()
    if action == policy.VIEW:
        return qs.filter(_volunteer_q(scope, "volunteer__"))
    return qs.none()


@policy.rule(HourRule)
def hour_rule_rule(scope: policy.Scope, qs: QuerySet[Any], action: str) -> QuerySet[Any]:
    if scope.is_city_admin:
        return qs
    return qs if action == policy.VIEW and scope.is_authenticated else qs.none()


@policy.rule(ComplianceReminder)
def reminder_rule(scope: policy.Scope, qs: QuerySet[Any], action: str) -> QuerySet[Any]:
    if scope.is_city_admin and action == policy.VIEW:
        return qs
    return qs.none()
