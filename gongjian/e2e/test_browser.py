"""Main journeys in real headless Chromium (Debian's, through Playwright) against a live server."""

import datetime
import re
from pathlib import Path

import pytest
import time_machine
from django.conf import settings
from playwright.sync_api import Page, expect

from gongjian.conftest import PASSWORD, make_photo

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
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


@pytest.fixture
def freeze_may_9():
    # The live server runs in a thread of this process, so it sees the same frozen clock.
    with time_machine.travel(datetime.datetime(2023, 5, 9, 10, tzinfo=datetime.UTC), tick=True):
        yield


def test_it_lets_a_liaison_record_a_visit_and_the_progress_moves(
    page: Page, live_server, world, chengfa_liaison, freeze_may_9, tmp_path
):
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    login(page, live_server, "chengfa")
    progress = page.locator("[data-figure='pairings.progress'] [data-testid=figure-value]")
    expect(progress).to_have_text("0 / 2")
    expect(page.locator("[data-chart='pairings.progress'] svg")).to_be_visible()  # ECharts drew it

    page.get_by_role("link", name="走访记录").first.click()
    page.get_by_test_id("new-visit").click()
    page.get_by_label("走访日期").fill("2023-05-08")
    page.get_by_label("“一把手”带队").check()
    page.get_by_label("参加人数").fill("3")
    page.get_by_label("了解到的问题").fill("新苑小区田心路沿线门店下水道经常淤堵")
    photo = make_photo("beiling.jpg", size=(800, 600), exif_gps=True)
    photo_path = tmp_path / "beiling.jpg"
    photo_path.write_bytes(photo.read())
    page.get_by_label("照片").set_input_files(str(photo_path))
    page.get_by_role("button", name="保存").click()

    expect(page.get_by_text("走访记录已保存。")).to_be_visible()
    expect(page.get_by_text("新苑小区田心路沿线门店下水道经常淤堵")).to_be_visible()
    expect(page.locator(".photos img")).to_have_count(1)
    # The photo is served (through the permission-checked view) and decodes at its stored size.
    page.wait_for_function(
        "() => { const i = document.querySelector('.photos img'); return i && i.complete && i.naturalWidth > 0; }"
    )
    assert page.locator(".photos img").evaluate("img => img.naturalWidth") == 800

    page.get_by_role("link", name="驾驶舱").click()
    expect(progress).to_have_text("1 / 2")
    shot(page, "liaison-dashboard")
    assert not [e for e in errors if "Content Security Policy" in e], errors


def test_it_shows_a_field_error_in_the_form(page: Page, live_server, world, chengfa_liaison, freeze_may_9):
    login(page, live_server, "chengfa")
    page.goto(f"{live_server.url}/visits/new/")
    page.get_by_label("走访日期").fill("2023-01-01")
    page.get_by_role("button", name="保存").click()
    expect(page.locator(".fielderror")).to_contain_text("走访日期应在 2023-04-26 至 2023-12-31 之间")


def test_it_switches_to_english_and_back(page: Page, live_server, world, city_admin):
    login(page, live_server, "wenmingban")
    page.get_by_test_id("lang-en").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("heading", name="Dashboard")).to_be_visible()
    expect(page.get_by_role("link", name="Visits")).to_be_visible()
    page.get_by_test_id("lang-zh-hans").click()
    expect(page.locator("html")).to_have_attribute("lang", "zh-CN")
    expect(page.get_by_role("heading", name="驾驶舱")).to_be_visible()


@pytest.mark.parametrize("path", ["/", "/accounts/login/", "/visits/new/", "/visits/", "/dashboard/", "/places/"])
def test_it_fits_a_phone_screen(browser, live_server, world, chengfa_liaison, path):
    context = browser.new_context(
        viewport={"width": 390, "height": 844}, locale="zh-CN", device_scale_factor=2, is_mobile=True, has_touch=True
    )
    page = context.new_page()
    if path not in ("/", "/accounts/login/"):
        login(page, live_server, "chengfa")
    page.goto(f"{live_server.url}{path}")
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, f"{path} is {overflow}px wider than a 390px phone"
    shot(page, "phone" + path.replace("/", "-").rstrip("-"))
    context.close()


def test_it_shows_the_zhuzhou_demo_as_the_newspaper_told_it(page: Page, live_server, settings):
    """The README's screenshot: the city admin's dashboard on 2023-05-09 with the demo loaded."""
    from django.core.management import call_command

    settings.DEMO_MODE = True
    call_command("load_demo", verbosity=0)
    login(page, live_server, "wenmingban")
    page.goto(f"{live_server.url}/dashboard/?as_of=2023-05-09")
    expect(page.locator("[data-figure='pairings.progress'] [data-testid=figure-value]")).to_have_text("58 / 111")
    expect(page.locator("[data-chart='pairings.visits_per_week'] svg")).to_be_visible()
    shot(page, "dashboard")
    page.goto(f"{live_server.url}/campaigns/")
    page.get_by_role("link", name=re.compile("2023")).first.click()
    page.get_by_label("截至日期").fill("2023-05-09")
    page.get_by_role("button", name="查看").click()
    expect(page.get_by_test_id("visited-of-paired")).to_have_text("58 / 111")
    shot(page, "campaign-2023")


def test_it_imports_places_and_lists_every_bad_row(page: Page, live_server, world, city_admin, tmp_path):
    from gongjian.places.tests.test_import import HEADER, xlsx

    login(page, live_server, "wenmingban")
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(xlsx([HEADER, ["芦淞区", "", "大塘冲社区"], ["", "贺家土街道"]]).read())
    page.goto(f"{live_server.url}/places/import/")
    page.get_by_label("文件（.xlsx 或 .csv）").set_input_files(str(bad))
    page.get_by_role("button", name="导入").click()
    expect(page.get_by_test_id("import-errors")).to_contain_text("有 2 处错误，未导入任何数据。")
    expect(page.get_by_test_id("import-errors").locator("tbody tr")).to_have_count(2)

    good = tmp_path / "good.xlsx"
    good.write_bytes(xlsx([HEADER, ["芦淞区", "贺家土街道", "大塘冲社区"]]).read())
    page.goto(f"{live_server.url}/places/import/")
    page.get_by_label("文件（.xlsx 或 .csv）").set_input_files(str(good))
    page.get_by_role("button", name="导入").click()
    expect(page.get_by_test_id("job")).to_contain_text("新增 3 个地点")
    page.get_by_role("link", name="查看").click()
    expect(page.get_by_test_id("place-tree")).to_contain_text("芦淞区")
