"""Every GeoReport v2 endpoint, in both formats, against the specification's element names, order
and nesting; and every error path with its status and error body."""

import datetime
import re
import time
from collections.abc import Iterator
from typing import Any

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from gongjian.cases.models import Case, CaseNumberCounter
from gongjian.open311 import mapping
from gongjian.open311.models import Submission
from gongjian.open311.services import api_key_revoke
from gongjian.open311.tests.conftest import BASE, LAT, LNG, children, parse, report

pytestmark = pytest.mark.django_db
FORMATS = ["xml", "json"]
W3C = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(Z|[+-]\d\d:\d\d)$")
SERVICE_FIELDS = ["service_code", "service_name", "description", "metadata", "type", "keywords", "group"]
REQUEST_FIELDS = [
    "service_request_id",
    "status",
    "status_notes",
    "service_name",
    "service_code",
    "description",
    "agency_responsible",
    "service_notice",
    "requested_datetime",
    "updated_datetime",
    "expected_datetime",
    "address",
    "address_id",
    "zipcode",
    "lat",
    "long",
    "media_url",
]


def errors_of(response: Any, fmt: str) -> list[tuple[str, str]]:
    """The (code, description) pairs of a GeoReport error body."""
    body = parse(response, fmt)
    if fmt == "xml":
        assert body.tag == "errors"
        assert all(children(e) == ["code", "description"] for e in body)
        return [(e.findtext("code") or "", e.findtext("description") or "") for e in body]
    assert isinstance(body, list)
    return [(str(e["code"]), e["description"]) for e in body]


def make_case(client: Client, open311: dict[str, Any], **fields: Any) -> Case:
    response = report(client, open311["raw_key"], **fields)
    assert response.status_code == 200, response.content
    return Case.objects.get(number=parse(response, "json")[0]["service_request_id"])


# --- Discovery ---------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", FORMATS)
def test_it_describes_itself_in_discovery(client: Client, db: Any, fmt: str) -> None:
    response = client.get(f"{BASE}/discovery.{fmt}")
    assert response.status_code == 200
    body = parse(response, fmt)
    if fmt == "xml":
        assert body.tag == "discovery"
        assert children(body) == ["changeset", "contact", "key_service", "endpoints"]
        endpoint = body.find("endpoints/endpoint")
        assert endpoint is not None
        assert children(endpoint) == ["specification", "url", "changeset", "type", "formats"]
        assert endpoint.findtext("specification") == "http://wiki.open311.org/GeoReport_v2"
        assert [f.text for f in endpoint.findall("formats/format")] == ["text/xml", "application/json"]
        assert W3C.match(body.findtext("changeset") or "")
    else:
        assert list(body) == ["changeset", "contact", "key_service", "endpoints"]
        assert body["endpoints"][0]["url"].endswith("/open311/v2")
        assert body["endpoints"][0]["formats"] == ["text/xml", "application/json"]
        assert body["endpoints"][0]["type"] == "production"


# --- Services ----------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", FORMATS)
def test_it_lists_active_services_with_the_specification_fields(
    client: Client, open311: dict[str, Any], fmt: str
) -> None:
    response = client.get(f"{BASE}/services.{fmt}")
    assert response.status_code == 200
    body = parse(response, fmt)
    if fmt == "xml":
        assert body.tag == "services"
        assert {s.tag for s in body} == {"service"}
        assert all(children(s) == SERVICE_FIELDS for s in body)
        services = {s.findtext("service_code"): {c.tag: c.text or "" for c in s} for s in body}
        assert services["drain-cover"]["metadata"] == "false"
    else:
        assert isinstance(body, list)
        assert all(list(s) == SERVICE_FIELDS for s in body)
        services = {s["service_code"]: s for s in body}
        assert services["drain-cover"]["metadata"] is False
    assert set(services) == {"drain-cover", "flying-cable", "tap-water"}  # not the retired one
    drain = services["drain-cover"]
    assert drain["service_name"] == "井盖、雨水篦子破损"
    assert drain["type"] == "realtime"
    assert drain["group"] == "市政公用设施"
    assert drain["keywords"] == "井盖,下水道,雨水篦子"
    assert services["flying-cable"]["group"] == "事件"  # no group: the GB/T 30428 class
    # Cases of a non-public category are not shown: the client gets no id back for them.
    assert services["tap-water"]["type"] == "blackbox"


