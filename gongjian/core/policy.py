"""Who may see and do what: the one place every view, API endpoint and export asks.

A user's *scope* comes from their memberships (role + unit or place). Each app declares, in its
``policies.py``, one rule per model: ``rule(scope, queryset, action) -> queryset`` that narrows a
queryset to the rows the scope may act on. Callers never filter by role themselves:

    visits = policy.restrict(Visit.objects.all(), request.user, "view")
    if not policy.can(request.user, "change", visit): raise PermissionDenied

A model without a rule is denied to everybody but the city admin: forgetting a rule fails closed.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models import QuerySet
from django.http import Http404

VIEW = "view"
ADD = "add"
CHANGE = "change"
DELETE = "delete"


@dataclass(frozen=True)
class Scope:
    """What a user's memberships give them. Computed once per user object and cached on it."""

    user_id: int | None
    is_authenticated: bool = False
    is_city_admin: bool = False
    roles: frozenset[str] = frozenset()
    # Units the user is a liaison of.
    unit_ids: frozenset[int] = frozenset()
    # Places the user holds a membership at, by role.
    place_ids_by_role: dict[str, frozenset[int]] = field(default_factory=dict)
    # Communities the user works in: those containing, or contained in, their place memberships
    # as community staff or grid worker.
    community_ids: frozenset[int] = frozenset()
    # Communities the user lives in (resident memberships).
    home_community_ids: frozenset[int] = frozenset()

    def has_role(self, role: str) -> bool:
        return self.is_city_admin or role in self.roles


ANONYMOUS = Scope(user_id=None)

Rule = Callable[[Scope, QuerySet[Any], str], QuerySet[Any]]
_rules: dict[type[models.Model], Rule] = {}


def rule(model: type[models.Model]) -> Callable[[Rule], Rule]:
    """Declare the rule for ``model`` (used as a decorator in an app's ``policies.py``)."""

    def decorator(fn: Rule) -> Rule:
        _rules[model] = fn
        return fn

    return decorator


def scope_for(user: Any) -> Scope:
    """The user's scope, computed from their active memberships (cached on the user object)."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return ANONYMOUS
    cached = getattr(user, "_gongjian_scope", None)
    if cached is not None:
        return cached
    from gongjian.accounts.selectors import scope_compute

    scope = scope_compute(user=user)
    user._gongjian_scope = scope
    return scope


def restrict[M: models.Model](queryset: QuerySet[M], user: Any, action: str = VIEW) -> QuerySet[M]:
    """Narrow ``queryset`` to the rows ``user`` may perform ``action`` on."""
    scope = scope_for(user)
    fn = _rules.get(queryset.model)
    if fn is None:
        return queryset if scope.is_city_admin else queryset.none()
    return fn(scope, queryset, action)


def can(user: Any, action: str, obj: models.Model) -> bool:
    """Whether ``user`` may perform ``action`` on ``obj`` (asks the same rule as :func:`restrict`)."""
    manager = type(obj)._default_manager
    return restrict(manager.filter(pk=obj.pk), user, action).exists()


def get_object[M: models.Model](queryset: QuerySet[M], user: Any, pk: Any, action: str = VIEW) -> M:
    """The object ``pk`` for ``action``, for pages and the API alike: Http404 if the user may not
    even see it (rows outside their scope do not exist for them), PermissionDenied if they may
    see it but not perform ``action``."""
    obj = restrict(queryset, user, VIEW).filter(pk=pk).first()
    if obj is None:
        raise Http404
    if action != VIEW and not can(user, action, obj):
        raise PermissionDenied
    return obj


def is_city_admin(user: Any) -> bool:
    return scope_for(user).is_city_admin


def has_rules(model: type[models.Model]) -> bool:
    return model in _rules
