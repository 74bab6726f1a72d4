"""点赞评议 on a phone, in real Chromium: a resident verifies a phone with a one-time code, likes a
candidate, is refused a second like the same day, and comments; the comment shows once the
city office (wenmingban) approves it."""

import datetime
import re
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.utils import timezone
from playwright.sync_api import Page, expect

from gongjian.conftest import PASSWORD
from gongjian.rolemodels import services
from gongjian.rolemodels.models import Category, NominatorKind, Vote
from gongjian.rolemodels.sms import ConsoleSender

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SCREENSHOTS = settings.VAR_DIR / "screenshots"
PHONE = "13807331234"
# What a nominator might type: a long link that must wrap on a phone, and markup that must stay text.
LONG_LINK = "https://www.zhuzhou.gov.cn/c/" + "a" * 120
EVIL = '<script>window.__pwned = 1</script><img src=x onerror="window.__pwned = 2">'


def shot(page: Page, name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"rolemodels-{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def login(page: Page, live_server: Any, username: str) -> None:
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page).to_have_url(re.compile(r"/dashboard/$"))


@pytest.fixture
def good_person_round(city_admin: Any) -> Any:
    stories = [
        (
            "张满珍",
            Category.HELPING_OTHERS,
            "乐善好施：环卫工驿站爱心早餐",
            "已为300多名环卫工友提供了12.6万余份免费爱心早餐。详见" + LONG_LINK,
        ),
        ("邓成明", Category.FILIAL_PIETY, "孝老爱亲：35 年照料瘫痪妻子", "35年来无微不至地照料妻子。" + EVIL),
    ]
    nominations = []
    for name, category, headline, story in stories:
        n = services.nomination_submit(
            actor=city_admin, nominator_kind=NominatorKind.RESIDENT, category=category, nominee_name=name,
            headline=headline, story=story, consent_given=True, consent_method="本人签字同意",
        )  # fmt: skip
        nominations.append(services.nomination_review(nomination=n, actor=city_admin, decision="approve"))
    now = timezone.now()
    services.round_config_forget()
    return services.round_create(
        title="2023年5月“湖南好人”点赞评议",
        categories=[Category.HELPING_OTHERS, Category.FILIAL_PIETY],
        opens_at=now - datetime.timedelta(days=1),
        closes_at=now + datetime.timedelta(days=7),
        votes_per_candidate_per_day=1,
        votes_per_day=2,
        candidates=nominations,
    )


def test_a_resident_likes_once_a_day_and_comments_after_moderation(
    page: Page, browser: Any, live_server: Any, resident: Any, good_person_round: Any, settings: Any
) -> None:
    settings.ROLEMODELS_COUNT_CACHE_SECONDS = 0  # counts are cached for a crowd; here, show each like at once
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.set_viewport_size({"width": 390, "height": 844})
    ConsoleSender.outbox.clear()
    login(page, live_server, "resident")
    round_url = f"{live_server.url}/rolemodels/rounds/{good_person_round.pk}/"
    page.goto(round_url)
    expect(page.get_by_test_id("candidate")).to_have_count(2)
    shot(page, "round-before")

    page.get_by_test_id("verify-link").click()
    page.get_by_label("手机号").fill(PHONE)
    page.get_by_test_id("send-code").click()
    message = ConsoleSender.last_message(PHONE) or ""
    code = re.search(r"\d{6}", message)
    assert code, message
    page.get_by_label("验证码").fill(code.group(0))
    shot(page, "verify-code")
    page.get_by_test_id("check-code").click()
    expect(page.get_by_text("手机号验证成功")).to_be_visible()
    expect(page).to_have_url(round_url)

    zhang = page.get_by_test_id("candidate").filter(has_text="张满珍")
    page.evaluate("() => { window.__samePage = true; }")
    zhang.get_by_test_id("like").click()
    expect(zhang.get_by_test_id("flash")).to_contain_text("点赞成功")
    expect(zhang.get_by_test_id("count")).to_contain_text("1")
    expect(zhang.get_by_test_id("liked")).to_be_visible()
    expect(page.get_by_test_id("usage")).to_have_text("你今天已点赞 1 次，还可点赞 1 次。")
    # The like went to the JSON endpoint and its answer was shown in the card: no reload.
    assert page.evaluate("() => window.__samePage === true")
    assert Vote.objects.filter(round=good_person_round).count() == 1

    zhang.get_by_test_id("like").click()
    expect(zhang.get_by_test_id("flash")).to_contain_text("今天已为这位候选人点过赞")
    assert page.evaluate("() => window.__samePage === true")
    shot(page, "second-like-refused")
    page.reload()  # the count and the state the server shows agree
    expect(page.get_by_test_id("usage")).to_have_text("你今天已点赞 1 次，还可点赞 1 次。")
    expect(zhang.get_by_test_id("count")).to_contain_text("1")
    expect(zhang.get_by_test_id("liked")).to_be_visible()

    card = page.get_by_test_id("candidate").filter(has_text="张满珍")
    card.get_by_text("写评议").click()
    card.locator("textarea").fill("张大姐的爱心早餐温暖了一座城！")
    card.get_by_role("button", name="提交评议").click()
    expect(page.get_by_text("评议已提交，审核通过后公开显示。")).to_be_visible()
    expect(page.get_by_text("张大姐的爱心早餐温暖了一座城！")).to_have_count(0)

    office = browser.new_context(locale="zh-CN", viewport={"width": 390, "height": 844})
    office_page = office.new_page()
    login(office_page, live_server, "wenmingban")
    office_page.goto(f"{live_server.url}/rolemodels/moderation/")
    pending = office_page.get_by_test_id("pending-comment").filter(has_text="张大姐的爱心早餐温暖了一座城！")
    expect(pending).to_be_visible()
    shot(office_page, "moderation")
    pending.get_by_test_id("approve").click()
    expect(office_page.get_by_text("已公开。")).to_be_visible()
    office.close()

    page.goto(round_url)
    expect(page.get_by_text("张大姐的爱心早餐温暖了一座城！")).to_be_visible()
    shot(page, "comment-shown")
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= 390, f"the page scrolls sideways on a phone ({width} px)"

    # The public pages a WeChat share lands on: the index and each candidate's page, at 390 px,
    # with what the nominator typed shown as text (no script ran).
    page.goto(f"{live_server.url}/rolemodels/")
    shot(page, "index")
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 390
    for name in ("张满珍", "邓成明"):
        page.goto(f"{live_server.url}/rolemodels/")
        page.get_by_role("link", name=name).click()
        expect(page.get_by_role("heading", name=name)).to_be_visible()
        expect(page.get_by_test_id("go-like")).to_be_visible()
        shot(page, f"candidate-{name}")
        width = page.evaluate("() => document.documentElement.scrollWidth")
        assert width <= 390, f"{name}'s page scrolls sideways on a phone ({width} px)"
    expect(page.get_by_test_id("story")).to_contain_text("<script>window.__pwned = 1</script>")
    assert page.evaluate("() => window.__pwned") is None
    assert not [e for e in errors if "Content Security Policy" in e], errors