@pytest.mark.parametrize("fmt", FORMATS)
def test_it_gives_a_service_definition_without_attributes(client: Client, open311: dict[str, Any], fmt: str) -> None:
    response = client.get(f"{BASE}/services/drain-cover.{fmt}")
    assert response.status_code == 200
    body = parse(response, fmt)
    if fmt == "xml":
        assert body.tag == "service_definition"
        assert children(body) == ["service_code", "attributes"]
        assert body.findtext("service_code") == "drain-cover"
        assert body.findall("attributes/attribute") == []
    else:
        assert body == {"service_code": "drain-cover", "attributes": []}


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("code", ["no-such-thing", "old-kiosk"])
def test_it_answers_404_for_an_unknown_or_retired_service(
    client: Client, open311: dict[str, Any], fmt: str, code: str
) -> None:
    response = client.get(f"{BASE}/services/{code}.{fmt}")
    assert response.status_code == 404
    [(error_code, description)] = errors_of(response, fmt)
    assert error_code == "404"
    assert code in description


# --- POST requests -----------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", FORMATS)
def test_it_creates_a_case_from_a_post(client: Client, open311: dict[str, Any], fmt: str) -> None:
    response = report(
        client,
        open311["raw_key"],
        fmt,
        first_name="三",
        last_name="张",
        phone="13800000000",
        email="zhang@example.cn",
        address_string="田心路 12 号",
        device_id="dev-1",
        account_id="acct-9",
        media_url="https://img.example.cn/drain.jpg",
        **{"attribute[depth]": "30cm", "attribute[kinds][]": ["a", "b"]},
    )
    assert response.status_code == 200, response.content
    body = parse(response, fmt)
    if fmt == "xml":
        assert body.tag == "service_requests"
        [request] = body
        assert request.tag == "request"
        assert children(request) == ["service_request_id", "service_notice", "account_id"]
        number = request.findtext("service_request_id")
        notice = request.findtext("service_notice") or ""
        assert request.findtext("account_id") == "acct-9"
    else:
        [request] = body
        assert list(request) == ["service_request_id", "service_notice", "account_id"]
        number, notice = request["service_request_id"], request["service_notice"]
        assert request["account_id"] == "acct-9"
    case = Case.objects.get(number=number)
    assert case.source == "open311"
    assert case.category.code == "drain-cover"
    assert case.reporter_name == "张三"
    assert case.reporter_phone == "13800000000"
    assert case.reporter_email == "zhang@example.cn"
    assert case.address == "田心路 12 号"
    assert str(case.lat) == LAT and str(case.lng) == LNG
    assert case.community == open311["estate"].parent
    assert number in notice and "/cases/" in notice  # the reporter's private follow link
    submission = Submission.objects.get(case=case)
    assert submission.api_key == open311["key"]
    assert submission.media_url == "https://img.example.cn/drain.jpg"
    assert submission.attributes == {"depth": "30cm", "kinds": ["a", "b"]}
    assert (submission.device_id, submission.account_id) == ("dev-1", "acct-9")


def test_it_takes_the_place_from_address_id(client: Client, open311: dict[str, Any], world: dict[str, Any]) -> None:
    case = make_case(client, open311, lat=None, long=None, address_id=str(world["grid"].pk))
    assert case.place == world["grid"]
    assert case.community == world["beiling"]


def test_it_gives_a_token_instead_of_an_id_for_a_non_public_service(client: Client, open311: dict[str, Any]) -> None:
    response = report(client, open311["raw_key"], "xml", service_code="tap-water")
    assert response.status_code == 200
    [request] = parse(response, "xml")
    assert children(request) == ["token", "service_notice", "account_id"]
    case = Case.objects.get()
    assert case.category.code == "tap-water"
    assert case.number.encode() not in response.content  # not in the notice either
    token = request.findtext("token")
    assert token == Submission.objects.get(case=case).token
    # The token is the client's handle; it still does not give the hidden case's id away.
    [record] = client.get(f"{BASE}/tokens/{token}.json").json()
    assert record["token"] == token and record["service_request_id"] in (None, "")


