"""The co-building journey in real Chromium: a plan drafted, returned, revised, agreed and
approved, then the ranking with the unit's score part by part; the community page on a phone."""

import datetime
import re
from pathlib import Path

import pytest
import time_machine
from django.conf import settings
from playwright.sync_api import Browser, Page, expect

from gongjian.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SCREENSHOTS = settings.VAR_DIR / "screenshots"


def login(page: Page, live_server, username: str) -> None:
    page.context.clear_cookies()
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page).to_have_url(re.compile(r"/dashboard/$"))


def shot(page: Page, name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"cobuilding-{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


@pytest.fixture
def autumn_2023():
    with time_machine.travel(datetime.datetime(2023, 11, 1, 10, tzinfo=datetime.UTC), tick=True):
        yield


def _add_item(page: Page, area: str, title: str, budget: str, due: str) -> None:
    page.get_by_test_id("new-item").click()
    page.get_by_label("工作任务").select_option(label=area)
    page.get_by_label("工作内容").fill(title)
    page.get_by_label("预算（元）").fill(budget)
    page.get_by_label("完成时限").fill(due)
    page.get_by_label("责任人").fill("城市更新公司")
    page.get_by_role("button", name="保存").click()
    expect(page.get_by_text(f"已添加事项“{title}”。")).to_be_visible()


def test_it_takes_a_plan_from_draft_to_approval_and_ranks_the_unit(
    page: Page, live_server, world, chengfa_liaison, beiling_staff, city_admin, autumn_2023
):
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    login(page, live_server, "chengfa")
    page.get_by_role("link", name="共建工作").first.click()
    page.get_by_test_id("new-plan").click()
    page.get_by_label("工作目标").fill("彻底解决新苑小区下水道淤堵问题")
    page.get_by_role("button", name="保存").click()
    expect(page.get_by_test_id("plan-status")).to_have_text("草稿")
    _add_item(page, "推进社区建设", "新苑小区下水管道改造", "200000", "2023-09-30")
    _add_item(page, "开展志愿服务", "职工志愿者卫生大清扫", "0", "2023-08-31")
    page.get_by_role("button", name="提交社区确认").click()
    expect(page.get_by_test_id("plan-status")).to_have_text("待社区确认")
    plan_url = page.url

    login(page, live_server, "beiling-staff")
    page.goto(plan_url)
    page.get_by_label("修改意见").fill("请补充新建小区化粪池，并把下水管道预算细化到15万元")
    page.get_by_role("button", name="退回修改").click()
    expect(page.get_by_test_id("plan-status")).to_have_text("已退回修改")
    shot(page, "plan-returned")

    login(page, live_server, "chengfa")
    page.goto(plan_url)
    expect(page.get_by_test_id("review-comment")).to_contain_text("请补充新建小区化粪池")
    page.get_by_role("row", name=re.compile("新苑小区下水管道改造")).get_by_role("link", name="修改").click()
    page.get_by_label("预算（元）").fill("150000")
    page.get_by_role("button", name="保存").click()
    _add_item(page, "推进社区建设", "新建小区化粪池", "60000", "2023-10-31")
    page.get_by_role("button", name="修改后重新提交").click()
    expect(page.get_by_test_id("plan-status")).to_have_text("待社区确认")

    login(page, live_server, "beiling-staff")
    page.goto(plan_url)
    page.get_by_role("link", name="对比修订稿").click()
    expect(page.get_by_test_id("diff-counts")).to_have_text("新增 1 项，删除 0 项，修改 1 项，未变 1 项")
    expect(page.locator(".diff-changed")).to_contain_text("200000.00")
    shot(page, "compare")
    page.goto(plan_url)
    page.get_by_role("button", name="同意方案").click()
    expect(page.get_by_test_id("plan-status")).to_have_text("社区已同意")

    login(page, live_server, "wenmingban")
    page.goto(plan_url)
    page.get_by_role("button", name="批准方案").click()
    expect(page.get_by_test_id("plan-status")).to_have_text("市文明办已批准")
    with page.expect_download() as download:
        page.get_by_test_id("docx").click()
    assert download.value.suggested_filename.endswith(".docx")
    shot(page, "plan-approved")

    page.get_by_role("link", name="红黑榜").first.click()
    row = page.locator("[data-testid=ranking] tr[data-unit='市城发集团']")
    expect(row.get_by_test_id("total")).to_have_text("10.00")  # the approved plan: 10 of its weight 10
    expect(page.get_by_test_id("formula")).to_contain_text("总分 = Σ（各项分值 × 得分率）")
    shot(page, "ranking")
    row.get_by_role("link", name="市城发集团").click()
    parts = page.get_by_test_id("parts")
    expect(parts).to_contain_text("共建工作实施方案")
    expect(parts.get_by_role("row", name=re.compile("共建工作实施方案"))).to_contain_text("市文明办已批准")
    expect(parts.get_by_role("row", name=re.compile("方案事项按期完成"))).to_contain_text("0 / 3 项按期完成")
    shot(page, "scorecard")
    assert not [e for e in errors if "Content Security Policy" in e], errors


def test_it_shows_the_community_page_on_a_phone(browser: Browser, live_server, settings):
    from django.core.management import call_command

    settings.DEMO_MODE = True
    call_command("load_demo", verbosity=0)
    from gongjian.pairings.models import Campaign
    from gongjian.places.models import Place
    from gongjian.units.models import Unit

    beiling = Place.objects.get(name="北岭社区")
    y2022, y2023 = Campaign.objects.get(year=2022).pk, Campaign.objects.get(year=2023).pk
    context = browser.new_context(
        viewport={"width": 390, "height": 844}, locale="zh-CN", device_scale_factor=2, is_mobile=True, has_touch=True
    )
    page = context.new_page()
    login(page, live_server, "beiling-staff")
    page.goto(f"{live_server.url}/cobuilding/communities/{beiling.pk}/?campaign={y2022}")
    expect(page.get_by_text("为民福祉，排忧解难").first).to_be_visible()
    expect(page.get_by_text("北岭社区下水管道改造").first).to_be_visible()
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, f"the community page is {overflow}px wider than a 390px phone"
    # the four figures sit two by two, each inside the screen
    boxes = page.get_by_test_id("community-figures").first.locator(":scope > div")
    rects = boxes.evaluate_all("els => els.map(e => { const r = e.getBoundingClientRect(); return [r.top, r.right]; })")
    assert len(rects) == 4 and rects[0][0] == rects[1][0] and rects[2][0] > rects[0][0]
    assert max(right for _top, right in rects) <= 390
    shot(page, "phone-community")
    page.goto(f"{live_server.url}/cobuilding/ranking/?campaign={y2023}")
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, f"the ranking is {overflow}px wider than a 390px phone"
    shot(page, "phone-ranking")
    context.close()

    desktop = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    page = desktop.new_page()
    login(page, live_server, "wenmingban")
    page.goto(f"{live_server.url}/cobuilding/ranking/?campaign={y2023}")
    expect(page.get_by_test_id("red-list")).to_be_visible()
    expect(page.get_by_test_id("black-list")).to_be_visible()
    shot(page, "demo-ranking")
    page.goto(f"{live_server.url}/cobuilding/communities/{beiling.pk}/?campaign={y2022}")
    shot(page, "demo-community")
    page.goto(f"{live_server.url}/units/{Unit.objects.get(short_name='市城发集团').pk}/")
    expect(page.get_by_test_id("unit-commendations")).to_contain_text("为民福祉，排忧解难")
    shot(page, "unit-page")
    desktop.close()
