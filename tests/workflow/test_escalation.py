"""提请上级: an issue beyond the county's powers raised to the city, province or state. Its clock
stops as for 挂账 and restarts on the higher level's answer; it is counted apart in every
figure; the work report names how many were raised and answered; the office is reminded on the
review date of a 挂账 or 提请 issue, once per date."""
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlmodel import Session, select

from models import Escalation, Issue, SmsMessage, User
from service.assessment.channels import channel_figures, summary_sentence
from service.assessment.periods import Period
from service.assessment.rates import department_row, flags_now
from service.deadlines.calendar import WEEKDAYS, local_date
from service.reminders.plan import plan_and_queue
from service.supervision.board import BoardFilters, board_counts
from service.workflow.transition import transition

from ..console import Console
from ..helpers import future, issue_in

SH = ZoneInfo("Asia/Shanghai")


def escalate_body(**over) -> dict:
    return {"level": "province", "agency": "省自然资源厅", "document_no": "县政发〔2026〕12号",
            "sent_on": future(0), "reason": "新增建设用地指标需省级审批", "review_on": future(30), **over}


def events(api, issue) -> list[dict]:
    return api.ok("GET", f"/api/v1/issues/{issue['id']}/events", "coordinator")["items"]


# --- through the API -------------------------------------------------------------------------

def test_escalate_follow_up_and_answer_through_the_api(api, db):
    issue = issue_in(api, "in_progress")
    escalated = api.ok("POST", f"/api/v1/issues/{issue['id']}/actions/escalate", "coordinator",
                       json=escalate_body())
    assert escalated["status"] == "escalated" and escalated["next_due"] is None
    last = events(api, issue)[-1]
    assert last["action"] == "escalate" and last["note"] == "新增建设用地指标需省级审批"
    assert last["data"]["level"] == "province" and last["data"]["agency"] == "省自然资源厅"
    assert last["data"]["document_no"] == "县政发〔2026〕12号" and last["data"]["review_on"] == future(30)

    # the reporter hears why, and by when they will hear again
    told = db.execute(select(SmsMessage).where(SmsMessage.issue_id == issue["id"],
                                               SmsMessage.template == "escalated_reporter")).scalars().all()
    assert len(told) == 1 and told[0].recipient_kind == "reporter"
    assert "已提请上级解决" in told[0].body and future(30) in told[0].body

    followed = api.ok("POST", f"/api/v1/issues/{issue['id']}/actions/escalation_followup", "coordinator",
                      json={"note": "电话询问省厅，已进入审核", "review_on": future(20)})
    assert followed["status"] == "escalated" and followed["review_on"] == future(20)
    api.ok("POST", f"/api/v1/issues/{issue['id']}/actions/escalation_followup", "coordinator",
           json={"note": "赴省厅当面汇报"})

    answered = api.ok("POST", f"/api/v1/issues/{issue['id']}/actions/escalation_answer", "coordinator",
                      json={"answer": "省厅已批复同意调整用地指标"})
    assert answered["status"] == "in_progress" and answered["review_on"] is None
    assert answered["next_due"] is not None

    db.rollback()  # a new transaction: what the requests committed since
    record = db.execute(select(Escalation).where(Escalation.issue_id == issue["id"])).scalars().one()
    assert (record.level, record.agency, record.document_no) == ("province", "省自然资源厅", "县政发〔2026〕12号")
    assert [f["note"] for f in record.followups] == ["电话询问省厅，已进入审核", "赴省厅当面汇报"]
    assert record.review_on.isoformat() == future(20)
    assert record.answer == "省厅已批复同意调整用地指标" and record.answered_on.isoformat() == future(0)
    assert [e["action"] for e in events(api, issue)][-4:] == [
        "escalate", "escalation_followup", "escalation_followup", "escalation_answer"]


@pytest.mark.parametrize("over, field", [
    ({"level": None}, "level"),
    ({"level": "county"}, "level"),
    ({"agency": "  "}, "agency"),
    ({"reason": ""}, "reason"),
    ({"sent_on": None}, "sent_on"),
    ({"sent_on": future(3)}, "sent_on"),
    ({"review_on": future(-1)}, "review_on"),
])
def test_an_escalation_names_what_is_wrong(api, over, field):
    issue = issue_in(api, "in_progress")
    resp = api.act(issue["id"], "escalate", "coordinator", {k: v for k, v in escalate_body(**over).items()
                                                            if v is not None})
    assert resp.status_code == 422, resp.get_json()
    assert field in resp.get_json()["error"]["fields"]
    assert api.ok("GET", f"/api/v1/issues/{issue['id']}", "coordinator")["status"] == "in_progress"


