"""站内通知: each event tells exactly the people it concerns, in the same transaction, once; a
user reads and marks only their own; the scheduler's notices are never duplicated."""
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import delete
from sqlmodel import Session, select

from models import Notice, SmsMessage, User
from notifications import RecordingSender, SendError
from service.deadlines.calendar import WEEKDAYS, local_date
from service.enterprises.visits import notice_unvisited
from service.reminders.delivery import record_status
from service.reminders.outbox import dispatch_due, queue_sms
from service.reminders.plan import plan_and_queue
from service.workflow.transition import transition

from ..console import Console
from ..helpers import future, issue_in
from ..workflow.test_consultation import answer, link_of, planned

SH = ZoneInfo("Asia/Shanghai")
EVERYONE = ("admin", "coordinator", "operator", "supervisor", "leader", "leader2", "fgj", "zrj", "scj")


def notices(engine, county, kind: str | None = None) -> dict[str, list[Notice]]:
    """Every user's notices (of `kind`), by username."""
    names = {u.id: name for name, u in county.users.items()}
    with Session(engine) as s:
        stmt = select(Notice).order_by(Notice.id)
        if kind:
            stmt = stmt.where(Notice.kind == kind)
        rows = s.exec(stmt).all()
    out: dict[str, list[Notice]] = {}
    for n in rows:
        out.setdefault(names[n.user_id], []).append(n)
    return out


def told(engine, county, kind: str) -> set[str]:
    got = notices(engine, county, kind)
    assert all(len(v) == 1 for v in got.values()), {k: len(v) for k, v in got.items()}
    return set(got)


# --- each event tells the right people, once ---------------------------------------------------

# (starting state, action, who takes it, body, kind, who hears, what the text must hold)
EVENTS = [
    ("assigned", "return", "fgj", {"reason": "该问题属于县交通局职责"}, "returned", {"coordinator"},
     "该问题属于县交通局职责"),
    ("in_progress", "request_extension", "fgj", {"complete_due": future(90), "reason": "需等待省级批复"},
     "extension_requested", {"coordinator"}, "需等待省级批复"),
    ("in_progress", "urge", "supervisor", {"note": "请于本周五前报送整改进展，逾期将通报"}, "urged", {"fgj"},
     "请于本周五前报送整改进展，逾期将通报"),
    ("in_progress", "instruct", "leader", {"note": "请发改局牵头，三日内拿出方案"}, "instructed", {"fgj"},
     "请发改局牵头，三日内拿出方案"),
    ("in_progress", "report", "fgj", {"report": "已完成现场勘查，正在组织施工"}, "reported", {"leader"},
     "已完成现场勘查，正在组织施工"),
    ("replied", "visit", "coordinator", {"satisfaction": "unsatisfied", "note": "路面仍有坑洼，货车无法通行"},
     "reopened", {"fgj"}, "路面仍有坑洼，货车无法通行"),
]


@pytest.mark.parametrize("state, action, who, body, kind, hearers, words", EVENTS,
                         ids=[e[1] for e in EVENTS])
def test_each_event_tells_exactly_the_people_it_concerns(api, engine, county, state, action, who, body, kind,
                                                         hearers, words):
    issue = issue_in(api, state)
    before = {name: len(v) for name, v in notices(engine, county).items()}
    api.ok("POST", f"/api/v1/issues/{issue['id']}/actions/{action}", who, json=body)
    assert told(engine, county, kind) == hearers
    after = notices(engine, county)
    new = {name for name in EVERYONE if len(after.get(name, [])) > before.get(name, 0)}
    assert new == hearers  # nobody else heard anything of this step
    notice = notices(engine, county, kind)[next(iter(hearers))][0]
    assert words in notice.text and issue["code"] in notice.text
    assert (notice.issue_id, notice.link, notice.read_at) == (issue["id"], f"/console/issues/{issue['id']}", None)


def test_an_assignment_tells_the_lead_and_the_co_handling_department_and_no_other(api, engine, county):
    issue = issue_in(api, "assigned")
    assert told(engine, county, "assigned") == {"fgj"}
    assert told(engine, county, "co_assigned") == {"zrj"}
    assert "scj" not in notices(engine, county)          # another department hears nothing
    [lead] = notices(engine, county, "assigned")["fgj"]
    assert issue["code"] in lead.text and "前签收" in lead.text
    # the department's own list through the API holds only its own
    assert [n["kind"] for n in api.ok("GET", "/api/v1/notices", "zrj")["items"]] == ["co_assigned"]
    assert api.ok("GET", "/api/v1/notices", "scj") == {"unread": 0, "items": [], "next_cursor": None}


