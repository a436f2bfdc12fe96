"""The office corrects an assignment from the issue page (改派), in a real browser at 1366×768."""
from ..helpers import issue_in
from .conftest import login, screenshot

VIEWPORT = {"width": 1366, "height": 768}


def test_the_office_reassigns_from_the_issue_page(api, live_server, page, county):
    issue = issue_in(api, "in_progress", title="企业反映用地手续办理缓慢")
    page.set_viewport_size(VIEWPORT)
    login(page, live_server, "coordinator")
    page.goto(f"{live_server}/console/issues/{issue['id']}")
    page.get_by_role("button", name="改派").first.click()
    form = page.locator("#form-reassign.collapse.show")
    form.wait_for()
    # The current lead department is not offered; the co-handlers and the leader stay chosen.
    new_lead = form.get_by_label("改派给（新的主办单位）")
    assert "县发改局" not in new_lead.inner_text()
    assert form.get_by_label("主抓县级领导").input_value() == str(county.user_id("leader"))
    new_lead.select_option(label="县市场监管局")
    form.get_by_label("新单位责任人", exact=True).fill("赵强")
    form.get_by_label("新单位责任人电话").fill("13700002222")
    form.get_by_role("button", name="改派").click()
    # No reason: the form comes back with what was chosen.
    page.locator("#reassign-reason.is-invalid").wait_for()
    form = page.locator("#form-reassign")
    assert form.get_by_label("改派给（新的主办单位）").input_value() == str(county.dept_id("scj"))
    screenshot(page, "console-issue-reassign-error")

    form.get_by_label("改派理由").fill("经核实属市场监管职责")
    form.get_by_role("button", name="改派").click()
    page.get_by_text("已改派，新旧主办单位将收到短信").wait_for()
    line = page.locator("#h-timeline").locator("xpath=../..").locator("li[data-action=reassign]")
    line.scroll_into_view_if_needed()
    assert "由 县发改局 改派 县市场监管局" in " ".join(line.inner_text().split())
    assert "经核实属市场监管职责" in line.inner_text()
    screenshot(page, "console-issue-reassigned")
    detail = api.ok("GET", f"/api/v1/issues/{issue['id']}", "coordinator")
    assert detail["status"] == "assigned" and detail["lead_department_id"] == county.dept_id("scj")
