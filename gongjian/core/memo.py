"""Reference data kept in the process for a few seconds: the catalogue, the located places, who
works in a community. A busy write path (a crowd filing reports) would otherwise ask the database
the same questions on every request, and with Django's ORM a small SELECT costs more than an
INSERT.

    categories = Memo("cases.categories", load_categories, models=[Category])
    categories.get()          # loads once, then reuses for REFERENCE_CACHE_SECONDS

A change saved or deleted through the ORM in this process clears the memos of its model at once;
other processes see it when their copy expires (REFERENCE_CACHE_SECONDS, 30 s by default, 0 turns
memos off). Bulk writes send no signals: services that write in bulk call :func:`changed`.
Nothing here is shared between processes, and nothing here is needed for correctness: the
database stays the one source of truth, a memo only answers sooner.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models.signals import post_delete, post_save

_memos: list[Memo[Any]] = []
_by_model: dict[type[models.Model], list[Memo[Any]]] = {}
_lock = threading.Lock()


class Memo[T]:
    """One value, loaded by ``loader`` and kept for REFERENCE_CACHE_SECONDS."""

    def __init__(self, name: str, loader: Callable[[], T], *, models: Iterable[type[models.Model]] = ()) -> None:
        self.name = name
        self.loader = loader
        self._value: T | None = None
        self._loaded = -1e18
        _memos.append(self)
        for model in models:
            _watch(model, self)

    def get(self) -> T:
        seconds = settings.REFERENCE_CACHE_SECONDS
        now = time.monotonic()
        value = self._value
        if value is None or now - self._loaded >= seconds:
            value = self.loader()
            if seconds > 0:
                self._value, self._loaded = value, now
        return value

    def clear(self) -> None:
        self._value = None


def _watch(model: type[models.Model], memo: Memo[Any]) -> None:
    with _lock:
        memos = _by_model.setdefault(model, [])
        if not memos:
            uid = f"gongjian-memo-{model._meta.label}"
            post_save.connect(_on_change, sender=model, dispatch_uid=uid + "-save", weak=False)
            post_delete.connect(_on_change, sender=model, dispatch_uid=uid + "-delete", weak=False)
        memos.append(memo)


def _on_change(sender: type[models.Model], **kwargs: Any) -> None:
    changed(sender)


def changed(*changed_models: type[models.Model]) -> None:
    """Forget what this process keeps about these models (after a bulk write)."""
    for model in changed_models:
        for memo in _by_model.get(model, ()):
            memo.clear()


def clear_all() -> None:
    """Forget everything (tests, whose rollbacks send no signals)."""
    for memo in _memos:
        memo.clear()
