"""Who may see and handle cases.

- The city admin: every case, every step.
- Community staff and grid workers: the cases of the communities they work in; they accept,
  dispatch, verify and close them.
- A unit's liaison: only the cases dispatched to their unit; they start and resolve them.
- A resident: the cases they reported with their account.
- The reporter's name and phone: only staff who handle the case (its community, its unit, the
  city admin), never the public and never other residents.
"""

from typing import Any

from django.db.models import Q, QuerySet

from gongjian.cases.models import Case, CaseEvent, CasePhoto, Category
from gongjian.core import policy

HANDLE = "handle"  # accept, reject, dispatch, verify, send back, close, merge, recategorise
WORK = "work"  # start and resolve: the unit the case is dispatched to
VIEW_REPORTER = "view_reporter"  # the reporter's name, phone and email

# A unit sees a case once it has been dispatched to it, and keeps seeing it afterwards.
UNIT_STATUSES = [
    Case.Status.DISPATCHED,
    Case.Status.IN_PROGRESS,
    Case.Status.RESOLVED,
    Case.Status.VERIFIED,
    Case.Status.CLOSED,
]


def _handlers(scope: policy.Scope, prefix: str = "") -> Q:
    """The staff handling a case: its community's staff and grid workers, and its unit."""
    return Q(**{f"{prefix}community_id__in": scope.community_ids}) | Q(
        **{f"{prefix}unit_id__in": scope.unit_ids, f"{prefix}status__in": UNIT_STATUSES}
    )


def _visible(scope: policy.Scope, prefix: str = "") -> Q:
    return _handlers(scope, prefix) | Q(**{f"{prefix}reporter_id": scope.user_id})


@policy.rule(Case)
def case_rule(scope: policy.Scope, qs: QuerySet[Any], action: str) -> QuerySet[Any]:
    if scope.is_city_admin:
        return qs
    if not scope.is_authenticated:
        return qs.none()
    if action == policy.VIEW:
        return qs.filter(_visible(scope))
    if action == VIEW_REPORTER:
        return qs.filter(_handlers(scope))
    if action == HANDLE:
        return qs.filter(community_id__in=scope.community_ids)
    if action == WORK:
        return qs.filter(unit_id__in=scope.unit_ids)
    return qs.none()


@policy.rule(CasePhoto)
def case_photo_rule(scope: policy.Scope, qs: QuerySet[Any], action: str) -> QuerySet[Any]:
    if scope.is_city_admin:
        return qs
    if action == policy.VIEW and scope.is_authenticated:
        return qs.filter(_visible(scope, "case__"))
    return qs.none()


@policy.rule(CaseEvent)
def case_event_rule(scope: policy.Scope, qs: QuerySet[Any], action: str) -> QuerySet[Any]:
    if scope.is_city_admin:
        return qs
    if action == policy.VIEW and scope.is_authenticated:
        return qs.filter(_visible(scope, "case__"))
    return qs.none()


@policy.rule(Category)
def category_rule(scope: policy.Scope, qs: QuerySet[Any], action: str) -> QuerySet[Any]:
    # The catalogue is public (public reports choose from it); only the city office edits it.
    if action == policy.VIEW:
        return qs if scope.is_authenticated else qs.filter(active=True)
    return qs if scope.is_city_admin else qs.none()
