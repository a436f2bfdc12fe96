"""The hotline desk, a department's inbox and the issue page, in a real browser at 1366×768."""
import re
from datetime import datetime

from sqlalchemy import select
from sqlmodel import Session

from models import Issue, Meeting
from service.deadlines.calendar import LOCAL_TZ
from service.intake.categories import seed_defaults as seed_categories
from service.workflow.meetings import ensure_evening_tea_meetings

from ..helpers import REPORTER, issue_in
from .conftest import login, screenshot

VIEWPORT = {"width": 1366, "height": 768}
EVENING_TEA = datetime(2026, 12, 1, 19, 30, tzinfo=LOCAL_TZ)


def test_operator_logs_an_evening_tea_call_with_the_keyboard_only(app, api, live_server, page, engine,
                                                                  monkeypatch):
    earlier = api.create_issue(title="此前反映的用电报装问题", reporter={**REPORTER, "phone": "13812345678"})
    # The console's clock falls in the 1 December session; tonight's meeting exists.
    monkeypatch.setitem(app.config, "CONSOLE_NOW", EVENING_TEA.isoformat())
    with Session(engine) as session:
        tonight = ensure_evening_tea_meetings(session, EVENING_TEA, days_ahead=0)[0].id
        seed_categories(session)

    page.set_viewport_size(VIEWPORT)
    login(page, live_server, "operator")
    assert page.url.endswith("/console/intake")
    assert page.evaluate("document.activeElement.id") == "reporter_phone"
    assert page.locator("#channel").input_value() == "evening_tea"
    assert page.locator("#meeting_id").input_value() == str(tonight)

    kb = page.keyboard
    kb.type("13812345678")
    kb.press("Tab")                          # leaving the phone field shows the caller's earlier issues
    page.locator("#caller").get_by_text(earlier["code"]).wait_for()
    kb.type("王建国")
    kb.press("Tab")
    kb.type("秦岭绿源农业科技有限公司")
    kb.press("Tab")                          # reporter kind: 企业 stays
    kb.press("Tab")                          # 企业库: not looked up
    kb.press("Tab")                          # not added to the 企业库
    kb.press("Tab")                          # (its credit code)
    kb.press("Tab")
    kb.press("Space")                        # consents to the enterprise's name being published
    kb.press("Tab")                          # channel: preselected from the clock
    kb.press("Tab")                          # meeting: tonight's, preselected
    kb.press("Tab")                          # type: 求助 stays
    kb.press("Tab")
    kb.press("ArrowDown")                    # category: the first one
    kb.press("Tab")
    kb.type("城关镇")
    kb.press("Tab")
    kb.type("园区三期道路未通影响原料运输")
    kb.press("Tab")
    kb.type("园区三期道路至今未通，原料车辆需绕行十公里，请协调尽快修通。")
    screenshot(page, "console-intake-filled")
    kb.press("Control+Enter")

    page.wait_for_url(re.compile(r"/console/intake/saved/\d+$"))
    code = page.locator(".code-big").inner_text().strip()
    assert re.fullmatch(r"YS2026-\d{6}", code)
    screenshot(page, "console-intake-saved")

    with Session(engine) as session:
        issue = session.execute(select(Issue).where(Issue.code == code)).scalar_one()
        assert (issue.channel, issue.meeting_id, issue.status) == ("evening_tea", tonight, "collected")
        assert issue.reporter_phone == "13812345678" and issue.reporter_consent_public is True
        assert (issue.category, issue.township) == ("行政审批", "城关镇")
        assert session.get(Meeting, tonight).kind == "evening_tea"

    kb.press("Enter")                        # 下一个来电
    page.wait_for_url(re.compile(r"/console/intake$"))
    assert page.evaluate("document.activeElement.id") == "reporter_phone"
    assert page.locator("#reporter_phone").input_value() == ""


