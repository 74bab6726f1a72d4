from typing import Any

from django.db.models import QuerySet

from gongjian.core import policy
from gongjian.units.models import Unit


@policy.rule(Unit)
def unit_rule(scope: policy.Scope, qs: QuerySet[Any], action: str) -> QuerySet[Any]:
    # Which units take part is public; only the city office adds or edits them.
    if action == policy.VIEW:
        return qs
    return qs if scope.is_city_admin else qs.none()
