from typing import Any

from django.db.models import Q, QuerySet

from gongjian.core import policy
from gongjian.pairings.models import Campaign, Pairing, Visit, VisitPhoto

REPORT = "report"  # record visits (and, later, plans and contributions) for a pairing
VIEW_VISITS = "view_visits"  # see the visits (and other unit-level detail) of a pairing


@policy.rule(Campaign)
def campaign_rule(scope: policy.Scope, qs: QuerySet[Any], action: str) -> QuerySet[Any]:
    if action == policy.VIEW:
        return qs if scope.is_authenticated else qs.none()
    return qs if scope.is_city_admin else qs.none()


@policy.rule(Pairing)
def pairing_rule(scope: policy.Scope, qs: QuerySet[Any], action: str) -> QuerySet[Any]:
    if scope.is_city_admin:
        return qs
    if action == policy.VIEW:
        # Which unit pairs with which community is published; anyone signed in may see it.
        return qs if scope.is_authenticated else qs.none()
    if action == REPORT:
        return qs.filter(unit_id__in=scope.unit_ids)
    if action == VIEW_VISITS:
        return qs.filter(Q(unit_id__in=scope.unit_ids) | Q(community_id__in=scope.community_ids))
    return qs.none()


def _visit_scope(scope: policy.Scope, prefix: str = "") -> Q:
    return Q(**{f"{prefix}pairing__unit_id__in": scope.unit_ids}) | Q(
        **{f"{prefix}pairing__community_id__in": scope.community_ids}
    )


@policy.rule(Visit)
def visit_rule(scope: policy.Scope, qs: QuerySet[Any], action: str) -> QuerySet[Any]:
    if scope.is_city_admin:
        return qs
    if action == policy.VIEW:
        # The unit's liaisons, and the staff and grid workers of the community visited.
        return qs.filter(_visit_scope(scope))
    if action in (policy.CHANGE, policy.DELETE):
        return qs.filter(pairing__unit_id__in=scope.unit_ids)
    return qs.none()


@policy.rule(VisitPhoto)
def visit_photo_rule(scope: policy.Scope, qs: QuerySet[Any], action: str) -> QuerySet[Any]:
    if scope.is_city_admin:
        return qs
    if action == policy.VIEW:
        return qs.filter(_visit_scope(scope, "visit__"))
    return qs.filter(visit__pairing__unit_id__in=scope.unit_ids)
