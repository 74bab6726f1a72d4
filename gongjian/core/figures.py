"""The dashboard's figures: each app adds its own in ``<app>/figures.py`` with ``@figure(...)``.

A figure function receives the viewer and the date the figures are "as of", reads through the
app's selectors (so scopes apply), and returns a :class:`Figure` or ``None`` when it has nothing
to say to this viewer.
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.utils.functional import Promise


@dataclass(frozen=True)
class FigureContext:
    user: Any
    as_of: datetime.date


@dataclass
class Figure:
    key: str
    title: str | Promise
    value: str
    detail: str | Promise = ""
    url: str = ""
    # An Apache ECharts option object; drawn by static/gongjian/dashboard.js.
    chart: dict[str, Any] | None = None
    extra: dict[str, Any] = field(default_factory=dict)


FigureFn = Callable[[FigureContext], Figure | None]
_registry: list[tuple[int, str, FigureFn]] = []


def figure(key: str, *, order: int = 100) -> Callable[[FigureFn], FigureFn]:
    def decorator(fn: FigureFn) -> FigureFn:
        _registry[:] = [entry for entry in _registry if entry[1] != key]
        _registry.append((order, key, fn))
        _registry.sort(key=lambda entry: (entry[0], entry[1]))
        return fn

    return decorator


def collect(ctx: FigureContext) -> list[Figure]:
    """Every registered figure for this viewer, in order; figures that return None are left out."""
    out = []
    for _order, _key, fn in _registry:
        result = fn(ctx)
        if result is not None:
            out.append(result)
    return out


def registered_keys() -> list[str]:
    return [key for _order, key, _fn in _registry]
