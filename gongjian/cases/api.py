"""API: the case catalogue, cases in the caller's scope, reporting, and the workflow's steps.
(The anonymous public uses the report page or Open311 at ``/open311/v2/``.)"""

import datetime
from decimal import Decimal
from typing import Annotated, Any, Literal

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate
from ninja.responses import Status

from gongjian.cases.models import Case, Category
from gongjian.cases.policies import HANDLE
from gongjian.cases.selectors import CaseFilters, case_list, case_photo_public_url, case_timeline, may_see_reporter
from gongjian.cases.services import (
    case_accept,
    case_close,
    case_dispatch,
    case_merge,
    case_recategorise,
    case_redispatch,
    case_reject,
    case_reopen,
    case_report,
    case_resolve,
    case_send_back,
    case_start,
    case_verify,
)
from gongjian.core import policy
from gongjian.core.api import Id, Input, Pagination, SafeText, errors, get_ref, get_visible
from gongjian.core.audit import client_ip
from gongjian.places.models import Place, PlaceKind
from gongjian.units.models import Unit

router = Router(tags=["cases"])

Code = Annotated[str, Field(min_length=1, max_length=50, pattern=r"^[-a-zA-Z0-9_]+$")]


class CategoryOut(Schema):
    code: str
    name: str
    klass: str = Field(description="facility 部件 / event 事件")
    group: str
    description: str
    keywords: str
    is_public: bool
    default_unit_id: int | None
    use_paired_unit: bool = Field(description="默认派遣给问题所在社区的联点共建单位")
    hours_urgent: int
    hours_high: int
    hours_normal: int


class PlaceRef(Schema):
    id: int
    name: str


class UnitRef(Schema):
    id: int
    name: str
    short_name: str


class CaseOut(Schema):
    id: int
    number: str
    category: str = Field(description="类别编码")
    status: str
    priority: str
    description: str
    address: str
    lat: float | None
    lng: float | None
    place: PlaceRef
    community: PlaceRef
    district: PlaceRef | None
    unit: UnitRef | None
    source: str
    me_too_count: int
    rating: int | None
    created_at: datetime.datetime
    updated_at: datetime.datetime
    due_at: datetime.datetime
    closed_at: datetime.datetime | None
    overdue: bool

    @staticmethod
    def resolve_category(obj: Case) -> str:
        return obj.category.code

    @staticmethod
    def resolve_lat(obj: Case) -> float | None:
        return float(obj.lat) if obj.lat is not None else None

    @staticmethod
    def resolve_lng(obj: Case) -> float | None:
        return float(obj.lng) if obj.lng is not None else None

    @staticmethod
    def resolve_overdue(obj: Case) -> bool:
        return obj.is_overdue()


class EventOut(Schema):
    kind: str
    note: str
    actor_label: str
    status: str
    unit_id: int | None
    created_at: datetime.datetime


class ReporterOut(Schema):
    name: str
    phone: str
    email: str


class CaseDetailOut(CaseOut):
    events: list[EventOut]
    reporter: ReporterOut | None = Field(description="仅办理该诉求的人员可见")
    photo_urls: list[str]

    @staticmethod
    def resolve_events(obj: Case) -> list[Any]:
        return list(case_timeline(case=obj))

    @staticmethod
    def resolve_reporter(obj: Case) -> dict[str, str] | None:
        return getattr(obj, "api_reporter", None)

    @staticmethod
    def resolve_photo_urls(obj: Case) -> list[str]:
        return [case_photo_public_url(p) for p in obj.photos.order_by("id")]


StatusFilter = Literal[
    "open", "reported", "accepted", "rejected", "dispatched", "in_progress", "resolved", "verified", "closed", "merged"
]


class CaseQuery(Schema):
    status: StatusFilter | None = None
    category: Code | None = None
    district: Id | None = None
    community: Id | None = None
    unit: Id | None = None
    overdue: bool | None = None


Lat = Annotated[float, Field(ge=-90, le=90)]
Lng = Annotated[float, Field(ge=-180, le=180)]


class CaseReportIn(Input):
    category: Code
    description: Annotated[str, Field(min_length=1, max_length=4000), SafeText]
    place: Id | None = Field(None, description="社区或更具体的地点编号；与坐标至少填一项")
    lat: Lat | None = Field(None, description="WGS-84 纬度")
    lng: Lng | None = Field(None, description="WGS-84 经度")
    address: Annotated[str, Field(max_length=200), SafeText] = ""
    priority: Literal["urgent", "high", "normal"] = "normal"
    reporter_name: Annotated[str, Field(max_length=50), SafeText] = ""
    reporter_phone: Annotated[str, Field(max_length=20), SafeText] = ""
    reporter_email: Annotated[str, Field(max_length=120), SafeText] = ""


class StepIn(Input):
    action: Literal[
        "accept",
        "reject",
        "dispatch",
        "redispatch",
        "start",
        "resolve",
        "verify",
        "send_back",
        "close",
        "reopen",
        "merge",
        "recategorise",
    ]
    note: Annotated[str, Field(max_length=2000), SafeText] = ""
    reason: Annotated[str, Field(max_length=2000), SafeText] = ""
    priority: Literal["urgent", "high", "normal"] | None = None
    unit: Id | None = Field(None, description="dispatch / redispatch：单位编号")
    category: Code | None = Field(None, description="recategorise：新类别编码")
    into: Annotated[str, Field(max_length=20), SafeText] | None = Field(None, description="merge：合并到的诉求编号")


