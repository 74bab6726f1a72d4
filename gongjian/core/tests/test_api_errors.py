"""Every error of the API has one shape, names the field, and speaks the user's language."""

import re

import pytest

from gongjian.pairings.models import Visit

pytestmark = pytest.mark.django_db

CHINESE = re.compile(r"[\u4e00-\u9fff]")


def _post_visit(client, data, **extra):
    return client.post("/api/visits", data, content_type="application/json", **extra)


def _only_error(response, field):
    body = response.json()
    assert set(body) == {"detail", "errors"}
    assert body["detail"]
    [error] = [e for e in body["errors"] if e["field"] == field]
    return error["message"]


@pytest.fixture
def visit_data(world):
    return {"pairing": world["chengfa_pairing"].pk, "visited_on": "2023-05-02"}


@pytest.mark.parametrize(
    ("change", "field", "words"),
    [
        ({"visited_on": "2023-02-30"}, "visited_on", "YYYY-MM-DD"),
        ({"visited_on": "02/05/2023"}, "visited_on", "YYYY-MM-DD"),
        ({"leader_name": "张" * 51}, "leader_name", "50"),
        ({"visited_on": None}, "visited_on", ""),
        ({"participant_count": "3"}, "participant_count", "整数"),
        ({"participant_count": 0}, "participant_count", "1"),
        ({"led_by_head": "yes"}, "led_by_head", "true"),
        ({"unknown": 1}, "unknown", "不允许"),
    ],
)
def test_it_names_the_field_in_chinese_by_default(client, chengfa_liaison, visit_data, change, field, words):
    client.force_login(chengfa_liaison)
    r = _post_visit(client, {**visit_data, **change})
    assert r.status_code == 422
    message = _only_error(r, field)
    assert message.startswith(f"{field}：")
    assert CHINESE.search(message)
    assert words in message
    assert not Visit.objects.exists()


def test_it_reports_a_missing_field(client, chengfa_liaison, world):
    client.force_login(chengfa_liaison)
    r = _post_visit(client, {"pairing": world["chengfa_pairing"].pk})
    assert r.status_code == 422
    assert _only_error(r, "visited_on") == "visited_on：必须填写。"


def test_it_reports_every_bad_field_at_once(client, chengfa_liaison, world):
    client.force_login(chengfa_liaison)
    r = _post_visit(client, {"pairing": "1", "visited_on": "yesterday", "findings": "x" * 4001})
    assert r.status_code == 422
    assert {e["field"] for e in r.json()["errors"]} == {"pairing", "visited_on", "findings"}


def test_it_answers_in_english_when_asked(client, chengfa_liaison, visit_data):
    client.force_login(chengfa_liaison)
    r = _post_visit(client, {**visit_data, "visited_on": "2023-13-01"}, HTTP_ACCEPT_LANGUAGE="en")
    assert r.status_code == 422
    assert r["Content-Language"] == "en"
    message = _only_error(r, "visited_on")
    assert message.startswith("visited_on")
    assert len(message) > len("visited_on") + 1


def test_it_turns_service_errors_into_400_naming_the_field(client, chengfa_liaison, visit_data):
    client.force_login(chengfa_liaison)
    r = _post_visit(client, {**visit_data, "visited_on": "2023-01-05"})
    assert r.status_code == 400
    assert "2023-04-26" in _only_error(r, "visited_on")
    assert not Visit.objects.exists()


def test_it_reports_a_body_that_is_not_json(client, chengfa_liaison):
    client.force_login(chengfa_liaison)
    r = client.post("/api/visits", "{not json", content_type="application/json")
    assert r.status_code == 400
    assert r.json()["errors"] == [{"field": "body", "message": "请求体不是有效的 JSON。"}]


def test_it_reports_bad_query_and_path_parameters(client, city_admin):
    client.force_login(city_admin)
    r = client.get("/api/visits", {"date_from": "2023-5-1", "page_size": 1000})
    assert r.status_code == 422
    assert {e["field"] for e in r.json()["errors"]} == {"date_from", "page_size"}
    r = client.get("/api/places/abc")
    assert r.status_code == 422
    assert _only_error(r, "place_id") == "place_id：应为整数。"


def test_it_uses_the_same_shape_for_404_and_403(client, resident, world):
    client.force_login(resident)
    missing = client.get("/api/places/999999")
    assert missing.status_code == 404
    assert set(missing.json()) == {"detail", "errors"}
    refused = client.delete(f"/api/places/{world['grid'].pk}")
    assert refused.status_code == 403
    assert refused.json() == {"detail": "你没有权限执行此操作。", "errors": []}
