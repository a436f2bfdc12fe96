"""征求意见 on a phone: the reporter opens the link in their SMS, reads the plan and agrees, or
objects with a reason, at 390 px."""
import re

from .conftest import screenshot

PHONE = {"width": 390, "height": 844}


def _link(api, issue) -> str:
    items = api.ok("GET", f"/api/v1/notifications?issue_id={issue['id']}", "coordinator")["items"]
    body = next(m["body"] for m in items if m["template"] == "consult_reporter")
    return "/plan/" + re.search(r"/plan/(\S+)$", body).group(1)


def _planned(api, plan: str) -> dict:
    from ..helpers import issue_in
    issue = issue_in(api, "in_progress", channel="forum")
    return api.ok("POST", f"/api/v1/issues/{issue['id']}/actions/plan", "fgj", json={"plan": plan})


def test_the_reporter_agrees_and_objects_on_a_phone(live_server, page, api):
    agreed = _planned(api, "由县交通局三日内修复园区东路路面，修复期间货车改走纬二路。")
    page.set_viewport_size(PHONE)
    page.goto(live_server + _link(api, agreed))
    assert "园区东路路面" in page.locator("#plan-text").inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    screenshot(page, "plan-opinion-phone")
    page.get_by_label("同意", exact=True).check()
    page.get_by_role("button", name="提交").click()
    assert "已记录您同意该办理方案" in page.content()
    screenshot(page, "plan-opinion-agreed-phone")

    objected = _planned(api, "协调供电公司下月迁改线路。")
    page.goto(live_server + _link(api, objected))
    page.get_by_role("radio", name="有意见").check()
    page.get_by_role("button", name="提交").click()
    assert "请写明您对办理方案的意见" in page.content()  # a reason is asked for, nothing saved
    page.get_by_label("意见（选择“有意见”时必填）").fill("下月太晚，企业本月就要投产")
    page.get_by_role("button", name="提交").click()
    assert "您的意见已收到" in page.content()
    screenshot(page, "plan-opinion-objected-phone")
    events = api.ok("GET", f"/api/v1/issues/{objected['id']}/events", "coordinator")["items"]
    assert events[-1]["note"] == "下月太晚，企业本月就要投产"
