"""One-row INSERTs for the hot write paths (case intake, the audit trail, the case timeline).

``Model.save()`` on a new row compiles its INSERT anew on every call, which on these machines
costs several times the statement itself (measured in bench/case_intake.py --profile). ``insert``
builds each model's statement once per process and database vendor, then only prepares the
values, the same way the ORM does (field defaults, ``auto_now``/``auto_now_add``, foreign keys as
ids, JSON), and sets the new primary key from ``RETURNING``.

It sends no signals, so it refuses models that something listens to (the audited ones, the ones a
memo watches): those keep ``save()``.
"""

from __future__ import annotations

from typing import Any

from django.db import connections, models
from django.db.models.signals import post_save, pre_save

_statements: dict[tuple[type[models.Model], str], tuple[str, list[models.Field[Any, Any]]]] = {}


def _statement(model: type[models.Model], connection: Any) -> tuple[str, list[models.Field[Any, Any]]]:
    key = (model, connection.vendor)
    found = _statements.get(key)
    if found is None:
        meta = model._meta
        if pre_save.has_listeners(model) or post_save.has_listeners(model):
            raise TypeError(f"{meta.label} has save signal receivers: use save()")
        if not isinstance(meta.pk, models.AutoField | models.BigAutoField | models.SmallAutoField):
            raise TypeError(f"{meta.label} has no automatic primary key: use save()")
        fields = [f for f in meta.local_concrete_fields if f is not meta.pk]
        if any(f.db_default is not models.NOT_PROVIDED or getattr(f, "generated", False) for f in fields):
            raise TypeError(f"{meta.label} has database defaults or generated fields: use save()")
        quote = connection.ops.quote_name
        sql = "INSERT INTO {} ({}) VALUES ({}) RETURNING {}".format(  # noqa: S608 (names from the model)
            quote(meta.db_table),
            ", ".join(quote(f.column) for f in fields),
            ", ".join(["%s"] * len(fields)),
            quote(meta.pk.column),
        )
        found = _statements[key] = (sql, fields)
    return found


def insert(obj: models.Model, *, using: str = "default") -> models.Model:
    """INSERT ``obj`` as a new row, as ``obj.save()`` would, and return it with its primary key."""
    connection = connections[using]
    sql, fields = _statement(type(obj), connection)
    params = [f.get_db_prep_save(f.pre_save(obj, True), connection) for f in fields]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        (obj.pk,) = cursor.fetchone()
    obj._state.adding = False
    obj._state.db = using
    return obj
