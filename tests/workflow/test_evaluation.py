"""整改评估 before 公示: the office's verdict on a closed issue, required for publishing; an
issue found 未解决 goes back to its department (重办) as a new round that counts against it."""
import io
import re
from datetime import datetime, timezone

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from sqlmodel import select

from models import AuditTrailImmutable, Evaluation, SmsMessage
from service.workflow import attachments

from ..console import Console
from ..helpers import issue_in

STATS = "/api/v1/stats/departments"
PDF = b"%PDF-1.7\n%%EOF\n"


def events(api, issue) -> list[dict]:
    return api.ok("GET", f"/api/v1/issues/{issue['id']}/events", "coordinator")["items"]


def fgj_row(api) -> dict:
    return next(r for r in api.ok("GET", STATS, "coordinator")["items"] if r["department_name"] == "县发改局")


def evaluate(api, issue, verdict="resolved", **body):
    resp = api.act(issue["id"], "evaluate", "coordinator", {"verdict": verdict, "evidence": "现场核查情况", **body})
    assert resp.status_code == 200, resp.get_json()
    return resp.get_json()


def test_publishing_needs_an_evaluation(api):
    issue = issue_in(api, "closed")
    resp = api.act(issue["id"], "publish", "coordinator", {"public_summary": "已修复。"})
    assert resp.status_code == 409
    error = resp.get_json()["error"]
    assert error["code"] == "evaluation_missing" and "整改评估" in error["message"]
    assert api.ok("GET", f"/api/v1/issues/{issue['id']}", "coordinator")["status"] == "closed"

    evaluate(api, issue, "partial")
    assert api.ok("GET", f"/api/v1/issues/{issue['id']}", "coordinator")["evaluation"]["verdict"] == "partial"
    published = api.ok("POST", f"/api/v1/issues/{issue['id']}/actions/publish", "coordinator",
                       json={"public_summary": "已修复。"})
    assert published["status"] == "published"
    assert events(api, issue)[-1]["data"]["verdict"] == "partial"


@pytest.mark.parametrize("body, field", [
    ({"evidence": "现场核查"}, "verdict"),
    ({"verdict": "resolved"}, "evidence"),
    ({"verdict": "resolved", "evidence": "   "}, "evidence"),
    ({"verdict": "done", "evidence": "现场核查"}, "verdict"),
    ({"verdict": "resolved", "evidence": "现场核查", "evaluated_on": "2099-01-01"}, "evaluated_on"),
])
def test_an_evaluation_names_what_is_missing(api, body, field):
    issue = issue_in(api, "closed")
    resp = api.act(issue["id"], "evaluate", "coordinator", body)
    assert resp.status_code == 422, resp.get_json()
    assert field in resp.get_json()["error"]["fields"]
    assert re.search(r"[\u4e00-\u9fff]", resp.get_json()["error"]["fields"][field])
    assert events(api, issue)[-1]["action"] == "visit"


def test_the_evaluation_is_on_the_timeline_with_its_evidence(api, app, db, county, tmp_path):
    issue = issue_in(api, "closed")
    other = issue_in(api, "closed")
    at = datetime.now(timezone.utc)
    mine = attachments.add_attachment(db, county.users["coordinator"], issue["id"], io.BytesIO(PDF), "整改照片.pdf",
                                      at, tmp_path)
    theirs = attachments.add_attachment(db, county.users["coordinator"], other["id"], io.BytesIO(PDF), "别处.pdf",
                                        at, tmp_path)
    db.commit()
    refused = api.act(issue["id"], "evaluate", "coordinator",
                      {"verdict": "resolved", "evidence": "照片为证", "attachment_ids": [theirs.id]})
    assert refused.status_code == 422 and "attachment_ids" in refused.get_json()["error"]["fields"]

    evaluate(api, issue, "not_feasible", evidence="涉及省级审批，暂不具备条件", attachment_ids=[mine.id])
    last = events(api, issue)[-1]
    assert last["action"] == "evaluate" and last["note"] == "涉及省级审批，暂不具备条件"
    assert last["data"]["verdict"] == "not_feasible" and last["data"]["attachment_ids"] == [mine.id]
    assert last["actor_id"] == county.users["coordinator"].id

    page = Console(app, "coordinator").text(f"/console/issues/{issue['id']}")
    assert 'data-evaluation="not_feasible"' in page and "暂不具备解决条件" in page and "整改照片.pdf" in page


