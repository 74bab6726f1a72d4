"""Experiment only, never imported by the project: the case intake path with three changes the
profile of ``bench/case_intake.py --profile`` points at, patched in at run time so that their
effect can be measured before anyone changes :mod:`gongjian.cases.services`:

1. ``place_nearest`` asks the database for the one nearest place (ORDER BY squared degree
   distance, LIMIT 1) instead of loading every candidate of the box and ranking them in Python;
2. ``_community_staff`` returns nobody, standing for "notify community staff from a background
   task after commit" (today the membership query, the notification rows and, after commit,
   synchronous send_mail calls all run inside the reporter's request);
3. ``_next_number`` takes a number without the day's counter row, standing for "number from a
   database sequence (nextval, no row lock held to commit)"; today every report of the day
   UPDATEs the same row and holds its lock until the whole report commits, so concurrent
   reports queue on it.
"""

import itertools
import os
from decimal import Decimal
from typing import Any

from django.db.models import ExpressionWrapper, F, FloatField
from django.utils import timezone

from gongjian.cases import services
from gongjian.places.models import Place, PlaceKind

_sequence = itertools.count(1)


def place_nearest(*, lat: Decimal, lng: Decimal) -> Place | None:
    kinds = [PlaceKind.COMMUNITY, PlaceKind.ESTATE]
    dy = F("latitude") - lat
    dx = F("longitude") - lng
    distance = ExpressionWrapper(dy * dy + dx * dx, output_field=FloatField())
    for span in (Decimal("0.02"), Decimal("0.1"), Decimal("0.5"), Decimal(3)):
        nearest = (
            Place.objects.filter(
                kind__in=kinds, latitude__range=(lat - span, lat + span), longitude__range=(lng - span, lng + span)
            )
            .annotate(d2=distance)
            .order_by("d2")
            .only("id", "kind", "name", "path", "latitude", "longitude", "parent_id")
            .first()
        )
        if nearest is not None:
            return nearest
    return None


def community_staff(case: Any) -> list[Any]:
    return []


def next_number(moment: Any) -> str:
    day = timezone.localtime(moment).date()
    return f"ZZ{day:%Y%m%d}{os.getpid() % 100:02d}{next(_sequence):06d}"


services.place_nearest = place_nearest  # type: ignore[assignment]
services._community_staff = community_staff  # type: ignore[assignment]
services._next_number = next_number  # type: ignore[assignment]
