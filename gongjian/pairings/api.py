"""API: campaigns (共建活动), pairings (联点共建) and visits (走访/报到) with their photos."""

import base64
import binascii
import datetime
import math
from typing import Annotated

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import QuerySet
from django.http import Http404, HttpRequest
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from ninja import Field, File, Query, Router, Schema
from ninja.files import UploadedFile
from ninja.pagination import paginate
from ninja.responses import Status

from gongjian.core import policy
from gongjian.core.api import (
    UNSET,
    Id,
    Input,
    IsoDate,
    Pagination,
    SafeText,
    create_checked,
    errors,
    get_for,
    get_ref,
    get_visible,
)
from gongjian.pairings.models import Campaign, Pairing, Visit, VisitPhoto
from gongjian.pairings.policies import REPORT
from gongjian.pairings.selectors import (
    campaign_default_as_of,
    campaign_progress,
    pairing_list,
    visit_list,
    visits_per_week,
)
from gongjian.pairings.services import (
    MAX_PHOTOS_PER_VISIT,
    campaign_create,
    campaign_update,
    pairing_create,
    pairing_delete,
    pairing_update,
    visit_create,
    visit_delete,
    visit_update,
)
from gongjian.places.models import Place
from gongjian.units.models import Unit

router = Router()
campaigns = Router(tags=["campaigns"])
pairings = Router(tags=["pairings"])
visits = Router(tags=["visits"])
router.add_router("/campaigns", campaigns)
router.add_router("/pairings", pairings)
router.add_router("/visits", visits)

Year = Annotated[int, Field(ge=2000, le=2100)]


# --- Campaigns ---------------------------------------------------------------------------------


class CampaignOut(Schema):
    id: int
    year: int
    name: str
    starts_on: datetime.date
    ends_on: datetime.date
    description: str


class CampaignIn(Input):
    year: Year
    name: Annotated[str, Field(min_length=1, max_length=100), SafeText]
    starts_on: IsoDate
    ends_on: IsoDate
    description: Annotated[str, Field(max_length=4000), SafeText] = ""


class CampaignPatch(Input):
    """Only the fields sent are changed."""

    year: Year = UNSET
    name: Annotated[str, Field(min_length=1, max_length=100), SafeText] = UNSET
    starts_on: IsoDate = UNSET
    ends_on: IsoDate = UNSET
    description: Annotated[str, Field(max_length=4000), SafeText] = UNSET


class WeekOut(Schema):
    week_start: datetime.date = Field(description="该周的星期一")
    visits: int


class ProgressOut(Schema):
    campaign_id: int
    as_of: datetime.date
    paired_units: int
    visited_units: int
    head_led_units: int
    visits: int
    rate: float = Field(description="已走访单位占联点单位的比例，0 到 1")
    percent: str
    weeks: list[WeekOut]


class ProgressQuery(Schema):
    as_of: IsoDate | None = Field(None, description="统计截至哪一天（含），默认今天（限于活动起止日期内）")


@campaigns.get("", response={200: list[CampaignOut]} | errors(401, 422), summary="共建活动列表")
@paginate(Pagination)
def campaign_list_api(request: HttpRequest) -> QuerySet[Campaign]:
    """Campaigns, the latest year first."""
    return policy.restrict(Campaign.objects.all(), request.user, policy.VIEW).order_by("-year")


@campaigns.get("/{campaign_id}", response={200: CampaignOut} | errors(401, 404, 422), summary="共建活动详情")
def campaign_get(request: HttpRequest, campaign_id: Id) -> Campaign:
    """One campaign."""
    return get_visible(request, Campaign.objects.all(), campaign_id)


@campaigns.get(
    "/{campaign_id}/progress", response={200: ProgressOut} | errors(401, 404, 422), summary="共建活动进度（截至某日）"
)
def campaign_progress_api(request: HttpRequest, campaign_id: Id, query: Query[ProgressQuery]) -> ProgressOut:
    """How many paired units had visited their community by ``as_of``, and visits per week."""
    campaign = get_visible(request, Campaign.objects.all(), campaign_id)
    as_of = query.as_of or campaign_default_as_of(campaign)
    progress = campaign_progress(campaign=campaign, as_of=as_of)
    return ProgressOut(
        campaign_id=campaign.pk,
        as_of=as_of,
        paired_units=progress.paired_units,
        visited_units=progress.visited_units,
        head_led_units=progress.head_led_units,
        visits=progress.visits,
        rate=progress.rate,
        percent=progress.percent,
        weeks=[WeekOut(week_start=monday, visits=n) for monday, n in visits_per_week(campaign=campaign, as_of=as_of)],
    )