def test_a_reassignment_tells_the_new_department_and_the_old_one(api, engine, county):
    issue = issue_in(api, "in_progress")
    api.ok("POST", f"/api/v1/issues/{issue['id']}/actions/reassign", "coordinator", json={
        "lead_department_id": county.dept_id("scj"), "co_department_ids": [], "responsible_person": "赵强",
        "responsible_phone": "13700002222", "reason": "经核实属市场监管职责，改由县市场监管局办理"})
    assert told(engine, county, "reassigned_away") == {"fgj"}
    assert "经核实属市场监管职责" in notices(engine, county, "reassigned_away")["fgj"][0].text
    assert set(notices(engine, county, "assigned")) == {"fgj", "scj"}   # fgj's from the first assignment
    assert "改派" in notices(engine, county, "assigned")["scj"][0].text
    assert told(engine, county, "co_assigned") == {"zrj"}               # only the first assignment's


def test_the_decision_on_an_extension_reaches_the_department_with_the_reason(api, engine, county):
    issue = issue_in(api, "in_progress")
    api.ok("POST", f"/api/v1/issues/{issue['id']}/actions/request_extension", "fgj",
           json={"complete_due": future(90), "reason": "需等待省级批复"})
    api.ok("POST", f"/api/v1/issues/{issue['id']}/actions/decide_extension", "coordinator",
           json={"approve": False, "note": "理由不充分，请按期办结"})
    assert told(engine, county, "extension_decided") == {"fgj"}
    assert "未获批准" in notices(engine, county, "extension_decided")["fgj"][0].text
    assert "理由不充分，请按期办结" in notices(engine, county, "extension_decided")["fgj"][0].text


def test_an_objection_to_the_plan_tells_the_office(api, client, engine, county):
    issue = planned(api)
    assert answer(client, link_of(api, issue), opinion="object", reason="改道会增加运输成本").status_code == 303
    assert told(engine, county, "plan_objected") == {"coordinator"}
    assert "改道会增加运输成本" in notices(engine, county, "plan_objected")["coordinator"][0].text


def test_an_inactive_coordinator_hears_nothing(api, engine, county, db):
    issue = issue_in(api, "assigned")
    county.users["coordinator"].active = False
    db.add(county.users["coordinator"])
    extra = User(username="coordinator2", display_name="营商办二", role="coordinator", password_hash="x")
    db.add(extra)
    db.commit()
    api.ok("POST", f"/api/v1/issues/{issue['id']}/actions/return", "fgj", json={"reason": "不属于本单位"})
    with Session(engine) as s:
        assert [n.user_id for n in s.exec(select(Notice).where(Notice.kind == "returned"))] == [extra.id]


# --- the same transaction --------------------------------------------------------------------

def test_a_refused_step_tells_nobody(api, engine, county):
    issue = issue_in(api, "in_progress")
    too_late = api.act(issue["id"], "request_extension", "fgj", {"complete_due": future(2000), "reason": "等批复"})
    assert too_late.status_code == 422
    wrong = api.act(issue["id"], "return", "fgj", {"reason": "不属于本单位"})   # accepted already: 409
    assert wrong.status_code == 409
    assert "coordinator" not in notices(engine, county)


def test_a_step_rolled_back_takes_its_notices_with_it(api, engine, county):
    issue = issue_in(api, "in_progress")
    with Session(engine) as s:
        transition(s, s.get(User, county.user_id("supervisor")), issue["id"], "urge", {"note": "请加快办理"},
                   datetime.now(timezone.utc), commit=False)
        assert s.exec(select(Notice).where(Notice.kind == "urged")).all()  # written in the step's transaction
        s.rollback()
    assert notices(engine, county, "urged") == {}


# --- reading and marking ------------------------------------------------------------------------

