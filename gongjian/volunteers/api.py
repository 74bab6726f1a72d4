"""API: volunteer activities, sign-up and cancel, volunteers (numbers masked), and the monthly
compliance of in-service party members. Mounted at /api/volunteers."""

import datetime
from decimal import Decimal
from typing import Annotated

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate
from ninja.responses import Status

from gongjian.core import policy
from gongjian.core.api import Id, Pagination, errors, get_for, get_visible
from gongjian.volunteers.models import Activity, Signup, Volunteer
from gongjian.volunteers.selectors import (
    activity_list,
    approved_hours,
    compliance_by,
    compliance_total,
    month_start,
    star_level,
    volunteer_list,
    volunteer_of,
)
from gongjian.volunteers.services import signup_cancel, signup_create

router = Router(tags=["volunteers"])


class ActivityOut(Schema):
    id: int
    title: str
    kind: str
    kind_display: str
    organiser: str
    community_id: int
    community: str
    address: str
    starts_at: datetime.datetime
    ends_at: datetime.datetime
    capacity: int
    confirmed: int
    waitlisted: int
    status: str


def _activity_out(a: Activity) -> ActivityOut:
    return ActivityOut(
        id=a.pk,
        title=a.title,
        kind=a.kind,
        kind_display=a.get_kind_display(),
        organiser=a.organiser_name,
        community_id=a.community_id,
        community=a.community.name,
        address=a.address,
        starts_at=a.starts_at,
        ends_at=a.ends_at,
        capacity=a.capacity,
        confirmed=getattr(a, "confirmed", 0),
        waitlisted=getattr(a, "waitlisted", 0),
        status=a.status,
    )


class ActivityQuery(Schema):
    upcoming: bool = Field(False, description="只列出尚未结束的活动（按开始时间排序）")


@router.get("/activities", response={200: list[ActivityOut]} | errors(401, 422), summary="志愿服务活动")
@paginate(Pagination)
def activity_list_api(request: HttpRequest, query: Query[ActivityQuery]) -> list[ActivityOut]:
    """Published activities (and, for their organisers, cancelled ones), newest first."""
    qs = activity_list(user=request.user, upcoming_from=timezone.now() if query.upcoming else None)
    return [_activity_out(a) for a in qs[:500]]


@router.get("/activities/{activity_id}", response={200: ActivityOut} | errors(401, 404, 422), summary="活动详情")
def activity_get(request: HttpRequest, activity_id: Id) -> ActivityOut:
    qs = activity_list(user=request.user).filter(pk=activity_id)
    activity = qs.first()
    if activity is None:
        get_visible(request, Activity.objects.all(), activity_id)  # raises the 404
    assert activity is not None
    return _activity_out(activity)


class SignupOut(Schema):
    id: int
    activity_id: int
    volunteer_id: int
    status: str = Field(description="confirmed 已报名；waitlisted 候补；cancelled 已取消；no_show 缺席")
    created_at: datetime.datetime


def _signup_out(s: Signup) -> SignupOut:
    return SignupOut(
        id=s.pk, activity_id=s.activity_id, volunteer_id=s.volunteer_id, status=s.status, created_at=s.created_at
    )


@router.post(
    "/activities/{activity_id}/signup",
    response={201: SignupOut} | errors(400, 401, 403, 404, 422),
    summary="报名（名额已满时进入候补）",
)
def activity_signup_api(request: HttpRequest, activity_id: Id) -> Status:
    """The signed-in volunteer signs up; without a volunteer record linked to the account, 400."""
    activity = get_visible(request, Activity.objects.all(), activity_id)
    volunteer = volunteer_of(request.user)
    if volunteer is None:
        raise ValidationError({"volunteer": _("该账号尚未登记为志愿者。")})
    return Status(201, _signup_out(signup_create(activity=activity, volunteer=volunteer, actor=request.user)))


