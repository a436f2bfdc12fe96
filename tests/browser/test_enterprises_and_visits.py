"""企业库 and 县长月末回访 in a real browser: an operator picks a known enterprise at intake by
typing part of its name (htmx type-ahead, keyboard only), and a leader records a month-end
visit on a phone-sized screen (390×844)."""
import re

from playwright.sync_api import expect
from sqlalchemy import select
from sqlmodel import Session

from models import Issue, LeaderVisit

from ..enterprises.test_leader_visits import firm
from ..helpers import issue_in
from .conftest import login, screenshot

PHONE = {"width": 390, "height": 844}


def test_an_operator_picks_a_known_enterprise_at_intake(live_server, page, api, county, engine):
    row = firm(api, county)
    firm(api, county, name="宏达建材有限公司", code="91110000600037341L")
    page.set_viewport_size({"width": 1366, "height": 768})
    login(page, live_server, "operator")
    assert page.url.endswith("/console/intake")
    # a caller the register knows: name and company come in by themselves
    page.fill("#reporter_phone", "13812345678")
    page.keyboard.press("Tab")
    expect(page.locator(".known-caller")).to_contain_text("王建国")
    expect(page.locator("#reporter_name")).to_have_value("王建国")
    expect(page.locator("#reporter_org")).to_have_value("秦岭绿源农业科技有限公司")
    expect(page.locator("#enterprise-chosen")).to_be_visible()
    screenshot(page, "intake-known-caller")
    # the operator changes it to another enterprise by typing a part of its name, with the keyboard
    page.fill("#enterprise_q", "宏达")
    option = page.locator(".enterprise-option", has_text="宏达建材有限公司")
    expect(option).to_be_visible()
    screenshot(page, "intake-enterprise-typeahead")
    page.focus("#enterprise_q")
    page.keyboard.press("ArrowDown")
    expect(option).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator("#reporter_org")).to_have_value("宏达建材有限公司")
    expect(page.locator("#enterprise-chosen-name")).to_have_text("宏达建材有限公司")
    page.select_option("#category", "基础设施")
    page.fill("#title", "园区道路破损影响货车通行")
    page.fill("#content", "工业园区东路路面塌陷，货车绕行增加成本，请协调修复。")
    page.click("button:has-text('保存登记')")
    page.wait_for_url(re.compile(r"/console/intake/saved/\d+$"))
    issue_id = int(page.url.rsplit("/", 1)[1])
    with Session(engine) as s:
        issue = s.get(Issue, issue_id)
        assert issue.reporter_org == "宏达建材有限公司" and issue.enterprise_id != row["id"]
        assert issue.enterprise_id is not None and issue.reporter_name == "王建国"


def test_a_leader_records_a_month_end_visit_on_a_phone(live_server, browser, api, county, engine):
    issue = issue_in(api, "replied")
    context = browser.new_context(locale="zh-CN", viewport=PHONE, is_mobile=True, has_touch=True)
    page = context.new_page()
    try:
        login(page, live_server, "leader")
        assert page.url.endswith("/console/leader")
        expect(page.locator("#count-visits")).to_have_text("1")
        screenshot(page, "leader-dashboard-phone")
        page.get_by_role("link", name="去回访").click()
        card = page.locator(f"#visit-{issue['id']}")
        expect(card).to_contain_text("13812345678")
        # nothing of the page is wider than the phone
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        card.locator("label", has_text="不满意").click()
        card.get_by_role("button", name="记录回访").click()
        expect(page.locator(".alert-danger")).to_contain_text("不满意时请写明")
        screenshot(page, "leader-visit-refused-phone")
        card = page.locator(f"#visit-{issue['id']}")
        card.locator("label", has_text="基本满意").click()
        expect(card.locator("input[value=basically]")).to_be_checked()
        page.wait_for_timeout(400)  # the buttons fade to their new colours
        card.locator("textarea").fill("电话回访，企业认可处理结果")
        screenshot(page, "leader-visit-form-phone")
        card.get_by_role("button", name="记录回访").click()
        expect(page.locator(f"#visit-{issue['id']} .visit-done")).to_contain_text("已回访：基本满意")
        screenshot(page, "leader-visit-done-phone")
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    finally:
        context.close()
    with Session(engine) as s:
        visit = s.execute(select(LeaderVisit)).scalar_one()
        assert (visit.satisfaction, visit.on_behalf) == ("basically", False)
        assert s.get(Issue, issue["id"]).status == "closed"
