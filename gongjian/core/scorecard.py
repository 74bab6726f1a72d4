"""The unit scorecard's parts: each app adds what it knows about a unit's work in a campaign.

An app declares a part in its ``scores.py``:

    @score_part("cases.on_time", title=_("社区诉求按时办结"), formula=_("按时办结数 ÷ 办结数"),
                default_weight=Decimal("15"), order=40)
    def cases_on_time(campaign) -> dict[int, PartValue]:
        ...  # one or a few aggregate queries over ALL units of the campaign, never one per unit

``compute(campaign)`` returns, for each unit id that has a pairing in the campaign, a
:class:`PartValue` whose ``ratio`` is in [0, 1] (the share of the part's full marks the unit
earned) and whose ``detail`` says, in words, where the ratio came from ("3 / 4 按时"). Units
missing from the dict score 0 on that part. The scorecard (``gongjian.cobuilding``) multiplies
each ratio by the weight the city admin set for the part (or its ``default_weight``) and shows
the formula and every part on the page. The number of queries must not grow with the number of
units.
"""

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.utils.functional import Promise


@dataclass(frozen=True)
class PartValue:
    ratio: float
    detail: str = ""
    # The raw figure behind the ratio (a count, yuan, hours), for exports and sorting.
    raw: Decimal | float | int | None = None


Compute = Callable[[Any], dict[int, PartValue]]


@dataclass(frozen=True)
class ScorePart:
    key: str
    title: str | Promise
    formula: str | Promise
    default_weight: Decimal
    order: int
    compute: Compute


_registry: dict[str, ScorePart] = {}


def score_part(
    key: str, *, title: str | Promise, formula: str | Promise, default_weight: Decimal | int, order: int = 100
) -> Callable[[Compute], Compute]:
    def decorator(fn: Compute) -> Compute:
        _registry[key] = ScorePart(
            key=key, title=title, formula=formula, default_weight=Decimal(default_weight), order=order, compute=fn
        )
        return fn

    return decorator


def parts() -> list[ScorePart]:
    """Every registered part, in display order."""
    return sorted(_registry.values(), key=lambda p: (p.order, p.key))


def clamp(ratio: float) -> float:
    return 0.0 if ratio < 0 else 1.0 if ratio > 1 else float(ratio)
