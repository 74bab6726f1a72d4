"""Writes to the place tree. Every function keeps ``path`` consistent and runs in one transaction."""

from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import ProtectedError
from django.utils.translation import gettext as _

from gongjian.core import audit
from gongjian.core.sheets import RowError, SheetInvalid, read_sheet
from gongjian.places.models import Place, PlaceKind


def _check_parent(*, kind: str, parent: Place | None) -> None:
    if parent is None:
        if kind != PlaceKind.DISTRICT:
            raise ValidationError({"parent": _("只有“区”可以没有上级。")})
        return
    if PlaceKind.depth_of(kind) <= parent.depth:
        raise ValidationError(
            {
                "kind": _("%(child)s 不能放在 %(parent)s 之下。")
                % {"child": PlaceKind(kind).label, "parent": PlaceKind(parent.kind).label}
            }
        )


def _set_path(place: Place) -> None:
    prefix = place.parent.path if place.parent is not None else "/"
    place.path = f"{prefix}{place.pk}/"
    Place.objects.filter(pk=place.pk).update(path=place.path)


@transaction.atomic
def place_create(
    *,
    kind: str,
    name: str,
    parent: Place | None = None,
    code: str = "",
    latitude: Decimal | None = None,
    longitude: Decimal | None = None,
) -> Place:
    """Add a place under ``parent``; a child must sit at a lower level than its parent."""
    _check_parent(kind=kind, parent=parent)
    place = Place(
        kind=kind, name=name.strip(), parent=parent, code=code.strip(), latitude=latitude, longitude=longitude
    )
    place.full_clean(exclude=["path"])
    place.save()
    _set_path(place)
    return place


@transaction.atomic
def place_update(*, place: Place, **fields: Any) -> Place:
    """Change a place's fields; moving it to another parent moves its whole subtree."""
    old_path = place.path
    for key, value in fields.items():
        setattr(place, key, value.strip() if isinstance(value, str) else value)
    if place.parent is not None and place.parent.path.startswith(old_path):
        raise ValidationError({"parent": _("不能把地点移到它自己的下级之下。")})
    _check_parent(kind=place.kind, parent=place.parent)
    children_depth = [PlaceKind.depth_of(k) for k in place.children.values_list("kind", flat=True)]
    if children_depth and min(children_depth) <= place.depth:
        raise ValidationError({"kind": _("该地点已有下级，层级不能低于下级。")})
    place.full_clean(exclude=["path"])
    place.save()
    new_path = f"{place.parent.path if place.parent is not None else '/'}{place.pk}/"
    if new_path != old_path:
        for descendant in Place.objects.filter(path__startswith=old_path).exclude(pk=place.pk):
            Place.objects.filter(pk=descendant.pk).update(path=new_path + descendant.path[len(old_path) :])
        place.path = new_path
        Place.objects.filter(pk=place.pk).update(path=new_path)
    return place


@transaction.atomic
def place_delete(*, place: Place) -> None:
    """Delete a place that has no children and nothing refers to it."""
    if place.children.exists():
        raise ValidationError(_("该地点还有下级，不能删除。"))
    try:
        place.delete()
    except ProtectedError as exc:
        raise ValidationError(_("该地点已被联点共建关系或人员引用，不能删除。")) from exc


# The import sheet: one row per place, its ancestors named in the columns to its left.
IMPORT_LEVELS: list[tuple[str, str]] = [
    ("区", PlaceKind.DISTRICT),
    ("街道", PlaceKind.SUBDISTRICT),
    ("社区", PlaceKind.COMMUNITY),
    ("小区", PlaceKind.ESTATE),
    ("网格", PlaceKind.GRID),
    ("楼栋", PlaceKind.BUILDING),
]
IMPORT_EXTRA = ["编码", "纬度", "经度"]


def _decimal(value: str, *, low: int, high: int) -> Decimal | None:
    if not value:
        return None
    try:
        d = Decimal(value)
    except InvalidOperation:
        raise ValueError(_("不是数字。")) from None
    if not d.is_finite() or not (low <= d <= high):
        raise ValueError(_("应在 %(low)s 到 %(high)s 之间。") % {"low": low, "high": high})
    return d.quantize(Decimal("0.000001"))


