"""Schemathesis reads /api/openapi.json from the app and throws generated requests at it: no 500s,
only documented status codes, and every body as the schema says."""

import datetime
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import schemathesis
from django.core import signals
from django.core.handlers.wsgi import WSGIHandler
from django.db import close_old_connections
from django.test import RequestFactory
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance, status_code_conformance

from gongjian.accounts.services import token_issue
from gongjian.conftest import PASSWORD
from gongjian.pairings.services import visit_create

pytestmark = pytest.mark.django_db

CHECKS = [not_a_server_error, status_code_conformance, response_schema_conformance]
# (path, the object whose id fills the path parameter, if any): generated ids would only meet 404s.
READS = [
    ("/api/me", None),
    ("/api/places", None),
    ("/api/places/{place_id}", "grid"),
    ("/api/places/{place_id}/children", "beiling"),
    ("/api/units", None),
    ("/api/units/{unit_id}", "chengfa"),
    ("/api/campaigns", None),
    ("/api/campaigns/{campaign_id}/progress", "campaign"),
    ("/api/pairings", None),
    ("/api/visits", None),
    ("/api/visits/{visit_id}", "visit"),
]
MAX_EXAMPLES = 25


@pytest.fixture
def wsgi_app() -> Iterator[WSGIHandler]:
    # Like Django's test client: a request must not close the connection that holds the test's transaction.
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield WSGIHandler()
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


@pytest.fixture
def admin_headers(city_admin: Any) -> dict[str, str]:
    raw, _token = token_issue(
        request=RequestFactory().post("/api/auth/token"), username=city_admin.username, password=PASSWORD
    )
    return {"Authorization": f"Bearer {raw}"}


def _run(
    operation: Any,
    headers: dict[str, str],
    mode: GenerationMode = GenerationMode.POSITIVE,
    path_parameters: dict[str, Any] | None = None,
    prepare: Callable[[Any], None] | None = None,
) -> None:
    @settings(
        max_examples=MAX_EXAMPLES,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(case=operation.as_strategy(generation_mode=mode, path_parameters=path_parameters))
    def check(case: Any) -> None:
        if prepare is not None:
            prepare(case)
        case.call_and_validate(headers=headers, checks=CHECKS)

    check()


def test_it_answers_reads_as_its_schema_says(
    world: dict[str, Any], chengfa_liaison: Any, admin_headers: dict[str, str], wsgi_app: WSGIHandler
) -> None:
    objects = {
        **world,
        "visit": visit_create(
            pairing=world["chengfa_pairing"],
            actor=chengfa_liaison,
            visited_on=datetime.date(2023, 5, 2),
            led_by_head=True,
        ),
    }
    schema = schemathesis.openapi.from_wsgi("/api/openapi.json", wsgi_app)
    for path, target in READS:
        operation = schema[path]["GET"]
        params = None
        if target is not None:
            (name,) = [p.name for p in operation.path_parameters]
            params = {name: objects[target].pk}
        _run(operation, admin_headers, path_parameters=params)


def test_it_creates_places_as_its_schema_says(
    world: dict[str, Any], admin_headers: dict[str, str], wsgi_app: WSGIHandler
) -> None:
    schema = schemathesis.openapi.from_wsgi("/api/openapi.json", wsgi_app)
    operation = schema["/api/places"]["POST"]

    def under_a_real_parent(case: Any) -> None:
        # Generated parents are missing or null (400 nearly always): put the places under 石峰区.
        if isinstance(case.body, dict) and case.body.get("kind") != "district":
            case.body["parent"] = world["shifeng"].pk

    _run(operation, admin_headers, prepare=under_a_real_parent)
    _run(operation, admin_headers, GenerationMode.NEGATIVE)
