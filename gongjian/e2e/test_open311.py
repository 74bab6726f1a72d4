"""The city admin's Open311 key page in real Chromium: issue a key (shown once), use it, revoke it."""

import re
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from django.conf import settings
from playwright.sync_api import Page, expect

from gongjian.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SCREENSHOTS = settings.VAR_DIR / "screenshots"


def login(page: Page, live_server, username: str) -> None:
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page).to_have_url(re.compile(r"/dashboard/$"))


def shot(page: Page, name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"open311-{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def post_report(live_server, key: str, world) -> int:
    data = urllib.parse.urlencode(
        {"api_key": key, "service_code": "drain-cover", "address_id": world["grid"].pk, "description": "井盖缺失"}
    ).encode()
    try:
        with urllib.request.urlopen(f"{live_server.url}/open311/v2/requests.xml", data=data, timeout=10) as r:  # noqa: S310
            return r.status
    except urllib.error.HTTPError as exc:
        return exc.code


@pytest.mark.parametrize("width", [1280, 390])
def test_it_lets_the_city_admin_issue_and_revoke_a_key(page: Page, live_server, world, city_admin, width: int):
    from gongjian.cases.services import category_save

    category_save(code="drain-cover", name="井盖、雨水篦子破损", klass="facility")
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.set_viewport_size({"width": width, "height": 844 if width < 500 else 900})
    login(page, live_server, "wenmingban")
    page.goto(f"{live_server.url}/open311/keys/")
    page.get_by_label("使用方").fill("12345 热线")
    page.get_by_role("button", name="签发", exact=True).click()
    raw_key = page.get_by_test_id("raw-key").inner_text().strip()
    assert raw_key.startswith("o311_")
    shot(page, f"key-issued-{width}")
    assert post_report(live_server, raw_key, world) == 200

    page.goto(f"{live_server.url}/open311/keys/")  # shown once: not any more
    expect(page.get_by_test_id("raw-key")).to_have_count(0)
    expect(page.get_by_test_id("key-row")).to_contain_text("12345 热线")
    page.get_by_test_id("revoke").click()
    expect(page.get_by_text("使用它的请求将被拒绝")).to_be_visible()
    expect(page.get_by_test_id("key-row")).to_contain_text("吊销")
    shot(page, f"key-revoked-{width}")
    assert post_report(live_server, raw_key, world) == 403
    assert not [e for e in errors if "Content Security Policy" in e], errors