def test_it_accepts_a_post_without_a_csrf_token(open311: dict[str, Any]) -> None:
    client = Client(enforce_csrf_checks=True)
    assert report(client, open311["raw_key"]).status_code == 200


@pytest.mark.parametrize("fmt", FORMATS)
def test_it_refuses_a_post_without_an_api_key(client: Client, open311: dict[str, Any], fmt: str) -> None:
    response = report(client, "", fmt)
    assert response.status_code == 403
    [(code, description)] = errors_of(response, fmt)
    assert code == "403" and "api_key" in description
    assert not Case.objects.exists()


@pytest.mark.parametrize("fmt", FORMATS)
def test_it_refuses_an_unknown_api_key(client: Client, open311: dict[str, Any], fmt: str) -> None:
    response = report(client, "o311_guessed-key", fmt)
    assert response.status_code == 403
    assert errors_of(response, fmt)[0][0] == "403"
    assert not Case.objects.exists()


def test_it_refuses_a_revoked_api_key(client: Client, open311: dict[str, Any], city_admin: Any) -> None:
    assert report(client, open311["raw_key"]).status_code == 200
    api_key_revoke(key=open311["key"], actor=city_admin)
    response = report(client, open311["raw_key"], "xml")
    assert response.status_code == 403
    assert "api_key" in errors_of(response, "xml")[0][1]
    assert Case.objects.count() == 1
    # The key is read by the statement that takes the day's number: a refused key takes none.
    assert list(CaseNumberCounter.objects.values_list("last", flat=True)) == [1]
    assert Submission.objects.count() == 1


@pytest.mark.parametrize(
    "fields",
    [{"service_code": "no-such-service"}, {"lat": "91"}, {"description": "长" * 4001}, {"email": "不是邮箱"}],
)
def test_it_tells_a_client_without_a_live_key_only_that(
    client: Client, open311: dict[str, Any], city_admin: Any, fields: dict[str, str]
) -> None:
    """The key is checked with the report's number, after its fields; a refused report still
    answers 403 first where the key is unknown or revoked, and 400/404 only to a live key."""
    assert report(client, "o311_guessed-key", **fields).status_code == 403
    assert report(client, open311["raw_key"], **fields).status_code in (400, 404)
    api_key_revoke(key=open311["key"], actor=city_admin)
    response = report(client, open311["raw_key"], **fields)
    assert response.status_code == 403
    assert "api_key" in errors_of(response, "json")[0][1]
    assert not Case.objects.exists() and not CaseNumberCounter.objects.exists()


@pytest.mark.parametrize(
    ("fields", "status", "mentions"),
    [
        ({"service_code": None}, 400, "service_code"),
        ({"service_code": "no-such-thing"}, 404, "service_code"),
        ({"service_code": "old-kiosk"}, 404, "service_code"),
        ({"lat": None, "long": None}, 400, "lat"),
        ({"long": None}, 400, "long"),
        ({"lat": "north", "long": "east"}, 400, "lat"),
        ({"lat": "NaN", "long": "113"}, 400, "lat"),
        ({"lat": "95", "long": "113"}, 400, "lat"),
        ({"lat": "40.7", "long": "-74.0"}, 400, "long"),  # New York: outside China
        ({"lat": None, "long": None, "address_id": "999999"}, 400, "address_id"),
        ({"lat": None, "long": None, "address_id": "abc"}, 400, "address_id"),
        ({"lat": None, "long": None, "address_string": "田心路"}, 400, "address_id"),  # no place to file it under
        ({"description": ""}, 400, "description"),
        ({"description": "水" * 4001}, 400, "description"),
        ({"email": "not-an-email"}, 400, "email"),
        ({"phone": "call me"}, 400, "phone"),
        ({"first_name": "名" * 60}, 400, "first_name"),
        ({"media_url": "javascript:alert(1)"}, 400, "media_url"),
        ({"address_string": "路" * 201}, 400, "address_string"),
        ({"device_id": "d" * 101}, 400, "device_id"),
        ({"jurisdiction_id": "sfgov.org"}, 404, "jurisdiction_id"),
    ],
)
@pytest.mark.parametrize("fmt", FORMATS)
def test_it_refuses_bad_input_and_stores_nothing(
    client: Client, open311: dict[str, Any], fmt: str, fields: dict[str, Any], status: int, mentions: str
) -> None:
    response = report(client, open311["raw_key"], fmt, **fields)
    assert response.status_code == status, response.content
    errors = errors_of(response, fmt)
    assert errors and all(code == str(status) for code, _ in errors)
    assert any(mentions in description for _, description in errors), errors
    assert not Case.objects.exists()
    assert not Submission.objects.exists()


