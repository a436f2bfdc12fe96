"""答复 and 办理情况报告 in a real browser: the department answers and reports from the issue page
(1366×768), and the lead leader reads the report on a phone (390×844) and marks it read."""
from ..helpers import issue_in
from .conftest import login, menu_link, screenshot


def test_department_answers_and_reports_and_the_leader_reads_on_a_phone(api, live_server, page, browser):
    issue = issue_in(api, "in_progress", title="园区污水管网未接通")

    page.set_viewport_size({"width": 1366, "height": 768})
    login(page, live_server, "fgj")
    page.goto(f"{live_server}/console/issues/{issue['id']}")
    page.get_by_role("button", name="答复", exact=True).first.click()
    page.locator("#form-answer.collapse.show").wait_for()
    page.locator("#form-answer").get_by_label("答复内容").fill("已联系住建局，下周完成管网接驳，届时再行答复。")
    page.locator("#form-answer").get_by_role("button", name="答复", exact=True).click()
    page.get_by_text("已答复，反映人将收到短信").wait_for()

    page.get_by_role("button", name="办理情况报告").first.click()
    page.locator("#form-report.collapse.show").wait_for()
    page.locator("#form-report").get_by_label("办理情况报告").fill("已协调住建局，管网接驳列入下周施工计划。")
    screenshot(page, "console-issue-report-form")
    page.locator("#form-report").get_by_role("button", name="办理情况报告").click()
    page.get_by_text("办理情况报告已报送主抓县级领导").wait_for()
    assert page.locator(".timeline li").nth(-1).get_attribute("data-action") == "report"
    screenshot(page, "console-issue-reported")

    phone = browser.new_context(locale="zh-CN", viewport={"width": 390, "height": 844},
                                is_mobile=True, has_touch=True).new_page()
    login(phone, live_server, "leader")
    menu_link(phone, "办理情况报告").click()
    phone.get_by_text("未读 1 份").wait_for()
    report = phone.locator("li.card", has_text=issue["code"])
    assert "管网接驳列入下周施工计划" in report.inner_text()
    # Nothing wider than the phone: the page does not scroll sideways.
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(phone, "leader-reports-phone-unread")
    report.get_by_role("button", name="标记已读").click()
    phone.get_by_text("未读 0 份").wait_for()
    assert "已读于" in phone.locator("li.card", has_text=issue["code"]).inner_text()
    screenshot(phone, "leader-reports-phone-read")
    phone.context.close()
