"""Open311 API keys: the city admin issues them (shown once, stored hashed) and revokes them; nobody
else may see or touch them; a revoked key is refused."""

import re
from typing import Any

import pytest
from django.test import Client

from gongjian.core.models import AuditEntry
from gongjian.open311.models import ApiKey, hash_key
from gongjian.open311.services import api_key_authenticate, api_key_issue, api_key_revoke
from gongjian.open311.tests.conftest import report

pytestmark = pytest.mark.django_db
KEYS = "/open311/keys/"


def signed_in(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_it_lets_the_city_admin_issue_a_key_shown_once(city_admin: Any) -> None:
    client = signed_in(city_admin)
    response = client.post(KEYS, {"name": "12345 热线"})
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    raw = re.search(rb'data-testid="raw-key">([^<]+)<', response.content)
    assert raw is not None
    raw_key = raw.group(1).decode()
    key = ApiKey.objects.get()
    assert key.name == "12345 热线" and key.issued_by == city_admin
    assert key.key_hash == hash_key(raw_key) and raw_key not in (key.key_hash, key.prefix)
    assert raw_key.startswith(key.prefix)
    # Listed afterwards by its prefix only.
    listing = client.get(KEYS)
    assert raw_key.encode() not in listing.content
    assert key.prefix.encode() in listing.content
    assert AuditEntry.objects.filter(event="open311.key_issued", object_id=str(key.pk), actor=city_admin).exists()
    assert not AuditEntry.objects.filter(changes__icontains=key.key_hash).exists()


def test_it_asks_for_a_name(city_admin: Any) -> None:
    response = signed_in(city_admin).post(KEYS, {"name": "  "})
    assert response.status_code == 200
    assert not ApiKey.objects.exists()
    assert b"raw-key" not in response.content


def test_it_lets_the_city_admin_revoke_a_key(city_admin: Any, open311: dict[str, Any], client: Client) -> None:
    key = open311["key"]
    response = signed_in(city_admin).post(f"/open311/keys/{key.pk}/revoke/")
    assert response.status_code == 302
    key.refresh_from_db()
    assert key.revoked_at is not None and key.revoked_by == city_admin
    assert AuditEntry.objects.filter(event="open311.key_revoked", object_id=str(key.pk)).exists()
    assert api_key_authenticate(raw=open311["raw_key"]) is None
    assert report(client, open311["raw_key"]).status_code == 403
    # Revoking twice changes nothing and says so.
    again = signed_in(city_admin).post(f"/open311/keys/{key.pk}/revoke/", follow=True)
    assert "已被吊销".encode() in again.content


@pytest.mark.parametrize("who", ["chengfa_liaison", "beiling_grid_worker", "beiling_staff", "resident"])
def test_it_keeps_everybody_else_out(request: Any, who: str, key: tuple[str, ApiKey]) -> None:
    client = signed_in(request.getfixturevalue(who))
    assert client.get(KEYS).status_code == 403
    assert client.post(KEYS, {"name": "偷偷签发"}).status_code == 403
    assert client.post(f"/open311/keys/{key[1].pk}/revoke/").status_code == 404
    assert ApiKey.objects.count() == 1
    assert ApiKey.objects.get().revoked_at is None


def test_it_sends_anonymous_visitors_to_log_in(client: Client, key: tuple[str, ApiKey]) -> None:
    assert client.get(KEYS).status_code == 302
    assert client.post(f"/open311/keys/{key[1].pk}/revoke/").status_code == 302
    assert ApiKey.objects.get().revoked_at is None


def test_it_records_when_a_key_was_last_used(open311: dict[str, Any], client: Client) -> None:
    assert open311["key"].last_used_at is None
    report(client, open311["raw_key"])
    open311["key"].refresh_from_db()
    assert open311["key"].last_used_at is not None


def test_it_fixes_the_demo_key_and_refuses_a_second_one_like_it(city_admin: Any) -> None:
    raw, key = api_key_issue(name="演示", actor=None, raw="demo-open311-key")
    assert raw == "demo-open311-key" and key.issued_by is None
    assert api_key_authenticate(raw="demo-open311-key") == key
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        api_key_issue(name="演示", actor=city_admin, raw="demo-open311-key")
    api_key_revoke(key=key, actor=city_admin)
    with pytest.raises(ValidationError):
        api_key_revoke(key=key, actor=city_admin)


def test_it_lists_and_revokes_keys_in_django_admin(city_admin: Any, key: tuple[str, ApiKey]) -> None:
    client = signed_in(city_admin)
    response = client.get("/admin/open311/apikey/")
    assert response.status_code == 200
    assert key[1].prefix.encode() in response.content
    assert key[0].encode() not in response.content
    assert client.get("/admin/open311/apikey/add/").status_code == 403
    client.post("/admin/open311/apikey/", {"action": "revoke", "_selected_action": [key[1].pk]})
    assert ApiKey.objects.get().revoked_at is not None