def test_it_accepts_its_own_jurisdiction_id(client: Client, open311: dict[str, Any]) -> None:
    assert report(client, open311["raw_key"], jurisdiction_id="zhuzhou.gov.cn").status_code == 200
    assert client.get(f"{BASE}/services.xml", {"jurisdiction_id": "zhuzhou.gov.cn"}).status_code == 200
    assert client.get(f"{BASE}/services.xml", {"jurisdiction_id": ""}).status_code == 200  # empty = not given


@pytest.mark.parametrize("fmt", FORMATS)
def test_it_answers_404_for_another_jurisdiction_on_every_read(
    client: Client, open311: dict[str, Any], fmt: str
) -> None:
    for path in ("discovery", "services", "services/drain-cover", "requests"):
        response = client.get(f"{BASE}/{path}.{fmt}", {"jurisdiction_id": "sfgov.org"})
        assert response.status_code == 404
        assert "jurisdiction_id" in errors_of(response, fmt)[0][1]


def test_it_refuses_other_methods(client: Client, open311: dict[str, Any]) -> None:
    response = client.put(f"{BASE}/requests.xml")
    assert response.status_code == 405
    assert response["Allow"] == "GET, POST"
    assert errors_of(response, "xml")[0][0] == "405"
    assert client.post(f"{BASE}/services.json").status_code == 405


@pytest.mark.parametrize("fmt", FORMATS)
def test_it_answers_unknown_paths_in_the_error_shape(client: Client, db: Any, fmt: str) -> None:
    response = client.get(f"{BASE}/nothing-here.{fmt}")
    assert response.status_code == 404
    assert errors_of(response, fmt)[0][0] == "404"


# --- GET requests ------------------------------------------------------------------------------


def request_records(response: Any, fmt: str) -> list[dict[str, Any]]:
    body = parse(response, fmt)
    if fmt == "xml":
        assert body.tag == "service_requests"
        assert all(r.tag == "request" and children(r) == REQUEST_FIELDS for r in body)
        return [{c.tag: c.text for c in r} for r in body]
    assert isinstance(body, list)
    assert all(list(r) == REQUEST_FIELDS for r in body)
    return body


@pytest.mark.parametrize("fmt", FORMATS)
def test_it_shows_a_request_without_the_reporter(client: Client, open311: dict[str, Any], fmt: str) -> None:
    case = make_case(client, open311, first_name="三", last_name="张", phone="13800000000", email="zhang@example.cn")
    response = client.get(f"{BASE}/requests/{case.number}.{fmt}")
    assert response.status_code == 200
    [record] = request_records(response, fmt)  # an array even for one request
    for secret in (b"13800000000", b"zhang@example.cn", "张三".encode()):
        assert secret not in response.content
    assert record["service_request_id"] == case.number
    assert record["status"] == "open"
    assert record["service_code"] == "drain-cover"
    assert record["service_name"] == "井盖、雨水篦子破损"
    assert record["description"] == "田心路雨水篦子被堵，下雨就积水"
    for field in ("requested_datetime", "updated_datetime", "expected_datetime"):
        assert W3C.match(record[field]), record[field]
    assert record["requested_datetime"].endswith("+08:00")
    assert str(record["lat"]) == str(float(LAT)) and str(record["long"]) == str(float(LNG))
    assert str(record["address_id"]) == str(case.place_id)


