"""Writes to the place tree. Every function keeps ``path`` consistent and runs in one transaction."""

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import IntegrityError, transaction
from django.db.models import CharField, OuterRef, ProtectedError, Subquery, Value
from django.db.models.functions import Cast, Coalesce, Concat
from django.utils.translation import gettext as _

from gongjian.core import audit, memo
from gongjian.core.jobs import Progress
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
    memo.changed(Place)  # an UPDATE sends no signal: reference data kept in the process is stale


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
        memo.changed(Place)
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


@dataclass
class _Node:
    """A place of the import: stored already (``place`` set) or to be created."""

    kind: str
    name: str
    parent: "_Node | None"
    place: Place | None = None
    code: str = ""
    latitude: Decimal | None = None
    longitude: Decimal | None = None
    touched: bool = False  # an existing place whose code or coordinates the sheet sets


def place_import(*, upload: File, progress: Progress | None = None) -> dict[str, int]:
    """Import places from a sheet with columns 区 街道 社区 小区 网格 楼栋 (and optional 编码 纬度 经度).

    Each row names a path from a district down; missing ancestors are created, existing ones are
    reused by name. The code and coordinates apply to the deepest place of the row. Every row is
    checked, against the sheet and against the stored tree, before anything is written: if any is
    bad, SheetInvalid lists them all and nothing is written. New places are written level by level
    in bulk, each with its own audit entry, in one transaction. ``progress(done, total, stage)``
    hears how far the check has come. Returns counts of rows, created and existing places."""
    columns = [c for c, _k in IMPORT_LEVELS]
    sheet = read_sheet(upload, required=["区"], optional=columns[1:] + IMPORT_EXTRA)
    # The whole stored tree, by (parent id, name): one query instead of one per row and level.
    stored: dict[tuple[int | None, str], Place] = {
        (p.parent_id, p.name): p for p in Place.objects.only("id", "parent_id", "name", "kind", "path", "code")
    }
    codes_in_use = {p.code: p.pk for p in stored.values() if p.code}
    nodes: dict[tuple[int, str], _Node] = {}  # keyed by (id of the parent node, name)
    codes_in_sheet: dict[str, tuple[int, _Node]] = {}
    errors: list[RowError] = []
    rows = 0
    report = progress or (lambda done, total, stage: None)
    for i, row in enumerate(sheet.rows):
        report(i, len(sheet.rows), _("检查第 %(n)d 行") % {"n": row.number})
        if not row.get("区"):
            errors.append(RowError(row.number, "区", _("不能为空。")))
            continue
        before = len(errors)
        chain: list[tuple[str, str, str]] = []
        gap_at: str | None = None
        for column, kind in IMPORT_LEVELS:
            name = row.get(column)
            if not name:
                gap_at = gap_at or column
                continue
            if gap_at is not None:
                errors.append(RowError(row.number, column, _("上一级“%(col)s”为空，不能填写下级。") % {"col": gap_at}))
                break
            if len(name) > 100:
                errors.append(RowError(row.number, column, _("名称不能超过 100 个字。")))
            chain.append((column, kind, name))
        extra: dict[str, Any] = {"code": row.get("编码")}
        for column, key, low, high in (("纬度", "latitude", -90, 90), ("经度", "longitude", -180, 180)):
            try:
                extra[key] = _decimal(row.get(column), low=low, high=high)
            except ValueError as exc:
                errors.append(RowError(row.number, column, str(exc)))
        if extra["code"] and len(extra["code"]) > 32:
            errors.append(RowError(row.number, "编码", _("编码不能超过 32 个字符。")))
        if len(errors) > before:
            continue
        # Walk the row down the tree, reusing stored places and places earlier rows introduced.
        parent: _Node | None = None
        for column, kind, name in chain:
            node_key = (id(parent), name)
            node = nodes.get(node_key)
            if node is None:
                if parent is None:
                    stored_place = stored.get((None, name))
                elif parent.place is not None:
                    stored_place = stored.get((parent.place.pk, name))
                else:
                    stored_place = None  # a place the sheet introduces has no stored children
                if stored_place is not None and stored_place.kind != kind:
                    label = PlaceKind(stored_place.kind).label
                    errors.append(RowError(row.number, column, _("已存在同名的%(kind)s。") % {"kind": label}))
                    break
                node = nodes[node_key] = _Node(kind=kind, name=name, parent=parent, place=stored_place)
            parent = node
        else:
            leaf = parent
            assert leaf is not None
            code = extra["code"]
            if code:
                owner = codes_in_use.get(code)
                if code in codes_in_sheet and codes_in_sheet[code][1] is not leaf:
                    first = codes_in_sheet[code][0]
                    errors.append(RowError(row.number, "编码", _("与第 %(row)d 行的编码重复。") % {"row": first}))
                    continue
                if owner is not None and (leaf.place is None or leaf.place.pk != owner):
                    errors.append(RowError(row.number, "编码", _("编码 %(code)s 已被其他地点使用。") % {"code": code}))
                    continue
                codes_in_sheet[code] = (row.number, leaf)
                leaf.code = code
            if extra["latitude"] is not None:
                leaf.latitude = extra["latitude"]
            if extra["longitude"] is not None:
                leaf.longitude = extra["longitude"]
            leaf.touched = leaf.place is not None and (
                bool(code) or extra["latitude"] is not None or extra["longitude"] is not None
            )
            rows += 1
    if errors:
        raise SheetInvalid(errors)
    report(len(sheet.rows), len(sheet.rows), _("写入"))
    with transaction.atomic():
        return _place_import_write(nodes, name=upload.name or "", rows=rows)


def _place_import_write(nodes: dict[tuple[int, str], "_Node"], *, name: str, rows: int) -> dict[str, int]:
    created: list[Place] = []
    for kind in PlaceKind.values:  # parents before children
        level = [n for n in nodes.values() if n.place is None and n.kind == kind]
        if not level:
            continue
        new = [
            Place(
                kind=n.kind,
                name=n.name,
                parent=n.parent.place if n.parent else None,
                code=n.code,
                latitude=n.latitude,
                longitude=n.longitude,
            )
            for n in level
        ]
        try:
            with transaction.atomic():
                Place.objects.bulk_create(new, batch_size=500)
        except IntegrityError as exc:  # a concurrent edit took a name or code
            raise ValidationError(_("导入时地点数据被他人修改，请重试。")) from exc
        # New rows have an empty path until now: one UPDATE per level sets "<parent's path><id>/".
        parent_path = Subquery(Place.objects.filter(pk=OuterRef("parent_id")).values("path")[:1])
        Place.objects.filter(kind=kind, path="").update(
            path=Concat(Coalesce(parent_path, Value("/")), Cast("id", CharField()), Value("/"))
        )
        for node, place in zip(level, new, strict=True):
            place.path = f"{place.parent.path if place.parent else '/'}{place.pk}/"
            node.place = place
        created += new
    audit.record_bulk_create(created)  # type: ignore[arg-type]
    memo.changed(Place)  # bulk writes send no signals
    for node in nodes.values():
        if node.touched and node.place is not None:
            place = Place.objects.get(pk=node.place.pk)
            place.code = node.code or place.code
            place.latitude = node.latitude if node.latitude is not None else place.latitude
            place.longitude = node.longitude if node.longitude is not None else place.longitude
            place.save()  # audited through the model signal
    existing = sum(1 for n in nodes.values() if n.place is not None) - len(created)
    audit.record_event("places.imported", details={"file": name, "created": len(created), "rows": rows})
    return {"created": len(created), "existing": existing, "rows": rows}
