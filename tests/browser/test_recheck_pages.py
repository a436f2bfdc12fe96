"""复查 and 问责 in Chromium at 1366×768: the supervision office draws a half-month, records a
不属实 verdict with its note (the issue goes back to its department), enters a 通报批评 with its
PDF; the department sees the record on its 问责 page and its 成绩单."""
import os
from datetime import date

import pytest

from models import DepartmentRating, Enterprise, Issue, RatingInvitation, RatingRound

from ..supervision.test_recheck import PDF
from ..supervision.test_recheck_web import clock, closed, docs_dir  # noqa: F401 - fixtures
from .conftest import login, menu_link, screenshot

SHOTS = os.environ.get("YS_SCREENSHOTS", "")


@pytest.fixture
def wide(browser):
    context = browser.new_context(locale="zh-CN", viewport={"width": 1366, "height": 768})
    page = context.new_page()
    yield page
    context.close()


def test_the_supervision_office_rechecks_and_records_accountability(
        live_server, wide, db, county, closed, docs_dir, tmp_path):  # noqa: F811 - the fixtures imported above
    page = wide
    login(page, live_server, "supervisor")
    page.goto(f"{live_server}/console/recheck")
    assert menu_link(page, "复查").is_visible()   # under 督查督办 in the menu
    page.keyboard.press("Escape")                 # and the menu closed again
    page.fill("#f-day", "2026-11-09")
    page.fill("#f-share", "100")
    page.click("button:has-text('抽取样本')")
    rows = page.locator("[data-table=members] tbody tr[data-member]")
    assert rows.count() == 3
    assert page.locator("[data-sample-figures]").inner_text().startswith("该半月办结或公示3件")
    first = rows.first
    first.locator("select[name=verdict]").select_option("false")
    first.locator("input[name=note]").fill("实地查看，路面仍未修复")
    screenshot(page, "recheck-sample")
    first.locator("button:has-text('记录')").click()
    assert page.locator("[data-verdict=false]").count() == 1
    decided = page.locator("[data-table=members] tbody tr").first
    assert decided.locator("td:nth-child(5)").inner_text().strip() == "办理中"
    screenshot(page, "recheck-verdict")
    # the page fits the width: no horizontal scroll
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")

    pdf = tmp_path / "决定.pdf"
    pdf.write_bytes(PDF)
    page.goto(f"{live_server}/console/accountability")
    page.select_option("#f-kind", "criticism")
    page.select_option("#f-department_id", str(county.dept_id("fgj")))
    code = db.get(Issue, closed.ids["B"]).code
    page.fill("#f-issue_codes", code)
    page.fill("#f-document_no", "县委督查办〔2026〕9号")
    page.fill("#f-decided_on", "2026-11-19")
    page.set_input_files("#f-document", str(pdf))
    page.fill("#f-note", "复查发现办理答复与实际不符")
    page.click("form[data-form=accountability] button:has-text('登记')")
    assert page.locator("[data-table=accountability] tbody tr[data-record]").count() == 1
    screenshot(page, "accountability")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")

    page.context.clear_cookies()
    login(page, live_server, "fgj")
    page.goto(f"{live_server}/console/accountability")
    assert "县委督查办〔2026〕9号" in page.locator("[data-table=accountability]").inner_text()
    assert page.locator("form[data-form=accountability]").count() == 0
    rated(db, county.dept_id("fgj"), (5, 4, 2))
    page.goto(f"{live_server}/console/reports/departments/{county.dept_id('fgj')}")
    card = page.locator("[data-table=accountability]")
    card.scroll_into_view_if_needed()
    assert "县委督查办〔2026〕9号" in card.inner_text()
    figures = page.locator("[data-table=figures]").inner_text()
    assert "复查不属实" in figures and "问责" in figures
    assert "3家企业评价（邀请3家）：5分1个、4分1个、2分1个" in figures and "3.67" in figures
    assert "评议企业" not in page.content()  # never which enterprise
    screenshot(page, "report-card-accountability")


def rated(db, department_id: int, scores: tuple[int, ...]) -> None:
    """A 企业评议 round over 1-15 November in which enterprises gave the department `scores`."""
    db.rollback()  # a fresh transaction: the live server has written since this session last read
    rnd = RatingRound(title="2026年11月上半月企业评议部门服务", period_from=date(2026, 11, 1),
                      period_to=date(2026, 11, 15), answer_by=date(2026, 11, 30), skipped=[])
    db.add(rnd)
    db.flush()
    for n, score in enumerate(scores):
        firm = Enterprise(name=f"评议企业{n}有限公司")
        db.add(firm)
        db.flush()
        invitation = RatingInvitation(round_id=rnd.id, enterprise_id=firm.id, phone=f"1390000000{n}",
                                      nonce=f"card-rating-{n}", sent_at=rnd.opened_at)
        db.add(invitation)
        db.flush()
        db.add(DepartmentRating(round_id=rnd.id, invitation_id=invitation.id, department_id=department_id, issues=1,
                                score=score, comment="办理较慢" if score <= 2 else None, answered_at=rnd.opened_at))
    db.commit()