def test_another_department_gets_404_and_the_lead_department_403(api):
    issue = issue_in(api, "in_progress")
    resp = api.act(issue["id"], "escalate", "scj", escalate_body())
    assert resp.status_code == 404, resp.get_json()
    assert api.act(issue["id"], "escalate", "fgj", escalate_body()).status_code == 403
    api.ok("POST", f"/api/v1/issues/{issue['id']}/actions/escalate", "coordinator", json=escalate_body())
    for action, body in (("escalation_followup", {"note": "询问"}), ("escalation_answer", {"answer": "已答复"})):
        assert api.act(issue["id"], action, "scj", body).status_code == 404
    assert api.ok("GET", f"/api/v1/issues/{issue['id']}", "coordinator")["status"] == "escalated"


def test_a_closed_issue_is_escalated_only_once_evaluated_unresolved(api):
    issue = issue_in(api, "closed")
    refused = api.act(issue["id"], "escalate", "coordinator", escalate_body())
    assert refused.status_code == 409 and refused.get_json()["error"]["code"] == "not_unresolved"
    api.ok("POST", f"/api/v1/issues/{issue['id']}/actions/evaluate", "coordinator",
           json={"verdict": "unresolved", "evidence": "现场核查问题仍在，需省级审批"})
    escalated = api.ok("POST", f"/api/v1/issues/{issue['id']}/actions/escalate", "coordinator",
                       json=escalate_body())
    assert escalated["status"] == "escalated" and escalated["satisfaction"] is None
    answered = api.ok("POST", f"/api/v1/issues/{issue['id']}/actions/escalation_answer", "coordinator",
                      json={"answer": "省厅已批复"})
    # a new round for the department, as after 重办
    assert answered["status"] == "in_progress" and answered["round_no"] == issue["round_no"] + 1


# --- the clock -------------------------------------------------------------------------------

def _monday_after(day: date, weeks: int) -> date:
    return day + timedelta(days=7 * weeks - day.weekday())


def at(day: date, hour: int = 10) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=SH)


class Steps:
    def __init__(self, engine, county):
        self.engine, self.county = engine, county

    def __call__(self, when: datetime, who: str, issue_id: int, action: str, body: dict) -> Issue:
        with Session(self.engine, expire_on_commit=False) as s:
            return transition(s, s.get(User, self.county.user_id(who)), issue_id, action, body, when)


@pytest.fixture
def monday():
    return _monday_after(local_date(datetime.now(SH)), 2)


@pytest.fixture
def working(api, engine, county, monday):
    """An issue assigned and accepted on a Monday, its deadlines by the default policy."""
    step = Steps(engine, county)
    issue = api.create_issue()
    step(at(monday), "coordinator", issue["id"], "assign", api.assign_body())
    return step, step(at(monday, 11), "fgj", issue["id"], "accept", {})


def test_the_clock_stops_while_escalated_and_deadlines_move_on_the_answer(engine, county, working, monday):
    step, issue = working
    due = issue.complete_due
    escalate_on = monday + timedelta(days=1)            # Tuesday
    step(at(escalate_on), "coordinator", issue.id, "escalate",
         {"level": "city", "agency": "市生态环境局", "sent_on": escalate_on, "reason": "环评审批权限在市级",
          "review_on": escalate_on + timedelta(days=60)})
    # long past every deadline: not overdue, not red, counted apart
    late = at(due + timedelta(days=30))
    with Session(engine) as s:
        stored = s.get(Issue, issue.id)
        assert stored.status == "escalated" and stored.next_due is None
        assert flags_now(s, late, WEEKDAYS) == {"red": 0, "yellow": 0, "green": 0, "suspended": 0, "escalated": 1}
        row = department_row(s, Period(monday, due + timedelta(days=30)), late, county.dept_id("fgj"))
        assert (row.escalated, row.suspended, row.open, row.overdue_now, row.complete_judged) == (1, 0, 0, 0, 0)
        counts = board_counts(s, s.get(User, county.user_id("coordinator")), BoardFilters(),
                              local_date(late), WEEKDAYS)
        assert (counts["escalated"], counts["suspended"], counts["red"]) == (1, 0, 0)

    answer_on = escalate_on + timedelta(days=14)         # two weeks later, a Tuesday: 10 working days
    answered = step(at(answer_on), "coordinator", issue.id, "escalation_answer", {"answer": "市局已答复同意"})
    assert answered.status == "in_progress"
    assert answered.complete_due == WEEKDAYS.add_working_days(due, 10)
    assert answered.next_due is not None and answered.suspended_at is None


# --- figures and the work report ----------------------------------------------------------------

