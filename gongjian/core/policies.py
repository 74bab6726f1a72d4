from typing import Any

from django.db.models import QuerySet

from gongjian.core import policy
from gongjian.core.models import Job


@policy.rule(Job)
def job_rule(scope: policy.Scope, qs: QuerySet[Any], action: str) -> QuerySet[Any]:
    # A job (and the file it carries) is its starter's, and the city office's.
    if scope.is_city_admin:
        return qs
    if scope.user_id is None or action != policy.VIEW:
        return qs.none()
    return qs.filter(created_by_id=scope.user_id)
