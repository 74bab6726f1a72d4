from typing import Any

from django.db.models import QuerySet

from gongjian.core import policy
from gongjian.open311.models import ApiKey


@policy.rule(ApiKey)
def api_key_rule(scope: policy.Scope, qs: QuerySet[Any], action: str) -> QuerySet[Any]:
    # Keys are the city office's business alone: it issues, lists and revokes them.
    return qs if scope.is_city_admin else qs.none()
