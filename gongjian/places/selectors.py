"""Reads of the place tree."""

from typing import Any

from django.db.models import Count, QuerySet

from gongjian.core import policy
from gongjian.places.models import Place, PlaceKind


def place_list(*, user: Any, kind: str | None = None, parent: Place | None = None, q: str = "") -> QuerySet[Place]:
    """Places the user may see, filtered by level, parent or name."""
    qs = policy.restrict(Place.objects.all(), user, policy.VIEW)
    if kind:
        qs = qs.filter(kind=kind)
    if parent is not None:
        qs = qs.filter(parent=parent)
    if q:
        qs = qs.filter(name__icontains=q)
    return qs


def place_children(*, user: Any, parent: Place | None) -> QuerySet[Place]:
    """The children of ``parent`` (the districts when None), each with its number of children."""
    qs = policy.restrict(Place.objects.all(), user, policy.VIEW)
    qs = qs.filter(parent=parent) if parent is not None else qs.filter(parent__isnull=True)
    return qs.annotate(child_count=Count("children")).order_by("id")


def place_subtree(*, place: Place) -> QuerySet[Place]:
    """The place and everything under it."""
    return Place.objects.filter(path__startswith=place.path)


def place_counts_by_kind() -> dict[str, int]:
    rows = Place.objects.values("kind").annotate(n=Count("id"))
    counts = dict.fromkeys(PlaceKind.values, 0)
    counts.update({r["kind"]: r["n"] for r in rows})
    return counts


def community_choices() -> QuerySet[Place]:
    """Communities, with their subdistrict and district loaded, for pickers."""
    return Place.objects.filter(kind=PlaceKind.COMMUNITY).select_related("parent", "parent__parent").order_by("path")