@transaction.atomic
def place_import(*, upload: UploadedFile) -> dict[str, int]:
    """Import places from a sheet with columns 区 街道 社区 小区 网格 楼栋 (and optional 编码 纬度 经度).

    Each row names a path from a district down; missing ancestors are created, existing ones are
    reused by name. The code and coordinates apply to the deepest place of the row. Every row is
    checked before anything is written: if any is bad, SheetInvalid lists them all and nothing is
    written. Returns counts of created and existing places."""
    columns = [c for c, _k in IMPORT_LEVELS]
    sheet = read_sheet(upload, required=["区"], optional=columns[1:] + IMPORT_EXTRA)
    errors: list[RowError] = []
    planned: list[tuple[int, list[tuple[str, str]], dict[str, Any]]] = []
    seen_codes: dict[str, int] = {}
    existing_codes = dict(Place.objects.exclude(code="").values_list("code", "path"))
    for row in sheet.rows:
        chain: list[tuple[str, str]] = []
        gap_at: str | None = None
        row_ok = True
        if not row.get("区"):
            errors.append(RowError(row.number, "区", _("不能为空。")))
            continue
        for column, kind in IMPORT_LEVELS:
            name = row.get(column)
            if not name:
                gap_at = gap_at or column
                continue
            if gap_at is not None:
                errors.append(RowError(row.number, column, _("上一级“%(col)s”为空，不能填写下级。") % {"col": gap_at}))
                row_ok = False
                break
            if len(name) > 100:
                errors.append(RowError(row.number, column, _("名称不能超过 100 个字。")))
                row_ok = False
            chain.append((kind, name))
        extra: dict[str, Any] = {"code": row.get("编码")}
        for column, key, low, high in (("纬度", "latitude", -90, 90), ("经度", "longitude", -180, 180)):
            try:
                extra[key] = _decimal(row.get(column), low=low, high=high)
            except ValueError as exc:
                errors.append(RowError(row.number, column, str(exc)))
                row_ok = False
        code = extra["code"]
        if code:
            if len(code) > 32:
                errors.append(RowError(row.number, "编码", _("编码不能超过 32 个字符。")))
                row_ok = False
            elif code in seen_codes:
                errors.append(
                    RowError(row.number, "编码", _("与第 %(row)d 行的编码重复。") % {"row": seen_codes[code]})
                )
                row_ok = False
            seen_codes[code] = row.number
        if row_ok:
            planned.append((row.number, chain, extra))
    if errors:
        raise SheetInvalid(errors)

    # Rows that clash with the tree already stored are found while writing; the transaction is
    # rolled back if there is any, so the import stays all-or-nothing.
    created = existing = 0
    cache: dict[tuple[int | None, str], Place] = {}
    for number, chain, extra in planned:
        parent: Place | None = None
        for kind, name in chain:
            column = IMPORT_LEVELS[PlaceKind.depth_of(kind)][0]
            cache_key = (parent.pk if parent else None, name)
            place = cache.get(cache_key) or Place.objects.filter(parent=parent, name=name).first()
            if place is None:
                try:
                    place = place_create(kind=kind, name=name, parent=parent)
                except ValidationError as exc:
                    errors.append(RowError(number, column, "；".join(exc.messages)))
                    break
                created += 1
            elif place.kind != kind:
                errors.append(
                    RowError(number, column, _("已存在同名的%(kind)s。") % {"kind": PlaceKind(place.kind).label})
                )
                break
            else:
                existing += 1
            cache[cache_key] = place
            parent = place
        else:
            if parent is not None and (
                extra["code"] or extra["latitude"] is not None or extra["longitude"] is not None
            ):
                if extra["code"] and existing_codes.get(extra["code"], parent.path) != parent.path:
                    errors.append(
                        RowError(number, "编码", _("编码 %(code)s 已被其他地点使用。") % {"code": extra["code"]})
                    )
                    continue
                parent.code = extra["code"] or parent.code
                if extra["latitude"] is not None:
                    parent.latitude = extra["latitude"]
                if extra["longitude"] is not None:
                    parent.longitude = extra["longitude"]
                parent.save()
    if errors:
        raise SheetInvalid(errors)
    audit.record_event("places.imported", details={"file": upload.name, "created": created, "rows": len(planned)})
    return {"created": created, "existing": existing, "rows": len(planned)}
