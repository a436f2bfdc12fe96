"""The office corrects what it assigned: 改派 (reassignment) to another lead department, the
descriptive fields edited with before and after on the timeline, and a returned issue offered
again in its meeting's table. Through the API and the console, with the request clock fixed
(CONSOLE_NOW). November 2026 has no public holiday: Mon 2, 9, 16, 23, 30 November."""
import re
from datetime import datetime

import pytest
from sqlmodel import Session, select

from models import DeadlineJudgement, ExtensionRequest, SmsMessage
from service.deadlines.calendar import LOCAL_TZ

from ..console import Console


def at(day: int, hour: int = 10, minute: int = 0) -> datetime:
    return datetime(2026, 11, day, hour, minute, tzinfo=LOCAL_TZ)


@pytest.fixture
def clock(app):
    """Set the request clock: clock(at(2))."""
    def set_to(moment: datetime) -> None:
        app.config["CONSOLE_NOW"] = moment
    yield set_to
    app.config["CONSOLE_NOW"] = None


def _act(api, clock, when, issue_id, action, who, body=None, status=200) -> dict:
    clock(when)
    resp = api.act(issue_id, action, who, body or {})
    assert resp.status_code == status, resp.get_json()
    return resp.get_json()


def _assigned(api, clock, **deadlines) -> dict:
    clock(at(2))
    issue = api.create_issue()
    return _act(api, clock, at(2), issue["id"], "assign", "coordinator",
                api.assign_body(deadlines={"accept_due": "2026-11-03", "reply_due": "2026-11-05",
                                           "complete_due": "2026-11-09", **deadlines}))


def _reassign(api, **over) -> dict:
    body = {"lead_department_id": api.county.dept_id("scj"), "responsible_person": "赵强",
            "responsible_phone": "13700002222", "reason": "经核实属市场监管职责，改由县市场监管局办理"}
    body.update(over)
    return body


def _sms(engine, issue_id: int) -> list[tuple[str, str, str]]:
    with Session(engine) as s:
        rows = s.execute(select(SmsMessage).where(SmsMessage.issue_id == issue_id).order_by(SmsMessage.id)).scalars()
        return [(m.recipient_kind, m.recipient_phone, m.template) for m in rows]


# --- 改派 ---------------------------------------------------------------------------------------

def test_the_office_reassigns_an_issue_in_progress_and_the_old_lateness_stays(app, api, clock, engine):
    issue = _assigned(api, clock)
    _act(api, clock, at(2, 11), issue["id"], "accept", "fgj")                       # on time
    _act(api, clock, at(4), issue["id"], "request_extension", "fgj",
         {"complete_due": "2026-11-16", "reason": "等待设备到货"})
    before = _sms(engine, issue["id"])

    # 限期回复 (5 Nov) passed unanswered: keeping it would make the new department late at once.
    kept = _act(api, clock, at(6), issue["id"], "reassign", "coordinator", _reassign(api), status=422)
    assert set(kept["error"]["fields"]) == {"deadlines.reply_due"}
    assert "已过" in kept["error"]["fields"]["deadlines.reply_due"]
    # No reason, or the same department: refused, naming the field.
    assert set(_act(api, clock, at(6), issue["id"], "reassign", "coordinator",
                    _reassign(api, reason="  ", deadlines={"reply_due": "2026-11-10"}), status=422)
               ["error"]["fields"]) == {"reason"}
    assert set(_act(api, clock, at(6), issue["id"], "reassign", "coordinator",
                    _reassign(api, lead_department_id=api.county.dept_id("fgj")), status=422)
               ["error"]["fields"]) == {"lead_department_id"}
    # A department may not reassign (the lead one gets 403, one that cannot see it 404).
    _act(api, clock, at(6), issue["id"], "reassign", "fgj", _reassign(api), status=403)
    _act(api, clock, at(6), issue["id"], "reassign", "scj", _reassign(api), status=404)
    assert _sms(engine, issue["id"]) == before

    moved = _act(api, clock, at(6), issue["id"], "reassign", "coordinator",
                 _reassign(api, deadlines={"reply_due": "2026-11-10", "complete_due": "2026-11-20"}))
    assert moved["status"] == "assigned" and moved["version"] == issue["version"] + 3
    assert moved["lead_department_id"] == api.county.dept_id("scj")
    assert moved["co_department_ids"] == [api.county.dept_id("zrj")]          # kept
    assert moved["deadlines"]["complete_due"] == "2026-11-20"
    assert moved["deadlines"]["reply_due"] == "2026-11-10"
    assert moved["deadlines"]["accept_due"] >= "2026-11-06"                     # the new department signs anew
    assert moved["completed_on_time"] is None

    # The old department's missed 限期回复 is recorded late, in its round and against it.
    with Session(engine) as s:
        judged = {(j.round_no, j.deadline): (j.department_id, j.on_time, j.met) for j in s.execute(
            select(DeadlineJudgement).where(DeadlineJudgement.issue_id == issue["id"])).scalars()}
        extension = s.execute(select(ExtensionRequest).where(ExtensionRequest.issue_id == issue["id"])).scalar_one()
    fgj = api.county.dept_id("fgj")
    assert judged == {(1, "accept_due"): (fgj, True, True), (1, "reply_due"): (fgj, False, False)}
    # Its extension request is no longer waiting for a decision.
    assert extension.status == "refused" and "改派" in extension.decision_note

    # The timeline names the old and the new department, with the reason.
    events = api.ok("GET", f"/api/v1/issues/{issue['id']}/events", "coordinator")["items"]
    last = events[-1]
    assert last["action"] == "reassign" and last["label"] == "改派"
    assert (last["from_status"], last["to_status"]) == ("in_progress", "assigned")
    assert last["data"]["from_department_id"] == fgj
    assert last["data"]["lead_department_id"] == api.county.dept_id("scj")
    assert last["note"] == "经核实属市场监管职责，改由县市场监管局办理"
    page = Console(app, "coordinator").text(f"/console/issues/{issue['id']}")
    assert "由 县发改局 改派 县市场监管局" in re.sub(r"\s+", " ", page)

    # The old responsible person hears of it by SMS, the new one as on assignment.
    sent = _sms(engine, issue["id"])[len(before):]
    assert ("old_department", "13700001111", "reassigned_away") in sent
    assert ("department", "13700002222", "assigned_department") in sent
    assert not any(kind == "reporter" for kind, _phone, _t in sent)

    # The old department no longer sees the issue; a step it tries is told why.
    assert api.get(f"/api/v1/issues/{issue['id']}", "fgj").status_code == 404
    refused = _act(api, clock, at(6, 11), issue["id"], "reply", "fgj", {"result": "已办结"}, status=409)
    assert "改派" in refused["error"]["message"]
    # The new department signs for it in a round of its own; the old round's lateness stays.
    signed = _act(api, clock, at(6, 12), issue["id"], "accept", "scj")
    assert signed["status"] == "in_progress" and signed["accepted_on_time"] is True
    with Session(engine) as s:
        assert s.execute(select(DeadlineJudgement.on_time).where(
            DeadlineJudgement.issue_id == issue["id"], DeadlineJudgement.round_no == 1,
            DeadlineJudgement.deadline == "reply_due")).scalar_one() is False