@campaigns.post("", response={201: CampaignOut} | errors(400, 401, 403, 422), summary="新增共建活动")
def campaign_create_api(request: HttpRequest, payload: CampaignIn) -> Status:
    """Set up a campaign year. City admins only."""
    fields = payload.model_dump()
    return Status(201, create_checked(request, Campaign, lambda: campaign_create(**fields)))


@campaigns.patch(
    "/{campaign_id}", response={200: CampaignOut} | errors(400, 401, 403, 404, 422), summary="修改共建活动"
)
def campaign_update_api(request: HttpRequest, campaign_id: Id, payload: CampaignPatch) -> Campaign:
    """Change a campaign; its dates must still hold every visit recorded. City admins only."""
    campaign = get_for(request, Campaign.objects.all(), campaign_id, policy.CHANGE)
    return campaign_update(campaign=campaign, **payload.model_dump(exclude_unset=True))


# --- Pairings ----------------------------------------------------------------------------------


class CampaignRef(Schema):
    id: int
    year: int
    name: str


class UnitRef(Schema):
    id: int
    name: str
    short_name: str


class CommunityRef(Schema):
    id: int
    name: str


class PairingOut(Schema):
    id: int
    campaign: CampaignRef
    unit: UnitRef
    community: CommunityRef
    note: str


class PairingFilter(Schema):
    campaign: Id | None = Field(None, description="共建活动编号")
    year: Year | None = Field(None, description="共建活动年度")
    unit: Id | None = Field(None, description="单位编号")
    community: Id | None = Field(None, description="社区编号")


class PairingIn(Input):
    campaign: Id
    unit: Id
    community: Id
    note: Annotated[str, Field(max_length=200), SafeText] = ""


class PairingPatch(Input):
    """Only the fields sent are changed."""

    community: Id = UNSET
    note: Annotated[str, Field(max_length=200), SafeText] = UNSET


def _find_campaign(request: HttpRequest, *, campaign_id: int | None, year: int | None) -> Campaign | None:
    """The campaign a list is filtered by (by id and/or year), among those the user may view."""
    qs = policy.restrict(Campaign.objects.all(), request.user, policy.VIEW)
    if campaign_id is not None:
        qs = qs.filter(pk=campaign_id)
    if year is not None:
        qs = qs.filter(year=year)
    return qs.first()


@pairings.get("", response={200: list[PairingOut]} | errors(401, 422), summary="联点共建关系列表")
@paginate(Pagination)
def pairing_list_api(request: HttpRequest, filters: Query[PairingFilter]) -> QuerySet[Pairing]:
    """Which unit pairs with which community, filtered by campaign (id or year), unit or community."""
    campaign = None
    if filters.campaign is not None or filters.year is not None:
        campaign = _find_campaign(request, campaign_id=filters.campaign, year=filters.year)
        if campaign is None:
            return Pairing.objects.none()
    qs = pairing_list(user=request.user, campaign=campaign, unit_id=filters.unit, community_id=filters.community)
    return qs.order_by("-campaign__year", "id")


@pairings.get("/{pairing_id}", response={200: PairingOut} | errors(401, 404, 422), summary="联点共建关系详情")
def pairing_get(request: HttpRequest, pairing_id: Id) -> Pairing:
    """One pairing."""
    return get_visible(request, Pairing.objects.select_related("campaign", "unit", "community"), pairing_id)


@pairings.post("", response={201: PairingOut} | errors(400, 401, 403, 422), summary="新增联点共建关系")
def pairing_create_api(request: HttpRequest, payload: PairingIn) -> Status:
    """Pair a unit with a community for a campaign; a unit pairs once per campaign. City admins only."""
    campaign = get_ref(request, Campaign.objects.all(), payload.campaign, field="campaign")
    unit = get_ref(request, Unit.objects.all(), payload.unit, field="unit")
    community = get_ref(request, Place.objects.all(), payload.community, field="community")
    pairing = create_checked(
        request,
        Pairing,
        lambda: pairing_create(campaign=campaign, unit=unit, community=community, note=payload.note),
    )
    return Status(201, pairing)