def test_the_work_report_says_how_many_were_raised_and_answered(api, db):
    period = Period(local_date(datetime.now(SH)) - timedelta(days=1), local_date(datetime.now(SH)))
    first, second = issue_in(api, "in_progress"), issue_in(api, "in_progress")
    for issue in (first, second):
        api.ok("POST", f"/api/v1/issues/{issue['id']}/actions/escalate", "coordinator", json=escalate_body())
    now = datetime.now(SH)
    assert "提请上级解决问题2件，已答复0件" in summary_sentence(period, channel_figures(db, period, now))
    api.ok("POST", f"/api/v1/issues/{first['id']}/actions/escalation_answer", "coordinator",
           json={"answer": "省厅已批复"})
    db.rollback()  # a new transaction: what the requests committed since
    sentence = summary_sentence(period, channel_figures(db, period, now))
    assert sentence.endswith("提请上级解决问题2件，已答复1件"), sentence
    summary = api.ok("GET", "/api/v1/stats/summary", "coordinator",
                     query_string={"from": period.start.isoformat(), "to": period.end.isoformat()})
    assert (summary["escalated"], summary["escalations_answered"]) == (2, 1)
    assert summary["flags_now"]["escalated"] == 1
    # none raised in the period: the sentence does not mention it
    before = Period(period.start - timedelta(days=40), period.start - timedelta(days=30))
    assert "提请上级" not in summary_sentence(before, channel_figures(db, before, now))


def test_the_dashboard_and_the_ranking_show_escalated_beside_suspended(app, api, county):
    issue_in(api, "suspended")
    escalated = issue_in(api, "escalated")
    assert escalated["status"] == "escalated"
    row = next(r for r in api.ok("GET", "/api/v1/stats/departments", "coordinator")["items"]
               if r["department_name"] == "县发改局")
    assert (row["suspended"], row["escalated"]) == (1, 1)
    console = Console(app, "coordinator")
    html = console.get("/console/dashboard").get_data(as_text=True)
    assert 'data-flag="escalated"' in html and "提请中" in html
    board = console.get("/console/board").get_data(as_text=True)
    assert 'data-colour="escalated"' in board
    page = console.get(f"/console/issues/{escalated['id']}").get_data(as_text=True)
    assert 'id="escalations"' in page and "省自然资源厅" in page and "提请中" in page


# --- review reminders -----------------------------------------------------------------------------

def _reviews(engine) -> list[tuple[int, str, str]]:
    with Session(engine) as s:
        rows = s.execute(select(SmsMessage).where(SmsMessage.template == "review_due")).scalars().all()
    return sorted((m.issue_id, m.recipient_phone, m.params["due"]) for m in rows), rows


# queue_planned() branches on the dialect (tests/core/test_dialects.py)
@pytest.mark.both_db
def test_the_office_is_reminded_on_the_review_date_once(engine, api, county, monday):
    step = Steps(engine, county)
    issues = []
    for action in ("suspend", "escalate"):
        issue = api.create_issue()
        step(at(monday), "coordinator", issue["id"], "assign", api.assign_body())
        step(at(monday, 11), "fgj", issue["id"], "accept", {})
        body = ({"reason": "受冬季施工期限制", "review_on": monday + timedelta(days=3)} if action == "suspend" else
                {"level": "province", "agency": "省发展和改革委员会", "sent_on": monday, "reason": "项目核准权限在省级",
                 "review_on": monday + timedelta(days=3)})
        step(at(monday, 14), "coordinator", issue["id"], action, body)
        issues.append(issue["id"])
    suspended, escalated = issues

    def tick(day: date, hour: int = 9) -> None:
        with Session(engine) as s:
            plan_and_queue(s, at(day, hour), WEEKDAYS)

    tick(monday + timedelta(days=2))                  # the day before: nothing
    assert _reviews(engine)[0] == []
    review = (monday + timedelta(days=3)).isoformat()  # Thursday
    for hour in (9, 9, 15):
        tick(monday + timedelta(days=3), hour)
    tick(monday + timedelta(days=4))                  # and the day after: still once
    office = "13900000002"
    got, rows = _reviews(engine)
    assert got == [(suspended, office, review), (escalated, office, review)]
    bodies = {m.issue_id: m.body for m in rows}
    assert "挂账复核日" in bodies[suspended] and "提请上级复核日" in bodies[escalated]

    # a follow-up sets a new review date: reminded again on that day
    later = monday + timedelta(days=8)                 # the next Tuesday
    step(at(monday + timedelta(days=4), 10), "coordinator", escalated, "escalation_followup",
         {"note": "电话询问省发改委", "review_on": later})
    tick(later)
    tick(later, 16)
    got, _ = _reviews(engine)
    assert got.count((escalated, office, later.isoformat())) == 1 and len(got) == 3
