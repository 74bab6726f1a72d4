"""Fixtures for the case tests: a small catalogue on top of the shared demo people."""

from decimal import Decimal
from typing import Any

import pytest
from django.conf import settings
from django.utils import translation

from gongjian.cases.models import Case, Category
from gongjian.cases.services import case_report, category_save
from gongjian.places.models import Place


@pytest.fixture(autouse=True)
def _site_language() -> Any:
    """Messages are asserted in Chinese: a page test that asked for English leaves it active in
    the thread (LocaleMiddleware does not switch back), so each test starts in the site's language."""
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture
def located(world: dict[str, Any]) -> dict[str, Any]:
    """The world with coordinates on its communities and estates."""
    coords = {
        "beiling": ("27.885000", "113.125000"),
        "xinyuan": ("27.885600", "113.125400"),
        "xianghua": ("27.856000", "113.185000"),
    }
    for key, (lat, lng) in coords.items():
        Place.objects.filter(pk=world[key].pk).update(latitude=Decimal(lat), longitude=Decimal(lng))
        world[key].refresh_from_db()
    return world


@pytest.fixture
def categories(world: dict[str, Any]) -> dict[str, Category]:
    return {
        "sewer": category_save(
            code="sewer",
            name="下水道堵塞外溢",
            klass=Category.Klass.FACILITY,
            use_paired_unit=True,
            hours_urgent=4,
            hours_high=24,
            hours_normal=72,
        ),
        "parking": category_save(
            code="illegal-parking",
            name="乱停乱放",
            klass=Category.Klass.EVENT,
            default_unit=world["gongdian"],
            hours_normal=48,
        ),
        "private": category_save(code="neighbourhood", name="邻里纠纷", klass=Category.Klass.EVENT, is_public=False),
        "retired": category_save(code="old", name="旧类别", klass=Category.Klass.EVENT, active=False),
    }


@pytest.fixture
def reported(located: dict[str, Any], categories: dict[str, Category]) -> Case:
    """A blocked drain in 新苑小区, reported by an anonymous resident with a phone number."""
    return case_report(
        category=categories["sewer"],
        description="田心路新苑小区门口下水道堵了，一下雨污水就漫出来。",
        place=located["xinyuan"],
        address="田心路新苑小区门口",
        reporter_name="王阿姨",
        reporter_phone="13800000001",
        source=Case.Source.PUBLIC,
    )
