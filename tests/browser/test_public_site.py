"""The public site in Chromium at a phone size (390×844, as in WeChat's in-app browser) and at a
desktop size: list, filter, search in Chinese, an issue's page, tracking and a submission."""
from urllib.parse import urlparse

import pytest

from service.intake.categories import seed_defaults

from ..helpers import REPORTER, issue_in
from ..public_helpers import published
from .conftest import screenshot

SIZES = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1366, "height": 768}}


@pytest.fixture
def county_issues(api, db):
    seed_defaults(db)
    return {
        "power": published(api, title="企业用电报装等待时间过长", channel="hotline",
                           summary="县供电公司压缩报装时限至15个工作日，该企业已于本月通电投产。",
                           result="已协调供电公司上门勘察，报装手续一次办结，企业已通电。"),
        "road": published(api, title="园区东路路面塌陷影响货车通行", channel="evening_tea", lead="zrj",
                          summary="园区东路塌陷路段已修复，货车恢复通行，并增设了限载标志。"),
        "loan": published(api, title="小微企业贷款担保费率偏高", channel="breakfast", type="suggestion",
                          summary="县财政局出台贴息政策，担保费率降至千分之五，已惠及12家企业。"),
        "open": issue_in(api, "in_progress", title="天然气接入费用过高"),
    }


def fits_the_screen(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


@pytest.fixture(params=list(SIZES))
def size(request, page):
    page.set_viewport_size(SIZES[request.param])
    return request.param


def test_list_filter_search_and_issue_page(live_server, page, size, county_issues):
    requested = []
    page.on("request", lambda req: requested.append(req.url))
    page.goto(f"{live_server}/")
    cards = page.locator(".pub-list > li")
    assert cards.count() == 3
    assert "天然气接入费用过高" not in page.content()
    assert fits_the_screen(page)
    screenshot(page, f"public-list-{size}")

    # filter: open the panel, choose a channel
    page.click("summary:has-text('筛选')")
    page.select_option("#f-channel", "evening_tea")
    page.click("details button:has-text('筛选')")
    page.wait_for_url("**channel=evening_tea**")
    assert cards.count() == 1 and "园区东路路面塌陷" in cards.first.inner_text()
    assert fits_the_screen(page)
    screenshot(page, f"public-filter-{size}")

    # search in Chinese from the first page
    page.goto(f"{live_server}/")
    page.fill("input[name=q]", "用电报装")
    page.press("input[name=q]", "Enter")
    page.wait_for_url("**q=**")
    assert cards.count() == 1 and "企业用电报装等待时间过长" in cards.first.inner_text()
    assert page.locator("mark").first.inner_text() == "用电报装"
    screenshot(page, f"public-search-{size}")

    # the issue's page
    page.click(".pub-list a:has-text('企业用电报装等待时间过长')")
    page.wait_for_url(f"**/issues/{county_issues['power']['code']}")
    body = page.locator("main").inner_text()
    for text in ("县供电公司压缩报装时限", "已协调供电公司上门勘察", "县发改局", "按期办结", "满意", "办理经过"):
        assert text in body, text
    assert REPORTER["name"] not in body and REPORTER["phone"] not in body
    assert fits_the_screen(page)
    screenshot(page, f"public-issue-{size}")

    page.goto(f"{live_server}/figures")
    assert "按期办结率" in page.locator("main").inner_text()
    assert fits_the_screen(page)
    screenshot(page, f"public-figures-{size}")
    assert {urlparse(u).hostname for u in requested if u.startswith("http")} == {"127.0.0.1"}


def test_tracking_with_code_and_phone_digits(live_server, page, size, county_issues):
    code = county_issues["open"]["code"]
    page.goto(f"{live_server}/track")
    page.fill("input[name=code]", code)
    page.fill("input[name=phone_last4]", "0000")
    page.click("button:has-text('查询')")
    assert "编号或手机号后4位不正确" in page.locator("main").inner_text()
    page.fill("input[name=phone_last4]", REPORTER["phone"][-4:])
    page.click("button:has-text('查询')")
    result = page.locator("section.pub-card")
    result.wait_for()
    text = result.inner_text()
    assert code in text and "办理中" in text and "县发改局" in text and "签收" in text
    assert fits_the_screen(page)
    result.scroll_into_view_if_needed()
    screenshot(page, f"public-track-{size}")


def test_a_person_submits_an_issue(app, live_server, page, size, county_issues):
    app.config["SUBMIT_MIN_SECONDS"] = 0
    try:
        page.goto(f"{live_server}/submit")
        assert fits_the_screen(page)
        page.fill("input[name=title]", "园区纬二路路灯不亮")
        page.fill("textarea[name=content]", "工业园区纬二路路灯已经坏了两周，夜间货车进出很危险。")
        page.select_option("select[name=category]", "infrastructure")
        page.fill("input[name=phone]", "13912345678")
        question = page.locator(".pub-question").inner_text()
        a, b = (int(x) for x in question.replace("= ?", "").split("+"))
        page.fill("input[name=answer]", str(a + b))
        screenshot(page, f"public-submit-{size}")
        page.click("button:has-text('提交')")
        page.wait_for_url("**/submit/done")
        code = page.locator("#tracking-code").inner_text()
        assert code.startswith("YS")
        screenshot(page, f"public-submitted-{size}")
    finally:
        app.config["SUBMIT_MIN_SECONDS"] = 3
