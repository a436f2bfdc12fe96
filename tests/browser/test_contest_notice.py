"""擂台赛 in Chromium on the demo county: the office opens the stored quarter from the menu, and
its 通报 prints on A4 as a document without the console around it."""
from datetime import datetime, timezone

import pytest
from playwright.sync_api import expect
from sqlmodel import Session

import demo
from service.assessment.contest import quarter_choices
from service.deadlines.calendar import local_date

from .conftest import login, menu_link, screenshot
from .test_dashboard import only_this_machine, watch

VIEWPORT = {"width": 1366, "height": 768}


@pytest.fixture
def demo_county(engine):
    with Session(engine, expire_on_commit=False) as session:
        demo.seed(session, datetime.now(timezone.utc), issue_count=120)


def test_the_contest_notice_prints_as_a_document(live_server, page, demo_county):
    year, quarter = quarter_choices(local_date(datetime.now(timezone.utc)), 1)[0]
    page.set_viewport_size(VIEWPORT)
    seen = watch(page)
    login(page, live_server, "yingshang", demo.DEMO_PASSWORD)
    menu_link(page, "擂台赛").click()
    # the last finished quarter is the one shown, stored by the demo, with its podium and rules
    expect(page.locator("table[data-table=contest]")).to_be_visible()
    expect(page.locator("[data-podium=top]").first).to_be_visible()
    tops = page.locator("[data-podium=top]").count()  # three, or more when tied: a tie is never cut
    assert tops >= 3
    expect(page.locator("ul[data-rules]")).to_contain_text("每次一事一表扬加分")
    expect(page.locator("table[data-table=praises] tbody tr")).to_have_count(1)
    screenshot(page, "contest-table")

    page.get_by_role("link", name="擂台赛通报（打印）").click()
    title = page.locator("h1.bulletin-title")
    expect(title).to_have_text(f"{year}年第{quarter}季度营商环境问题办理擂台赛通报")
    expect(page.locator("ul[data-podium=top] li")).to_have_count(tops)
    screenshot(page, "contest-notice-screen")

    page.emulate_media(media="print")
    expect(page.locator("nav.navbar")).to_be_hidden()
    expect(page.get_by_role("button", name="打印（A4）")).to_be_hidden()
    expect(title).to_be_visible()
    # the document fills the printed width: no console margins, no card shadow
    width = page.locator("article.contest-notice").evaluate("el => el.getBoundingClientRect().width")
    assert width > 0.9 * VIEWPORT["width"] - 40
    screenshot(page, "contest-notice-print")
    pdf = page.pdf(format="A4")
    assert pdf.startswith(b"%PDF")
    page.emulate_media(media="screen")
    only_this_machine(seen)