@pytest.mark.parametrize("fmt", FORMATS)
def test_it_shows_the_responsible_unit_and_the_last_note(
    client: Client, open311: dict[str, Any], fmt: str, beiling_grid_worker: Any, world: dict[str, Any]
) -> None:
    from gongjian.cases.services import case_accept, case_dispatch

    case = make_case(client, open311)
    case_accept(case=case, actor=beiling_grid_worker, note="已核实，确有堵塞")
    case_dispatch(case=Case.objects.get(pk=case.pk), actor=beiling_grid_worker, unit=world["chengfa"])
    [record] = request_records(client.get(f"{BASE}/requests/{case.number}.{fmt}"), fmt)
    assert record["status"] == "open"
    assert record["agency_responsible"] == world["chengfa"].name
    assert record["status_notes"] == "已核实，确有堵塞"


@pytest.mark.parametrize("fmt", FORMATS)
def test_it_shows_a_rejected_case_as_closed(
    client: Client, open311: dict[str, Any], fmt: str, beiling_grid_worker: Any
) -> None:
    from gongjian.cases.services import case_reject

    case = make_case(client, open311)
    case_reject(case=case, actor=beiling_grid_worker, reason="不属于本平台受理范围")
    [record] = request_records(client.get(f"{BASE}/requests/{case.number}.{fmt}"), fmt)
    assert record["status"] == "closed"
    assert record["status_notes"] == "不属于本平台受理范围"
    assert record["expected_datetime"] in (None, "")


@pytest.mark.parametrize("fmt", FORMATS)
def test_it_hides_non_public_and_unknown_requests(client: Client, open311: dict[str, Any], fmt: str) -> None:
    report(client, open311["raw_key"], service_code="tap-water")
    hidden = Case.objects.get()
    for number in (hidden.number, "ZZ2099010100001"):
        response = client.get(f"{BASE}/requests/{number}.{fmt}")
        assert response.status_code == 404
        assert errors_of(response, fmt)[0][0] == "404"
    assert request_records(client.get(f"{BASE}/requests.{fmt}"), fmt) == []


@pytest.mark.parametrize("fmt", FORMATS)
def test_it_lists_recent_public_requests_newest_first(client: Client, open311: dict[str, Any], fmt: str) -> None:
    first = make_case(client, open311)
    second = make_case(client, open311, service_code="flying-cable")
    report(client, open311["raw_key"], service_code="tap-water")
    records = request_records(client.get(f"{BASE}/requests.{fmt}"), fmt)
    assert [r["service_request_id"] for r in records] == [second.number, first.number]
    body = client.get(f"{BASE}/requests.{fmt}").content
    assert b"13800000000" not in body


def test_it_filters_requests(client: Client, open311: dict[str, Any], beiling_grid_worker: Any) -> None:
    from gongjian.cases.services import case_reject

    drain = make_case(client, open311)
    cable = make_case(client, open311, service_code="flying-cable")
    rejected = make_case(client, open311)
    case_reject(case=rejected, actor=beiling_grid_worker, reason="重复上报")

    def numbers(**params: str) -> list[str]:
        response = client.get(f"{BASE}/requests.json", params)
        assert response.status_code == 200, response.content
        return sorted(r["service_request_id"] for r in response.json())

    assert numbers(service_code="flying-cable") == [cable.number]
    assert numbers(service_code="flying-cable,drain-cover") == sorted([drain.number, cable.number, rejected.number])
    assert numbers(status="closed") == [rejected.number]
    assert numbers(status="open") == sorted([drain.number, cable.number])
    assert numbers(status="open,closed") == sorted([drain.number, cable.number, rejected.number])
    # service_request_id overrides every other argument.
    assert numbers(service_request_id=f"{drain.number},{rejected.number}", status="open") == sorted(
        [drain.number, rejected.number]
    )
    now = timezone.localtime()
    assert numbers(start_date=(now + datetime.timedelta(hours=1)).isoformat(timespec="seconds")) == []
    assert len(numbers(start_date=(now - datetime.timedelta(days=1)).strftime("%Y-%m-%dT%H:%M:%SZ"))) == 3
    assert numbers(end_date=(now - datetime.timedelta(days=1)).isoformat()) == []
    # An unencoded "+08:00" arrives as " 08:00" and still works.
    raw = client.get(
        f"{BASE}/requests.json?start_date={(now - datetime.timedelta(hours=1)).isoformat(timespec='seconds')}"
    )
    assert len(raw.json()) == 3