def test_a_reassignment_keeps_the_deadlines_unless_new_ones_are_set(api, clock, engine):
    issue = _assigned(api, clock, complete_due="2026-11-20")
    moved = _act(api, clock, at(2, 15), issue["id"], "reassign", "coordinator",
                 _reassign(api, co_department_ids=[], lead_leader_id=api.county.user_id("leader2")))
    assert moved["deadlines"] == issue["deadlines"]
    assert moved["co_department_ids"] == [] and moved["lead_leader_id"] == api.county.user_id("leader2")
    # Only an assigned or in-progress issue is reassigned.
    fresh = api.create_issue()
    _act(api, clock, at(2, 15), fresh["id"], "reassign", "coordinator", _reassign(api), status=409)
    # The co-handler dropped from the issue loses sight of it, the new co-handler is told.
    assert api.get(f"/api/v1/issues/{issue['id']}", "zrj").status_code == 404
    assert api.get(f"/api/v1/issues/{issue['id']}", "scj").status_code == 200


def test_the_office_reassigns_from_the_issue_page(app, api, clock, county):
    issue = _assigned(api, clock, complete_due="2026-11-20")
    clock(at(3))
    office = Console(app, "coordinator")
    page = office.text(f"/console/issues/{issue['id']}")
    assert 'id="action-reassign"' in page
    form = {"version": str(issue["version"]), "lead_department_id": str(county.dept_id("scj")),
            "co_department_ids": [str(county.dept_id("zrj"))], "lead_leader_id": str(county.user_id("leader")),
            "responsible_person": "赵强", "responsible_phone": "1370000", "reason": "职责调整"}
    bad = office.post(f"/console/issues/{issue['id']}/actions/reassign", form)
    assert bad.status_code == 422 and "新单位责任人电话" in bad.get_data(as_text=True)
    form["responsible_phone"] = "13700002222"
    done = office.post(f"/console/issues/{issue['id']}/actions/reassign", form)
    assert done.status_code == 302
    assert api.ok("GET", f"/api/v1/issues/{issue['id']}", "coordinator")["lead_department_id"] == county.dept_id("scj")


# --- 修改内容 ----------------------------------------------------------------------------------

