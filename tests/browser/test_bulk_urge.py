"""A bulk 催办 in Chromium at 1366×768: the supervisor sorts the list by nearest deadline, ticks the
page with 全选, unticks one, types one note and urges; the report names each issue, the one
not yet assigned refused with its reason."""
import re

from playwright.sync_api import expect

from ..helpers import issue_in
from .conftest import login, screenshot

VIEWPORT = {"width": 1366, "height": 768}


def test_a_supervisor_urges_the_ticked_issues_and_reads_the_report(live_server, page, api, county):
    urged = [issue_in(api, "in_progress", title="新厂房用电报装迟迟未接通"),
             issue_in(api, "assigned", title="园区东路破损影响货车通行")]
    collected = api.create_issue(title="项目用地手续办理缓慢")         # 待交办: may not be urged
    spared = issue_in(api, "assigned", title="污水管网未接入园区")      # unticked: left alone
    page.set_viewport_size(VIEWPORT)
    login(page, live_server, "supervisor")
    page.goto(f"{live_server}/console/issues")
    page.get_by_role("link", name="最近时限").click()
    expect(page).to_have_url(re.compile(r"sort=next_due&dir=asc"))
    expect(page.locator("th[aria-sort=ascending]")).to_contain_text("最近时限")
    page.check("#select-page")
    expect(page.locator("#bulk-count")).to_have_text("4")
    page.uncheck(f"#pick-{spared['id']}")
    expect(page.locator("#bulk-count")).to_have_text("3")
    expect(page.locator("#select-page")).not_to_be_checked()
    page.fill("#bulk-note", "请本周五前办结并报告进展")
    screenshot(page, "bulk-urge-selection")
    page.click("#bulk-urge")
    expect(page.locator("#bulk-summary")).to_contain_text("已催办 2 件，未能催办 1 件")
    refused = page.locator("#bulk-report tr.bulk-refused")
    expect(refused).to_have_count(1)
    expect(refused).to_contain_text(collected["code"])
    expect(page.locator("#bulk-report tr.bulk-done")).to_have_count(2)
    screenshot(page, "bulk-urge-report")
    # no sideways scrolling at this width
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    page.get_by_role("link", name="回到问题列表").click()
    expect(page).to_have_url(re.compile(r"sort=next_due"))
    for issue in urged:
        events = api.ok("GET", f"/api/v1/issues/{issue['id']}/events", "supervisor")["items"]
        assert events[-1]["action"] == "urge" and events[-1]["note"] == "请本周五前办结并报告进展"
    events = api.ok("GET", f"/api/v1/issues/{spared['id']}/events", "supervisor")["items"]
    assert all(e["action"] != "urge" for e in events)


def test_a_view_saved_from_the_list_comes_back_with_its_filters_and_fits_a_phone(live_server, page, api, county):
    issue_in(api, "assigned", title="园区东路破损影响货车通行")
    api.create_issue(title="项目用地手续办理缓慢")
    page.set_viewport_size(VIEWPORT)
    login(page, live_server, "coordinator")
    page.goto(f"{live_server}/console/issues?status=assigned&sort=next_due&dir=asc")
    page.fill("#view-name", "已交办按时限")
    page.click("#save-view-button")
    expect(page.locator("#saved-views a[aria-current=page]")).to_have_text("已交办按时限")
    expect(page.locator("table.issue-table tbody tr")).to_have_count(1)
    page.get_by_role("link", name="本周到期").click()
    expect(page).to_have_url(re.compile(r"due_this_week=1"))
    page.get_by_role("link", name="已交办按时限").click()
    expect(page).to_have_url(re.compile(r"status=assigned"))
    expect(page.locator("th[aria-sort=ascending]")).to_contain_text("最近时限")
    screenshot(page, "saved-views")
    page.set_viewport_size({"width": 390, "height": 844})
    screenshot(page, "saved-views-phone")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
