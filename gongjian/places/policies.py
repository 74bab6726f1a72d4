from typing import Any

from django.db.models import QuerySet

from gongjian.core import policy
from gongjian.places.models import Place


@policy.rule(Place)
def place_rule(scope: policy.Scope, qs: QuerySet[Any], action: str) -> QuerySet[Any]:
    # The place tree is public knowledge; only the city office edits it.
    if action == policy.VIEW:
        return qs
    return qs if scope.is_city_admin else qs.none()
