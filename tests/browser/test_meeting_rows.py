"""The meeting's 交办 table in Chromium at 1366×768: three wrong rows are reported at once, each
row and field named, and nothing is saved; the 承办 inbox switches between 我的 and 全部."""
import re
from datetime import datetime

from playwright.sync_api import expect

from service.deadlines.calendar import LOCAL_TZ

from ..helpers import REPORTER
from .conftest import login, screenshot

VIEWPORT = {"width": 1366, "height": 768}


def test_a_meeting_table_with_three_bad_rows_is_reported_at_once(live_server, page, api, county):
    meeting = api.ok("POST", "/api/v1/meetings", "coordinator", status=201, json={
        "kind": "breakfast", "title": "2026年12月服务企业早餐会", "held_at": datetime.now(LOCAL_TZ).isoformat(),
        "host_leader_id": county.user_id("leader")})
    titles = ("园区东路破损影响货车通行", "新厂房用电报装迟迟未接通", "污水管网未接入园区", "项目用地手续办理缓慢")
    for n, title in enumerate(titles):
        api.create_issue(who="coordinator", meeting_id=meeting["id"], channel=None, title=title,
                         reporter={**REPORTER, "phone": f"1381234567{n}"})
    page.set_viewport_size(VIEWPORT)
    login(page, live_server, "coordinator")
    page.goto(f"{live_server}/console/meetings/{meeting['id']}")
    rows = (("fgj", "张伟", "12345"),            # not a phone number
            ("zrj", "刘洋", "0915-3212002"),     # a landline: cannot receive the SMS
            (None, "陈静", "13700003333"),       # no lead department
            ("scj", "赵敏", "13700004444"))      # right
    for i, (dept, person, phone) in enumerate(rows):
        if dept:
            page.select_option(f"select[name='rows-{i}-lead_department_id']", str(county.dept_id(dept)))
        page.fill(f"input[name='rows-{i}-responsible_person']", person)
        page.fill(f"input[name='rows-{i}-responsible_phone']", phone)
    assert page.locator("input[name='rows-0-responsible_person']").get_attribute("maxlength") == "64"
    page.locator("#assign-save").click()
    errors = page.locator("#assign-errors")
    expect(errors).to_contain_text("本批均未保存：3 行有误")
    items = errors.locator("li")
    expect(items).to_have_count(3)
    expect(items.nth(0)).to_contain_text("第 1 行")
    expect(items.nth(0)).to_contain_text("请填写 11 位手机号")
    expect(items.nth(1)).to_contain_text("第 2 行")
    expect(items.nth(1)).to_contain_text("责任人电话是固定电话，不能接收短信，请填写手机号")
    expect(items.nth(2)).to_contain_text("第 3 行")
    expect(items.nth(2)).to_contain_text("主办单位")
    # what was typed stays, the wrong boxes marked
    expect(page.locator("input[name='rows-1-responsible_phone']")).to_have_value("0915-3212002")
    expect(page.locator("input[name='rows-1-responsible_phone']")).to_have_class(re.compile("is-invalid"))
    expect(page.locator("input[name='rows-3-responsible_person']")).to_have_value("赵敏")
    screenshot(page, "meeting-table-three-bad-rows")
    got = api.ok("GET", f"/api/v1/issues?meeting_id={meeting['id']}", "coordinator")["items"]
    assert sorted(i["status"] for i in got) == ["collected"] * 4


def test_the_inbox_switches_between_mine_and_all(live_server, page, api, county):
    theirs = api.create_issue(title="同事负责的问题")
    api.ok("POST", f"/api/v1/issues/{theirs['id']}/actions/assign", "coordinator", json=api.assign_body())
    mine = api.create_issue(title="由我负责的问题")
    api.ok("POST", f"/api/v1/issues/{mine['id']}/actions/assign", "coordinator",
           json=api.assign_body(handler_user_id=county.user_id("fgj")))
    page.set_viewport_size(VIEWPORT)
    login(page, live_server, "fgj")
    page.goto(f"{live_server}/console/inbox")
    expect(page.locator("tbody tr")).to_have_count(2)
    page.locator("#inbox-mine").click()
    page.wait_for_url("**/console/inbox?mine=1")
    expect(page.locator("tbody tr")).to_have_count(1)
    expect(page.locator("tbody")).to_contain_text("由我负责的问题")
    expect(page.locator("#inbox-mine")).to_contain_text("1")
    screenshot(page, "inbox-mine")


def test_the_office_picks_the_handler_from_the_department_s_staff(live_server, page, api, county):
    issue = api.create_issue(title="园区东路破损影响货车通行")
    page.set_viewport_size(VIEWPORT)
    login(page, live_server, "coordinator")
    page.goto(f"{live_server}/console/issues/{issue['id']}")   # waits for the page's scripts ("load")
    page.locator("#action-assign .accordion-button").click()
    form = page.locator("#form-assign.collapse.show")
    form.wait_for()
    form.locator("select[name=lead_department_id]").select_option(str(county.dept_id("fgj")))
    form.locator("select[name=lead_leader_id]").select_option(str(county.user_id("leader")))
    # only the lead department's staff are offered
    offered = form.locator("select[name=handler_user_id]").evaluate(
        "s => Array.from(s.options).filter(o => !o.hidden && o.value).map(o => o.textContent)")
    assert offered == ["县发改局 · fgj"]
    form.locator("select[name=handler_user_id]").select_option(str(county.user_id("fgj")))
    screenshot(page, "assign-handler-picked")
    form.locator("form button.btn-primary").click()
    expect(page.locator("body")).to_contain_text("已交办")
    got = api.ok("GET", f"/api/v1/issues/{issue['id']}", "coordinator")
    assert got["handler_user_id"] == county.user_id("fgj") and got["responsible_phone"] == "13900000007"
