"""企业评议 in Chromium: the enterprise opens the link in its SMS on a phone (390×844), scores
each department with buttons a thumb can hit, is asked for a reason when it gives a low score,
and sees its scores once sent; the office opens a round from the console menu at 1366×768 and
reads its page once an enterprise has answered."""
import re

import pytest
from playwright.sync_api import expect

from ..assessment.conftest import clock  # noqa: F401 - a fixture
from ..assessment.test_ratings import IN_DECEMBER, NOVEMBER, ROUNDS, dealings, links_sent  # noqa: F401 - a fixture
from .conftest import login, menu_link, screenshot

PHONE = {"width": 390, "height": 844}
WIDE = {"width": 1366, "height": 768}

pytestmark = pytest.mark.usefixtures("dealings")


def sms_link(db, phone: str) -> str:
    """The /rate/… path of the link in the SMS sent to `phone`."""
    db.rollback()  # a fresh read: the server has written since
    return f"/rate/{links_sent(db)[phone]}"


def test_the_enterprise_rates_its_departments_on_a_phone(live_server, page, api, db, county, clock):  # noqa: F811
    clock(IN_DECEMBER)
    api.ok("POST", ROUNDS, "coordinator", status=201, json=NOVEMBER)
    fgj, scj = county.dept_id("fgj"), county.dept_id("scj")
    page.set_viewport_size(PHONE)
    page.goto(live_server + sms_link(db, "13900001111"))
    expect(page.get_by_role("heading", name="县发改局")).to_be_visible()
    expect(page.get_by_role("heading", name="县市场监管局")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    # five score buttons on one row, each tall enough for a thumb (screenshots: YS_SCREENSHOTS=/tmp/shots-rating)
    for dept in (fgj, scj):
        boxes = [page.locator(f"label[for=score_{dept}-{s}]").bounding_box() for s in (5, 4, 3, 2, 1)]
        assert len({round(b["y"]) for b in boxes}) == 1, boxes
        assert all(b["height"] >= 44 for b in boxes), boxes
        assert boxes[-1]["x"] + boxes[-1]["width"] <= PHONE["width"]
    page.locator(f"label[for=score_{fgj}-5]").click()
    page.locator(f"label[for=score_{scj}-2]").click()
    screenshot(page, "rate-phone-form")

    page.get_by_role("button", name="提交评议").click()
    reason = page.locator(f"#comment_{scj} ~ .invalid-feedback")
    expect(reason).to_have_text("给县市场监管局打2分，请写明不满意的原因，便于部门改进")
    expect(page.locator(f"#comment_{scj}")).to_have_class(re.compile(r"\bis-invalid\b"))
    expect(page.locator(f"#score_{fgj}-5")).to_be_checked()   # what was chosen is kept
    expect(page.locator(f"#score_{scj}-2")).to_be_checked()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    reason.scroll_into_view_if_needed()
    screenshot(page, "rate-phone-error")

    page.locator(f"#comment_{scj}").fill("营业执照变更跑了三趟才办成")
    page.get_by_role("button", name="提交评议").click()
    expect(page.get_by_role("status").filter(has_text="感谢您的评议")).to_be_visible()
    rated = page.locator(".pub-rated")
    expect(rated).to_have_count(2)
    expect(rated.nth(0)).to_contain_text("5分（很满意）")
    expect(rated.nth(1)).to_contain_text("2分（不满意）")
    expect(rated.nth(1)).to_contain_text("营业执照变更跑了三趟才办成")
    expect(page.get_by_role("button", name="提交评议")).to_have_count(0)   # each department once
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    screenshot(page, "rate-phone-done")


def test_the_office_opens_a_round_and_reads_it(live_server, page, app, db, county, clock):  # noqa: F811
    clock(IN_DECEMBER)
    page.set_viewport_size(WIDE)
    login(page, live_server, "coordinator")
    menu_link(page, "企业评议").click()
    expect(page.get_by_role("heading", name="企业评议", exact=True)).to_be_visible()
    expect(page.locator("table[data-table=rounds]")).to_contain_text("还没有发起过企业评议")
    page.fill("#f-from", "2026-11-01")
    page.fill("#f-to", "2026-12-05")   # not over yet: refused, naming the field, keeping what was typed
    page.get_by_role("button", name="发起评议并发送短信").click()
    expect(page.locator("#f-to ~ .invalid-feedback")).to_have_text("评议区间须已结束：截止日期须早于今天")
    expect(page.locator("#f-from")).to_have_value("2026-11-01")
    screenshot(page, "open-refused")
    page.fill("#f-to", "2026-11-30")
    page.get_by_role("button", name="发起评议并发送短信").click()
    expect(page.get_by_role("alert").filter(has_text="评议短信已排队发送")).to_be_visible()
    expect(page.get_by_role("heading", name="2026年11月企业评议部门服务")).to_be_visible()

    # 甲 answers on its phone's page
    answered = app.test_client()
    path = sms_link(db, "13900001111")
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', answered.get(path).get_data(as_text=True))[1]
    fgj, scj = county.dept_id("fgj"), county.dept_id("scj")
    assert answered.post(path, data={"csrf_token": token, f"score_{fgj}": "4", f"score_{scj}": "1",
                                     f"comment_{scj}": "窗口人员态度差，材料一次不说清"}).status_code == 303

    page.reload()
    results = page.locator("table[data-table=results] tbody tr")
    expect(results).to_have_count(2)
    expect(results.nth(0)).to_contain_text("县发改局")
    expect(results.nth(1).locator("[data-low]")).to_have_text("1")
    expect(page.locator("[data-counts]")).to_contain_text("邀请2家企业，1家已完成评议；1家未邀请")
    lines = page.locator("table[data-table=enterprises]")
    expect(lines).to_contain_text("县城甲制造有限公司")
    expect(lines).to_contain_text("1分（很不满意）")
    expect(lines.locator("tr.table-danger")).to_have_count(1)
    expect(page.locator("table[data-table=skipped]")).to_contain_text("丙物流有限公司")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    screenshot(page, "round-office")
    lines.scroll_into_view_if_needed()
    screenshot(page, "round-office-enterprises")
    with page.expect_download() as download:
        page.get_by_role("link", name="导出 Excel").click()
    assert download.value.suggested_filename.startswith("企业评议-PY")

    menu_link(page, "企业评议").click()
    row = page.locator("table[data-table=rounds] tbody tr").first
    expect(row).to_contain_text("2026-11-01 至 2026-11-30")
    row_href = row.get_by_role("link").get_attribute("href")
    screenshot(page, "rounds-office")

    # and on a phone: the tables scroll inside their frames, the page itself does not
    page.set_viewport_size(PHONE)
    for path, name in (("/console/ratings", "rounds-office-phone"), (row_href, "round-office-phone")):
        page.goto(live_server + path)
        expect(page.locator("table").first).to_be_visible()
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], path
        screenshot(page, name)
