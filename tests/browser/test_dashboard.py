"""统计分析, 督查通报 and 成绩单 in Chromium on the demo county: the charts are drawn from the
page's own data with nothing fetched from elsewhere, the tables carry the same figures, and the
bulletin prints as a document without the console around it."""
from datetime import datetime, timezone
from urllib.parse import urlparse

import pytest
from playwright.sync_api import expect
from sqlmodel import Session

import demo

from .conftest import login, menu_link, screenshot

VIEWPORT = {"width": 1366, "height": 900}
CHARTS = ("trend", "flags", "channels", "departments", "categories", "townships")


@pytest.fixture
def demo_county(engine):
    with Session(engine, expire_on_commit=False) as session:
        demo.seed(session, datetime.now(timezone.utc), issue_count=120)


def watch(page) -> dict[str, list]:
    """Console errors, uncaught exceptions and every URL the page asked for."""
    seen = {"errors": [], "requests": []}
    # A failed load is reported by its response below, with its URL (Chromium asks for a
    # /favicon.ico the console does not have; that one is not the page's).
    page.on("console", lambda m: seen["errors"].append(m.text)
            if m.type == "error" and not m.text.startswith("Failed to load resource") else None)
    page.on("pageerror", lambda exc: seen["errors"].append(str(exc)))
    page.on("response", lambda r: seen["errors"].append(f"{r.status} {r.url}")
            if r.status >= 400 and not r.url.endswith("/favicon.ico") else None)
    page.on("request", lambda req: seen["requests"].append(req.url))
    return seen


def only_this_machine(seen: dict) -> None:
    hosts = {urlparse(u).hostname for u in seen["requests"] if u.startswith("http")}
    assert hosts == {"127.0.0.1"}, seen["requests"]
    assert seen["errors"] == []


def cell_numbers(page, table: str, column: int) -> list[int]:
    cells = page.locator(f"table[data-table={table}] tbody tr > :nth-child({column})")
    return [int(t) for t in cells.all_inner_texts()]


def test_dashboard_draws_every_chart_from_its_table(live_server, page, demo_county):
    page.set_viewport_size(VIEWPORT)
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    seen = watch(page)
    login(page, live_server, "yingshang", demo.DEMO_PASSWORD)
    menu_link(page, "统计分析").click()
    with page.expect_response(lambda r: "/console/dashboard" in r.url) as answer:
        page.get_by_role("link", name="本年").click()
    # The charts run under the console's policy: no inline script or style allowed.
    assert "unsafe-inline" not in answer.value.headers["content-security-policy"]
    expect(page.locator("[data-preset=this_year]")).to_have_attribute("aria-current", "page")

    for key in CHARTS:
        expect(page.locator(f"[data-chart={key}] canvas").first).to_be_attached()
        assert page.locator(f"[data-chart={key}]").bounding_box()["height"] > 100, key
    # The figures the charts show are the tables' figures: collected per channel adds up.
    collected = cell_numbers(page, "channels", 2)
    assert sum(collected) == int(page.locator("[data-figure=total] .count").inner_text()) > 0
    assert sum(cell_numbers(page, "flags", 2)) > 0
    # A tooltip on hover, drawn on the canvas: nothing the policy blocks.
    box = page.locator("[data-chart=trend]").bounding_box()
    page.mouse.move(box["x"] + box["width"] * 0.6, box["y"] + box["height"] * 0.5)
    page.wait_for_timeout(300)
    screenshot(page, "dashboard-top")

    page.get_by_role("button", name="复制").click()
    expect(page.get_by_role("button", name="已复制")).to_be_visible()
    copied = page.evaluate("navigator.clipboard.readText()")
    assert copied == page.locator("#summary-sentence").inner_text() and copied.startswith("本年度")

    page.locator("[data-chart=departments]").scroll_into_view_if_needed()
    screenshot(page, "dashboard-departments")
    page.locator("table[data-table=departments]").scroll_into_view_if_needed()
    screenshot(page, "dashboard-ranking")
    page.locator("[data-chart=categories]").scroll_into_view_if_needed()
    screenshot(page, "dashboard-hot-spots")
    only_this_machine(seen)

    # A custom period that does not exist is named, not a server error.
    page.fill("#period-from", "")
    page.locator("#period-from").evaluate("el => { el.type = 'text'; el.value = '2026-02-30'; }")
    page.get_by_role("button", name="按自定义时段统计").click()
    expect(page.locator("#period-error")).to_contain_text("起始日期")
    assert page.locator("[data-chart]").count() == 0
    screenshot(page, "dashboard-bad-period")


def test_the_bulletin_prints_as_a_document(live_server, page, demo_county):
    page.set_viewport_size(VIEWPORT)
    seen = watch(page)
    login(page, live_server, "ducha", demo.DEMO_PASSWORD)
    page.goto(f"{live_server}/console/dashboard")
    page.get_by_role("link", name="督查通报").click()
    title = page.locator("h1.bulletin-title")
    expect(title).to_contain_text("营商环境问题督查通报（")
    expect(title).to_contain_text("期）")
    # The demo county has overdue issues: a department section with at least one row.
    assert page.locator(".bulletin-section tbody tr").count() > 0
    screenshot(page, "bulletin-screen")

    page.emulate_media(media="print")
    expect(page.locator("nav.navbar")).to_be_hidden()
    expect(page.locator("form[aria-label='选择通报期次']")).to_be_hidden()
    expect(title).to_be_visible()
    screenshot(page, "bulletin-print")
    page.emulate_media(media="screen")

    # The earlier half-month: picked from the list.
    page.get_by_role("link", name="上一期").click()
    expect(title).to_be_visible()
    only_this_machine(seen)


def test_a_department_sees_its_own_report_card(live_server, page, demo_county):
    page.set_viewport_size(VIEWPORT)
    seen = watch(page)
    login(page, live_server, "dept_fgj", demo.DEMO_PASSWORD)
    menu_link(page, "统计分析").click()
    expect(page.locator("h1")).to_contain_text("成绩单")
    page.get_by_role("link", name="本年").click()
    expect(page.locator("[data-chart=trend] canvas").first).to_be_attached()
    expect(page.locator("[data-figure=rank]")).to_contain_text("名")
    screenshot(page, "report-card")
    page.emulate_media(media="print")
    expect(page.locator("nav.navbar")).to_be_hidden()
    screenshot(page, "report-card-print")
    only_this_machine(seen)
