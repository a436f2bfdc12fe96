"""站内通知 in a real browser: the office sees a 退单 in the bell with its reason (1366×768), opens
it from the list and lands on the issue, the notice read; on a phone (390×844) the bell is in the
top bar without opening the menu and the list fits the screen."""
from ..helpers import issue_in
from .conftest import login, screenshot

REASON = "该路段属县交通运输局养护范围，请改派交通局办理"


def test_the_office_sees_a_return_in_the_bell_with_its_reason(api, live_server, page, browser):
    issue = issue_in(api, "assigned", title="园区东路路面塌陷")
    api.ok("POST", f"/api/v1/issues/{issue['id']}/actions/return", "fgj", json={"reason": REASON})

    page.set_viewport_size({"width": 1366, "height": 768})
    login(page, live_server, "coordinator")
    bell = page.locator("#notice-bell")
    assert bell.locator("#notice-count").inner_text() == "1"
    assert bell.is_visible() and bell.bounding_box()["y"] < 60  # in the top bar
    screenshot(page, "notices-bell-office")
    bell.click()
    page.wait_for_url(f"{live_server}/console/notices")
    item = page.locator("li.notice-unread", has_text=issue["code"])
    text = item.locator(".notice-text")
    assert REASON in text.inner_text() and "退单" in item.inner_text()
    assert int(text.evaluate("e => getComputedStyle(e).fontWeight")) >= 700  # unread: bold
    assert page.evaluate("document.documentElement.scrollWidth") <= 1366
    screenshot(page, "notices-list-office")
    text.click()
    page.wait_for_url(f"{live_server}/console/issues/{issue['id']}")
    assert page.locator("#notice-count").count() == 0
    page.goto(f"{live_server}/console/notices")
    assert page.locator("li.notice-unread").count() == 0 and "已读于" in page.locator("li.card").first.inner_text()

    phone = browser.new_context(locale="zh-CN", viewport={"width": 390, "height": 844},
                                is_mobile=True, has_touch=True).new_page()
    login(phone, live_server, "fgj")   # the department: its assignment, unread
    bell = phone.locator("#notice-bell")
    assert bell.is_visible() and bell.locator("#notice-count").inner_text() == "1"
    box = bell.bounding_box()
    assert box["x"] + box["width"] <= 390 and box["y"] < 60
    screenshot(phone, "notices-bell-phone")
    bell.click()
    phone.wait_for_url(f"{live_server}/console/notices")
    assert issue["code"] in phone.locator("li.notice-unread").first.inner_text()
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(phone, "notices-list-phone")
    phone.get_by_role("button", name="全部标为已读").click()
    phone.get_by_text("已将 1 条通知标为已读").wait_for()
    assert phone.locator("#notice-count").count() == 0
    screenshot(phone, "notices-list-phone-read")
    phone.context.close()
