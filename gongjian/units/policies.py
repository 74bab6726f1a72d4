from typing import Any

from django.db.models import QuerySet

from gongjian.core import policy
from gongjian.units.models import Unit

VIEW_MEMBERS = "view_members"  # see who the unit's liaisons are


@policy.rule(Unit)
def unit_rule(scope: policy.Scope, qs: QuerySet[Any], action: str) -> QuerySet[Any]:
    # Which units take part is public; only the city office adds or edits them.
    if action == policy.VIEW:
        return qs
    if action == VIEW_MEMBERS and not scope.is_city_admin:
        return qs.filter(pk__in=scope.unit_ids)
    return qs if scope.is_city_admin else qs.none()
