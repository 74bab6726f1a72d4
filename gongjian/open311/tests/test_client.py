"""A third-party client written from the GeoReport v2 specification alone (urllib, ElementTree,
json), driving the real server over HTTP the way an unmodified Open311 app does: discover the
endpoint, list services, submit a request with a form-encoded POST, read it back, search."""

import json
import urllib.error
import urllib.parse
import urllib.request
from typing import Any
from xml.etree import ElementTree as ET

import pytest

from gongjian.open311.tests.conftest import LAT, LNG

pytestmark = pytest.mark.django_db(transaction=True)


class GeoReportClient:
    """The specification's six methods and discovery, in either format."""

    def __init__(self, discovery_url: str, fmt: str, api_key: str = "") -> None:
        self.fmt = fmt
        self.api_key = api_key
        discovery = self._get_url(discovery_url)
        if fmt == "xml":
            endpoint = discovery.find("endpoints/endpoint")
            self.base = endpoint.findtext("url")
            self.formats = [f.text for f in endpoint.findall("formats/format")]
        else:
            self.base = discovery["endpoints"][0]["url"]
            self.formats = discovery["endpoints"][0]["formats"]

    def _decode(self, content_type: str, body: bytes) -> Any:
        if self.fmt == "xml":
            assert content_type.startswith("text/xml")
            return ET.fromstring(body)  # noqa: S314 (the test server's answer)
        assert content_type.startswith("application/json")
        return json.loads(body)

    def _get_url(self, url: str) -> Any:
        with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 (the test server)
            return self._decode(response.headers["Content-Type"], response.read())

    def get(self, resource: str, **params: str) -> Any:
        query = ("?" + urllib.parse.urlencode(params)) if params else ""
        return self._get_url(f"{self.base}/{resource}.{self.fmt}{query}")

    def post(self, resource: str, fields: dict[str, str]) -> Any:
        data = urllib.parse.urlencode({"api_key": self.api_key, **fields}).encode("utf-8")
        request = urllib.request.Request(  # noqa: S310
            f"{self.base}/{resource}.{self.fmt}",
            data=data,
            headers={"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"},
        )
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
            return self._decode(response.headers["Content-Type"], response.read())

    # The records of a list answer, as dicts of text, in either format.
    def records(self, answer: Any) -> list[dict[str, Any]]:
        if self.fmt == "xml":
            return [{child.tag: child.text for child in item} for item in answer]
        return [{k: (None if v is None else str(v)) for k, v in item.items()} for item in answer]


@pytest.mark.parametrize("fmt", ["xml", "json"])
def test_it_serves_a_client_written_from_the_specification(live_server: Any, open311: dict[str, Any], fmt: str) -> None:
    client = GeoReportClient(f"{live_server.url}/open311/v2/discovery.{fmt}", fmt, api_key=open311["raw_key"])
    assert client.base == "http://127.0.0.1:8000/open311/v2"  # SITE_URL: the public address
    client.base = f"{live_server.url}/open311/v2"  # the test server runs elsewhere
    assert "text/xml" in client.formats

    services = client.records(client.get("services"))
    drain = next(s for s in services if s["service_name"] == "井盖、雨水篦子破损")
    assert drain["metadata"] in ("false", "False")
    definition = client.get(f"services/{drain['service_code']}")
    code = definition.findtext("service_code") if fmt == "xml" else definition["service_code"]
    assert code == drain["service_code"]

    created = client.records(
        client.post(
            "requests",
            {
                "service_code": drain["service_code"],
                "lat": LAT,
                "long": LNG,
                "address_string": "田心路 12 号",
                "description": "井盖缺失，夜里很危险\n请尽快处理",
                "first_name": "三",
                "last_name": "张",
                "phone": "13800000000",
                "media_url": "https://img.example.cn/cover.jpg",
            },
        )
    )
    [receipt] = created
    number = receipt["service_request_id"]
    assert number and receipt["service_notice"]

    [one] = client.records(client.get(f"requests/{number}"))
    assert one["status"] == "open"
    assert one["description"] == "井盖缺失，夜里很危险\n请尽快处理"
    assert one["media_url"] == "https://img.example.cn/cover.jpg"
    assert "13800000000" not in json.dumps(one, ensure_ascii=False)

    found = client.records(client.get("requests", service_code=drain["service_code"], status="open"))
    assert [r["service_request_id"] for r in found] == [number]
    assert client.records(client.get("requests", status="closed")) == []

    # Errors come back as HTTP errors with the specification's body.
    client.api_key = "wrong"
    with pytest.raises(urllib.error.HTTPError) as refused:
        client.post("requests", {"service_code": drain["service_code"], "lat": LAT, "long": LNG})
    assert refused.value.code == 403
    answer = client._decode(refused.value.headers["Content-Type"], refused.value.read())
    assert client.records(answer)[0]["code"] == "403"
