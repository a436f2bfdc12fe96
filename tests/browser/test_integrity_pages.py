"""The integrity rules as the office sees them in Chromium at 1366×768: an issue registered
from a meeting's page lands in that meeting's 交办 table; the ranking sets apart a department
with nothing to judge; an approved extension shows both deadlines; deadlines in the wrong
order are refused in the meeting table, row and box named."""
import re
from datetime import datetime

from playwright.sync_api import expect

from service.deadlines.calendar import LOCAL_TZ

from ..helpers import REPORTER
from .conftest import login, screenshot

VIEWPORT = {"width": 1366, "height": 768}


def test_an_issue_registered_from_a_meeting_lands_in_its_assignment_table(live_server, page, api, county):
    meeting = api.ok("POST", "/api/v1/meetings", "coordinator", status=201, json={
        "kind": "breakfast", "title": "2026年12月服务企业早餐会", "held_at": datetime.now(LOCAL_TZ).isoformat(),
        "host_leader_id": county.user_id("leader")})
    page.set_viewport_size(VIEWPORT)
    login(page, live_server, "coordinator")
    page.goto(f"{live_server}/console/meetings/{meeting['id']}")
    page.get_by_role("link", name="登记本会议的问题").first.click()
    page.wait_for_url(re.compile(rf"/console/intake\?meeting_id={meeting['id']}$"))
    # The meeting is chosen, and with it the breakfast channel.
    assert page.locator("select[name=meeting_id]").input_value() == str(meeting["id"])
    assert page.locator("select[name=channel]").input_value() == "breakfast"
    page.fill("input[name=reporter_phone]", REPORTER["phone"])
    page.fill("input[name=reporter_name]", REPORTER["name"])
    page.fill("input[name=title]", "新厂房用电报装迟迟未接通")
    page.fill("textarea[name=content]", "新厂房已竣工两个月，用电报装仍未接通，影响投产。")
    screenshot(page, "intake-from-meeting")
    page.locator("#intake-form button[type=submit]").click()
    page.wait_for_url(re.compile(r"/console/intake/saved/\d+$"))
    page.locator("#back-to-meeting").click()
    row = page.locator("tbody.assign-row")
    expect(row).to_have_count(1)
    expect(row).to_contain_text("新厂房用电报装迟迟未接通")


def test_deadlines_in_the_wrong_order_are_refused_in_the_meeting_table(live_server, page, api, county):
    meeting = api.ok("POST", "/api/v1/meetings", "coordinator", status=201, json={
        "kind": "forum", "title": "第四季度政企面对面恳谈会", "held_at": datetime.now(LOCAL_TZ).isoformat()})
    api.create_issue(who="coordinator", meeting_id=meeting["id"], channel=None, title="园区东路破损影响货车通行")
    page.set_viewport_size(VIEWPORT)
    login(page, live_server, "coordinator")
    page.goto(f"{live_server}/console/meetings/{meeting['id']}")
    page.select_option("select[name='rows-0-lead_leader_id']", str(county.user_id("leader")))
    page.select_option("select[name='rows-0-lead_department_id']", str(county.dept_id("fgj")))
    page.fill("input[name='rows-0-responsible_person']", "张伟")
    page.fill("input[name='rows-0-responsible_phone']", "13700001111")
    accept = page.locator("input[name='rows-0-accept_due']").input_value()
    page.fill("input[name='rows-0-reply_due']", accept)   # the reply is due before …
    page.fill("input[name='rows-0-accept_due']", page.locator("input[name='rows-0-complete_due']").input_value())
    page.locator("#assign-save").click()
    errors = page.locator("#assign-errors")
    expect(errors).to_contain_text("本批均未保存")
    expect(errors).to_contain_text("回复时限不能早于签收时限")
    screenshot(page, "meeting-table-deadlines-refused")
    assert api.ok("GET", f"/api/v1/issues?meeting_id={meeting['id']}", "coordinator")["items"][0]["status"] == \
        "collected"


def test_ranking_and_extension_pages(live_server, page, api, county, app):
    app.config["CONSOLE_NOW"] = datetime(2026, 11, 2, 10, tzinfo=LOCAL_TZ)
    try:
        issue = api.create_issue()
        api.act(issue["id"], "assign", "coordinator", api.assign_body(deadlines={"complete_due": "2026-11-09"}))
        api.act(issue["id"], "accept", "fgj", {})
        app.config["CONSOLE_NOW"] = datetime(2026, 11, 5, 10, tzinfo=LOCAL_TZ)
        api.act(issue["id"], "request_extension", "fgj", {"complete_due": "2026-11-16", "reason": "设备到货延迟"})
        api.act(issue["id"], "decide_extension", "coordinator", {"approve": True, "note": "同意"})
        app.config["CONSOLE_NOW"] = datetime(2026, 11, 12, 10, tzinfo=LOCAL_TZ)
        api.act(issue["id"], "reply", "fgj", {"result": "已完成路面修复。"})
        page.set_viewport_size(VIEWPORT)
        login(page, live_server, "coordinator")
        page.goto(f"{live_server}/console/issues/{issue['id']}")
        cell = page.locator(".deadline-cell", has_text="限期办结")
        expect(cell).to_contain_text("2026-11-16")
        expect(cell).to_contain_text("原定 2026-11-09")
        expect(page.locator("[data-table=judgements]")).to_contain_text("按时")
        page.locator("#h-assignment").scroll_into_view_if_needed()
        screenshot(page, "issue-extension-both-deadlines")

        page.goto(f"{live_server}/console/dashboard?preset=custom&from=2026-11-01&to=2026-11-30")
        ranking = page.locator("[data-table=departments]")
        expect(ranking.locator("tr[data-department]").first).to_contain_text("县发改局")
        apart = ranking.locator("tr", has_text="县自然资源局")
        expect(apart).to_contain_text("本期无可评")
        expect(page.locator("[data-rules=score]")).to_contain_text("每次重办 2 分")
        ranking.scroll_into_view_if_needed()
        screenshot(page, "ranking-nothing-to-judge")
    finally:
        app.config["CONSOLE_NOW"] = None
