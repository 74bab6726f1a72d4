"""The audit trail: every create, update and delete of a registered model, and every workflow event.

Models are registered once (``audit.register(Model)``) in their app's ``ready()``; from then on
each save and delete writes an :class:`AuditEntry` naming the acting user, the client address and
the request id bound by :class:`~gongjian.core.middleware.AuditContextMiddleware` (or by
``audit.context(...)`` in commands and tasks). Services record workflow events with
``audit.record_event``. Bulk writes bypass model signals, so services that bulk-write call
``audit.record_event`` themselves.
"""

import contextlib
import contextvars
import datetime
import decimal
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models.signals import post_delete, post_init, post_save
from django.http import HttpRequest

from gongjian.core import fastsql


@dataclass(frozen=True)
class _Context:
    actor: Callable[[], Any] | Any = None
    remote_addr: str | None = None
    request_id: str = ""


_NO_CONTEXT = _Context()  # frozen, so sharing it as the default is safe
_current: contextvars.ContextVar[_Context] = contextvars.ContextVar("gongjian_audit", default=_NO_CONTEXT)
_registered: dict[type[models.Model], frozenset[str]] = {}


@contextlib.contextmanager
def context(*, actor: Any = None, remote_addr: str | None = None, request_id: str = "") -> Iterator[None]:
    """Bind who is acting (a user or a callable returning one) for the audit entries written inside."""
    token = _current.set(_Context(actor=actor, remote_addr=remote_addr, request_id=request_id))
    try:
        yield
    finally:
        _current.reset(token)


def client_ip(request: HttpRequest) -> str | None:
    """The client's address: REMOTE_ADDR, or the X-Forwarded-For entry set by the trusted proxy
    when PROXY_COUNT says there is one."""
    proxies = getattr(settings, "AXES_IPWARE_PROXY_COUNT", 0)
    if proxies:
        forwarded = [p.strip() for p in request.headers.get("X-Forwarded-For", "").split(",") if p.strip()]
        if len(forwarded) >= proxies:
            return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR") or None


def _actor() -> Any:
    actor = _current.get().actor
    if callable(actor):
        actor = actor()
    if actor is None or not getattr(actor, "is_authenticated", False):
        return None
    return actor


def _jsonable(value: Any) -> Any:
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, datetime.datetime | datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    if hasattr(value, "name") and hasattr(value, "storage"):  # FieldFile
        return value.name or ""
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    return str(value)


def _snapshot(instance: models.Model, exclude: frozenset[str], *, loaded_only: bool = False) -> dict[str, Any]:
    # On load, deferred fields are left out: reading them would query (and recurse through post_init).
    skip = exclude | instance.get_deferred_fields() if loaded_only else exclude
    return {
        f.attname: _jsonable(getattr(instance, f.attname, None))
        for f in instance._meta.concrete_fields
        if f.attname not in skip
    }


def _entry(
    *,
    action: str,
    instance: models.Model | None,
    changes: dict[str, Any],
    event: str = "",
    actor: Any = None,
) -> Any:
    from django.contrib.contenttypes.models import ContentType

    from gongjian.core.models import AuditEntry

    ctx = _current.get()
    return AuditEntry(
        actor=actor,
        actor_repr=str(actor)[:150] if actor else "",
        action=action,
        event=event,
        content_type=ContentType.objects.get_for_model(instance) if instance is not None else None,
        object_id=str(instance.pk) if instance is not None and instance.pk is not None else "",
        object_repr=str(instance)[:200] if instance is not None else "",
        changes=changes,
        remote_addr=ctx.remote_addr,
        request_id=ctx.request_id,
    )


def _write(*, action: str, instance: models.Model | None, changes: dict[str, Any], event: str = "") -> None:
    # Written on every audited change: the statement is built once (core.fastsql), not per call.
    fastsql.insert(_entry(action=action, instance=instance, changes=changes, event=event, actor=_actor()), defer=True)


def record_bulk_create(instances: list[models.Model]) -> None:
    """Audit rows that a service wrote with ``bulk_create`` (which sends no signals): one
    "create" entry each, written in one statement."""
    if not instances:
        return
    from django.contrib.contenttypes.models import ContentType

    from gongjian.core.models import AuditEntry

    exclude = _registered.get(type(instances[0]), frozenset())
    actor = _actor()
    ctx = _current.get()
    content_type = ContentType.objects.get_for_model(instances[0])
    actor_repr = str(actor)[:150] if actor else ""
    entries = [
        AuditEntry(
            actor=actor,
            actor_repr=actor_repr,
            action="create",
            content_type=content_type,
            object_id=str(instance.pk),
            object_repr=str(instance)[:200],
            changes={k: [None, v] for k, v in _snapshot(instance, exclude).items()},
            remote_addr=ctx.remote_addr,
            request_id=ctx.request_id,
        )
        for instance in instances
    ]
    AuditEntry.objects.bulk_create(entries, batch_size=500)


def record_event(event: str, *, instance: models.Model | None = None, details: dict[str, Any] | None = None) -> None:
    """Write a workflow event (``visit.photo_added``, ``places.imported``…) to the trail."""
    _write(action="event", instance=instance, changes=_jsonable(details or {}), event=event)


def _on_init(sender: type[models.Model], instance: models.Model, **kwargs: Any) -> None:
    if instance.pk is not None:
        instance._audit_initial = _snapshot(instance, _registered[sender], loaded_only=True)  # type: ignore[attr-defined]


def _on_save(
    sender: type[models.Model], instance: models.Model, created: bool, raw: bool = False, **kwargs: Any
) -> None:
    if raw:  # loaddata
        return
    now = _snapshot(instance, _registered[sender])
    before: dict[str, Any] = {} if created else getattr(instance, "_audit_initial", {})
    changes = {k: [before.get(k), v] for k, v in now.items() if created or k not in before or before[k] != v}
    instance._audit_initial = now  # type: ignore[attr-defined]
    if changes:
        _write(action="create" if created else "update", instance=instance, changes=changes)


def _on_delete(sender: type[models.Model], instance: models.Model, **kwargs: Any) -> None:
    before = _snapshot(instance, _registered[sender])
    _write(action="delete", instance=instance, changes={k: [v, None] for k, v in before.items()})


def register(model: type[models.Model], *, exclude: tuple[str, ...] = ()) -> None:
    """Audit every save and delete of ``model``; fields in ``exclude`` (secrets, counters) are left out."""
    if model in _registered:
        return
    _registered[model] = frozenset(exclude)
    uid = f"gongjian-audit-{model._meta.label}"
    post_init.connect(_on_init, sender=model, dispatch_uid=uid + "-init", weak=False)
    post_save.connect(_on_save, sender=model, dispatch_uid=uid + "-save", weak=False)
    post_delete.connect(_on_delete, sender=model, dispatch_uid=uid + "-delete", weak=False)


def registered_models() -> list[type[models.Model]]:
    return list(_registered)