def test_a_user_reads_and_marks_only_their_own(api, engine, county):
    issue = issue_in(api, "assigned")
    api.ok("POST", f"/api/v1/issues/{issue['id']}/actions/return", "fgj", json={"reason": "属于县交通局职责"})
    body = api.ok("GET", "/api/v1/notices", "coordinator")
    assert body["unread"] == 1
    [item] = body["items"]
    assert (item["kind"], item["kind_label"], item["issue_code"]) == ("returned", "退单", issue["code"])
    assert "属于县交通局职责" in item["text"]
    # another user's notice: 404, and it stays unread
    for who in ("fgj", "leader", "supervisor"):
        resp = api.post(f"/api/v1/notices/{item['id']}/read", who)
        assert resp.status_code == 404, who
    assert api.post("/api/v1/notices/999999/read", "coordinator").status_code == 404
    assert api.ok("GET", "/api/v1/notices?unread=true", "coordinator")["unread"] == 1
    read = api.ok("POST", f"/api/v1/notices/{item['id']}/read", "coordinator")
    assert read["read_at"] is not None
    again = api.ok("POST", f"/api/v1/notices/{item['id']}/read", "coordinator")
    assert again["read_at"] == read["read_at"]  # the first reading stays
    assert api.ok("GET", "/api/v1/notices?unread=true", "coordinator") == {"unread": 0, "items": [],
                                                                           "next_cursor": None}
    # fgj's own notices: the assignment; 全部标为已读 marks those and nobody else's
    assert api.ok("POST", "/api/v1/notices/read-all", "fgj") == {"marked": 1, "unread": 0}
    assert api.ok("GET", "/api/v1/notices", "zrj")["unread"] == 1


def test_the_list_is_newest_first_and_paged(api, engine, county):
    issue = issue_in(api, "in_progress")
    for n in range(3):
        api.ok("POST", f"/api/v1/issues/{issue['id']}/actions/urge", "supervisor", json={"note": f"第{n + 1}次催办"})
    first = api.ok("GET", "/api/v1/notices?limit=2", "fgj")
    assert [i["kind"] for i in first["items"]] == ["urged", "urged"]
    assert "第3次催办" in first["items"][0]["text"] and "第2次催办" in first["items"][1]["text"]
    rest = api.ok("GET", f"/api/v1/notices?limit=2&cursor={first['next_cursor']}", "fgj")
    assert [i["kind"] for i in rest["items"]] == ["urged", "assigned"] and rest["next_cursor"] is None


def test_a_bad_filter_names_the_field(api):
    resp = api.get("/api/v1/notices?unread=maybe", "coordinator")
    assert resp.status_code == 422 and "unread" in str(resp.get_json())


# --- failed SMS: the office, once per message ----------------------------------------------------

# notify() inserts through the dialect's ON CONFLICT, here on a Connection (tests/core/test_dialects.py)
@pytest.mark.both_db
def test_a_failed_sms_tells_the_office_once(api, engine, county):
    issue = issue_in(api, "in_progress")
    now = datetime.now(timezone.utc).replace(hour=4)  # 12:00 in Shanghai: not in the quiet hours
    with Session(engine) as s:
        s.execute(delete(SmsMessage))  # only the two messages below
        for key in ("gone", "late"):
            queue_sms(s, dedupe_key=key, phone="13700001111", kind="department", template="urged",
                      params={"code": issue["code"], "title": "道路", "note": "请加快"}, issue_id=issue["id"], now=now)
        s.commit()
    sender = RecordingSender()
    sender.fail_with = SendError("阿里云短信 isv.MOBILE_NUMBER_ILLEGAL：号码无效", retryable=False)
    assert dispatch_due(engine, sender, now, limit=1)["failed"] == 1
    sender.fail_with = None
    assert dispatch_due(engine, sender, now)["sent"] == 1
    with Session(engine) as s:
        late = s.exec(select(SmsMessage).where(SmsMessage.dedupe_key == "late")).one()
        for _ in range(2):  # the provider reports the failure twice
            record_status(s, late.provider_id, "undelivered", "30005", now)
    got = notices(engine, county, "sms_failed")
    assert set(got) == {"coordinator"} and len(got["coordinator"]) == 2
    texts = [n.text for n in got["coordinator"]]
    assert "号码无效" in texts[0] and "号码不存在或已停机" in texts[1]
    assert all(issue["code"] in t and "137****1111" in t and "13700001111" not in t for t in texts)
    assert {n.link for n in got["coordinator"]} == {"/console/board/sms"}


