"""A 公示批次's public page on a phone (390×844): the issues with their verdicts, then an
objection raised and shown masked; and the page as printed."""
from datetime import datetime, timedelta, timezone

from service.deadlines.calendar import local_date

from ..public_helpers import published
from .conftest import screenshot


def test_the_batch_page_and_an_objection_on_a_phone(api, live_server, page):
    today = local_date(datetime.now(timezone.utc))
    issues = [published(api, title="企业用电报装等待时间过长", summary="县供电公司压缩报装时限，该企业已通电投产。"),
              published(api, title="园区东路路面塌陷影响货车通行", lead="zrj", summary="塌陷路段已修复。")]
    batch = api.ok("POST", "/api/v1/disclosure-batches", "coordinator", status=201, json={
        "title": "2026年第3期服务企业早餐会问题办理情况公示", "issue_ids": [i["id"] for i in issues],
        "starts_on": (today - timedelta(days=1)).isoformat(), "ends_on": (today + timedelta(days=6)).isoformat()})
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server}{batch['public_url']}")
    main = page.locator("main").inner_text()
    assert "2026年第3期服务企业早餐会问题办理情况公示" in main and "已解决" in main
    assert all(i["code"] in main for i in issues)
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    screenshot(page, "batch-phone")

    page.fill("textarea[name=content]", "园区东路仍有一段未修复，电话13911112222")
    page.fill("input[name=name]", "赵骁璟")
    page.click("button:has-text('提交异议')")
    assert "请填写 11 位手机号" in page.locator("main").inner_text()   # the contact is required
    page.fill("input[name=phone]", "13911112222")
    page.click("button:has-text('提交异议')")
    objection = page.locator("[data-objection]")
    objection.wait_for()
    text = page.locator("#objections").inner_text()
    assert "异议已提交" in text and "赵*璟" in text and "139****2222" in text and "待答复" in text
    assert "赵骁璟" not in page.content() and "13911112222" not in page.content()
    objection.scroll_into_view_if_needed()
    screenshot(page, "batch-objection-phone")

    page.emulate_media(media="print")
    page.set_viewport_size({"width": 794, "height": 1123})   # A4 at 96 dpi
    assert not page.locator("form").first.is_visible()
    screenshot(page, "batch-print")
