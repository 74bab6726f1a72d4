"""Reads about accounts: above all, the scope a user's memberships give them."""

from typing import Any

from django.db.models import Q

from gongjian.accounts.models import Membership, Role
from gongjian.core.policy import Scope
from gongjian.places.models import Place, PlaceKind


def scope_compute(*, user: Any) -> Scope:
    """Build the user's scope from their active memberships (two queries at most)."""
    memberships = list(
        Membership.objects.filter(user=user, is_active=True)
        .select_related("place")
        .only("role", "unit_id", "place__path", "place__kind")
    )
    roles = frozenset(m.role for m in memberships)
    by_role: dict[str, set[int]] = {}
    for m in memberships:
        if m.place_id:
            by_role.setdefault(m.role, set()).add(m.place_id)

    def communities_around(places: list[Place]) -> frozenset[int]:
        if not places:
            return frozenset()
        cond = Q()
        for p in places:
            cond |= Q(path__startswith=p.path) | Q(pk__in=[*p.ancestor_ids, p.pk])
        return frozenset(Place.objects.filter(cond, kind=PlaceKind.COMMUNITY).values_list("pk", flat=True))

    work_places = [m.place for m in memberships if m.place and m.role in (Role.COMMUNITY_STAFF, Role.GRID_WORKER)]
    home_places = [m.place for m in memberships if m.place and m.role == Role.RESIDENT]
    return Scope(
        user_id=user.pk,
        is_authenticated=True,
        is_city_admin=bool(user.is_superuser) or Role.CITY_ADMIN in roles,
        roles=roles,
        unit_ids=frozenset(m.unit_id for m in memberships if m.role == Role.UNIT_LIAISON and m.unit_id),
        place_ids_by_role={k: frozenset(v) for k, v in by_role.items()},
        community_ids=communities_around(work_places),
        home_community_ids=communities_around(home_places),
    )


def user_memberships(*, user: Any) -> list[Membership]:
    return list(Membership.objects.filter(user=user, is_active=True).select_related("unit", "place"))