def test_department_accepts_and_replies_from_its_inbox(api, live_server, page, county):
    issue_in(api, "assigned", title="企业用电报装超时")
    other = issue_in(api, "assigned", title="不动产登记材料反复补正")
    api.ok("POST", f"/api/v1/issues/{other['id']}/actions/return", "fgj", json={"reason": "属自然资源局职责"})
    api.ok("POST", f"/api/v1/issues/{other['id']}/actions/assign", "coordinator",
           json=api.assign_body(lead_department_id=county.dept_id("zrj"), co_department_ids=[]))

    page.set_viewport_size(VIEWPORT)
    login(page, live_server, "fgj")
    assert page.url.endswith("/console/inbox")
    # Due for acceptance within a working day: yellow.
    assert page.locator("#count-yellow .count").inner_text() == "1"
    assert page.locator("#count-red .count").inner_text() == "0"
    screenshot(page, "console-inbox")
    assert "不动产登记材料反复补正" not in page.content()

    page.get_by_role("link", name="企业用电报装超时").click()
    page.get_by_role("button", name="签收").first.click()           # opens the step
    page.locator("#form-accept.collapse.show").wait_for()
    page.locator("#form-accept").get_by_label("签收意见（选填）").fill("已签收，马上安排")
    screenshot(page, "console-issue-accept")
    page.locator("#form-accept").get_by_role("button", name="签收").click()
    page.get_by_text("已签收，请尽快制定办理方案").wait_for()
    assert page.locator(".badge", has_text="办理中").count() >= 1

    page.get_by_role("button", name="办理答复").first.click()
    page.locator("#form-reply.collapse.show").wait_for()
    page.locator("#form-reply").get_by_label("办理结果").fill("已协调供电公司完成报装，企业已通电。")
    page.locator("#form-reply").get_by_role("button", name="办理答复").click()
    page.get_by_text("办理结果已答复").wait_for()
    screenshot(page, "console-issue-replied")
    assert page.locator(".timeline li").nth(-1).get_attribute("data-action") == "reply"

    response = page.goto(f"{live_server}/console/issues/{other['id']}")
    assert response.status == 404
    assert "没有找到" in page.content()
    screenshot(page, "console-issue-404")


def test_published_issue_shows_its_timeline_in_order(api, live_server, page):
    issue = issue_in(api, "published")
    page.set_viewport_size(VIEWPORT)
    login(page, live_server, "coordinator")
    page.goto(f"{live_server}/console/issues/{issue['id']}")
    actions = page.locator(".timeline li").evaluate_all("items => items.map(li => li.dataset.action)")
    assert actions == ["create", "assign", "accept", "reply", "visit", "evaluate", "publish"]
    labels = page.locator(".timeline li .fw-semibold").all_inner_texts()
    assert labels == ["登记", "交办", "签收", "办理答复", "回访", "整改评估", "公开公示"]
    assert "已公示" in page.locator("h1 ~ .badge").first.inner_text()
    page.locator("#h-timeline").scroll_into_view_if_needed()
    screenshot(page, "console-issue-published")


def test_coordinator_assigns_from_the_issue_page(api, live_server, page, county):
    issue = api.create_issue(title="企业反映用地手续办理缓慢", type="complaint")
    page.set_viewport_size(VIEWPORT)
    login(page, live_server, "coordinator")
    page.goto(f"{live_server}/console/issues")
    screenshot(page, "console-issue-list")
    page.get_by_role("link", name="企业反映用地手续办理缓慢").click()
    page.get_by_role("button", name="交办").first.click()
    form = page.locator("#form-assign.collapse.show")
    form.wait_for()
    # Deadlines come prefilled from the policy (投诉: 15 working days to complete).
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", form.locator("#assign-complete_due").input_value())

    form.get_by_label("主办单位").select_option(label="县自然资源局")
    form.get_by_label("协办单位（可多选）").select_option(label=["县发改局", "县市场监管局"])
    form.get_by_label("主抓县级领导").select_option(label="leader")
    form.get_by_label("责任人电话").fill("13700001111")
    form.get_by_role("button", name="交办").click()
    # The responsible person is missing: the form comes back with what was chosen.
    page.locator("#assign-responsible_person.is-invalid").wait_for()
    form = page.locator("#form-assign")
    assert form.get_by_label("主办单位").input_value() == str(county.dept_id("zrj"))
    assert form.get_by_label("责任人电话").input_value() == "13700001111"
    screenshot(page, "console-issue-assign-error")

    form.get_by_label("责任人", exact=True).fill("赵刚")
    form.get_by_role("button", name="交办").click()
    page.get_by_text("已交办，承办单位、责任人和反映人将收到短信").wait_for()
    screenshot(page, "console-issue-assigned")
    detail = api.ok("GET", f"/api/v1/issues/{issue['id']}", "coordinator")
    assert detail["status"] == "assigned" and detail["lead_department_id"] == county.dept_id("zrj")
    assert sorted(detail["co_department_ids"]) == sorted([county.dept_id("fgj"), county.dept_id("scj")])
