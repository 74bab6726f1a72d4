"""A whole case in real Chromium: a resident reports a blocked drain with a photo on the public page
(on a 390 px phone, no account), beiling-grid accepts it and dispatches it to 市城发集团, chengfa
resolves it with a photo, beiling-grid verifies, and the resident rates it 5 through the private
link. A screenshot of each step goes to var/screenshots/cases-*.png."""

import re
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from playwright.sync_api import Browser, BrowserContext, Page, ViewportSize, expect

from gongjian.cases.models import Case
from gongjian.cases.tests.conftest import categories, located  # noqa: F401 (fixtures)
from gongjian.conftest import PASSWORD, make_photo

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SCREENSHOTS = settings.VAR_DIR / "screenshots"
PHONE: ViewportSize = {"width": 390, "height": 844}
DESKTOP: ViewportSize = {"width": 1280, "height": 900}


def shot(page: Page, name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"cases-{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def person(
    browser: Browser, live_server: Any, username: str | None, *, phone: bool = False
) -> tuple[BrowserContext, Page]:
    context = browser.new_context(locale="zh-CN", viewport=PHONE if phone else DESKTOP)
    page = context.new_page()
    page.on("console", lambda m: print("console:", m.text) if m.type == "error" else None)
    if username:
        page.goto(f"{live_server.url}/accounts/login/")
        page.get_by_label("用户名").fill(username)
        page.get_by_label("密码").fill(PASSWORD)
        page.get_by_role("button", name="登录").click()
        expect(page).to_have_url(re.compile(r"/dashboard/$"))
    return context, page


def photo_file(tmp_path: Path, name: str) -> str:
    path = tmp_path / name
    path.write_bytes(make_photo(name, size=(1200, 900), exif_gps=True).read())
    return str(path)


def test_a_blocked_drain_from_report_to_rating(
    browser: Browser,
    live_server: Any,
    located: dict[str, Any],  # noqa: F811
    categories: dict[str, Any],  # noqa: F811
    beiling_grid_worker: Any,
    chengfa_liaison: Any,
    tmp_path: Path,
) -> None:
    # 1. A resident reports it on the public page, on a phone, without an account.
    resident_ctx, resident = person(browser, live_server, None, phone=True)
    resident.goto(f"{live_server.url}/cases/report/")
    resident.get_by_label("问题类别").select_option(label="部件 · 下水道堵塞外溢")
    resident.get_by_label("所在社区或小区").select_option(label="　北岭社区 · 新苑小区")
    resident.get_by_label("详细地址").fill("田心路新苑小区3栋旁")
    resident.get_by_label("问题描述").fill("下水道堵住了，一下雨污水就漫到路上。")
    resident.get_by_label("照片（最多 6 张）").set_input_files(photo_file(tmp_path, "drain.jpg"))
    resident.get_by_label("手机号").fill("13800000001")
    shot(resident, "1-report-form")
    # The page fits the phone: nothing scrolls sideways.
    assert resident.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    resident.get_by_test_id("submit-report").click()
    expect(resident.get_by_test_id("new-case")).to_be_visible()
    number = resident.get_by_test_id("case-number").inner_text()
    follow_url = resident.get_by_test_id("follow-url").input_value()
    assert re.fullmatch(r"ZZ\d{13}", number) and "/cases/follow/" in follow_url
    shot(resident, "2-reported")
    case = Case.objects.get(number=number)
    assert case.photos.count() == 1 and case.community.name == "北岭社区"

    # 2. beiling-grid accepts it and dispatches it to 市城发集团 (the community's paired unit).
    grid_ctx, grid = person(browser, live_server, "beiling-grid")
    grid.goto(f"{live_server.url}/cases/manage/")
    grid.get_by_role("link", name=number).click()
    expect(grid.get_by_test_id("reporter-phone")).to_have_text("13800000001")
    grid.get_by_test_id("step-accept").get_by_label("紧急程度").select_option("high")
    grid.get_by_test_id("do-accept").click()
    expect(grid.get_by_test_id("case-status")).to_have_text("已受理")
    dispatch = grid.get_by_test_id("step-dispatch")
    expect(dispatch.get_by_label("责任单位")).to_have_value(str(located["beiling"].pairings.get().unit_id))
    grid.get_by_test_id("do-dispatch").click()
    expect(grid.get_by_test_id("case-status")).to_have_text("已派遣")
    expect(grid.get_by_test_id("case-unit")).to_have_text("株洲市城市发展集团有限公司")
    shot(grid, "3-dispatched")

    # 3. chengfa resolves it with a photo of the fix.
    unit_ctx, unit = person(browser, live_server, "chengfa")
    unit.goto(f"{live_server.url}/cases/manage/")
    unit.get_by_role("link", name=number).click()
    resolve = unit.get_by_test_id("step-resolve")
    resolve.locator("summary").click()
    resolve.get_by_label("处置情况").fill("疏通管道，清理淤泥，更换破损管段。")
    resolve.get_by_label("处置后照片（最多 6 张）").set_input_files(photo_file(tmp_path, "fixed.jpg"))
    unit.get_by_test_id("do-resolve").click()
    expect(unit.get_by_test_id("case-status")).to_have_text("已处置")
    expect(unit.locator(".case-photos img")).to_have_count(2)
    shot(unit, "4-resolved")

    # 4. beiling-grid checks it on the spot and verifies.
    grid.reload()
    grid.get_by_test_id("step-verify").get_by_label("说明").fill("现场查看，排水通畅。")
    grid.get_by_test_id("do-verify").click()
    expect(grid.get_by_test_id("case-status")).to_have_text("核查通过")
    expect(grid.get_by_test_id("timeline")).to_contain_text("核查通过")
    shot(grid, "5-verified")

    # 5. The resident rates it 5 through the private link.
    resident.goto(follow_url)
    expect(resident.get_by_test_id("rate")).to_be_visible()
    resident.get_by_label("5 分 · 非常满意").check()
    resident.get_by_label("评价").fill("修得又快又好，谢谢！")
    resident.get_by_test_id("submit-rating").click()
    expect(resident.get_by_text("感谢您的评价！")).to_be_visible()
    expect(resident.get_by_test_id("case-status")).to_have_text("已结案")
    expect(resident.get_by_test_id("rating")).to_contain_text("★★★★★")
    assert resident.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    shot(resident, "6-rated")

    fresh = Case.objects.get(pk=case.pk)
    assert fresh.status == Case.Status.CLOSED and fresh.rating == 5
    assert list(fresh.events.values_list("kind", flat=True)) == [
        "reported",
        "accepted",
        "dispatched",
        "resolved",
        "verified",
        "rated",
    ]

    # The public page shows the case and its timeline, not the reporter; the map places it.
    public_ctx, public = person(browser, live_server, None, phone=True)
    public.goto(f"{live_server.url}/cases/n/{number}/")
    expect(public.get_by_test_id("timeline")).to_contain_text("处置完毕")
    assert "13800000001" not in public.content()
    public.wait_for_function(
        "() => [...document.querySelectorAll('.case-photos img')].every(i => i.complete && i.naturalWidth > 0)"
    )
    shot(public, "7-public")
    public.goto(f"{live_server.url}/cases/map/")
    expect(public.get_by_test_id("case-map")).to_have_attribute("data-markers", "1")
    expect(public.locator(".leaflet-interactive")).to_have_count(1)
    shot(public, "8-map")
    for ctx in (resident_ctx, grid_ctx, unit_ctx, public_ctx):
        ctx.close()


