"""Writes to units."""

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import ProtectedError
from django.utils.translation import gettext as _

from gongjian.units.models import Unit

EDITABLE = ("name", "short_name", "kind", "head_name", "head_title", "phone", "address", "is_active")


@transaction.atomic
def unit_create(*, name: str, kind: str, **fields: Any) -> Unit:
    """Create a unit; names are unique."""
    unit = Unit(name=name.strip(), kind=kind, **{k: v for k, v in fields.items() if k in EDITABLE})
    unit.full_clean()
    unit.save()
    return unit


@transaction.atomic
def unit_update(*, unit: Unit, **fields: Any) -> Unit:
    for key, value in fields.items():
        if key not in EDITABLE:
            raise ValidationError({key: _("该字段不可修改。")})
        setattr(unit, key, value.strip() if isinstance(value, str) else value)
    unit.full_clean()
    unit.save()
    return unit


@transaction.atomic
def unit_delete(*, unit: Unit) -> None:
    try:
        unit.delete()
    except ProtectedError as exc:
        raise ValidationError(_("该单位已有联点共建关系，不能删除；可改为停用。")) from exc
