"""Who may see and do what with plans, the ledger, projects, commendations and score weights.

- the pairing's unit (its liaisons) writes its plan, ledger and projects;
- the community's staff (a community-staff membership on that community) agree to or return a plan;
- the community's staff and grid workers record the commendations it gives;
- the city office approves plans and sets the score weights;
- the unit, the community's staff and grid workers, and the city office see the pairing's work.
"""

from typing import Any

from django.db.models import Q, QuerySet

from gongjian.accounts.models import Role
from gongjian.cobuilding.models import (
    Commendation,
    Contribution,
    Plan,
    PlanItem,
    PlanRevision,
    Project,
    ProjectPhoto,
    ScoreWeight,
)
from gongjian.core import policy

REVIEW = "review"  # the community agrees to or returns a submitted plan
APPROVE = "approve"  # the city office approves a plan the community agreed to


def staff_community_ids(scope: policy.Scope) -> frozenset[int]:
    """Communities the user is community staff *of* (the membership is on the community itself)."""
    staff_places = scope.place_ids_by_role.get(Role.COMMUNITY_STAFF, frozenset())
    return frozenset(staff_places & scope.community_ids)


def _seen(scope: policy.Scope, prefix: str) -> Q:
    return Q(**{f"{prefix}unit_id__in": scope.unit_ids}) | Q(**{f"{prefix}community_id__in": scope.community_ids})


def _pairing_work_rule(prefix: str) -> policy.Rule:
    """The rule for a row of a pairing's work reached through ``prefix`` (e.g. ``plan__pairing__``)."""

    def rule(scope: policy.Scope, qs: QuerySet[Any], action: str) -> QuerySet[Any]:
        if action == policy.VIEW:
            return qs if scope.is_city_admin else qs.filter(_seen(scope, prefix))
        if action in (policy.ADD, policy.CHANGE, policy.DELETE):
            return qs.filter(**{f"{prefix}unit_id__in": scope.unit_ids})
        return qs.none()

    return rule


@policy.rule(Plan)
def plan_rule(scope: policy.Scope, qs: QuerySet[Any], action: str) -> QuerySet[Any]:
    if action == REVIEW:
        return qs.filter(pairing__community_id__in=staff_community_ids(scope))
    if action == APPROVE:
        return qs if scope.is_city_admin else qs.none()
    return _pairing_work_rule("pairing__")(scope, qs, action)


policy.rule(PlanItem)(_pairing_work_rule("plan__pairing__"))
policy.rule(Contribution)(_pairing_work_rule("pairing__"))
policy.rule(Project)(_pairing_work_rule("pairing__"))
policy.rule(ProjectPhoto)(_pairing_work_rule("project__pairing__"))


@policy.rule(PlanRevision)
def plan_revision_rule(scope: policy.Scope, qs: QuerySet[Any], action: str) -> QuerySet[Any]:
    # Revisions are written by the workflow only; nobody changes them.
    if action != policy.VIEW:
        return qs.none()
    return qs if scope.is_city_admin else qs.filter(_seen(scope, "plan__pairing__"))


@policy.rule(Commendation)
def commendation_rule(scope: policy.Scope, qs: QuerySet[Any], action: str) -> QuerySet[Any]:
    if action == policy.VIEW:
        # Thanks are shown on the unit's page: anyone signed in may see them.
        return qs if scope.is_authenticated else qs.none()
    if scope.is_city_admin:
        return qs
    return qs.filter(pairing__community_id__in=scope.community_ids)


@policy.rule(ScoreWeight)
def score_weight_rule(scope: policy.Scope, qs: QuerySet[Any], action: str) -> QuerySet[Any]:
    if action == policy.VIEW:
        return qs if scope.is_authenticated else qs.none()
    return qs if scope.is_city_admin else qs.none()
