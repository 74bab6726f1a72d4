"""API: the units taking part (市直单位, 省以上文明单位, 国有企业…)."""

from typing import Annotated

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate
from ninja.responses import Status
from pydantic import Strict

from gongjian.core import policy
from gongjian.core.api import UNSET, Id, Input, Pagination, SafeText, create_checked, errors, get_for, get_visible
from gongjian.units.models import Unit, UnitKind
from gongjian.units.selectors import unit_list
from gongjian.units.services import unit_create, unit_delete, unit_update

router = Router(tags=["units"])

Kind = Annotated[UnitKind, Strict(False)]


class UnitOut(Schema):
    id: int
    name: str
    short_name: str
    display_name: str
    kind: UnitKind
    kind_label: str
    head_name: str
    head_title: str
    phone: str
    address: str
    is_active: bool

    @staticmethod
    def resolve_kind_label(obj: Unit) -> str:
        return str(UnitKind(obj.kind).label)


class UnitFilter(Schema):
    kind: Kind | None = None
    q: Annotated[str, Field(max_length=100), SafeText] | None = Field(None, description="按名称、简称或负责人搜索")
    active: bool | None = Field(None, description="true：只列出在用的单位；false：只列出停用的")


class UnitIn(Input):
    name: Annotated[str, Field(min_length=1, max_length=100), SafeText]
    kind: Kind
    short_name: Annotated[str, Field(max_length=30), SafeText] = ""
    head_name: Annotated[str, Field(max_length=50), SafeText] = ""
    head_title: Annotated[str, Field(max_length=80), SafeText] = ""
    phone: Annotated[str, Field(max_length=30), SafeText] = ""
    address: Annotated[str, Field(max_length=200), SafeText] = ""
    is_active: bool = True


class UnitPatch(Input):
    """Only the fields sent are changed."""

    name: Annotated[str, Field(min_length=1, max_length=100), SafeText] = UNSET
    kind: Kind = UNSET
    short_name: Annotated[str, Field(max_length=30), SafeText] = UNSET
    head_name: Annotated[str, Field(max_length=50), SafeText] = UNSET
    head_title: Annotated[str, Field(max_length=80), SafeText] = UNSET
    phone: Annotated[str, Field(max_length=30), SafeText] = UNSET
    address: Annotated[str, Field(max_length=200), SafeText] = UNSET
    is_active: bool = UNSET


@router.get("", response={200: list[UnitOut]} | errors(401, 422), summary="单位列表")
@paginate(Pagination)
def unit_list_api(request: HttpRequest, filters: Query[UnitFilter]) -> QuerySet[Unit]:
    """Units, filtered by kind, name and whether active; ordered by id."""
    units = unit_list(user=request.user, kind=filters.kind or "", q=filters.q or "", active=filters.active)
    return units.order_by("id")


@router.get("/{unit_id}", response={200: UnitOut} | errors(401, 404, 422), summary="单位详情")
def unit_get(request: HttpRequest, unit_id: Id) -> Unit:
    """One unit."""
    return get_visible(request, Unit.objects.all(), unit_id)


@router.post("", response={201: UnitOut} | errors(400, 401, 403, 422), summary="新增单位")
def unit_create_api(request: HttpRequest, payload: UnitIn) -> Status:
    """Add a unit; names are unique. City admins only."""
    fields = payload.model_dump()
    unit = create_checked(request, Unit, lambda: unit_create(**fields))
    return Status(201, unit)


@router.patch("/{unit_id}", response={200: UnitOut} | errors(400, 401, 403, 404, 422), summary="修改单位")
def unit_update_api(request: HttpRequest, unit_id: Id, payload: UnitPatch) -> Unit:
    """Change a unit (deactivate it with ``is_active: false``). City admins only."""
    unit = get_for(request, Unit.objects.all(), unit_id, policy.CHANGE)
    return unit_update(unit=unit, **payload.model_dump(exclude_unset=True))


@router.delete("/{unit_id}", response={204: None} | errors(400, 401, 403, 404, 422), summary="删除单位")
def unit_delete_api(request: HttpRequest, unit_id: Id) -> Status:
    """Delete a unit that has never been paired (otherwise deactivate it). City admins only."""
    unit = get_for(request, Unit.objects.all(), unit_id, policy.DELETE)
    unit_delete(unit=unit)
    return Status(204, None)
