"""API: the place tree (区 → 街道 → 社区 → 小区 → 网格 → 楼栋)."""

from decimal import Decimal
from typing import Annotated

from django.db.models import Count, QuerySet
from django.http import HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate
from ninja.responses import Status
from pydantic import Strict

from gongjian.core import policy
from gongjian.core.api import (
    UNSET,
    Id,
    Input,
    Pagination,
    SafeText,
    create_checked,
    errors,
    get_for,
    get_ref,
    get_visible,
)
from gongjian.places.models import Place, PlaceKind
from gongjian.places.selectors import place_children, place_list
from gongjian.places.services import place_create, place_delete, place_update

router = Router(tags=["places"])

Kind = Annotated[PlaceKind, Strict(False)]
Latitude = Annotated[Decimal, Strict(False), Field(ge=-90, le=90, max_digits=9, decimal_places=6)]
Longitude = Annotated[Decimal, Strict(False), Field(ge=-180, le=180, max_digits=9, decimal_places=6)]


class PlaceRef(Schema):
    id: int
    kind: PlaceKind
    name: str


class PlaceOut(Schema):
    id: int
    kind: PlaceKind
    kind_label: str
    name: str
    parent_id: int | None
    code: str
    latitude: float | None
    longitude: float | None

    @staticmethod
    def resolve_kind_label(obj: Place) -> str:
        return str(PlaceKind(obj.kind).label)


class PlaceChildOut(PlaceOut):
    child_count: int


class PlaceDetailOut(PlaceOut):
    ancestors: list[PlaceRef] = Field(description="从区开始，依次到上级")
    child_count: int

    @staticmethod
    def resolve_ancestors(obj: Place) -> list[Place]:
        return obj.ancestors()


class PlaceFilter(Schema):
    kind: Kind | None = None
    parent: Id | None = Field(None, description="上级地点的编号")
    q: Annotated[str, Field(max_length=100), SafeText] | None = Field(None, description="按名称搜索")
    root: bool | None = Field(None, description="true：只列出没有上级的地点（区）")


class PlaceIn(Input):
    kind: Kind
    name: Annotated[str, Field(min_length=1, max_length=100), SafeText]
    parent: Id | None = None
    code: Annotated[str, Field(max_length=32), SafeText] = ""
    latitude: Latitude | None = None
    longitude: Longitude | None = None


class PlacePatch(Input):
    """Only the fields sent are changed; ``parent``, ``latitude`` and ``longitude`` may be null."""

    kind: Kind = UNSET
    name: Annotated[str, Field(min_length=1, max_length=100), SafeText] = UNSET
    parent: Id | None = None
    code: Annotated[str, Field(max_length=32), SafeText] = UNSET
    latitude: Latitude | None = None
    longitude: Longitude | None = None


def _detail(request: HttpRequest, place_id: int) -> PlaceDetailOut:
    place = get_visible(request, Place.objects.annotate(child_count=Count("children")), place_id)
    return PlaceDetailOut.model_validate(place)


@router.get("", response={200: list[PlaceOut]} | errors(401, 422), summary="地点列表")
@paginate(Pagination)
def place_list_api(request: HttpRequest, filters: Query[PlaceFilter]) -> QuerySet[Place]:
    """Places, filtered by level, parent, name or roots only; ordered by id."""
    qs = place_list(user=request.user, kind=filters.kind or None, q=filters.q or "")
    if filters.parent is not None:
        qs = qs.filter(parent_id=filters.parent)
    if filters.root:
        qs = qs.filter(parent__isnull=True)
    elif filters.root is False:
        qs = qs.filter(parent__isnull=False)
    return qs.order_by("id")


@router.get("/{place_id}", response={200: PlaceDetailOut} | errors(401, 404, 422), summary="地点详情（含上级）")
def place_get(request: HttpRequest, place_id: Id) -> PlaceDetailOut:
    """One place with its ancestors (from the district down) and its number of children."""
    return _detail(request, place_id)


@router.get("/{place_id}/children", response={200: list[PlaceChildOut]} | errors(401, 404, 422), summary="下级地点")
@paginate(Pagination)
def place_children_api(request: HttpRequest, place_id: Id) -> QuerySet[Place]:
    """The children of a place, each with its number of children."""
    parent = get_visible(request, Place.objects.all(), place_id)
    return place_children(user=request.user, parent=parent)


@router.post("", response={201: PlaceDetailOut} | errors(400, 401, 403, 422), summary="新增地点")
def place_create_api(request: HttpRequest, payload: PlaceIn) -> Status:
    """Add a place under ``parent`` (a district has none). City admins only."""
    parent = get_ref(request, Place.objects.all(), payload.parent, field="parent") if payload.parent else None
    fields = payload.model_dump(exclude={"parent"})
    place = create_checked(request, Place, lambda: place_create(parent=parent, **fields))
    return Status(201, _detail(request, place.pk))


@router.patch("/{place_id}", response={200: PlaceDetailOut} | errors(400, 401, 403, 404, 422), summary="修改地点")
def place_update_api(request: HttpRequest, place_id: Id, payload: PlacePatch) -> PlaceDetailOut:
    """Change a place; moving it to another parent moves its subtree. City admins only."""
    place = get_for(request, Place.objects.all(), place_id, policy.CHANGE)
    fields = payload.model_dump(exclude_unset=True)
    if fields.get("parent") is not None:
        fields["parent"] = get_ref(request, Place.objects.all(), fields["parent"], field="parent")
    place_update(place=place, **fields)
    return _detail(request, place.pk)


@router.delete("/{place_id}", response={204: None} | errors(400, 401, 403, 404, 422), summary="删除地点")
def place_delete_api(request: HttpRequest, place_id: Id) -> Status:
    """Delete a place that has no children and that nothing refers to. City admins only."""
    place = get_for(request, Place.objects.all(), place_id, policy.DELETE)
    place_delete(place=place)
    return Status(204, None)
