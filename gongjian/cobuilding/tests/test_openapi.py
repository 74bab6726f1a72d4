"""Schemathesis throws generated requests at the co-building API: no 500s, only documented status
codes, and every body as the schema says."""

from typing import Any

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.test import RequestFactory
from schemathesis import GenerationMode

from gongjian.accounts.services import token_issue
from gongjian.cobuilding.models import Plan, PlanItem
from gongjian.conftest import PASSWORD
from gongjian.core.tests.test_openapi_schemathesis import _run

pytestmark = pytest.mark.django_db

READS = [
    ("/api/cobuilding/plans", None),
    ("/api/cobuilding/plans/{plan_id}", "plan"),
    ("/api/cobuilding/plans/{plan_id}/revisions", "plan"),
    ("/api/cobuilding/contributions", None),
    ("/api/cobuilding/contributions/totals", None),
    ("/api/cobuilding/projects", None),
    ("/api/cobuilding/commendations", None),
    ("/api/cobuilding/ranking", None),
    ("/api/cobuilding/campaigns/{campaign_id}/weights", "campaign"),
]
WRITES = [
    ("/api/cobuilding/contributions", "POST", None),
    ("/api/cobuilding/plans/{plan_id}/items", "POST", "plan"),
    ("/api/cobuilding/plan-items/{item_id}", "PATCH", "item"),
    ("/api/cobuilding/projects", "POST", None),
]


def test_it_answers_as_its_schema_says(
    world: dict[str, Any],
    plan: Plan,
    sewer_item: PlanItem,
    chengfa_liaison: Any,
    admin_headers: dict[str, str],
    wsgi_app: WSGIHandler,
) -> None:
    raw, _token = token_issue(
        request=RequestFactory().post("/api/auth/token"), username=chengfa_liaison.username, password=PASSWORD
    )
    liaison_headers = {"Authorization": f"Bearer {raw}"}
    objects = {"plan": plan, "item": sewer_item, "campaign": world["campaign"]}
    schema = schemathesis.openapi.from_wsgi("/api/openapi.json", wsgi_app)

    def params(operation: Any, target: str | None) -> dict[str, Any] | None:
        if target is None:
            return None
        (name,) = [p.name for p in operation.path_parameters]
        return {name: objects[target].pk}

    def real_refs(case: Any) -> None:
        if isinstance(case.query, dict) and "campaign" in case.query:
            case.query["campaign"] = world["campaign"].pk
        if isinstance(case.body, dict):
            if "pairing" in case.body:
                case.body["pairing"] = world["chengfa_pairing"].pk
            if case.body.get("plan_item") is not None:
                case.body["plan_item"] = sewer_item.pk

    for path, target in READS:
        operation = schema[path]["GET"]
        _run(operation, admin_headers, path_parameters=params(operation, target), prepare=real_refs)
    for path, method, target in WRITES:
        operation = schema[path][method]
        # The unit's liaison writes its plan and ledger.
        _run(operation, liaison_headers, path_parameters=params(operation, target), prepare=real_refs)
        _run(operation, liaison_headers, GenerationMode.NEGATIVE, path_parameters=params(operation, target))
    # The city office sets the weights (the liaison is refused with a documented 403).
    operation = schema["/api/cobuilding/campaigns/{campaign_id}/weights"]["PUT"]
    for headers in (admin_headers, liaison_headers):
        _run(operation, headers, path_parameters=params(operation, "campaign"))
    _run(operation, admin_headers, GenerationMode.NEGATIVE, path_parameters=params(operation, "campaign"))