def test_a_resident_joins_a_nearby_case_instead_of_filing_a_duplicate(
    browser: Browser,
    live_server: Any,
    located: dict[str, Any],  # noqa: F811
    categories: dict[str, Any],  # noqa: F811
) -> None:
    from gongjian.cases.services import case_report

    existing = case_report(
        category=categories["sewer"], description="新苑小区门口下水道堵塞", place=located["xinyuan"], source="public"
    )
    ctx, page = person(browser, live_server, None, phone=True)
    page.goto(f"{live_server.url}/cases/report/")
    page.get_by_label("问题类别").select_option(label="部件 · 下水道堵塞外溢")
    page.get_by_label("所在社区或小区").select_option(label="　北岭社区 · 新苑小区")
    # The open case of the same kind in the same estate shows up before anything is submitted.
    nearby = page.get_by_test_id("nearby")
    expect(nearby).to_contain_text(existing.number)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    shot(page, "9-nearby")
    nearby.get_by_test_id("nearby-me-too").click()
    expect(page).to_have_url(re.compile(rf"/cases/n/{existing.number}/$"))
    expect(page.get_by_text("1 人也遇到")).to_be_visible()
    assert Case.objects.count() == 1 and Case.objects.get().me_too_count == 1

    # The public list fits the phone and shows the case, without the reporter.
    page.goto(f"{live_server.url}/cases/")
    expect(page.get_by_test_id("case-link")).to_have_text([existing.number])
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    shot(page, "10-public-list")
    ctx.close()


@pytest.mark.parametrize(("username", "source"), [("beiling-grid", "网格员上报"), ("chengfa", "单位走访")])
def test_grid_workers_and_units_report_from_a_phone(
    browser: Browser,
    live_server: Any,
    located: dict[str, Any],  # noqa: F811
    categories: dict[str, Any],  # noqa: F811
    beiling_grid_worker: Any,
    chengfa_liaison: Any,
    tmp_path: Path,
    username: str,
    source: str,
) -> None:
    ctx, page = person(browser, live_server, username, phone=True)
    page.goto(f"{live_server.url}/cases/manage/")
    page.get_by_test_id("new-case").click()
    expect(page.get_by_test_id("report-source")).to_have_text(source)
    page.get_by_label("问题类别").select_option(label="事件 · 乱停乱放")
    page.get_by_label("紧急程度").select_option("high")
    page.get_by_label("所在社区或小区").select_option(label="　北岭社区 · 新苑小区")
    page.get_by_label("问题描述").fill("消防通道被私家车堵住。")
    page.get_by_label("照片（最多 6 张）").set_input_files(photo_file(tmp_path, "car.jpg"))
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    shot(page, f"11-staff-form-{username}")
    page.get_by_test_id("submit-report").click()
    expect(page.get_by_test_id("case-status")).to_have_text("待受理")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    shot(page, f"12-staff-reported-{username}")
    case = Case.objects.get()
    assert case.get_source_display() == source and case.priority == "high" and case.photos.count() == 1
    ctx.close()
