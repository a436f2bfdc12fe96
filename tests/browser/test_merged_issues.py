"""Merged issues in a real browser: the main issue's section 并入的重复反映 with a reporter's
不满意 marked, and the merged issue's tracking page showing the main issue's published outcome."""
from ..core.test_integrity import act, at, clock  # noqa: F401 - fixture
from ..helpers import EVALUATE
from ..workflow.test_merged_issues import DUP_REPORTER, merged_and_replied, texted
from .conftest import login, screenshot


def test_the_office_sees_a_merged_reporters_unsatisfied_rating(app, api, clock, engine, live_server, page):  # noqa: F811
    main, dup = merged_and_replied(api, clock)
    texted(engine, DUP_REPORTER["phone"], "3", at(11, 6), "b-1")
    clock(at(11, 6, 12))
    login(page, live_server, "coordinator")
    page.goto(f"{live_server}/console/issues/{main['id']}")
    section = page.locator("#merged-issues")
    section.scroll_into_view_if_needed()
    assert section.locator("h2").inner_text().startswith("并入的重复反映")
    row = section.locator(f"tr[data-merged='{dup['code']}']")
    assert "table-danger" in row.get_attribute("class") and "不满意" in row.inner_text()
    assert "赵*" in row.inner_text() and DUP_REPORTER["phone"] not in page.content()
    assert section.locator("[data-merged-unsatisfied]").is_visible()
    screenshot(page, "merged-main-issue")
    row.get_by_role("link", name=dup["code"]).click()
    page.wait_for_url(f"**/console/issues/{dup['id']}")
    assert page.locator("#merged-into").inner_text() == main["code"]


def test_a_merged_reporter_tracks_the_main_issues_published_outcome(api, clock, live_server, page):  # noqa: F811
    main, dup = merged_and_replied(api, clock)
    act(api, clock, at(11, 9), main, "visit", "coordinator", {"satisfaction": "satisfied"})
    act(api, clock, at(11, 9), main, *EVALUATE)
    act(api, clock, at(11, 10), main, "publish", "coordinator", {"public_summary": "园区东路已修复。"})
    clock(at(11, 11))
    page.goto(f"{live_server}/track?code={dup['code']}")
    page.fill("input[name=phone_last4]", "6666")
    page.click("button:has-text('查询')")
    merged = page.locator("#merged-into")
    merged.wait_for()
    assert main["code"] in merged.inner_text() and "园区东路已修复" in merged.inner_text()
    assert "13812345678" not in page.content()
    merged.scroll_into_view_if_needed()
    screenshot(page, "merged-track")
    merged.get_by_role("link", name=main["code"]).click()
    page.wait_for_url(f"**/issues/{main['code']}")
