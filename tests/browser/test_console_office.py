"""The office's and the supervision office's pages in a real browser at 1366×768: a breakfast
meeting assigned in one save and its printed sheet, a return visit and a publication checked
against its masked preview, and the board that shows a red issue first and urges it."""
import re
from datetime import datetime, timedelta, timezone

from playwright.sync_api import expect
from sqlmodel import Session

from models import User
from service.workflow.transition import WorkflowOptions, transition

from ..helpers import REPORTER, issue_in
from .conftest import login, screenshot

VIEWPORT = {"width": 1366, "height": 768}


def test_office_holds_a_breakfast_and_assigns_its_issues_in_one_save(live_server, page, api, county):
    page.set_viewport_size(VIEWPORT)
    login(page, live_server, "coordinator")
    assert page.url.endswith("/console/meetings")
    screenshot(page, "office-meetings")

    page.get_by_role("link", name="新建会议").click()
    page.select_option("#f-kind", "breakfast")
    page.fill("#f-held_at", "2026-12-03T07:30")
    page.fill("#f-title", "2026年12月服务企业早餐会")
    page.select_option("#f-host_leader_id", str(county.user_id("leader")))
    page.fill("#f-attendees", "县长\n县发改局\n秦岭绿源农业科技有限公司")
    page.fill("#f-location", "县政府一号会议室")
    screenshot(page, "office-meeting-new")
    page.get_by_role("button", name="创建会议").click()
    page.wait_for_url(re.compile(r"/console/meetings/\d+$"))
    meeting_id = int(page.url.rsplit("/", 1)[1])
    assert "07:30" in page.locator(".card").first.inner_text()

    # The three issues raised at the table, logged by the office through the API.
    raised = [("园区东路破损影响货车通行", "王建国", "13812345678"),
              ("新厂房用电报装迟迟未接通", "李秀英", "13912345670"),
              ("技改奖补资金尚未兑现", "欧阳娜娜", "13712345671")]
    issues = [api.create_issue(who="coordinator", meeting_id=meeting_id, channel=None, title=title,
                               reporter={**REPORTER, "name": name, "phone": phone})
              for title, name, phone in raised]
    assert {i["channel"] for i in issues} == {"breakfast"}
    page.reload()
    rows = page.locator("tbody.assign-row")
    expect(rows).to_have_count(3)
    # The host is proposed as lead leader, and the deadlines come from the breakfast policy.
    assert page.locator("select[name='rows-0-lead_leader_id']").input_value() == str(county.user_id("leader"))
    assert page.locator("input[name='rows-0-complete_due']").input_value() != ""

    plan = [("fgj", "张伟", "13700001111"), ("zrj", "刘洋", "13700002222"), ("scj", "陈静", "")]
    for i, (dept, person, phone) in enumerate(plan):
        page.select_option(f"select[name='rows-{i}-lead_department_id']", str(county.dept_id(dept)))
        page.fill(f"input[name='rows-{i}-responsible_person']", person)
        page.fill(f"input[name='rows-{i}-responsible_phone']", phone)
    page.select_option("select[name='rows-1-lead_leader_id']", str(county.user_id("leader2")))
    rows.nth(0).locator(".co-departments button").click()
    rows.nth(0).locator(".co-departments label", has_text="县自然资源局").click()
    page.keyboard.press("Escape")
    expect(rows.nth(0).locator(".co-departments button")).to_have_text("县自然资源局")
    screenshot(page, "office-meeting-assign")

    # The third phone was forgotten: nothing is saved, the row is named, and what was typed stays.
    page.locator("#assign-save").click()
    expect(page.locator("#assign-errors")).to_contain_text("第 3 行")
    expect(page.locator("#assign-errors")).to_contain_text("责任人电话")
    assert page.locator("input[name='rows-0-responsible_person']").input_value() == "张伟"
    assert page.locator("select[name='rows-1-lead_leader_id']").input_value() == str(county.user_id("leader2"))
    expect(rows.nth(0).locator(".co-departments button")).to_have_text("县自然资源局")
    assert all(api.ok("GET", f"/api/v1/issues/{i['id']}", "coordinator")["status"] == "collected" for i in issues)
    screenshot(page, "office-meeting-assign-error")

    page.fill("input[name='rows-2-responsible_phone']", "13700003333")
    page.locator("#assign-save").click()
    expect(page.locator(".alert-success")).to_contain_text("已交办 3 件")
    expect(page.locator("tr.other-row")).to_have_count(3)
    expect(page.locator("tbody.assign-row")).to_have_count(0)
    saved = [api.ok("GET", f"/api/v1/issues/{i['id']}", "coordinator") for i in issues]
    assert [s["status"] for s in saved] == ["assigned"] * 3
    assert saved[0]["co_department_ids"] == [county.dept_id("zrj")]
    assert saved[1]["lead_leader_id"] == county.user_id("leader2")
    screenshot(page, "office-meeting-assigned")

    page.get_by_role("link", name="交办单").first.click()
    page.wait_for_url(re.compile(r"/sheet$"))
    page.emulate_media(media="print")
    sheet = page.locator("article.sheet")
    expect(sheet).to_be_visible()
    expect(page.locator("nav.navbar")).to_be_hidden()
    text = sheet.inner_text()
    assert "2026年12月服务企业早餐会" in text and "王*国" in text and "欧阳**" in text
    assert "王建国" not in text and "13812345678" not in text
    assert "张伟" in text and "县自然资源局" in text and "签字" in text
    screenshot(page, "office-meeting-sheet-print")