def test_it_lists_only_the_last_90_days_by_default(client: Client, open311: dict[str, Any]) -> None:
    from gongjian.cases.services import clock_at

    with clock_at(timezone.now() - datetime.timedelta(days=120)):
        old = make_case(client, open311)
    recent = make_case(client, open311)
    listed = [r["service_request_id"] for r in client.get(f"{BASE}/requests.json").json()]
    assert listed == [recent.number]
    # Still reachable by its id, and by an explicit window.
    assert client.get(f"{BASE}/requests/{old.number}.json").status_code == 200
    start = (timezone.now() - datetime.timedelta(days=125)).date().isoformat()
    listed = [r["service_request_id"] for r in client.get(f"{BASE}/requests.json", {"start_date": start}).json()]
    assert listed == [old.number]


def test_it_returns_at_most_1000_requests(client: Client, open311: dict[str, Any], monkeypatch: Any) -> None:
    from gongjian.open311 import selectors

    monkeypatch.setattr(selectors, "MAX_REQUESTS", 2)
    for _ in range(3):
        make_case(client, open311)
    assert len(client.get(f"{BASE}/requests.xml").content.split(b"<request>")) - 1 == 2


@pytest.mark.parametrize(
    ("params", "mentions"),
    [
        ({"status": "pending"}, "status"),
        ({"start_date": "yesterday"}, "start_date"),
        ({"end_date": "2023-13-45T00:00:00Z"}, "end_date"),
        ({"start_date": "2023-06-01T00:00:00Z", "end_date": "2023-05-01T00:00:00Z"}, "end_date"),
        ({"start_date": "2023-01-01T00:00:00Z", "end_date": "2023-06-01T00:00:00Z"}, "90"),
        ({"service_request_id": ",".join(["x"] * 1001)}, "service_request_id"),
    ],
)
@pytest.mark.parametrize("fmt", FORMATS)
def test_it_refuses_bad_filters(
    client: Client, open311: dict[str, Any], fmt: str, params: dict[str, str], mentions: str
) -> None:
    response = client.get(f"{BASE}/requests.{fmt}", params)
    assert response.status_code == 400
    [(code, description)] = errors_of(response, fmt)
    assert code == "400" and mentions in description


# --- Tokens ------------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", FORMATS)
def test_it_resolves_a_token_to_its_request(client: Client, open311: dict[str, Any], fmt: str) -> None:
    case = make_case(client, open311)
    token = Submission.objects.get(case=case).token
    response = client.get(f"{BASE}/tokens/{token}.{fmt}")
    assert response.status_code == 200
    body = parse(response, fmt)
    if fmt == "xml":
        assert body.tag == "service_requests"
        [request] = body
        assert children(request) == ["service_request_id", "token"]
        assert (request.findtext("service_request_id"), request.findtext("token")) == (case.number, token)
    else:
        assert body == [{"service_request_id": case.number, "token": token}]
    missing = client.get(f"{BASE}/tokens/0123456789abcdef.{fmt}")
    assert missing.status_code == 404
    assert errors_of(missing, fmt)[0][0] == "404"


# --- Rate limits -------------------------------------------------------------------------------