def test_an_edit_keeps_before_and_after_on_the_timeline_with_the_phone_masked(app, api, clock):
    issue = _assigned(api, clock)
    clock(at(3))
    edited = api.ok("PATCH", f"/api/v1/issues/{issue['id']}", "coordinator", json={
        "version": issue["version"], "title": "园区东路路面塌陷", "township": "城关镇",
        "reporter": {"phone": "13900009999", "org": "秦岭绿源农业"}})
    assert edited["title"] == "园区东路路面塌陷" and edited["version"] == issue["version"] + 1
    last = api.ok("GET", f"/api/v1/issues/{issue['id']}/events", "coordinator")["items"][-1]
    assert last["action"] == "edit"
    assert last["data"]["changes"] == {"title": ["园区道路破损影响货车通行", "园区东路路面塌陷"],
                                       "reporter.org": ["秦岭绿源农业科技有限公司", "秦岭绿源农业"],
                                       "reporter.phone": ["138****5678", "139****9999"]}
    assert "13812345678" not in str(last) and "13900009999" not in str(last)
    # The department sees the change on its issue page, the phones masked.
    page = Console(app, "fgj").text(f"/console/issues/{issue['id']}")
    timeline = page[page.index('id="h-timeline"'):]
    assert "138****5678" in timeline and "139****9999" in timeline and "13900009999" not in timeline
    assert "园区道路破损影响货车通行" in timeline
    # Too long: refused naming the field, nothing cut; an old version: 409.
    long = api.patch(f"/api/v1/issues/{issue['id']}", "coordinator",
                     json={"version": edited["version"], "title": "长" * 201})
    assert long.status_code == 422 and set(long.get_json()["error"]["fields"]) == {"title"}
    stale = api.patch(f"/api/v1/issues/{issue['id']}", "coordinator",
                      json={"version": issue["version"], "title": "旧版本上的修改"})
    assert stale.status_code == 409
    # A department may not edit.
    assert api.patch(f"/api/v1/issues/{issue['id']}", "fgj",
                     json={"version": edited["version"], "title": "部门改的"}).status_code == 403


def test_the_office_edits_an_issue_in_the_console(app, api, county):
    issue = api.create_issue()
    office = Console(app, "coordinator")
    page = office.text(f"/console/issues/{issue['id']}")
    assert f'href="/console/issues/{issue["id"]}/edit"' in page
    form = office.text(f"/console/issues/{issue['id']}/edit")
    assert "园区道路破损影响货车通行" in form and "13812345678" in form
    typed = {"version": str(issue["version"]), "title": "长" * 201, "content": "改过的内容，请协调修复。",
             "category": "基础设施", "township": "城关镇", "reporter_name": "王建国",
             "reporter_phone": "13812345678", "reporter_org": "秦岭绿源农业科技有限公司"}
    refused = office.post(f"/console/issues/{issue['id']}/edit", typed)
    text = refused.get_data(as_text=True)
    assert refused.status_code == 422 and "问题标题" in text and "改过的内容，请协调修复。" in text
    assert api.ok("GET", f"/api/v1/issues/{issue['id']}", "coordinator")["version"] == issue["version"]
    typed["title"] = "园区东路路面塌陷"
    saved = office.post(f"/console/issues/{issue['id']}/edit", typed)
    assert saved.status_code == 302
    after = api.ok("GET", f"/api/v1/issues/{issue['id']}", "coordinator")
    assert after["title"] == "园区东路路面塌陷" and after["content"] == "改过的内容，请协调修复。"
    # A department's user cannot open the form of an issue it does not see: 404.
    assert Console(app, "fgj").get(f"/console/issues/{issue['id']}/edit").status_code == 404


# --- 退单 back on the meeting's table -------------------------------------------------------

def test_a_returned_issue_is_back_in_the_meeting_table_with_its_assignment_and_reason(app, api, county):
    meeting = api.ok("POST", "/api/v1/meetings", "coordinator", status=201, json={
        "kind": "breakfast", "title": "2026年12月服务企业早餐会", "held_at": "2026-12-03T07:30:00+08:00",
        "host_leader_id": county.user_id("leader"), "attendees": ["县长"], "location": "县政府"})
    issue = api.create_issue(who="coordinator", meeting_id=meeting["id"], channel=None)
    api.ok("POST", f"/api/v1/meetings/{meeting['id']}/assignments", "coordinator", json={"assignments": [
        {"issue_id": issue["id"], **api.assign_body(lead_leader_id=county.user_id("leader2"))}]})
    api.ok("POST", f"/api/v1/issues/{issue['id']}/actions/return", "fgj", json={"reason": "属自然资源部门职责"})
    page = Console(app, "coordinator").text(f"/console/meetings/{meeting['id']}")
    row = page[page.index('id="assign-row-1"'):page.index("</tbody>", page.index('id="assign-row-1"'))]
    assert "属自然资源部门职责" in row and "县发改局" in row
    chosen = re.search(r'<select[^>]*name="rows-0-lead_department_id".*?</select>', row, re.S).group(0)
    assert re.search(rf'<option value="{county.dept_id("fgj")}"\s+selected', chosen)
    leader = re.search(r'<select[^>]*name="rows-0-lead_leader_id".*?</select>', row, re.S).group(0)
    assert re.search(rf'<option value="{county.user_id("leader2")}"\s+selected', leader)
    assert re.search(rf'name="rows-0-co_department_ids" value="{county.dept_id("zrj")}"[^>]*checked', row)
    assert re.search(r'name="rows-0-responsible_person"\s+value="李明"', row)