def test_office_visits_then_publishes_after_the_masked_preview(live_server, page, api, county):
    issue = issue_in(api, "replied")   # reported by 王建国, 13812345678
    page.set_viewport_size(VIEWPORT)
    login(page, live_server, "coordinator")
    page.goto(f"{live_server}/console/board/visits")
    card = page.locator(f".visit-card[data-issue='{issue['id']}']")
    expect(card).to_contain_text("13812345678")   # the office calls the reporter back
    card.locator(f"#sat-{issue['id']}-satisfied").check()
    card.locator("input[name=note]").fill("电话回访，企业表示路面已修好")
    screenshot(page, "office-visit")
    card.get_by_role("button", name="记录回访").click()
    expect(page.locator(".alert-success")).to_contain_text("已办结")
    assert api.ok("GET", f"/api/v1/issues/{issue['id']}", "coordinator")["status"] == "closed"
    # 整改评估 comes before 公示 (the office's verdict on the result)
    assert api.act(issue["id"], "evaluate", "coordinator",
                   {"verdict": "resolved", "evidence": "现场核查，路面已修复"}).status_code == 200

    page.get_by_role("link", name=re.compile("公开公示")).click()
    page.locator(f"tr.publication-row[data-issue='{issue['id']}']").get_by_role("link", name="撰写并预览").click()
    page.wait_for_load_state("load")   # htmx listens for typing only once the page has loaded
    expect(page.locator("[data-evaluation=resolved]")).to_contain_text("现场核查，路面已修复")
    page.fill("#public_title", "园区东路破损路段已修复")
    page.fill("#public_summary", "王建国反映园区东路塌陷（联系电话13812345678），县发改局已组织修复，货车恢复通行。")
    preview = page.locator("#preview")
    expect(preview).to_contain_text("王*国反映园区东路塌陷")
    expect(preview).to_contain_text("园区东路破损路段已修复")
    shown = preview.inner_text()
    assert "王建国" not in shown and "13812345678" not in shown and "138****5678" in shown
    assert "秦岭绿源农业科技有限公司" not in shown   # no consent to publish the enterprise's name
    screenshot(page, "office-publication-preview")

    page.get_by_role("button", name="公开发布").click()
    expect(page.locator(".alert-success")).to_contain_text("已公开公示")
    published = api.ok("GET", f"/api/v1/public/issues/{issue['code']}")
    assert published["title"] == "园区东路破损路段已修复" and "王建国" not in published["summary"]


def test_supervisor_board_shows_the_red_issue_first_and_urges_it(live_server, page, api, county, engine):
    issue_in(api, "in_progress", title="按期办理中的问题")
    late = api.create_issue(title="超期未签收的用地问题")
    with Session(engine, expire_on_commit=False) as s:
        coordinator = s.get(User, county.user_id("coordinator"))
        transition(s, coordinator, late["id"], "assign", api.assign_body(),
                   datetime.now(timezone.utc) - timedelta(days=40), WorkflowOptions())

    page.set_viewport_size(VIEWPORT)
    login(page, live_server, "supervisor")
    assert page.url.endswith("/console/board")
    first = page.locator("tr.board-row").first
    assert first.get_attribute("data-flag") == "red"
    expect(first).to_contain_text(late["title"])
    expect(first).to_contain_text("个工作日")
    expect(page.locator(".colour-card[data-colour='red']")).to_contain_text("1")
    screenshot(page, "supervisor-board")

    first.get_by_role("button", name="催办").click()
    page.fill(f"#urge-note-{late['id']}", "请本周五前签收并报送办理计划")
    screenshot(page, "supervisor-board-urge")
    page.locator(f"#urge-{late['id']}").get_by_role("button", name="发送催办").click()
    expect(page.locator(".alert-success")).to_contain_text("已催办")
    assert page.url.endswith("/console/board")
    events = api.ok("GET", f"/api/v1/issues/{late['id']}/events", "supervisor")["items"]
    assert events[-1]["action"] == "urge" and events[-1]["note"] == "请本周五前签收并报送办理计划"

    page.check("#flt-overdue")
    page.get_by_role("button", name="筛选").click()
    expect(page.locator("tr.board-row")).to_have_count(1)
    screenshot(page, "supervisor-board-overdue")


