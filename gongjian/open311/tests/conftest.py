"""Fixtures of the Open311 tests: a small catalogue, a located estate in 北岭社区, an issued key,
and helpers that call the endpoints and read their XML the way a client does."""

import json
from decimal import Decimal
from typing import Any
from xml.etree import ElementTree as ET

import pytest
from django.test import Client

from gongjian.accounts.models import User
from gongjian.open311.models import ApiKey
from gongjian.open311.services import api_key_issue
from gongjian.places.models import PlaceKind
from gongjian.places.services import place_create

BASE = "/open311/v2"
# 北岭社区's estate 田心新村, in 石峰区 (WGS-84).
LAT, LNG = "27.876543", "113.123456"


@pytest.fixture
def catalogue(world: dict[str, Any]) -> dict[str, Any]:
    from gongjian.cases.services import category_save

    return {
        "drain": category_save(
            code="drain-cover",
            name="井盖、雨水篦子破损",
            klass="facility",
            group="市政公用设施",
            description="井盖缺失、破损、移位，雨水篦子堵塞",
            keywords="井盖,下水道,雨水篦子",
            default_unit=world["chengfa"],
        ),
        "charging": category_save(code="flying-cable", name="飞线充电", klass="event", keywords="电动车,充电"),
        "private": category_save(code="tap-water", name="自来水水质", klass="facility", is_public=False),
        "retired": category_save(code="old-kiosk", name="报刊亭", klass="facility", active=False),
    }


@pytest.fixture
def estate(world: dict[str, Any]) -> Any:
    return place_create(
        kind=PlaceKind.ESTATE,
        name="田心新村",
        parent=world["beiling"],
        latitude=Decimal(LAT),
        longitude=Decimal(LNG),
    )


@pytest.fixture
def key(city_admin: User) -> tuple[str, ApiKey]:
    return api_key_issue(name="随手拍 App", actor=city_admin)


@pytest.fixture
def open311(catalogue: dict[str, Any], estate: Any, key: tuple[str, ApiKey]) -> dict[str, Any]:
    """Everything an Open311 test needs: the catalogue, a located estate and a live key."""
    return {"catalogue": catalogue, "estate": estate, "raw_key": key[0], "key": key[1]}


def report(client: Client, raw_key: str, fmt: str = "json", **fields: Any) -> Any:
    data = {
        "api_key": raw_key,
        "service_code": "drain-cover",
        "lat": LAT,
        "long": LNG,
        "description": "田心路雨水篦子被堵，下雨就积水",
        **fields,
    }
    data = {k: v for k, v in data.items() if v is not None}
    return client.post(f"{BASE}/requests.{fmt}", data)


def parse(response: Any, fmt: str) -> Any:
    """The body as a client reads it: ElementTree for XML (after checking the declaration), json
    for JSON; the content type is the specification's."""
    if fmt == "xml":
        assert response["Content-Type"] == "text/xml; charset=utf-8"
        assert response.content.startswith(b'<?xml version="1.0" encoding="utf-8"?>')
        return ET.fromstring(response.content)  # noqa: S314 (our own answer)
    assert response["Content-Type"] == "application/json; charset=utf-8"
    return json.loads(response.content)


def children(element: ET.Element) -> list[str]:
    return [child.tag for child in element]