@pairings.patch(
    "/{pairing_id}", response={200: PairingOut} | errors(400, 401, 403, 404, 422), summary="修改联点共建关系"
)
def pairing_update_api(request: HttpRequest, pairing_id: Id, payload: PairingPatch) -> Pairing:
    """Move a pairing to another community, or change its note. City admins only."""
    pairing = get_for(request, Pairing.objects.select_related("campaign", "unit"), pairing_id, policy.CHANGE)
    fields = payload.model_dump(exclude_unset=True)
    community = pairing.community
    if fields.get("community") is not None:
        community = get_ref(request, Place.objects.all(), fields["community"], field="community")
    return pairing_update(pairing=pairing, community=community, note=fields.get("note"))


@pairings.delete("/{pairing_id}", response={204: None} | errors(400, 401, 403, 404, 422), summary="删除联点共建关系")
def pairing_delete_api(request: HttpRequest, pairing_id: Id) -> Status:
    """Delete a pairing that has no visits yet. City admins only."""
    pairing = get_for(request, Pairing.objects.all(), pairing_id, policy.DELETE)
    pairing_delete(pairing=pairing)
    return Status(204, None)


# --- Visits ------------------------------------------------------------------------------------

MAX_PHOTO_BASE64 = math.ceil(settings.MAX_PHOTO_BYTES / 3) * 4


class VisitOut(Schema):
    id: int
    pairing_id: int
    campaign_id: int
    unit: UnitRef
    community: CommunityRef
    visited_on: datetime.date
    led_by_head: bool
    leader_name: str
    participants: str
    participant_count: int
    findings: str
    actions: str
    photo_count: int
    created_by: str | None = Field(description="填报人")
    created_at: datetime.datetime
    updated_at: datetime.datetime

    @staticmethod
    def resolve_campaign_id(obj: Visit) -> int:
        return obj.pairing.campaign_id

    @staticmethod
    def resolve_unit(obj: Visit) -> Unit:
        return obj.pairing.unit

    @staticmethod
    def resolve_community(obj: Visit) -> Place:
        return obj.pairing.community

    @staticmethod
    def resolve_created_by(obj: Visit) -> str | None:
        return str(obj.created_by) if obj.created_by is not None else None


class PhotoOut(Schema):
    id: int
    url: str | None = Field(description="照片地址（需登录且有权查看该走访记录）")
    width: int
    height: int
    caption: str

    @staticmethod
    def resolve_url(obj: VisitPhoto) -> str | None:
        try:
            return reverse("pairings:visit-photo", args=[obj.pk])
        except NoReverseMatch:
            return None


class VisitDetailOut(VisitOut):
    photos: list[PhotoOut]

    @staticmethod
    def resolve_photos(obj: Visit) -> list[VisitPhoto]:
        return list(obj.photos.all())


class VisitFilter(Schema):
    campaign: Id | None = Field(None, description="共建活动编号")
    unit: Id | None = Field(None, description="单位编号")
    community: Id | None = Field(None, description="社区编号")
    date_from: IsoDate | None = Field(None, description="走访日期不早于")
    date_to: IsoDate | None = Field(None, description="走访日期不晚于")
    led_by_head: bool | None = Field(None, description="是否“一把手”带队")


class PhotoIn(Input):
    name: Annotated[str, Field(min_length=1, max_length=100), SafeText] = Field(description="文件名，如 visit.jpg")
    content_base64: Annotated[str, Field(min_length=1, max_length=MAX_PHOTO_BASE64)] = Field(
        description="图片文件内容的 Base64 编码（JPEG、PNG 或 WebP）"
    )


class VisitIn(Input):
    pairing: Id
    visited_on: IsoDate
    led_by_head: bool = False
    leader_name: Annotated[str, Field(max_length=50), SafeText] = ""
    participants: Annotated[str, Field(max_length=500), SafeText] = ""
    participant_count: Annotated[int, Field(ge=1, le=500)] = 1
    findings: Annotated[str, Field(max_length=4000), SafeText] = ""
    actions: Annotated[str, Field(max_length=4000), SafeText] = ""
    photos: list[PhotoIn] = Field(default_factory=list, max_length=MAX_PHOTOS_PER_VISIT)


class VisitPatch(Input):
    """Only the fields sent are changed."""

    visited_on: IsoDate = UNSET
    led_by_head: bool = UNSET
    leader_name: Annotated[str, Field(max_length=50), SafeText] = UNSET
    participants: Annotated[str, Field(max_length=500), SafeText] = UNSET
    participant_count: Annotated[int, Field(ge=1, le=500)] = UNSET
    findings: Annotated[str, Field(max_length=4000), SafeText] = UNSET
    actions: Annotated[str, Field(max_length=4000), SafeText] = UNSET


