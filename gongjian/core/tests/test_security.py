"""Who reaches which page, and the protections that are on for every page."""

import pytest
from django.test import Client
from django.urls import reverse

from gongjian.core.models import AuditEntry
from gongjian.units.models import Unit

pytestmark = pytest.mark.django_db

ADMIN_PAGES = [
    "core:audit",
    "places:import",
    "places:create-root",
    "units:create",
    "pairings:campaign-create",
    "pairings:pairing-import",
]


def test_it_sends_anonymous_visitors_to_the_login_page(client, world):
    assert client.get(reverse("core:public-home")).status_code == 200
    for name in [
        "core:dashboard",
        "places:tree",
        "units:list",
        "pairings:visit-list",
        "pairings:campaign-list",
        "core:audit",
    ]:
        response = client.get(reverse(name))
        assert response.status_code == 302 and response["Location"].startswith(reverse("login")), name


@pytest.mark.parametrize("who", ["resident", "chengfa_liaison", "beiling_grid_worker"])
def test_it_keeps_admin_pages_from_everyone_but_the_city_admin(client, request, who):
    client.force_login(request.getfixturevalue(who))
    for name in ADMIN_PAGES:
        assert client.get(reverse(name)).status_code == 403, name
    # Django's own admin site too.
    response = client.get("/admin/")
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_it_lets_the_city_admin_in(client, city_admin):
    client.force_login(city_admin)
    for name in ADMIN_PAGES:
        assert client.get(reverse(name)).status_code == 200, name


def test_it_refuses_a_post_without_the_csrf_token(world, city_admin):
    csrf_client = Client(enforce_csrf_checks=True)
    csrf_client.force_login(city_admin)
    response = csrf_client.post(reverse("units:create"), {"name": "株洲市某局", "kind": "city_department"})
    assert response.status_code == 403
    assert not Unit.objects.filter(name="株洲市某局").exists()


def test_it_sends_security_headers(client, world):
    response = client.get(reverse("core:public-home"))
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "frame-ancestors 'none'" in csp and "object-src 'none'" in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert len(response["X-Request-ID"]) == 32


def test_it_locks_out_a_username_after_repeated_failures(client, city_admin):
    url = reverse("login")
    statuses = [client.post(url, {"username": "wenmingban", "password": "wrong"}).status_code for _ in range(5)]
    assert statuses == [200, 200, 200, 200, 429]  # the fifth failure locks the username out
    # Even the right password is refused now.
    response = client.post(url, {"username": "wenmingban", "password": "demo-pass-2023"})
    assert response.status_code in (403, 429)
    assert "登录失败次数过多" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_it_logs_in_with_the_right_password(client, city_admin):
    response = client.post(reverse("login"), {"username": "wenmingban", "password": "demo-pass-2023"})
    assert response.status_code == 302 and response["Location"] == reverse("core:dashboard")


def test_it_rate_limits_login_attempts_per_address(client, world):
    statuses = [client.post(reverse("login"), {"username": f"user{i}", "password": "x"}).status_code for i in range(22)]
    assert statuses[:20] == [200] * 20
    assert statuses[-1] == 429


def test_it_escapes_what_users_typed(client, city_admin):
    from gongjian.units.services import unit_create

    unit = unit_create(name="<script>alert(1)</script>局", kind="other")
    client.force_login(city_admin)
    html = client.get(reverse("units:detail", args=[unit.pk])).content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;局" in html


def test_it_records_the_address_and_user_of_a_page_edit(client, city_admin):
    client.force_login(city_admin)
    response = client.post(
        reverse("units:create"),
        {"name": "株洲市科学技术协会", "short_name": "市科协", "kind": "city_department", "is_active": "on"},
        REMOTE_ADDR="10.9.8.7",
    )
    assert response.status_code == 302
    entry = AuditEntry.objects.get(content_type__model="unit", action="create", object_repr="株洲市科学技术协会")
    assert entry.actor == city_admin and entry.remote_addr == "10.9.8.7"
    assert entry.changes["name"] == [None, "株洲市科学技术协会"]
    assert entry.request_id == response["X-Request-ID"]


def test_it_lets_only_the_city_admin_search_the_audit_trail(client, city_admin, chengfa_liaison):
    client.force_login(city_admin)
    page = client.get(reverse("core:audit"), {"q": "北岭社区"})
    assert page.status_code == 200
    assert any(e.object_repr == "北岭社区" for e in page.context["page_obj"])
    assert "层级</span>：社区" in page.content.decode()  # labels, not column names and codes
    page = client.get(reverse("core:audit"), {"action": "delete"})
    assert list(page.context["page_obj"]) == []
    client.force_login(chengfa_liaison)
    assert client.get(reverse("core:audit")).status_code == 403


def test_it_switches_the_interface_to_english_and_back(client, city_admin):
    client.force_login(city_admin)
    client.post(reverse("set_language"), {"language": "en", "next": "/dashboard/"})
    html = client.get(reverse("core:dashboard")).content.decode()
    assert '<html lang="en">' in html and "Dashboard" in html
    client.post(reverse("set_language"), {"language": "zh-hans", "next": "/dashboard/"})
    html = client.get(reverse("core:dashboard")).content.decode()
    assert '<html lang="zh-CN">' in html and "驾驶舱" in html


def test_it_lets_the_city_admin_manage_accounts_in_django_admin(client, city_admin, resident):
    client.force_login(city_admin)
    assert not city_admin.is_superuser
    assert client.get("/admin/accounts/user/").status_code == 200
    assert client.get(f"/admin/accounts/user/{resident.pk}/change/").status_code == 200
    client.force_login(resident)
    assert client.get("/admin/accounts/user/").status_code == 302
