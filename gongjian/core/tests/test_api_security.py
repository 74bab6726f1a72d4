"""Session requests need the CSRF token, bearer requests do not; the docs are served from this site."""

import re

import pytest
from django.middleware.csrf import get_token
from django.test import Client, RequestFactory

from gongjian.accounts.services import token_issue
from gongjian.conftest import PASSWORD
from gongjian.places.models import Place

pytestmark = pytest.mark.django_db


@pytest.fixture
def csrf_client():
    return Client(enforce_csrf_checks=True)


def _new_place(world):
    return {"kind": "community", "name": "桂花社区", "parent": world["tianxin"].pk}


def test_it_refuses_a_session_post_without_the_csrf_token(csrf_client, city_admin, world):
    csrf_client.force_login(city_admin)
    r = csrf_client.post("/api/places", _new_place(world), content_type="application/json")
    assert r.status_code == 403
    assert "CSRF" in r.json()["detail"]
    assert not Place.objects.filter(name="桂花社区").exists()


def test_it_accepts_a_session_post_with_the_csrf_token(csrf_client, city_admin, world):
    csrf_client.force_login(city_admin)
    token = get_token(RequestFactory().get("/"))
    csrf_client.cookies["csrftoken"] = token
    r = csrf_client.post(
        "/api/places", _new_place(world), content_type="application/json", headers={"X-CSRFToken": token}
    )
    assert r.status_code == 201


def test_it_reads_with_a_session_without_the_csrf_token(csrf_client, city_admin):
    csrf_client.force_login(city_admin)
    assert csrf_client.get("/api/places").status_code == 200


def test_it_needs_no_csrf_token_with_a_bearer_token(csrf_client, city_admin, world):
    raw, _token = token_issue(request=RequestFactory().post("/"), username="wenmingban", password=PASSWORD)
    r = csrf_client.post(
        "/api/places", _new_place(world), content_type="application/json", headers={"Authorization": f"Bearer {raw}"}
    )
    assert r.status_code == 201


def test_it_answers_an_anonymous_post_with_401_not_a_csrf_error(csrf_client, world):
    assert csrf_client.post("/api/places", _new_place(world), content_type="application/json").status_code == 401


def test_it_publishes_the_openapi_document(client, world):
    r = client.get("/api/openapi.json")
    assert r.status_code == 200
    doc = r.json()
    assert {"/api/places", "/api/visits/{visit_id}/photos", "/api/auth/token", "/api/me"} <= set(doc["paths"])
    assert set(doc["components"]["securitySchemes"]) == {"BearerAuth", "SessionAuth", "VoterTokenAuth"}
    # The signed voter token opens the vote endpoint only, never staff operations.
    voter_ops = [
        (path, method)
        for path, ops in doc["paths"].items()
        for method, op in ops.items()
        if any("VoterTokenAuth" in s for s in op.get("security", []))
    ]
    assert voter_ops and all(path.startswith("/api/rolemodels/") and method == "post" for path, method in voter_ops)
    create_visit = doc["paths"]["/api/visits"]["post"]
    assert set(create_visit["responses"]) == {"201", "400", "401", "403", "422"}
    assert doc["components"]["schemas"]["VisitIn"]["additionalProperties"] is False


def test_it_serves_the_docs_page_from_this_site(client, world):
    r = client.get("/api/docs")
    assert r.status_code == 200
    html = r.content.decode()
    scripts = re.findall(r"<script([^>]*)>", html)
    assert scripts
    for attrs in scripts:
        # Either a local file, or a JSON data block that no browser runs (so script-src 'self' holds).
        assert 'src="/static/' in attrs or 'type="application/json"' in attrs, attrs
    assert "http://" not in html and "https://" not in html
    assert '"validatorUrl": null' in html
    assert "script-src 'self'" in r["Content-Security-Policy"]
