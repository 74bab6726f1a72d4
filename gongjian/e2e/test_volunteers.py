"""The volunteer's journey on a phone (390 px): sign up on the public site, check in by opening
the QR code's link, check out; the organiser approves; the volunteer downloads the PDF statement
and its code verifies on the public page."""

import datetime
import io
import re
from pathlib import Path

import pytest
import time_machine
import zxingcpp
from django.conf import settings
from PIL import Image
from playwright.sync_api import Browser, BrowserContext, Page, expect
from pypdf import PdfReader

from gongjian.conftest import PASSWORD
from gongjian.volunteers.models import ActivityKind
from gongjian.volunteers.services import activity_create

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SCREENSHOTS = settings.VAR_DIR / "screenshots"
TZ = datetime.timezone(datetime.timedelta(hours=8))


def phone(browser: Browser) -> BrowserContext:
    return browser.new_context(
        viewport={"width": 390, "height": 844}, locale="zh-CN", device_scale_factor=2, is_mobile=True, has_touch=True
    )


def shot(page: Page, name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"volunteers-{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def fits(page: Page) -> None:
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, f"{page.url} is {overflow}px wider than a 390px phone"


def login(page: Page, base: str, username: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page).to_have_url(re.compile(r"/dashboard/$"))


def decode_qr(page: Page) -> str:
    """Read the QR code on the organiser's screen the way a phone camera would."""
    png = page.locator("[data-testid=qr] svg").screenshot()
    results = zxingcpp.read_barcodes(Image.open(io.BytesIO(png)))
    assert results, "no QR code found on the screen"
    return results[0].text


def test_a_volunteer_signs_up_checks_in_and_out_and_gets_a_verified_statement(
    browser: Browser, live_server, world, chengfa_liaison, settings, tmp_path
):
    settings.SITE_URL = live_server.url
    errors: list[str] = []
    with time_machine.travel(datetime.datetime(2023, 5, 20, 8, 50, tzinfo=TZ), tick=True):
        activity = activity_create(
            actor=chengfa_liaison,
            title="北岭社区文明实践微服务",
            kind=ActivityKind.MICRO_SERVICE,
            organiser_unit=world["chengfa"],
            community=world["beiling"],
            address="北岭社区党群服务中心",
            starts_at=datetime.datetime(2023, 5, 20, 9, tzinfo=TZ),
            ends_at=datetime.datetime(2023, 5, 20, 11, 30, tzinfo=TZ),
            capacity=10,
        )
        phone_ctx = phone(browser)
        me = phone_ctx.new_page()
        me.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        # The public site: the activity, then sign-up as a new volunteer.
        me.goto(f"{live_server.url}/volunteers/activities/")
        fits(me)
        shot(me, "public-activities")
        me.get_by_role("link", name="北岭社区文明实践微服务").click()
        me.get_by_test_id("register").first.click()
        me.get_by_label("姓名").fill("赵新")
        me.get_by_label("手机号").fill("13607331234")
        me.get_by_label("我是在职党员").check()
        me.get_by_label("工作单位").select_option(label="株洲市城市发展集团有限公司")
        me.get_by_label("居住社区").select_option(label="石峰区田心街道北岭社区")
        me.get_by_label("用户名").fill("zhaoxin")
        me.get_by_label("密码").fill("zhao-xin-2023-pass")
        fits(me)
        shot(me, "register")
        me.get_by_role("button", name="注册").click()
        expect(me.get_by_text("注册成功")).to_be_visible()
        expect(me.get_by_role("heading", name="北岭社区文明实践微服务")).to_be_visible()
        me.get_by_test_id("signup").click()
        expect(me.get_by_text("报名成功。")).to_be_visible()
        fits(me)

        # The organiser shows the QR code; the phone reads it and opens its link.
        desk_ctx = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
        organiser = desk_ctx.new_page()
        login(organiser, live_server.url, "chengfa")

    with time_machine.travel(datetime.datetime(2023, 5, 20, 9, 2, tzinfo=TZ), tick=True):
        organiser.goto(f"{live_server.url}/volunteers/activities/{activity.pk}/qr/")
        url = decode_qr(organiser)
        assert url == organiser.get_by_test_id("qr-link").get_attribute("href")
        assert url.startswith(f"{live_server.url}/volunteers/activities/{activity.pk}/scan/?t=")
        shot(organiser, "qr")
        me.goto(url)
        fits(me)
        me.get_by_test_id("confirm-scan").click()
        expect(me.get_by_test_id("scan-result")).to_contain_text("签到成功")
        shot(me, "checked-in")

    with time_machine.travel(datetime.datetime(2023, 5, 20, 11, 33, tzinfo=TZ), tick=True):
        organiser.goto(f"{live_server.url}/volunteers/activities/{activity.pk}/qr/")
        me.goto(decode_qr(organiser))
        expect(me.get_by_test_id("confirm-scan")).to_have_text("确认签退")
        me.get_by_test_id("confirm-scan").click()
        expect(me.get_by_test_id("scan-result")).to_contain_text("签退成功，本次服务 2.00 小时")

        # The organiser approves the hours.
        organiser.goto(f"{live_server.url}/volunteers/activities/{activity.pk}/")
        organiser.get_by_test_id("approve").click()
        expect(organiser.get_by_text("已认定 2.00 小时。")).to_be_visible()
        shot(organiser, "approved")

        # The volunteer's own page: numbers in full, the hours, and a PDF statement.
        me.goto(f"{live_server.url}/volunteers/me/")
        expect(me.get_by_test_id("phone")).to_have_text("13607331234")
        expect(me.get_by_test_id("hours")).to_contain_text("2.00")
        me.get_by_label("起始日期").fill("2023-05-01")
        me.get_by_label("截止日期").fill("2023-05-20")
        me.get_by_test_id("make-statement").click()
        # The PDF is made by a job; its page shows progress, then the outcome and the way back.
        expect(me.get_by_test_id("job")).to_have_attribute("data-status", "done")
        expect(me.get_by_text("证明已生成：1 次服务，共 2.00 小时。")).to_be_visible()
        me.get_by_test_id("job").get_by_role("link", name="查看").click()
        fits(me)
        shot(me, "my-page")
        code = me.get_by_test_id("statement-code").first.inner_text()
        with me.expect_download() as download:
            me.get_by_test_id("statement-link").first.click()
        pdf_path = tmp_path / "statement.pdf"
        download.value.save_as(pdf_path)
        text = "".join(p.extract_text() for p in PdfReader(pdf_path).pages)
        assert "赵新" in text and "2.00" in text and code in text and "北岭社区文明实践微服务" in text

        # Anyone checks the code on the public page.
        public = phone(browser).new_page()
        public.goto(f"{live_server.url}/volunteers/verify/")
        public.get_by_label("验证码").fill(code)
        public.get_by_role("button", name="核验").click()
        expect(public.get_by_test_id("verified")).to_contain_text("证明真实有效")
        expect(public.get_by_test_id("verified-hours")).to_contain_text("2.00")
        expect(public.get_by_test_id("verified")).to_contain_text("赵*")
        fits(public)
        shot(public, "verified")
    assert not [e for e in errors if "Content Security Policy" in e], errors


def test_the_organiser_pages_fit_a_phone_with_the_demo(browser: Browser, live_server, settings):
    """The city admin's compliance page for May 2023 and the volunteer pages, on a phone."""
    from django.core.management import call_command

    from gongjian.volunteers.models import Activity

    settings.DEMO_MODE = True
    call_command("load_demo", verbosity=0)
    activity = Activity.objects.filter(title__startswith="市城发集团").get()
    page = phone(browser).new_page()
    login(page, live_server.url, "wenmingban")
    page.goto(f"{live_server.url}/volunteers/compliance/?month=2023-05")
    rate = page.get_by_test_id("compliance-rate").inner_text()
    assert rate not in ("0.0%", "100.0%")
    expect(page.locator("[data-chart='volunteer-hours'] svg")).to_be_visible()
    fits(page)
    shot(page, "compliance")
    for path in [
        "/volunteers/",
        f"/volunteers/activities/{activity.pk}/",
        "/volunteers/teams/",
        "/dashboard/?as_of=2023-05-31",
    ]:
        page.goto(f"{live_server.url}{path}")
        fits(page)
    expect(page.locator("[data-figure='volunteers.compliance'] [data-testid=figure-value]")).to_have_text(rate)
    shot(page, "dashboard")