def _cases() -> QuerySet[Case]:
    return Case.objects.select_related("category", "place", "community", "district", "unit")


@router.get("/categories", response={200: list[CategoryOut]} | errors(401), summary="诉求类别")
def category_list_api(request: HttpRequest) -> QuerySet[Category]:
    """The catalogue in use (部件 and 事件), with deadlines in hours per priority."""
    return policy.restrict(Category.objects.filter(active=True), request.user, policy.VIEW).order_by(
        "klass", "order", "id"
    )


@router.get("", response={200: list[CaseOut]} | errors(401, 422), summary="诉求列表")
@paginate(Pagination)
def case_list_api(request: HttpRequest, query: Query[CaseQuery]) -> QuerySet[Case]:
    """The cases the caller may see: their community's, their unit's, their own, or all (city)."""
    category = Category.objects.filter(code=query.category).first() if query.category else None
    if query.category and category is None:
        return Case.objects.none()
    district = Place.objects.filter(pk=query.district, kind=PlaceKind.DISTRICT).first() if query.district else None
    community = Place.objects.filter(pk=query.community, kind=PlaceKind.COMMUNITY).first() if query.community else None
    if (query.district and district is None) or (query.community and community is None):
        return Case.objects.none()
    filters = CaseFilters(
        category=category,
        status=query.status or "",
        district=district,
        community=community,
        unit_id=query.unit,
        overdue=bool(query.overdue),
    )
    return case_list(user=request.user, filters=filters).order_by("-created_at", "-id")


def _detail(request: HttpRequest, case: Case) -> Case:
    if may_see_reporter(user=request.user, case=case):
        case.api_reporter = {  # type: ignore[attr-defined]
            "name": case.reporter_name,
            "phone": case.reporter_phone,
            "email": case.reporter_email,
        }
    return case


@router.get("/{case_id}", response={200: CaseDetailOut} | errors(401, 404, 422), summary="诉求详情")
def case_get_api(request: HttpRequest, case_id: Id) -> Case:
    """One case with its timeline; the reporter only for those who handle it."""
    return _detail(request, get_visible(request, _cases(), case_id))


@router.post("", response={201: CaseOut} | errors(400, 401, 403, 422), summary="上报诉求")
def case_report_api(request: HttpRequest, payload: CaseReportIn) -> Status:
    """Report a case (grid workers, community staff, units and residents with an account)."""
    from gongjian.cases.views import _report_source

    place = get_ref(request, Place.objects.all(), payload.place, field="place") if payload.place else None
    source = _report_source(request.user)
    case = case_report(
        category=payload.category,
        description=payload.description,
        place=place,
        lat=Decimal(str(payload.lat)) if payload.lat is not None else None,
        lng=Decimal(str(payload.lng)) if payload.lng is not None else None,
        address=payload.address,
        reporter=request.user,
        reporter_name=payload.reporter_name,
        reporter_phone=payload.reporter_phone,
        reporter_email=payload.reporter_email,
        source=Case.Source.API if source == Case.Source.PUBLIC else source,
        client_ip=client_ip(request),
        priority=payload.priority,
    )
    return Status(201, _cases().get(pk=case.pk))


@router.post("/{case_id}/steps", response={200: CaseOut} | errors(400, 401, 403, 404, 422), summary="办理诉求")
def case_step_api(request: HttpRequest, case_id: Id, payload: StepIn) -> Case:
    """Take one step of the workflow. Who may take which step, and from which status, is the
    same as on the case page; a refused step changes nothing (400 wrong status or input, 403
    not the caller's to take)."""
    case = get_visible(request, _cases(), case_id)
    user = request.user
    p = payload
    if p.action == "accept":
        case_accept(case=case, actor=user, priority=p.priority, note=p.note)
    elif p.action == "reject":
        case_reject(case=case, actor=user, reason=p.reason)
    elif p.action in ("dispatch", "redispatch"):
        unit = get_ref(request, Unit.objects.all(), p.unit, field="unit") if p.unit else None
        if p.action == "dispatch":
            case_dispatch(case=case, actor=user, unit=unit, note=p.note)
        else:
            if unit is None:
                raise ValidationError({"unit": "请选择改派的单位。"})
            case_redispatch(case=case, actor=user, unit=unit, reason=p.reason)
    elif p.action == "start":
        case_start(case=case, actor=user, note=p.note)
    elif p.action == "resolve":
        case_resolve(case=case, actor=user, note=p.note)
    elif p.action == "verify":
        case_verify(case=case, actor=user, note=p.note)
    elif p.action == "send_back":
        case_send_back(case=case, actor=user, reason=p.reason)
    elif p.action == "close":
        case_close(case=case, actor=user, note=p.note)
    elif p.action == "reopen":
        case_reopen(case=case, actor=user, reason=p.reason)
    elif p.action == "merge":
        into = policy.restrict(_cases(), user, HANDLE).filter(number=p.into or "").first()
        if into is None:
            raise ValidationError({"into": "找不到您可办理的这件诉求。"})
        case_merge(case=case, into=into, actor=user, reason=p.reason)
    elif p.action == "recategorise":
        category = Category.objects.filter(code=p.category or "").first()
        if category is None:
            raise ValidationError({"category": "未知的诉求类别。"})
        case_recategorise(case=case, actor=user, category=category, reason=p.reason)
    return _cases().get(pk=case.pk)
