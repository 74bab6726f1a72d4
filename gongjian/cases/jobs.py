"""Background work of the cases app: the catalogue import (a core job kind) and the deadline task."""

from typing import Any

from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import transaction
from django.tasks import task
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gongjian.cases.models import Category
from gongjian.cases.services import cases_deadlines_run, category_save
from gongjian.core import audit
from gongjian.core.jobs import Progress, job_kind
from gongjian.core.sheets import RowError, SheetInvalid, read_sheet
from gongjian.units.models import Unit

CATEGORY_COLUMNS = ["编码", "名称", "类别"]
CATEGORY_OPTIONAL = ["大类", "默认责任单位", "紧急时限", "较急时限", "一般时限", "公开", "在用", "关键词", "说明"]
KLASS = {"部件": Category.Klass.FACILITY, "事件": Category.Klass.EVENT, "facility": "facility", "event": "event"}
YES = {"是", "公开", "在用", "1", "true", "yes", "y"}
NO = {"否", "不公开", "停用", "0", "false", "no", "n"}
PAIRED_WORDS = {"联点单位", "社区联点单位", "联点共建单位"}


def category_import(*, upload: File, progress: Progress | None = None) -> dict[str, int]:
    """Create or update catalogue entries from a sheet (编码, 名称, 类别 部件/事件; optional 大类,
    默认责任单位 — a unit's name or short name, or “联点单位” for the community's paired unit —,
    the three deadlines in hours, 公开, 在用, 关键词, 说明). All rows or none."""
    sheet = read_sheet(upload, required=CATEGORY_COLUMNS, optional=CATEGORY_OPTIONAL)
    units = {u.name: u for u in Unit.objects.all()}
    units.update({u.short_name: u for u in list(units.values()) if u.short_name and u.short_name not in units})
    existing = {c.code: c for c in Category.objects.all()}
    errors: list[RowError] = []
    planned: list[tuple[Category | None, dict[str, Any]]] = []
    seen: dict[str, int] = {}
    report = progress or (lambda done, total, stage: None)
    for i, row in enumerate(sheet.rows):
        report(i, len(sheet.rows), _("检查第 %(n)d 行") % {"n": row.number})
        before = len(errors)
        code = row.get("编码").strip().lower()
        fields: dict[str, Any] = {"code": code, "name": row.get("名称").strip()}
        if code in seen:
            errors.append(RowError(row.number, "编码", _("与第 %(row)d 行重复。") % {"row": seen[code]}))
        seen[code] = row.number
        klass = KLASS.get(row.get("类别").strip())
        if klass is None:
            errors.append(RowError(row.number, "类别", _("应为“部件”或“事件”。")))
        fields["klass"] = klass
        fields["group"] = row.get("大类").strip()
        fields["keywords"] = row.get("关键词").strip()
        fields["description"] = row.get("说明").strip()
        unit_name = row.get("默认责任单位").strip()
        fields["use_paired_unit"] = unit_name in PAIRED_WORDS
        fields["default_unit"] = None
        if unit_name and unit_name not in PAIRED_WORDS:
            if unit_name not in units:
                errors.append(RowError(row.number, "默认责任单位", _("找不到单位“%(name)s”。") % {"name": unit_name}))
            else:
                fields["default_unit"] = units[unit_name]
        for column, key in (("紧急时限", "hours_urgent"), ("较急时限", "hours_high"), ("一般时限", "hours_normal")):
            value = row.get(column).strip()
            if value:
                if not value.isdigit() or not 1 <= int(value) <= 24 * 365:
                    errors.append(RowError(row.number, column, _("应为 1 到 8760 之间的整数（小时）。")))
                else:
                    fields[key] = int(value)
        for column, key in (("公开", "is_public"), ("在用", "active")):
            value = row.get(column).strip().lower()
            if value in YES:
                fields[key] = True
            elif value in NO:
                fields[key] = False
            elif value:
                errors.append(RowError(row.number, column, _("应为“是”或“否”。")))
        if len(errors) == before:
            target = existing.get(code)
            probe = Category(**{**({} if target is None else _fields_of(target)), **fields})
            try:
                probe.full_clean(exclude=["code"] if target is not None else None, validate_unique=False)
            except ValidationError as exc:
                for field, messages in exc.message_dict.items():
                    errors.append(RowError(row.number, _column_of(field), "；".join(messages)))
            else:
                planned.append((target, fields))
    if errors:
        raise SheetInvalid(errors)
    report(len(sheet.rows), len(sheet.rows), _("写入"))
    created = updated = 0
    with transaction.atomic():
        for target, fields in planned:
            category_save(category=target, **fields)
            if target is None:
                created += 1
            else:
                updated += 1
        audit.record_event("cases.categories_imported", details={"file": upload.name, "created": created})
    return {"rows": len(sheet.rows), "created": created, "updated": updated}


def _fields_of(category: Category) -> dict[str, Any]:
    return {f.name: getattr(category, f.name) for f in Category._meta.concrete_fields if f.name not in ("id",)}


def _column_of(field: str) -> str:
    return {"code": "编码", "name": "名称", "klass": "类别", "group": "大类", "description": "说明"}.get(field, field)


@job_kind(
    "cases.categories_import",
    title=gettext_lazy("导入诉求类别"),
    success=lambda r: _("导入完成：%(rows)d 行，新增 %(created)d 个、更新 %(updated)d 个类别。") % r,
    done_url="cases:category-list",
)
def import_categories(*, file: Any, progress: Any) -> dict[str, int]:
    return category_import(upload=file, progress=progress)


@task()
def cases_deadlines_task() -> dict[str, int]:
    """The deadline job on the task worker (``manage.py cases_deadlines --enqueue`` queues it)."""
    with audit.context(actor=None, request_id="cases_deadlines"):
        return cases_deadlines_run()
