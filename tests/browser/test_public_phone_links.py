"""The reporter's path from the SMS on a phone (390×844) and at a desktop size: the link opens the
form with the code filled in, a code typed short and in lower case finds the issue, and the footer
offers links a thumb can use."""
import pytest

from ..helpers import REPORTER, issue_in
from .conftest import screenshot

SIZES = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1366, "height": 768}}


@pytest.fixture(params=list(SIZES))
def size(request, page):
    page.set_viewport_size(SIZES[request.param])
    return request.param


def test_from_the_sms_link_to_the_progress_and_the_footer(live_server, page, size, api):
    issue = issue_in(api, "assigned", title="园区东路路灯不亮")
    page.goto(f"{live_server}/track?code={issue['code']}")
    assert page.input_value("input[name=code]") == issue["code"]
    year, seq = issue["code"][2:6], int(issue["code"][7:])
    page.fill("input[name=code]", f"ys{year}-{seq}")
    page.fill("input[name=phone_last4]", REPORTER["phone"][-4:])
    page.click("button:has-text('查询')")
    result = page.locator("section.pub-card")
    result.wait_for()
    assert issue["code"] in result.inner_text() and "园区东路路灯不亮" in result.inner_text()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    screenshot(page, f"19c-track-short-code-{size}")
    footer = page.locator(".pub-footer-links")
    footer.scroll_into_view_if_needed()
    for link in footer.locator("a").all():
        box = link.bounding_box()
        assert box["height"] >= 44, link.inner_text()       # thumb-sized
    assert page.locator(".pub-footer-tech").is_visible() == (size == "desktop")
    assert page.locator("link[rel=icon]").get_attribute("href").endswith("favicon.svg")
    screenshot(page, f"19c-footer-{size}")
