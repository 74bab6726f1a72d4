"""Writes for campaigns, pairings and visits. Each function validates, writes in one transaction
and leaves the audit trail to the model registration (plus explicit events for bulk work)."""

import datetime
from collections.abc import Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gongjian.core import audit
from gongjian.core.jobs import Progress
from gongjian.core.sheets import RowError, SheetInvalid, read_sheet
from gongjian.core.uploads import clean_photo
from gongjian.pairings.models import Campaign, Pairing, Visit, VisitPhoto
from gongjian.places.models import Place, PlaceKind
from gongjian.units.models import Unit

MAX_PHOTOS_PER_VISIT = 9
CAMPAIGN_FIELDS = ("year", "name", "starts_on", "ends_on", "description")
VISIT_FIELDS = ("visited_on", "led_by_head", "leader_name", "participants", "participant_count", "findings", "actions")


@transaction.atomic
def campaign_create(
    *, year: int, name: str, starts_on: datetime.date, ends_on: datetime.date, description: str = ""
) -> Campaign:
    campaign = Campaign(year=year, name=name.strip(), starts_on=starts_on, ends_on=ends_on, description=description)
    campaign.full_clean()
    campaign.save()
    return campaign


@transaction.atomic
def campaign_update(*, campaign: Campaign, **fields: Any) -> Campaign:
    for key, value in fields.items():
        if key not in CAMPAIGN_FIELDS:
            raise ValidationError({key: _("该字段不可修改。")})
        setattr(campaign, key, value)
    campaign.full_clean()
    if _visits_outside(campaign).exists():
        raise ValidationError({"starts_on": _("已有走访记录不在新的起止日期内。")})
    campaign.save()
    return campaign


def _visits_outside(campaign: Campaign) -> Any:
    return Visit.objects.filter(pairing__campaign=campaign).exclude(
        visited_on__range=(campaign.starts_on, campaign.ends_on)
    )


def _check_pairing(*, campaign: Campaign, unit: Unit, community: Place, exclude_pk: int | None = None) -> None:
    if community.kind != PlaceKind.COMMUNITY:
        raise ValidationError({"community": _("联点对象必须是社区。")})
    if not unit.is_active:
        raise ValidationError({"unit": _("该单位已停用。")})
    clashes = Pairing.objects.filter(campaign=campaign, unit=unit).select_related("community")
    if exclude_pk is not None:
        clashes = clashes.exclude(pk=exclude_pk)
    clash = clashes.first()
    if clash is not None:
        raise ValidationError(
            {
                "unit": _("%(unit)s 在 %(year)s 年度已联点 %(community)s，一个单位每年度只能联点一个社区。")
                % {"unit": unit.name, "year": campaign.year, "community": clash.community.name}
            }
        )


@transaction.atomic
def pairing_create(*, campaign: Campaign, unit: Unit, community: Place, note: str = "") -> Pairing:
    """Pair a unit with a community for a campaign; a unit pairs once per campaign."""
    _check_pairing(campaign=campaign, unit=unit, community=community)
    try:
        with transaction.atomic():
            return Pairing.objects.create(campaign=campaign, unit=unit, community=community, note=note)
    except IntegrityError as exc:  # a concurrent request paired the same unit first
        raise ValidationError({"unit": _("该单位在本年度已有联点社区。")}) from exc


@transaction.atomic
def pairing_update(*, pairing: Pairing, community: Place, note: str | None = None) -> Pairing:
    _check_pairing(campaign=pairing.campaign, unit=pairing.unit, community=community, exclude_pk=pairing.pk)
    pairing.community = community
    if note is not None:
        pairing.note = note
    pairing.save()
    return pairing


@transaction.atomic
def pairing_delete(*, pairing: Pairing) -> None:
    if pairing.visits.exists():
        raise ValidationError(_("该联点关系已有走访记录，不能删除。"))
    pairing.delete()


PAIRING_COLUMNS = ["年度", "单位", "社区"]
PAIRING_OPTIONAL = ["街道", "区", "备注"]