def test_admin_pages_and_the_office_queues(live_server, page, api, county, engine):
    from sqlalchemy import update

    from models import SmsMessage

    from ..helpers import future
    waiting = issue_in(api, "in_progress")
    api.act(waiting["id"], "request_extension", "fgj", {"complete_due": future(60), "reason": "设备到货延迟"})
    with Session(engine) as s:
        s.execute(update(SmsMessage).where(SmsMessage.recipient_kind == "reporter")
                  .values(status="failed", attempts=5, last_error="30003 unreachable"))
        s.commit()

    page.set_viewport_size(VIEWPORT)
    login(page, live_server, "admin")
    assert page.url.endswith("/console/admin/users")
    page.fill("#f-username", "jtj_zhang")
    page.fill("#f-display_name", "张交通")
    page.select_option("#f-role", "department")
    page.fill("#f-password", "short")
    page.get_by_role("button", name="新增用户").click()
    expect(page.locator("#user-create")).to_contain_text("密码至少 8 位")
    assert page.locator("#f-display_name").input_value() == "张交通"
    screenshot(page, "admin-users-error")
    page.select_option("#f-department_id", str(county.dept_id("fgj")))
    page.fill("#f-password", "Jiaotong-2026")
    page.get_by_role("button", name="新增用户").click()
    expect(page.locator(".alert-success")).to_contain_text("jtj_zhang")
    screenshot(page, "admin-users")
    for section in ("departments", "categories", "policies", "calendar", "templates"):
        page.goto(f"{live_server}/console/admin/{section}")
        expect(page.locator(".nav-tabs .active")).to_be_visible()
        screenshot(page, f"admin-{section}")

    page.context.clear_cookies()
    login(page, live_server, "coordinator")
    page.goto(f"{live_server}/console/admin/policies")
    expect(page.locator("body")).to_contain_text("只读")
    screenshot(page, "office-policies-readonly")
    page.goto(f"{live_server}/console/board/extensions")
    card = page.locator(f".extension-card[data-issue='{waiting['id']}']")
    expect(card).to_contain_text("设备到货延迟")
    screenshot(page, "office-extensions")
    card.locator("input[name=note]").fill("同意延期")
    card.locator("button[name=approve][value=true]").click()
    expect(page.locator(".alert-success")).to_contain_text("已批准")
    page.goto(f"{live_server}/console/board/sms")
    expect(page.locator("tr.sms-row").first).to_contain_text("138****5678")
    screenshot(page, "office-failed-sms")


def test_the_office_pages_in_english(live_server, page, api, county):
    meeting = api.ok("POST", "/api/v1/meetings", "coordinator", status=201, json={
        "kind": "forum", "title": "2026年第四季度政企面对面恳谈会", "held_at": "2026-12-10T09:00:00+08:00",
        "host_leader_id": county.user_id("leader")})
    for title in ("天然气管网接入费用过高", "招工难请人社局组织专场招聘"):
        api.create_issue(who="coordinator", meeting_id=meeting["id"], channel=None, title=title)
    issue_in(api, "in_progress")
    page.set_viewport_size(VIEWPORT)
    login(page, live_server, "coordinator")
    page.get_by_role("link", name="English").click()
    expect(page.get_by_role("link", name="New meeting")).to_be_visible()
    expect(page.locator("nav.navbar")).to_contain_text("Log out")
    screenshot(page, "office-meetings-en")
    page.goto(f"{live_server}/console/meetings/{meeting['id']}")
    expect(page.locator("#assign-save")).to_contain_text("Save assignments")
    screenshot(page, "office-meeting-assign-en")
    page.goto(f"{live_server}/console/board")
    expect(page.locator(".colour-card[data-colour='red']")).to_contain_text("Red: overdue")
    screenshot(page, "office-board-en")
    page.get_by_role("link", name="中文").click()
    expect(page.get_by_role("link", name="督办台")).to_be_visible()