@router.post(
    "/signups/{signup_id}/cancel",
    response={200: list[SignupOut]} | errors(400, 401, 403, 404, 422),
    summary="取消报名（返回因此递补的候补）",
)
def signup_cancel_api(request: HttpRequest, signup_id: Id) -> list[SignupOut]:
    signup = get_for(request, Signup.objects.select_related("activity"), signup_id, policy.CHANGE)
    return [_signup_out(s) for s in signup_cancel(signup=signup, actor=request.user)]


class VolunteerOut(Schema):
    id: int
    name: str
    phone: str = Field(description="打码后的手机号")
    id_number: str = Field(description="打码后的身份证号")
    is_party_member: bool
    unit_id: int | None
    community_id: int | None
    approved_hours: Decimal
    stars: int


@router.get("/people", response={200: list[VolunteerOut]} | errors(401, 422), summary="志愿者（号码打码）")
@paginate(Pagination)
def volunteer_list_api(request: HttpRequest) -> list[VolunteerOut]:
    """The volunteers the caller looks after; phone and ID numbers are always masked here."""
    qs: QuerySet[Volunteer] = volunteer_list(user=request.user)
    return [
        VolunteerOut(
            id=v.pk,
            name=v.name,
            phone=v.phone_masked,
            id_number=v.id_number_masked,
            is_party_member=v.is_party_member,
            unit_id=v.unit_id,
            community_id=v.community_id,
            approved_hours=Decimal(v.total_hours or 0).quantize(Decimal("0.01")),  # type: ignore[attr-defined]
            stars=star_level(v.total_hours or 0),  # type: ignore[attr-defined]
        )
        for v in qs[:5000]
    ]


@router.get("/me", response={200: VolunteerOut} | errors(401, 404), summary="我的志愿者信息")
def volunteer_me_api(request: HttpRequest) -> VolunteerOut:
    volunteer = volunteer_of(request.user)
    if volunteer is None:
        get_visible(request, Volunteer.objects.none(), 1)
    assert volunteer is not None
    hours = approved_hours(volunteer=volunteer)
    return VolunteerOut(
        id=volunteer.pk,
        name=volunteer.name,
        phone=volunteer.phone_masked,
        id_number=volunteer.id_number_masked,
        is_party_member=volunteer.is_party_member,
        unit_id=volunteer.unit_id,
        community_id=volunteer.community_id,
        approved_hours=hours,
        stars=star_level(hours),
    )


Month = Annotated[str, Field(pattern=r"^\d{4}-(0[1-9]|1[0-2])$", description="YYYY-MM")]


class ComplianceQuery(Schema):
    month: Month | None = Field(None, description="月份 YYYY-MM，默认本月")
    group: str = Field("unit", pattern=r"^(unit|district)$", description="unit 按单位；district 按居住地所在区")


class ComplianceRowOut(Schema):
    id: int | None
    name: str
    members: int
    served: int
    rate: float = Field(description="已服务的比例，0 到 1")


class ComplianceOut(Schema):
    month: str
    group: str
    members: int
    served: int
    rate: float
    rows: list[ComplianceRowOut]


@router.get("/compliance", response={200: ComplianceOut} | errors(401, 422), summary="在职党员每月进社区服务")
def compliance_api(request: HttpRequest, query: Query[ComplianceQuery]) -> ComplianceOut:
    """Rates of the party members the caller may see (the city for the city admin, a unit's own
    members for its liaison, a community's residents for its staff)."""
    month = month_start(timezone.localdate())
    if query.month:
        month = datetime.date(int(query.month[:4]), int(query.month[5:]), 1)
    rows = compliance_by(user=request.user, month=month, group=query.group)
    total = compliance_total(rows)
    return ComplianceOut(
        month=month.strftime("%Y-%m"),
        group=query.group,
        members=total.members,
        served=total.served,
        rate=total.rate,
        rows=[ComplianceRowOut(id=r.key, name=r.name, members=r.members, served=r.served, rate=r.rate) for r in rows],
    )
