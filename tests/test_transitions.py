"""Every cell of the transition table: (state, action, role) → allowed, or refused and why.

The expectations are written out here from the contract in api.md, not derived from the
application's own table, so a wrong row in models/workflow.py fails this test.
"""
import pytest

from .helpers import future, issue_in

STATES = ["collected", "assigned", "in_progress", "suspended", "replied", "closed", "published",
          "rejected"]
# The user acting for each role; the department user is of the lead department, the leader
# is the issue's lead leader.
ROLE_USER = {"admin": "admin", "coordinator": "coordinator", "operator": "operator",
             "supervisor": "supervisor", "department": "fgj", "leader": "leader"}
OPEN = {"collected", "assigned", "in_progress", "suspended", "replied"}

# action: (from-states, roles, state after a valid body)
CONTRACT = {
    "assign": ({"collected"}, {"coordinator"}, "assigned"),
    "answer_on_spot": ({"collected"}, {"operator", "coordinator"}, "replied"),
    "reject": ({"collected"}, {"coordinator"}, "rejected"),
    "accept": ({"assigned"}, {"department"}, "in_progress"),
    "return": ({"assigned"}, {"department"}, "collected"),
    "plan": ({"in_progress"}, {"department"}, "in_progress"),
    "progress": ({"in_progress"}, {"department", "coordinator"}, "in_progress"),
    "request_extension": ({"in_progress"}, {"department"}, "in_progress"),
    # the first extension is the office's to decide, a further one the lead leader's
    "decide_extension": ({"in_progress"}, {"coordinator", "leader"}, "in_progress"),
    "set_deadline": ({"assigned", "in_progress"}, {"coordinator"}, None),
    "urge": ({"assigned", "in_progress"}, {"supervisor", "coordinator"}, None),
    "suspend": ({"in_progress"}, {"coordinator"}, "suspended"),
    "resume": ({"suspended"}, {"coordinator"}, "in_progress"),
    "instruct": (OPEN, {"leader"}, None),
    "reply": ({"in_progress"}, {"department"}, "replied"),
    "visit": ({"replied"}, {"coordinator"}, "closed"),
    # 整改评估 of a closed issue; 重办 once it found the issue 未解决; 公示 once it did not
    "evaluate": ({"closed"}, {"coordinator"}, "closed"),
    "reopen": ({"closed"}, {"coordinator"}, "in_progress"),
    "publish": ({"closed"}, {"coordinator"}, "published"),
    "withhold": ({"closed"}, {"coordinator"}, "closed"),
    "withdraw": ({"published"}, {"coordinator"}, "closed"),
}


def valid_body(action: str, api) -> dict:
    return {
        "assign": api.assign_body(),
        "answer_on_spot": {"answer": "已当场解答政策适用口径"},
        "reject": {"reason": "out_of_scope", "note": "属市级事权"},
        "accept": {"note": "已签收"},
        "return": {"reason": "不属于本单位职责"},
        "plan": {"plan": "三日内现场勘察，十日内完成修复"},
        "progress": {"note": "已完成现场勘察"},
        "request_extension": {"complete_due": future(90), "reason": "等待设备到货"},
        "decide_extension": {"approve": True, "note": "同意延期"},
        "set_deadline": {"deadlines": {"complete_due": future(40)}, "reason": "按会议要求重新确定办理时限"},
        "urge": {"note": "请加快办理"},
        "suspend": {"reason": "需省级审批", "review_on": future(30)},
        "resume": {"note": "省级已批复"},
        "instruct": {"note": "务必本周解决"},
        "reply": {"result": "已完成修复"},
        "visit": {"satisfaction": "satisfied", "note": "企业满意"},
        "evaluate": {"verdict": "resolved", "evidence": "现场核实已修复"},
        "reopen": {"reason": "现场核查问题仍然存在，请重新办理"},
        "publish": {"public_summary": "已修复。"},
        "withhold": {"reason": "涉及商业秘密"},
        "withdraw": {"reason": "企业反映公示内容有误，核实后重新公示"},
    }[action]


def expected_status(state: str, action: str, role: str) -> int:
    from_states, roles, _ = CONTRACT[action]
    sees = role not in ("department", "leader") or state not in ("collected", "rejected")
    if not sees:
        return 404
    if role not in roles:
        return 403
    if state not in from_states:
        return 409
    if action == "decide_extension" and role == "leader":
        return 403  # the cell's request is the issue's first: the office decides it
    return 200


def test_contract_covers_every_action(app):
    from models.workflow import STEPS
    assert set(CONTRACT) == set(STEPS)


@pytest.mark.parametrize("role", list(ROLE_USER))
@pytest.mark.parametrize("action", list(CONTRACT))
@pytest.mark.parametrize("state", STATES)
def test_transition_cell(api, state, action, role):
    issue = issue_in(api, state)
    if action == "decide_extension" and state == "in_progress":
        r = api.act(issue["id"], "request_extension", "fgj", valid_body("request_extension", api))
        assert r.status_code == 200
        issue = r.get_json()
    if action in ("publish", "reopen") and state == "closed":
        # the evaluation each needs: 公示 any but 未解决, 重办 未解决
        verdict = "unresolved" if action == "reopen" else "resolved"
        r = api.act(issue["id"], "evaluate", "coordinator", {"verdict": verdict, "evidence": "现场核实"})
        assert r.status_code == 200
        issue = r.get_json()
    before = api.ok("GET", f"/api/v1/issues/{issue['id']}/events", "coordinator")["items"]

    resp = api.act(issue["id"], action, ROLE_USER[role], valid_body(action, api))

    want = expected_status(state, action, role)
    body = resp.get_json()
    assert resp.status_code == want, body
    after = api.ok("GET", f"/api/v1/issues/{issue['id']}", "coordinator")
    events = api.ok("GET", f"/api/v1/issues/{issue['id']}/events", "coordinator")["items"]
    if want == 200:
        to_state = CONTRACT[action][2] or state
        assert body["status"] == after["status"] == to_state
        assert after["version"] == issue["version"] + 1
        assert len(events) == len(before) + 1
        assert events[-1]["action"] == action
        assert events[-1]["from_status"] == state and events[-1]["to_status"] == to_state
    else:
        assert set(body["error"]) == {"code", "message", "fields"} and body["error"]["message"]
        assert after["status"] == state and after["version"] == issue["version"]
        assert len(events) == len(before)
