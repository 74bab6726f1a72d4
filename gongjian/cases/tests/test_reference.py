"""The reference data intake keeps in the process answers as the database does."""

import itertools
from decimal import Decimal
from typing import Any

import pytest
from django.db.models import DecimalField, ExpressionWrapper, F

from gongjian.accounts.models import Role
from gongjian.accounts.services import membership_grant, user_create
from gongjian.cases import reference
from gongjian.cases.models import Case
from gongjian.cases.services import case_report
from gongjian.core.models import Notification
from gongjian.places.models import Place, PlaceKind
from gongjian.places.services import place_create

pytestmark = pytest.mark.django_db


def _nearest_in_the_database(lat: Decimal, lng: Decimal) -> Place | None:
    """The query intake used to run on every report: the reference the memo must agree with."""
    import math

    scale = Decimal(str(round(math.cos(math.radians(float(lat))), 6)))
    squared = ExpressionWrapper(
        (F("latitude") - lat) * (F("latitude") - lat) + ((F("longitude") - lng) * scale) ** 2,
        output_field=DecimalField(max_digits=20, decimal_places=12),
    )
    for span in (Decimal("0.02"), Decimal("0.1"), Decimal("0.5"), Decimal(3)):
        found = (
            Place.objects.filter(
                kind__in=[PlaceKind.COMMUNITY, PlaceKind.ESTATE],
                latitude__range=(lat - span, lat + span),
                longitude__range=(lng - span, lng + span),
            )
            .annotate(squared=squared)
            .order_by("squared", "id")
            .first()
        )
        if found is not None:
            return found
    return None


def test_the_nearest_place_is_the_one_the_database_would_pick(located: dict[str, Any]) -> None:
    lats = [Decimal("27.80"), Decimal("27.8856"), Decimal("27.87"), Decimal("27.856"), Decimal("29.5"), Decimal("40")]
    lngs = [Decimal("113.1254"), Decimal("113.15"), Decimal("113.185"), Decimal("112.0"), Decimal("120")]
    for lat, lng in itertools.product(lats, lngs):
        expected = _nearest_in_the_database(lat, lng)
        got = reference.nearest_place(lat=lat, lng=lng)
        assert (got.pk if got else None) == (expected.pk if expected else None), (lat, lng)


def test_a_new_place_and_a_new_worker_count_at_once(located: dict[str, Any], categories: Any) -> None:
    far = (Decimal("26.5"), Decimal("113.5"))
    before = reference.nearest_place(lat=far[0], lng=far[1])  # loads the memo: 北岭 is nearest, 1.4° away
    assert before is not None and before.name != "城南社区"
    district = place_create(kind=PlaceKind.DISTRICT, name="攸县")
    street = place_create(kind=PlaceKind.SUBDISTRICT, name="联星街道", parent=district)
    community = place_create(
        kind=PlaceKind.COMMUNITY, name="城南社区", parent=street, latitude=far[0], longitude=far[1]
    )
    case = case_report(category="sewer", description="井盖坏了", lat=far[0], lng=far[1], source=Case.Source.PUBLIC)
    assert case.community == community and case.district == district
    assert not Notification.objects.exists()  # nobody works there yet
    worker = user_create(username="chengnan-grid", password=None, display_name="城南网格员")
    membership_grant(user=worker, role=Role.GRID_WORKER, place=community)
    case_report(category="sewer", description="又坏了", lat=far[0], lng=far[1], source=Case.Source.PUBLIC)
    assert Notification.objects.filter(recipient=worker, kind="cases.reported").count() == 1
