"""Every refusal of the loop's steps names what to fix: a wrong department, leader, date or a
missing reason is a 4xx whose message says which field and why, and nothing is saved."""
from datetime import date, timedelta

import pytest

from ..helpers import EVALUATE, future, issue_in


def past(days: int) -> str:
    return (date.fromisoformat(future(0)) - timedelta(days=days)).isoformat()


def refused(api, issue, action, who, body, status=422):
    before = api.ok("GET", f"/api/v1/issues/{issue['id']}", "coordinator")
    resp = api.act(issue["id"], action, who, body)
    assert resp.status_code == status, resp.get_json()
    after = api.ok("GET", f"/api/v1/issues/{issue['id']}", "coordinator")
    assert (after["status"], after["version"]) == (before["status"], before["version"])
    return resp.get_json()["error"]


def field_error(api, issue, action, who, body, field):
    error = refused(api, issue, action, who, body)
    assert field in error["fields"], error
    return error["fields"][field]


def test_an_unknown_step_is_not_found(api):
    issue = issue_in(api, "collected")
    assert refused(api, issue, "fly", "coordinator", {}, status=404)["code"] in ("unknown_action", "not_found")


@pytest.mark.parametrize("over, field, words", [
    ({"lead_department_id": 999999}, "lead_department_id", "部门不存在"),
    ({"lead_leader_id": "operator"}, "lead_leader_id", "县级领导"),
    ({"deadlines": {"reply_due": "yesterday"}}, "deadlines.reply_due", "不能早于"),
    ({"deadlines": {"complete_due": "far"}}, "deadlines.complete_due", "不能晚于"),
    ({"deadlines": {"reply_due": "+10", "complete_due": "+5"}}, "deadlines.complete_due", "不能早于回复"),
])
def test_an_assignment_names_the_wrong_department_leader_or_date(api, county, over, field, words):
    issue = issue_in(api, "collected")
    if "lead_leader_id" in over:
        over = {"lead_leader_id": county.user_id(over["lead_leader_id"])}
    if "deadlines" in over:
        spelled = {"yesterday": past(1), "far": future(800), "+10": future(10), "+5": future(5)}
        over = {"deadlines": {k: spelled[v] for k, v in over["deadlines"].items()}}
    assert words in field_error(api, issue, "assign", "coordinator", api.assign_body(**over), field)


def test_an_answer_on_the_spot_cannot_be_unsatisfied(api):
    issue = issue_in(api, "collected")
    message = field_error(api, issue, "answer_on_spot", "operator",
                          {"answer": "已当场解释政策", "satisfaction": "unsatisfied"}, "satisfaction")
    assert "交办部门办理" in message


def test_a_duplicate_names_the_issue_it_joins_and_not_itself(api):
    issue = issue_in(api, "collected")
    assert "并入哪一件" in field_error(api, issue, "reject", "coordinator", {"reason": "duplicate"}, "merged_into")
    assert "不存在" in field_error(api, issue, "reject", "coordinator",
                                  {"reason": "duplicate", "merged_into": issue["id"]}, "merged_into")


def test_extension_requests_and_decisions_name_what_is_wrong(api):
    issue = issue_in(api, "in_progress")
    assert "不能晚于" in field_error(api, issue, "request_extension", "fgj",
                                    {"complete_due": future(900), "reason": "需要更长时间"}, "complete_due")
    error = refused(api, issue, "decide_extension", "coordinator", {"approve": True}, status=409)
    assert error["code"] == "no_pending_extension"
    asked = api.act(issue["id"], "request_extension", "fgj",
                    {"complete_due": future(60), "reason": "设备到货需要时间"})
    assert asked.status_code == 200, asked.get_json()
    assert "理由" in field_error(api, issue, "decide_extension", "coordinator", {"approve": False}, "note")
    assert "不能早于今天" in field_error(api, issue, "decide_extension", "coordinator",
                                      {"approve": True, "complete_due": past(1)}, "complete_due")
    # the first extension is the office's to decide, not a leader's; a second one the lead leader's
    assert "县营商办" in refused(api, issue, "decide_extension", "leader", {"approve": True},
                               status=403)["message"]
    assert api.act(issue["id"], "decide_extension", "coordinator", {"approve": True}).status_code == 200
    again = api.act(issue["id"], "request_extension", "fgj", {"complete_due": future(90), "reason": "设备仍未到货"})
    assert again.status_code == 200, again.get_json()
    # another county leader is told the issue does not exist
    error = refused(api, issue, "decide_extension", "leader2", {"approve": True}, status=404)
    assert error["code"] == "issue_not_found"


def test_deadline_changes_suspensions_and_reports_name_the_field(api):
    issue = issue_in(api, "in_progress")
    assert "重新确定的时限" in field_error(api, issue, "set_deadline", "coordinator",
                                        {"deadlines": {}, "reason": "会议调整"}, "deadlines")
    assert "不能早于今天" in field_error(api, issue, "suspend", "coordinator",
                                      {"reason": "等待省级审批", "review_on": past(1)}, "review_on")
    assert "必填" in field_error(api, issue, "report", "fgj", {"report": "   "}, "report")


def test_an_evaluation_is_not_dated_before_the_closure(api):
    issue = issue_in(api, "closed")
    body = {**EVALUATE[2], "evaluated_on": past(1)}
    assert "不能早于办结日期" in field_error(api, issue, "evaluate", "coordinator", body, "evaluated_on")
