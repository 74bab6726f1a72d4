"""The cases API: the catalogue, scoped lists, reporting and steps, with the project's error shape."""

from typing import Any

import pytest
from django.test import Client

from gongjian.accounts.models import User
from gongjian.cases.models import Case

pytestmark = pytest.mark.django_db


def _client(user: User) -> Client:
    c = Client()
    c.force_login(user)
    return c


def _post(c: Client, url: str, body: dict[str, Any]) -> Any:
    return c.post(url, body, content_type="application/json", headers={"X-CSRFToken": "x"})


@pytest.fixture
def api(beiling_grid_worker: User) -> Client:
    c = Client(enforce_csrf_checks=False)
    c.force_login(beiling_grid_worker)
    return c


def test_it_lists_categories(api: Client, categories: dict[str, Any]) -> None:
    codes = [c["code"] for c in api.get("/api/cases/categories").json()]
    assert "sewer" in codes and "old" not in codes


def test_it_reports_and_walks_a_case(
    api: Client, located: dict[str, Any], categories: dict[str, Any], chengfa_liaison: User, world: dict[str, Any]
) -> None:
    response = _post(
        api,
        "/api/cases",
        {"category": "sewer", "description": "下水道堵塞", "lat": 27.8857, "lng": 113.1255, "priority": "high"},
    )
    assert response.status_code == 201, response.content
    case = response.json()
    assert case["community"]["name"] == "北岭社区" and case["source"] == "grid" and case["priority"] == "high"
    url = f"/api/cases/{case['id']}/steps"
    assert _post(api, url, {"action": "accept"}).json()["status"] == "accepted"
    assert _post(api, url, {"action": "dispatch"}).json()["unit"]["id"] == world["chengfa"].pk
    unit = _client(chengfa_liaison)
    assert _post(unit, url, {"action": "resolve", "note": "已疏通"}).json()["status"] == "resolved"
    detail = api.get(f"/api/cases/{case['id']}").json()
    assert [e["kind"] for e in detail["events"]] == ["reported", "accepted", "dispatched", "resolved"]
    assert detail["reporter"] == {"name": "", "phone": "", "email": ""}


def test_errors_name_the_field_and_change_nothing(
    api: Client, located: dict[str, Any], categories: dict[str, Any], reported: Case, gongdian_liaison: User
) -> None:
    response = _post(api, "/api/cases", {"category": "sewer", "description": "没有地点"})
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "place"
    response = _post(api, "/api/cases", {"category": "nope", "description": "x", "place": located["beiling"].pk})
    assert response.status_code == 400 and response.json()["errors"][0]["field"] == "category"
    response = _post(api, "/api/cases", {"category": "sewer", "description": "x" * 4001, "place": 1})
    assert response.status_code == 422
    url = f"/api/cases/{reported.pk}/steps"
    response = _post(api, url, {"action": "verify"})
    assert response.status_code == 400 and response.json()["errors"][0]["field"] == "status"
    response = _post(api, url, {"action": "reject"})
    assert response.status_code == 400 and response.json()["errors"][0]["field"] == "reason"
    assert _post(_client(gongdian_liaison), url, {"action": "accept"}).status_code == 404
    assert Case.objects.get(pk=reported.pk).status == Case.Status.REPORTED


def test_the_list_is_scoped_and_filtered(
    api: Client, reported: Case, located: dict[str, Any], chengfa_liaison: User
) -> None:
    assert [c["number"] for c in api.get("/api/cases").json()["items"]] == [reported.number]
    assert api.get("/api/cases", {"status": "closed"}).json()["items"] == []
    assert _client(chengfa_liaison).get("/api/cases").json()["items"] == []
    detail = _client(chengfa_liaison).get(f"/api/cases/{reported.pk}")
    assert detail.status_code == 404


def test_the_reporter_is_left_out_for_those_not_handling_the_case(
    reported: Case, resident: User, located: dict[str, Any], categories: dict[str, Any]
) -> None:
    c = _client(resident)
    mine = _post(c, "/api/cases", {"category": "sewer", "description": "我家楼下", "place": located["xinyuan"].pk})
    assert mine.status_code == 201 and mine.json()["source"] == "api"
    detail = c.get(f"/api/cases/{mine.json()['id']}").json()
    assert detail["reporter"] is None
    assert c.get(f"/api/cases/{reported.pk}").status_code == 404