# --- the scheduler: never twice -------------------------------------------------------------------

def _monday_after(day: date) -> date:
    return day + timedelta(days=(7 - day.weekday()) % 7 or 7)


# notify() inserts through the dialect's ON CONFLICT, here on a Session
@pytest.mark.both_db
def test_review_dates_tell_the_office_once_however_often_the_job_runs(api, engine, county):
    monday = _monday_after(local_date(datetime.now(SH)))
    issue = issue_in(api, "in_progress")
    with Session(engine) as s:
        transition(s, s.get(User, county.user_id("coordinator")), issue["id"], "suspend",
                   {"reason": "受冬季施工期限制", "review_on": monday}, datetime.now(timezone.utc))
    for day, hour in ((monday - timedelta(days=3), 9), (monday, 9), (monday, 9), (monday, 15),
                      (monday + timedelta(days=1), 10)):
        with Session(engine) as s:
            plan_and_queue(s, datetime.combine(day, time(hour), SH), WEEKDAYS)
    assert told(engine, county, "review_due") == {"coordinator"}
    [notice] = notices(engine, county, "review_due")["coordinator"]
    assert "挂账复核日期已到" in notice.text and monday.isoformat() in notice.text


def test_a_leader_hears_of_the_month_end_visits_due_once(api, engine, county):
    issue = issue_in(api, "replied")
    today = local_date(datetime.now(SH))
    day = date(today.year, today.month, max(today.day, 25))
    with Session(engine) as s:
        if today.day < 25:  # before the 25th nobody is told yet
            assert notice_unvisited(s, datetime.combine(date(today.year, today.month, 24), time(10), SH)) == 0
        for hour in (9, 10, 18):
            notice_unvisited(s, datetime.combine(day, time(hour), SH))
    assert told(engine, county, "visits_due") == {"leader"}
    assert issue["code"] in notices(engine, county, "visits_due")["leader"][0].text


# --- the console --------------------------------------------------------------------------------

def test_the_bell_counts_unread_on_every_page_and_the_list_opens_and_marks(app, api, engine, county):
    issue = issue_in(api, "assigned")
    api.ok("POST", f"/api/v1/issues/{issue['id']}/actions/return", "fgj", json={"reason": "属于县交通局职责"})
    office = Console(app, "coordinator")
    for page in ("/console/issues", "/console/board", f"/console/issues/{issue['id']}"):
        html = office.text(page)
        assert 'id="notice-count">1<' in html, page
    html = office.text("/console/notices")
    assert "属于县交通局职责" in html and "fw-bold" in html and issue["code"] in html
    [notice] = notices(engine, county, "returned")["coordinator"]
    opened = office.post(f"/console/notices/{notice.id}/open")
    assert opened.status_code == 302 and opened.headers["Location"].endswith(f"/console/issues/{issue['id']}")
    assert 'id="notice-count"' not in office.text("/console/issues")
    # another user's notice is not found
    assert Console(app, "fgj").post(f"/console/notices/{notice.id}/open").status_code == 404
    dept = Console(app, "fgj")
    assert 'id="notice-count">1<' in dept.text("/console/inbox")
    done = dept.post("/console/notices/read-all")
    assert done.status_code == 302
    html = dept.text("/console/notices")
    assert "已将 1 条通知标为已读" in html and 'id="notice-count"' not in html and "fw-bold" not in html


def test_a_notice_about_an_issue_no_longer_the_departments_opens_the_list_not_a_404(app, api, engine, county):
    """fgj is told of its 交办, then returns the issue: opening the old notice says why the issue
    is gone instead of showing a 404 page."""
    issue = issue_in(api, "assigned")
    [assigned] = [n for n in notices(engine, county, "assigned")["fgj"] if n.issue_id == issue["id"]]
    api.ok("POST", f"/api/v1/issues/{issue['id']}/actions/return", "fgj", json={"reason": "属于县交通局职责"})
    dept = Console(app, "fgj")
    opened = dept.post(f"/console/notices/{assigned.id}/open")
    assert opened.status_code == 302 and opened.headers["Location"].endswith("/console/notices")
    page = dept.text("/console/notices")
    assert "该问题已不在您的办理范围" in page
    with Session(engine) as s:
        assert s.get(Notice, assigned.id).read_at is not None