@pytest.fixture
def limits_on(settings: Any) -> Iterator[None]:
    """Rate limits on, with the clock held in the middle of a one-minute window: a fixed window
    that turned over between two requests would let one more through."""
    settings.RATELIMIT_ENABLED = True
    with time_machine.travel(int(time.time()) // 60 * 60 + 30, tick=False):
        yield


def test_it_limits_posts_per_client(client: Client, open311: dict[str, Any], settings: Any, limits_on: None) -> None:
    settings.OPEN311_POST_LIMIT_PER_CLIENT = 2
    assert [report(client, open311["raw_key"]).status_code for _ in range(3)] == [200, 200, 429]
    response = report(client, open311["raw_key"], "xml")
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    assert errors_of(response, "xml")[0][0] == "429"
    assert Case.objects.count() == 2
    other = Client(REMOTE_ADDR="10.0.0.9")
    assert report(other, open311["raw_key"]).status_code == 200


def test_it_limits_posts_per_key(client: Client, open311: dict[str, Any], settings: Any, limits_on: None) -> None:
    settings.OPEN311_POST_LIMIT_PER_KEY = 2
    clients = [Client(REMOTE_ADDR=f"10.0.0.{i}") for i in range(3)]
    assert [report(c, open311["raw_key"]).status_code for c in clients] == [200, 200, 429]


def test_it_limits_reads_per_client(client: Client, open311: dict[str, Any], settings: Any, limits_on: None) -> None:
    settings.OPEN311_GET_LIMIT_PER_CLIENT = 2
    assert [client.get(f"{BASE}/services.json").status_code for _ in range(3)] == [200, 200, 429]


# --- The status mapping ------------------------------------------------------------------------


def test_it_maps_every_case_status_to_open_or_closed() -> None:
    assert set(mapping.STATUS_MAP) == set(Case.Status.values)
    assert set(mapping.STATUS_MAP.values()) == {"open", "closed"}
    assert mapping.open311_status("resolved") == "open"  # until the community has verified it
    assert mapping.open311_status("closed") == "closed"
    assert mapping.open311_status("some-future-status") == "open"


def test_it_links_the_first_photo_as_media_url(client: Client, open311: dict[str, Any]) -> None:
    from gongjian.cases.selectors import case_photo_public_url
    from gongjian.cases.services import case_report
    from gongjian.conftest import make_photo

    case = case_report(
        category=open311["catalogue"]["drain"],
        description="井盖缺失",
        place=open311["estate"],
        photos=[make_photo()],
        source="public",
    )
    [record] = client.get(f"{BASE}/requests/{case.number}.json").json()
    assert record["media_url"] == "http://127.0.0.1:8000" + case_photo_public_url(case.photos.get())
    assert client.get(record["media_url"].removeprefix("http://127.0.0.1:8000")).status_code == 200


def test_it_reads_requests_in_a_fixed_number_of_queries(client: Client, open311: dict[str, Any]) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    make_case(client, open311)
    with CaptureQueriesContext(connection) as one:
        client.get(f"{BASE}/requests.json")
    for _ in range(4):
        make_case(client, open311, service_code="flying-cable")
    with CaptureQueriesContext(connection) as five:
        assert len(client.get(f"{BASE}/requests.json").json()) == 5
    assert len(five.captured_queries) == len(one.captured_queries) <= 3


def test_it_keeps_the_xml_well_formed_whatever_the_text(client: Client, open311: dict[str, Any]) -> None:
    case = make_case(client, open311, description="井盖\x0b缺失\x1f，<b>危险</b> & 快修")
    root = parse(client.get(f"{BASE}/requests/{case.number}.xml"), "xml")
    assert root.findtext("request/description") == "井盖缺失，<b>危险</b> & 快修"
    [record] = client.get(f"{BASE}/requests/{case.number}.json").json()
    assert record["description"] == "井盖\x0b缺失\x1f，<b>危险</b> & 快修"


def test_it_refuses_a_nul_character(client: Client, open311: dict[str, Any]) -> None:
    response = report(client, open311["raw_key"], "xml", description="井盖\x00缺失")
    assert response.status_code == 400
    assert "NUL" in errors_of(response, "xml")[0][1]
    assert not Case.objects.exists()


def test_it_answers_in_english_when_asked(client: Client, open311: dict[str, Any]) -> None:
    response = client.post(f"{BASE}/requests.xml", {"service_code": "drain-cover"}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 403
    assert errors_of(response, "xml") == [("403", "api_key was not provided -- can't proceed with create_request.")]
