"""The hotline is asked about a call by the caller's number: found from the list's search box,
saying where it matched, at 1366×768 and on a phone."""
from ..helpers import REPORTER
from .conftest import login, screenshot


def test_a_callers_phone_digits_find_their_issue_and_say_where(api, live_server, page):
    mine = api.create_issue(title="厂区门前路灯不亮", reporter={**REPORTER, "phone": "13912345678"})
    other = api.create_issue(title="企业用电报装周期长", reporter={**REPORTER, "phone": "13698765432"})
    page.set_viewport_size({"width": 1366, "height": 768})
    login(page, live_server, "operator")
    page.goto(f"{live_server}/console/issues")
    page.fill("#f-q", "5678")
    page.keyboard.press("Enter")
    page.wait_for_url(lambda url: "q=5678" in url)
    row = page.locator("tbody tr", has_text=mine["code"])
    assert row.count() == 1 and "匹配：电话 139****5678" in row.inner_text()
    assert page.locator("tbody tr", has_text=other["code"]).count() == 0
    assert page.locator("#f-q").input_value() == "5678"        # the search stays in the box and the address
    screenshot(page, "staff-search-phone-wide")
    page.set_viewport_size({"width": 390, "height": 844})
    page.reload()
    card = page.locator("#issue-cards .issue-card", has_text=mine["code"])   # a phone: the list as cards
    assert card.is_visible() and "匹配：电话 139****5678" in card.inner_text()
    assert page.locator("#issue-cards .issue-card").count() == 1 and not page.locator("table").is_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(page, "staff-search-phone-narrow")
