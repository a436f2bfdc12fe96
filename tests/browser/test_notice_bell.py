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


def test_the_office_sees_a_return_in_the_bell_and_assigns_it_again(api, live_server, page, county):
    """退单 → the bell → the issue, the reason shown → 交办 to the department the reason names."""
    issue = issue_in(api, "assigned", title="园区东路路面塌陷")
    api.ok("POST", f"/api/v1/issues/{issue['id']}/actions/return", "fgj", json={"reason": REASON})
    page.set_viewport_size({"width": 1366, "height": 768})
    login(page, live_server, "coordinator")
    page.locator("#notice-bell").click()
    page.locator("li.notice-unread .notice-text", has_text=REASON).click()
    page.wait_for_url(f"{live_server}/console/issues/{issue['id']}")
    page.get_by_role("button", name="交办").first.click()
    form = page.locator("#form-assign.collapse.show")
    form.wait_for()
    # the return's reason on the form, the leader of the assignment before offered again
    assert REASON in form.locator("#returned-reason").inner_text()
    assert form.get_by_label("主抓县级领导").input_value() == str(county.user_id("leader"))
    assert form.get_by_label("协办单位（可多选）").evaluate(
        "e => [...e.selectedOptions].map(o => o.text)") == ["县自然资源局"]   # the co-handler before
    form.get_by_label("主办单位").select_option(label="县市场监管局")
    form.get_by_label("责任人", exact=True).fill("赵刚")
    form.get_by_label("责任人电话").fill("13700001111")
    form.get_by_role("button", name="交办").click()
    page.get_by_text("已交办，承办单位、责任人和反映人将收到短信").wait_for()
    screenshot(page, "notices-return-assigned-again")
    detail = api.ok("GET", f"/api/v1/issues/{issue['id']}", "coordinator")
    assert detail["status"] == "assigned" and detail["lead_department_id"] == county.dept_id("scj")
    assert detail["co_department_ids"] == [county.dept_id("zrj")]
    assert page.locator("#notice-count").count() == 0