def _decode_photos(photos: list[PhotoIn]) -> list[SimpleUploadedFile]:
    files = []
    for photo in photos:
        try:
            content = base64.b64decode(photo.content_base64, validate=True)
        except (binascii.Error, ValueError):
            raise ValidationError({"photos": _("%(name)s：不是有效的 Base64 编码。") % {"name": photo.name}}) from None
        files.append(SimpleUploadedFile(photo.name, content, content_type="application/octet-stream"))
    return files


def _visit_detail(request: HttpRequest, visit_id: int) -> Visit:
    visit = visit_list(user=request.user).filter(pk=visit_id).prefetch_related("photos").first()
    if visit is None:
        raise Http404
    return visit


@visits.get("", response={200: list[VisitOut]} | errors(401, 422), summary="走访记录列表")
@paginate(Pagination)
def visit_list_api(request: HttpRequest, filters: Query[VisitFilter]) -> QuerySet[Visit]:
    """Visits the user may see (their unit's, or their community's), newest first, filtered."""
    campaign = None
    if filters.campaign is not None:
        campaign = _find_campaign(request, campaign_id=filters.campaign, year=None)
        if campaign is None:
            return Visit.objects.none()
    return visit_list(
        user=request.user,
        campaign=campaign,
        unit_id=filters.unit,
        community_id=filters.community,
        date_from=filters.date_from,
        date_to=filters.date_to,
        led_by_head=filters.led_by_head,
    )


@visits.get("/{visit_id}", response={200: VisitDetailOut} | errors(401, 404, 422), summary="走访记录详情（含照片）")
def visit_get(request: HttpRequest, visit_id: Id) -> Visit:
    """One visit with its photos."""
    return _visit_detail(request, visit_id)


@visits.post("", response={201: VisitDetailOut} | errors(400, 401, 403, 422), summary="填报走访记录")
def visit_create_api(request: HttpRequest, payload: VisitIn) -> Status:
    """Record a visit for a pairing of the user's unit, with up to nine photos (Base64 in the JSON).
    Nothing is written if any field or photo is bad."""
    pairing = get_ref(request, Pairing.objects.select_related("campaign"), payload.pairing, field="pairing")
    if not policy.restrict(Pairing.objects.filter(pk=pairing.pk), request.user, REPORT).exists():
        raise PermissionDenied
    photos = _decode_photos(payload.photos)
    fields = payload.model_dump(exclude={"pairing", "photos"})
    visit = visit_create(pairing=pairing, actor=request.user, photos=photos, **fields)
    return Status(201, _visit_detail(request, visit.pk))


@visits.patch("/{visit_id}", response={200: VisitDetailOut} | errors(400, 401, 403, 404, 422), summary="修改走访记录")
def visit_update_api(request: HttpRequest, visit_id: Id, payload: VisitPatch) -> Visit:
    """Change a visit of the user's unit."""
    visit = get_for(request, Visit.objects.select_related("pairing__campaign"), visit_id, policy.CHANGE)
    visit_update(visit=visit, **payload.model_dump(exclude_unset=True))
    return _visit_detail(request, visit.pk)


@visits.delete("/{visit_id}", response={204: None} | errors(400, 401, 403, 404, 422), summary="删除走访记录")
def visit_delete_api(request: HttpRequest, visit_id: Id) -> Status:
    """Delete a visit of the user's unit, with its photos."""
    visit = get_for(request, Visit.objects.all(), visit_id, policy.DELETE)
    visit_delete(visit=visit)
    return Status(204, None)


@visits.post(
    "/{visit_id}/photos", response={201: VisitDetailOut} | errors(400, 401, 403, 404, 422), summary="上传走访照片"
)
def visit_photos_add(request: HttpRequest, visit_id: Id, photos: File[list[UploadedFile]]) -> Status:
    """Add photos to a visit (multipart, field ``photos``; JPEG, PNG or WebP, at most nine a visit).
    They are stored resized and without location metadata; if one is bad, none is added."""
    visit = get_for(request, Visit.objects.select_related("pairing__campaign"), visit_id, policy.CHANGE)
    visit_update(visit=visit, photos=photos)
    return Status(201, _visit_detail(request, visit.pk))
