"""What intake looks up on every report, kept in the process for a few seconds (core.memo): the
active catalogue, the located communities and estates (to find the one nearest a point), each
place's community and district, and who works in a community. Each answer is the same as the
database query it replaces (tests/test_reference.py checks the nearest place against it)."""

from __future__ import annotations

import bisect
import math
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from gongjian.accounts.models import Membership, Role, User
from gongjian.cases.models import Category
from gongjian.core.memo import Memo
from gongjian.places.models import Place, PlaceKind

# The nearest place is searched in widening boxes (degrees either side of the point).
SPANS = (0.02, 0.1, 0.5, 3.0)
NEAREST_KINDS = (PlaceKind.COMMUNITY, PlaceKind.ESTATE)
_PLACE_FIELDS = ("id", "kind", "name", "path", "latitude", "longitude", "parent_id")


def _load_categories() -> dict[str, Category]:
    return {c.code: c for c in Category.objects.filter(active=True)}


_categories: Memo[dict[str, Category]] = Memo("cases.categories", _load_categories, models=[Category])


def category_active(code: str) -> Category | None:
    """The active category whose code is ``code``, or None."""
    return _categories.get().get(code)


@dataclass(frozen=True)
class _Located:
    lat: float
    lng: float
    place: Place


@dataclass(frozen=True)
class _LocatedIndex:
    lats: list[float]
    items: list[_Located]


def _load_located() -> _LocatedIndex:
    rows = (
        Place.objects.filter(kind__in=NEAREST_KINDS, latitude__isnull=False, longitude__isnull=False)
        .only(*_PLACE_FIELDS)
        .order_by("latitude", "id")
    )
    items = [_Located(float(p.latitude), float(p.longitude), p) for p in rows]  # type: ignore[arg-type]
    return _LocatedIndex([i.lat for i in items], items)


_located: Memo[_LocatedIndex] = Memo("cases.located-places", _load_located, models=[Place])


def nearest_place(*, lat: Decimal, lng: Decimal) -> Place | None:
    """The community or estate with coordinates nearest to the point, searched in a widening box
    (0.02°, 0.1°, 0.5°, 3° either side) by squared distance in degrees with longitude scaled by
    cos(latitude), ties to the lower id; None if none lies within 3°."""
    index = _located.get()
    y, x = float(lat), float(lng)
    scale = round(math.cos(math.radians(y)), 6)
    for span in SPANS:
        lo = bisect.bisect_left(index.lats, y - span)
        hi = bisect.bisect_right(index.lats, y + span)
        best: tuple[float, int, Place] | None = None
        for item in index.items[lo:hi]:
            if abs(item.lng - x) > span:
                continue
            dy, dx = item.lat - y, (item.lng - x) * scale
            key = (dy * dy + dx * dx, item.place.pk, item.place)
            if best is None or key[:2] < best[:2]:
                best = key
        if best is not None:
            return best[2]
    return None


PlaceContext = tuple[Place | None, Place | None, Place | None]
_contexts: Memo[dict[int, PlaceContext]] = Memo("cases.place-contexts", dict, models=[Place])


def place_context(place: Place) -> PlaceContext:
    """(community, district, nearest place with coordinates) among the place and its ancestors."""
    known = _contexts.get()
    found = known.get(place.pk) if place.path else None
    if found is not None:
        return found
    ids = [*place.ancestor_ids, place.pk]
    chain = {p.pk: p for p in Place.objects.filter(pk__in=ids).only("id", "kind", "latitude", "longitude", "path")}
    ordered = [chain[i] for i in ids if i in chain]
    community = next((p for p in ordered if p.kind == PlaceKind.COMMUNITY), None)
    district = next((p for p in ordered if p.kind == PlaceKind.DISTRICT), None)
    located = next((p for p in reversed(ordered) if p.latitude is not None and p.longitude is not None), None)
    found = (community, district, located)
    if place.path and len(known) < 20_000:  # a place without its path yet knows no ancestors
        known[place.pk] = found
    return found


_workers: Memo[dict[int, list[Any]]] = Memo("cases.community-workers", dict, models=[Membership, User, Place])


def community_workers(community: Place) -> list[Any]:
    """Active community staff and grid workers of the community (their places lie within it)."""
    known = _workers.get()
    found = known.get(community.pk)
    if found is None:
        rows = Membership.objects.filter(
            is_active=True,
            role__in=[Role.COMMUNITY_STAFF, Role.GRID_WORKER],
            place__path__startswith=community.path,
        ).select_related("user")
        found = [m.user for m in rows]
        if len(known) < 20_000:
            known[community.pk] = found
    return found