def pairing_import(*, upload: File, progress: Progress | None = None) -> dict[str, int]:
    """Import pairings from a sheet (年度, 单位, 社区; 街道 and 区 to tell apart communities of the
    same name; 备注). Every row is checked first; any bad row means nothing is written and every
    bad row is reported."""
    sheet = read_sheet(upload, required=PAIRING_COLUMNS, optional=PAIRING_OPTIONAL)
    errors: list[RowError] = []
    campaigns = {c.year: c for c in Campaign.objects.all()}
    units = {u.name: u for u in Unit.objects.all()}
    units.update({u.short_name: u for u in units.values() if u.short_name and u.short_name not in units})
    communities: dict[str, list[Place]] = {}
    for c in Place.objects.filter(kind=PlaceKind.COMMUNITY).select_related("parent", "parent__parent"):
        communities.setdefault(c.name, []).append(c)
    existing = set(Pairing.objects.values_list("campaign_id", "unit_id"))
    in_sheet: dict[tuple[int, int], int] = {}
    planned: list[tuple[Campaign, Unit, Place, str]] = []
    report = progress or (lambda done, total, stage: None)
    for i, row in enumerate(sheet.rows):
        report(i, len(sheet.rows), _("检查第 %(n)d 行") % {"n": row.number})
        before = len(errors)
        campaign = unit = community = None
        year = row.get("年度")
        if not year.isdigit():
            errors.append(RowError(row.number, "年度", _("应为四位年份。")))
        elif int(year) not in campaigns:
            errors.append(RowError(row.number, "年度", _("没有 %(year)s 年度的共建活动。") % {"year": year}))
        else:
            campaign = campaigns[int(year)]
        name = row.get("单位")
        if not name:
            errors.append(RowError(row.number, "单位", _("不能为空。")))
        elif name not in units:
            errors.append(RowError(row.number, "单位", _("找不到单位“%(name)s”。") % {"name": name}))
        else:
            unit = units[name]
        cname = row.get("社区")
        candidates = communities.get(cname, [])
        if row.get("街道"):
            candidates = [c for c in candidates if c.parent and c.parent.name == row.get("街道")]
        if row.get("区"):
            candidates = [
                c for c in candidates if c.parent and c.parent.parent and c.parent.parent.name == row.get("区")
            ]
        if not cname:
            errors.append(RowError(row.number, "社区", _("不能为空。")))
        elif not candidates:
            errors.append(RowError(row.number, "社区", _("找不到社区“%(name)s”。") % {"name": cname}))
        elif len(candidates) > 1:
            errors.append(RowError(row.number, "社区", _("有多个同名社区，请填写街道和区。")))
        else:
            community = candidates[0]
        if campaign and unit:
            key = (campaign.pk, unit.pk)
            if key in existing:
                errors.append(RowError(row.number, "单位", _("该单位在本年度已有联点社区。")))
            elif key in in_sheet:
                errors.append(
                    RowError(
                        row.number,
                        "单位",
                        _("与第 %(row)d 行重复：一个单位每年度只能联点一个社区。") % {"row": in_sheet[key]},
                    )
                )
            else:
                in_sheet[key] = row.number
        if len(row.get("备注")) > 200:
            errors.append(RowError(row.number, "备注", _("不能超过 200 个字。")))
        if len(errors) == before and campaign and unit and community:
            planned.append((campaign, unit, community, row.get("备注")))
    if errors:
        raise SheetInvalid(errors)
    report(len(sheet.rows), len(sheet.rows), _("写入"))
    with transaction.atomic():
        for campaign, unit, community, note in planned:
            pairing_create(campaign=campaign, unit=unit, community=community, note=note)
        audit.record_event("pairings.imported", details={"file": upload.name, "created": len(planned)})
    return {"created": len(planned)}


def _check_visit(visit: Visit) -> None:
    campaign = visit.pairing.campaign
    today = timezone.localdate()
    if visit.visited_on and visit.visited_on > today:
        raise ValidationError({"visited_on": _("走访日期不能晚于今天。")})
    if visit.visited_on and not (campaign.starts_on <= visit.visited_on <= campaign.ends_on):
        raise ValidationError(
            {
                "visited_on": _("走访日期应在 %(start)s 至 %(end)s 之间。")
                % {"start": campaign.starts_on, "end": campaign.ends_on}
            }
        )
    visit.full_clean(exclude=["created_by"])


def _add_photos(visit: Visit, photos: Sequence[UploadedFile]) -> None:
    if visit.photos.count() + len(photos) > MAX_PHOTOS_PER_VISIT:
        raise ValidationError({"photos": _("每条走访记录最多 %(n)d 张照片。") % {"n": MAX_PHOTOS_PER_VISIT}})
    cleaned = []
    for upload in photos:
        try:
            cleaned.append(clean_photo(upload))
        except ValidationError as exc:
            raise ValidationError({"photos": f"{upload.name}：{'；'.join(exc.messages)}"}) from exc
    for content in cleaned:
        VisitPhoto.objects.create(visit=visit, image=content)


@transaction.atomic
def visit_create(*, pairing: Pairing, actor: Any, photos: Sequence[UploadedFile] = (), **fields: Any) -> Visit:
    """Record a visit of the pairing's unit to its community, with up to nine photos (stored
    resized and without location metadata). Nothing is written if any field or photo is bad."""
    unknown = set(fields) - set(VISIT_FIELDS)
    if unknown:
        raise ValidationError({k: _("未知字段。") for k in unknown})
    visit = Visit(pairing=pairing, created_by=actor, **fields)
    _check_visit(visit)
    visit.save()
    _add_photos(visit, photos)
    return visit


@transaction.atomic
def visit_update(*, visit: Visit, photos: Sequence[UploadedFile] = (), **fields: Any) -> Visit:
    for key, value in fields.items():
        if key not in VISIT_FIELDS:
            raise ValidationError({key: _("该字段不可修改。")})
        setattr(visit, key, value)
    _check_visit(visit)
    visit.save()
    _add_photos(visit, photos)
    return visit


@transaction.atomic
def visit_delete(*, visit: Visit) -> None:
    for photo in visit.photos.all():
        photo.image.delete(save=False)
    visit.delete()


@transaction.atomic
def visit_photo_delete(*, photo: VisitPhoto) -> None:
    photo.image.delete(save=False)
    photo.delete()
