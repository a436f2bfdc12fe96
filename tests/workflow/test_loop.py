"""The whole closed loop over HTTP, for every channel."""
import pytest

from models import Channel

from ..helpers import future


@pytest.mark.parametrize("channel", [c.value for c in Channel])
def test_issue_runs_the_whole_loop(api, county, sms, channel):
    issue = api.create_issue(channel=channel)
    assert issue["status"] == "collected"
    assert issue["code"].startswith("YS") and len(issue["code"]) == len("YS2026-000001")

    # the co-handling department's notice goes to its handler's mobile (its own number is a landline)
    issue = api.ok("POST", f"/api/v1/issues/{issue['id']}/actions/assign", "coordinator",
                   json=api.assign_body(co_handler_ids=[county.user_id("zrj")]))
    assert issue["status"] == "assigned"
    assert issue["co_department_ids"] == [county.dept_id("zrj")]
    assert all(issue["deadlines"][k] for k in ("accept_due", "complete_due", "visit_due"))
    assert issue["flag"] in ("green", "yellow")

    issue = api.ok("POST", f"/api/v1/issues/{issue['id']}/actions/accept", "fgj", json={})
    assert issue["status"] == "in_progress"
    api.ok("POST", f"/api/v1/issues/{issue['id']}/actions/plan", "fgj",
           json={"plan": "协调交通局三日内修复"})
    api.ok("POST", f"/api/v1/issues/{issue['id']}/actions/progress", "zrj",
           json={"note": "已完成现场勘察"})
    api.ok("POST", f"/api/v1/issues/{issue['id']}/actions/urge", "supervisor",
           json={"note": "请加快进度"})
    api.ok("POST", f"/api/v1/issues/{issue['id']}/actions/instruct", "leader",
           json={"note": "务必本周内解决"})
    issue = api.ok("POST", f"/api/v1/issues/{issue['id']}/actions/reply", "fgj",
                   json={"result": "路面已修复"})
    assert issue["status"] == "replied"
    issue = api.ok("POST", f"/api/v1/issues/{issue['id']}/actions/visit", "coordinator",
                   json={"satisfaction": "satisfied", "note": "企业满意"})
    assert issue["status"] == "closed" and issue["flag"] is None
    api.ok("POST", f"/api/v1/issues/{issue['id']}/actions/evaluate", "coordinator",
           json={"verdict": "resolved", "evidence": "现场核实路面已修复"})
    issue = api.ok("POST", f"/api/v1/issues/{issue['id']}/actions/publish", "coordinator",
                   json={"public_summary": "工业园区东路路面已修复，货车恢复通行。"})
    assert issue["status"] == "published" and issue["disclosure"] == "public"

    events = api.ok("GET", f"/api/v1/issues/{issue['id']}/events", "coordinator")["items"]
    assert [e["action"] for e in events] == ["create", "assign", "accept", "plan", "progress",
                                             "urge", "instruct", "reply", "visit", "evaluate", "publish"]
    assert events[1]["from_status"] == "collected" and events[1]["to_status"] == "assigned"

    public = api.ok("GET", f"/api/v1/public/issues/{issue['code']}")
    assert public["summary"] == "工业园区东路路面已修复，货车恢复通行。"
    assert public["department"] == "县发改局"

    sent = api.ok("GET", f"/api/v1/notifications?issue_id={issue['id']}", "supervisor")["items"]
    kinds = sorted(m["recipient_kind"] for m in sent if m["recipient_kind"] != "reporter")
    assert kinds == ["co_department", "department", "department"]
    # the reporter hears at every step: registered, assigned, replied (with the rating request), closed
    consulted = ["consult_reporter"] if channel in ("breakfast", "forum") else []  # 征求意见 on the plan
    assert [m["template"] for m in sorted(sent, key=lambda m: m["id"]) if m["recipient_kind"] == "reporter"] == [
        "registered_reporter", "assigned_reporter", *consulted, "replied_reporter", "closed_reporter"]


def test_extension_and_suspension_move_the_deadline(api):
    from ..helpers import issue_in
    issue = issue_in(api, "in_progress")
    due = issue["deadlines"]["complete_due"]
    wanted = future(60)
    r = api.act(issue["id"], "request_extension", "fgj", {"complete_due": wanted, "reason": "等待设备到货"})
    assert r.status_code == 200
    r = api.act(issue["id"], "request_extension", "fgj", {"complete_due": future(61), "reason": "再延"})
    assert r.status_code == 409 and r.get_json()["error"]["code"] == "extension_pending"
    issue = api.ok("POST", f"/api/v1/issues/{issue['id']}/actions/decide_extension", "coordinator",
                   json={"approve": True, "note": "同意"})
    assert issue["deadlines"]["complete_due"] == wanted != due
    assert issue["extension_count"] == 1
