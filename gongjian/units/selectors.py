"""Reads of units."""

from typing import Any

from django.db.models import Q, QuerySet

from gongjian.core import policy
from gongjian.units.models import Unit


def unit_list(*, user: Any, kind: str = "", q: str = "", active: bool | None = None) -> QuerySet[Unit]:
    """Units the user may see, filtered by kind, name and whether active."""
    qs = policy.restrict(Unit.objects.all(), user, policy.VIEW)
    if kind:
        qs = qs.filter(kind=kind)
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(short_name__icontains=q) | Q(head_name__icontains=q))
    if active is not None:
        qs = qs.filter(is_active=active)
    return qs


def unit_liaisons(*, unit: Unit) -> list[Any]:
    from gongjian.accounts.models import Membership, Role

    return [
        m.user
        for m in Membership.objects.filter(unit=unit, role=Role.UNIT_LIAISON, is_active=True).select_related("user")
    ]