def test_unresolved_cannot_be_published_and_goes_back_to_the_department(api, db):
    issue = issue_in(api, "closed")
    assert fgj_row(api)["reopens"] == 0
    # 重办 only once an evaluation found it 未解决
    early = api.act(issue["id"], "reopen", "coordinator", {"reason": "请重新办理"})
    assert early.status_code == 409 and early.get_json()["error"]["code"] == "not_unresolved"
    evaluate(api, issue, "unresolved", evidence="现场核查路面仍有破损")
    refused = api.act(issue["id"], "publish", "coordinator", {"public_summary": "已修复。"})
    assert refused.status_code == 409 and refused.get_json()["error"]["code"] == "evaluation_unresolved"
    assert "未解决" in refused.get_json()["error"]["message"]

    before = api.ok("GET", f"/api/v1/issues/{issue['id']}", "coordinator")
    back = api.ok("POST", f"/api/v1/issues/{issue['id']}/actions/reopen", "coordinator",
                  json={"reason": "路面仍有破损，请重新修复"})
    assert back["status"] == "in_progress" and back["satisfaction"] is None
    assert back["round_no"] == before["round_no"] + 1 and back["reopen_count"] == 1
    assert back["deadlines"]["complete_due"] and back["evaluation"] is None
    # a new round that counts against the department, as an unsatisfied visit's 重办 does
    row = fgj_row(api)
    assert row["reopens"] == 1 and row["reopened"] == 1 and row["penalty"] >= 2.0
    queued = db.exec(select(SmsMessage).where(SmsMessage.issue_id == issue["id"],
                                              SmsMessage.template == "reopened")).all()
    assert [(m.recipient_phone, m.params["note"]) for m in queued] == [("13700001111", "路面仍有破损，请重新修复")]
    assert "in_progress" in {e["to_status"] for e in events(api, issue) if e["action"] == "reopen"}

    # the department answers again; the old round's evaluation no longer lets it be published
    api.ok("POST", f"/api/v1/issues/{issue['id']}/actions/reply", "fgj", json={"result": "已重新修复"})
    api.ok("POST", f"/api/v1/issues/{issue['id']}/actions/visit", "coordinator", json={"satisfaction": "satisfied"})
    again = api.act(issue["id"], "publish", "coordinator", {"public_summary": "已修复。"})
    assert again.status_code == 409 and again.get_json()["error"]["code"] == "evaluation_missing"
    evaluate(api, issue, "resolved")
    assert api.act(issue["id"], "publish", "coordinator", {"public_summary": "已修复。"}).status_code == 200


def test_only_the_office_evaluates_and_reopens(api):
    issue = issue_in(api, "closed")
    for who, status in (("fgj", 403), ("supervisor", 403), ("leader", 403), ("scj", 404)):
        resp = api.act(issue["id"], "evaluate", who, {"verdict": "resolved", "evidence": "越权评估"})
        assert resp.status_code == status, (who, resp.get_json())
    evaluate(api, issue, "unresolved")
    assert api.act(issue["id"], "reopen", "fgj", {"reason": "越权重办"}).status_code == 403


def test_the_console_offers_evaluation_then_reopening(api, app):
    issue = issue_in(api, "closed")
    office = Console(app, "coordinator")
    page = office.text(f"/console/issues/{issue['id']}")
    offered = re.findall(r'/actions/(\w+)"', page)
    assert "evaluate" in offered and "reopen" not in offered and 'data-evaluation="none"' in page
    resp = office.post(f"/console/issues/{issue['id']}/actions/evaluate",
                       {"version": issue["version"], "verdict": "", "evidence": ""})
    assert resp.status_code == 422
    resp = office.post(f"/console/issues/{issue['id']}/actions/evaluate",
                       {"version": issue["version"], "verdict": "unresolved", "evidence": "核查发现仍未修复"})
    assert resp.status_code == 302
    page = office.text(f"/console/issues/{issue['id']}")
    assert "reopen" in re.findall(r'/actions/(\w+)"', page) and "评估结论：" in page
    version = api.ok("GET", f"/api/v1/issues/{issue['id']}", "coordinator")["version"]
    resp = office.post(f"/console/issues/{issue['id']}/actions/reopen",
                       {"version": version, "reason": "请重新修复"})
    assert resp.status_code == 302
    assert api.ok("GET", f"/api/v1/issues/{issue['id']}", "coordinator")["status"] == "in_progress"


# the append-only triggers are written per database (migration 0016)
@pytest.mark.both_db
def test_an_evaluation_is_on_record_for_good(api, db):
    issue = issue_in(api, "closed")
    evaluate(api, issue, "resolved")
    evaluation = db.exec(select(Evaluation).where(Evaluation.issue_id == issue["id"])).one()
    evaluation.verdict = "unresolved"
    with pytest.raises(AuditTrailImmutable):
        db.commit()
    db.rollback()
    for statement in ("UPDATE issue_evaluation SET verdict = 'unresolved'", "DELETE FROM issue_evaluation"):
        with pytest.raises(DBAPIError, match="append-only"):
            db.execute(text(statement))
        db.rollback()
    assert api.ok("GET", f"/api/v1/issues/{issue['id']}", "coordinator")["evaluation"]["verdict"] == "resolved"
