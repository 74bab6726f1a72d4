from typing import Any

from django.db.models import QuerySet

from gongjian.accounts.models import ApiToken, Membership, User
from gongjian.core import policy


@policy.rule(User)
def user_rule(scope: policy.Scope, qs: QuerySet[Any], action: str) -> QuerySet[Any]:
    if scope.is_city_admin:
        return qs
    # Everyone may see and change their own account, nobody else's.
    if scope.user_id is not None and action in (policy.VIEW, policy.CHANGE):
        return qs.filter(pk=scope.user_id)
    return qs.none()


@policy.rule(Membership)
def membership_rule(scope: policy.Scope, qs: QuerySet[Any], action: str) -> QuerySet[Any]:
    if scope.is_city_admin:
        return qs
    if scope.user_id is not None and action == policy.VIEW:
        return qs.filter(user_id=scope.user_id)
    return qs.none()


@policy.rule(ApiToken)
def token_rule(scope: policy.Scope, qs: QuerySet[Any], action: str) -> QuerySet[Any]:
    if scope.user_id is None:
        return qs.none()
    return qs.filter(user_id=scope.user_id)
