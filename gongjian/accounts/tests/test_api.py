import pytest
from django.test import Client

from gongjian.accounts.models import ApiToken
from gongjian.conftest import PASSWORD
from gongjian.core.models import AuditEntry

pytestmark = pytest.mark.django_db


def _issue(client: Client, username: str, password: str = PASSWORD, **extra):
    return client.post(
        "/api/auth/token", {"username": username, "password": password, **extra}, content_type="application/json"
    )


def _bearer(raw: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {raw}"}


def test_it_issues_a_token_that_authenticates_until_revoked(client, chengfa_liaison):
    r = _issue(client, "chengfa", name="数据对接")
    assert r.status_code == 201
    raw = r.json()["token"]
    assert raw.startswith("gj_")
    assert r.json()["name"] == "数据对接"
    assert r.json()["expires_at"]
    stored = ApiToken.objects.get(user=chengfa_liaison)
    assert raw not in (stored.key_hash, stored.prefix)

    anonymous = Client()
    me = anonymous.get("/api/me", headers=_bearer(raw))
    assert me.status_code == 200
    assert me.json()["username"] == "chengfa"

    assert anonymous.delete("/api/auth/token", headers=_bearer(raw)).status_code == 204
    assert ApiToken.objects.get(pk=stored.pk).revoked_at is not None
    again = anonymous.get("/api/me", headers=_bearer(raw))
    assert again.status_code == 401
    assert again.json()["detail"]


def test_it_records_the_token_user_in_the_audit_trail(client, city_admin, world):
    raw = _issue(client, "wenmingban").json()["token"]
    r = Client().post(
        "/api/places",
        {"kind": "community", "name": "桂花社区", "parent": world["tianxin"].pk},
        content_type="application/json",
        headers=_bearer(raw),
    )
    assert r.status_code == 201
    entry = AuditEntry.objects.get(content_type__model="place", object_id=str(r.json()["id"]), action="create")
    assert entry.actor == city_admin


def test_it_refuses_a_wrong_password_with_401(client, city_admin):
    r = _issue(client, "wenmingban", "not-the-password")
    assert r.status_code == 401
    assert r.json() == {"detail": "用户名或密码错误。", "errors": []}
    assert not ApiToken.objects.exists()


def test_it_locks_out_after_five_failures_even_with_the_right_password(client, city_admin):
    statuses = [_issue(client, "wenmingban", "wrong").status_code for _ in range(5)]
    assert statuses == [401, 401, 401, 401, 429]
    r = _issue(client, "wenmingban", PASSWORD)
    assert r.status_code == 429
    assert r["Content-Type"].startswith("application/json")
    assert "锁定" in r.json()["detail"]
    assert "15 分钟" in r.json()["detail"]
    assert not ApiToken.objects.exists()


def test_it_validates_the_token_request(client, city_admin):
    r = client.post("/api/auth/token", {"username": "wenmingban"}, content_type="application/json")
    assert r.status_code == 422
    assert r.json()["errors"] == [{"field": "password", "message": "password：必须填写。"}]


def test_it_answers_anonymous_requests_with_401(client, world):
    for method, url in [("get", "/api/me"), ("get", "/api/places"), ("get", "/api/visits"), ("post", "/api/visits")]:
        r = getattr(client, method)(url, {} if method == "get" else "{}", content_type="application/json")
        assert r.status_code == 401, url
        assert r["WWW-Authenticate"].startswith("Bearer")
        assert set(r.json()) == {"detail", "errors"}


def test_it_refuses_a_bad_token_even_alongside_a_session(client, city_admin):
    client.force_login(city_admin)
    assert client.get("/api/me").status_code == 200
    assert client.get("/api/me", headers=_bearer("gj_forged")).status_code == 401


def test_it_revokes_only_a_presented_token(client, city_admin):
    client.force_login(city_admin)
    assert client.delete("/api/auth/token").status_code == 401


def test_it_tells_users_who_they_are(client, chengfa_liaison, world):
    client.force_login(chengfa_liaison)
    me = client.get("/api/me").json()
    assert me["is_city_admin"] is False
    assert me["roles"] == ["unit_liaison"]
    [membership] = me["memberships"]
    assert membership["role"] == "unit_liaison"
    assert membership["role_label"] == "单位联络员"
    assert membership["unit"] == {"id": world["chengfa"].pk, "name": "株洲市城市发展集团有限公司"}
    assert membership["place"] is None


def test_it_rate_limits_token_requests_per_address(client, world):
    statuses = [
        client.post(
            "/api/auth/token", {"username": f"nobody{i}", "password": "x"}, content_type="application/json"
        ).status_code
        for i in range(21)
    ]
    assert statuses[:20] == [401] * 20
    assert statuses[20] == 429
    assert (
        "请求过于频繁"
        in client.post("/api/auth/token", {"username": "x", "password": "x"}, content_type="application/json").json()[
            "detail"
        ]
    )
