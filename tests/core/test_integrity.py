"""Figures that cannot be bent, and the everyday steps around them, through the API and the
console with the request clock fixed (CONSOLE_NOW). November 2026 has no public holiday:
Mon 2, 9, 16, 23, 30 November."""
import re
from datetime import date, datetime, timedelta

import pytest
from openpyxl import load_workbook
from sqlalchemy import text
from sqlmodel import Session, select

from app import create_app
from models import SmsMessage
from notifications import RecordingSender
from service.deadlines.calendar import LOCAL_TZ, national_calendar
from service.reminders.outbox import dispatch_due, queue_sms

from ..console import Console
from ..helpers import REPORTER

# Runs on both databases: it covers code that branches on the dialect (tests/core/test_dialects.py).
pytestmark = pytest.mark.both_db

STATS = "/api/v1/stats/departments?from=2026-11-01&to=2026-11-30"


def at(month: int, day: int, hour: int = 10, minute: int = 0) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=LOCAL_TZ)


@pytest.fixture
def clock(app):
    """Set the request clock: clock(at(11, 2))."""
    def set_to(moment: datetime) -> None:
        app.config["CONSOLE_NOW"] = moment
    yield set_to
    app.config["CONSOLE_NOW"] = None


def assigned(api, clock, when: datetime, complete_due: str, **deadlines) -> dict:
    clock(when)
    issue = api.create_issue()
    body = api.assign_body(deadlines={"complete_due": complete_due, **deadlines})
    resp = api.act(issue["id"], "assign", "coordinator", body)
    assert resp.status_code == 200, resp.get_json()
    return resp.get_json()


def act(api, clock, when: datetime, issue: dict, action: str, who: str, body: dict | None = None,
        status: int = 200) -> dict:
    clock(when)
    resp = api.act(issue["id"], action, who, body or {})
    assert resp.status_code == status, resp.get_json()
    return resp.get_json()


def fgj_row(api) -> dict:
    return next(r for r in api.ok("GET", STATS, "coordinator")["items"] if r["department_name"] == "县发改局")


# --- 1. a reopening keeps the first round's lateness ---------------------------------------------

def test_a_reopening_does_not_launder_a_late_completion(api, clock):
    issue = assigned(api, clock, at(11, 2), "2026-11-09")
    act(api, clock, at(11, 2, 15), issue, "accept", "fgj")
    act(api, clock, at(11, 20), issue, "reply", "fgj", {"result": "已修复"})            # 11 days late
    act(api, clock, at(11, 20, 15), issue, "visit", "coordinator",
        {"satisfaction": "unsatisfied", "note": "路面仍有坑洼",
         "deadlines": {"reply_due": "2026-12-04", "complete_due": "2026-12-04"}})
    done = act(api, clock, at(11, 25), issue, "reply", "fgj", {"result": "已重新修复"})  # within the new one

    clock(at(11, 26))
    row = fgj_row(api)
    # Both rounds count: the first late, the second on time; and the reopening costs points.
    assert (row["complete_judged"], row["completed_on_time"], row["completed_late"]) == (2, 1, 1)
    assert row["score"] < 100
    assert (row["complete_rate"], row["reopens"], row["penalty"]) == (0.5, 1, 2.0)
    assert (done["round_no"], done["completed_on_time"], done["late_completions"]) == (2, True, 1)

    # The public side never calls it on time either.
    act(api, clock, at(11, 26), issue, "visit", "coordinator", {"satisfaction": "satisfied"})
    act(api, clock, at(11, 27), issue, "evaluate", "coordinator", {"verdict": "resolved", "evidence": "已核实"})
    act(api, clock, at(11, 27), issue, "publish", "coordinator", {"public_summary": "道路已修复。"})
    public = api.ok("GET", f"/api/v1/public/issues/{issue['code']}")
    assert public["on_time"] is False
    late_list = api.ok("GET", "/api/v1/public/issues?status=late")["items"]
    assert [i["code"] for i in late_list] == [issue["code"]]

    # The timeline says which round was late.
    events = api.ok("GET", f"/api/v1/issues/{issue['id']}/events", "coordinator")["items"]
    replies = [e["data"] for e in events if e["action"] == "reply"]
    assert [(r["round"], r["judged"]["complete_due"]["on_time"]) for r in replies] == [(1, False), (2, True)]


# --- 2. extensions as practice has them --------------------------------------------------------

def test_an_extension_asked_after_the_deadline_is_refused_and_the_miss_stays(api, clock):
    issue = assigned(api, clock, at(11, 2), "2026-11-09")
    act(api, clock, at(11, 2, 15), issue, "accept", "fgj")
    # Nine working days after 限期办结 the department asks for more time: refused, and told who
    # can set a new working date.
    refused = act(api, clock, at(11, 20), issue, "request_extension", "fgj",
                  {"complete_due": "2026-11-30", "reason": "设备到货延迟"}, status=409)
    assert refused["error"]["code"] == "deadline_passed"
    assert "已过" in refused["error"]["message"] and "县营商办" in refused["error"]["message"]
    # The office sets a new working date; the issue stays late in every figure.
    moved = act(api, clock, at(11, 20, 11), issue, "set_deadline", "coordinator",
                {"deadlines": {"complete_due": "2026-11-27"}, "reason": "企业同意延后验收"})
    assert moved["deadlines"]["complete_due"] == "2026-11-27" and moved["completed_on_time"] is False
    act(api, clock, at(11, 25), issue, "reply", "fgj", {"result": "已完成"})            # before the new date
    clock(at(11, 26))
    row = fgj_row(api)
    assert (row["complete_judged"], row["completed_on_time"], row["completed_late"]) == (1, 0, 1)
    assert (row["reply_judged"], row["replied_on_time"]) == (1, 0)
    # Nothing can take the judgement back: the database refuses it whoever asks.
    with Session(api.client.application.extensions["ys"]["engine"]) as s, pytest.raises(Exception) as caught:
        s.execute(text("UPDATE deadline_judgement SET on_time = :t"), {"t": True})
        s.commit()
    assert "append-only" in str(caught.value)


def test_an_extension_asked_in_time_moves_the_deadline_and_keeps_the_original(app, api, clock):
    issue = assigned(api, clock, at(11, 2), "2026-11-09")
    act(api, clock, at(11, 2, 15), issue, "accept", "fgj")
    act(api, clock, at(11, 5), issue, "request_extension", "fgj",
        {"complete_due": "2026-11-16", "reason": "等待设备到货"})
    # A refusal needs a reason.
    refused = act(api, clock, at(11, 5, 15), issue, "decide_extension", "coordinator", {"approve": False},
                  status=422)
    assert set(refused["error"]["fields"]) == {"note"}
    approved = act(api, clock, at(11, 5, 16), issue, "decide_extension", "coordinator",
                   {"approve": True, "note": "同意"})
    assert (approved["deadlines"]["complete_due"], approved["original_complete_due"]) == ("2026-11-16",
                                                                                          "2026-11-09")
    # A second extension is the lead leader's to decide, not the office's.
    act(api, clock, at(11, 12), issue, "request_extension", "fgj",
        {"complete_due": "2026-11-20", "reason": "仍需协调"})
    office = act(api, clock, at(11, 12, 15), issue, "decide_extension", "coordinator", {"approve": True},
                 status=403)
    assert "主抓县级领导" in office["error"]["message"]
    act(api, clock, at(11, 12, 15), issue, "decide_extension", "leader2", {"approve": True}, status=404)
    act(api, clock, at(11, 12, 16), issue, "decide_extension", "leader", {"approve": True, "note": "同意"})
    done = act(api, clock, at(11, 19), issue, "reply", "fgj", {"result": "已完成"})
    assert done["completed_on_time"] is True and done["extension_count"] == 2
    clock(at(11, 23))
    row = fgj_row(api)
    assert (row["complete_rate"], row["extended"], row["extensions"]) == (1.0, 1, 2)

    # Both deadlines on the issue page and in the ledger.
    page = Console(app, "coordinator").text(f"/console/issues/{issue['id']}")
    assert "2026-11-20" in page and "原定 2026-11-09" in page
    content = api.client.get("/api/v1/exports/ledger.xlsx?from=2026-11-01&to=2026-11-30",
                             headers={"Authorization": f"Bearer {api.county.tokens['coordinator']}"}).data
    ws = load_workbook(__import__("io").BytesIO(content)).active
    header = next(r for r in ws.iter_rows(values_only=True) if r and "原定办结时限" in r)
    row_of = next(r for r in ws.iter_rows(values_only=True) if r and r[0] == issue["code"])
    values = dict(zip(header, row_of, strict=False))
    assert str(values["办结时限"])[:10] == "2026-11-20" and str(values["原定办结时限"])[:10] == "2026-11-09"


# --- 3. quiet hours at the moment of sending -------------------------------------------------------

def test_a_message_due_before_the_night_waits_for_the_morning(app, engine):
    sender = RecordingSender()
    with Session(engine) as s:
        queue_sms(s, dedupe_key="t:1", phone="13700001111", kind="department", template="urged",
                  params={"code": "YS2026-000001", "title": "催办", "note": "请抓紧"}, issue_id=None,
                  now=at(11, 20, 20, 50))
        s.commit()
    # The scheduler was down; its first round runs at 22:30: nothing goes out.
    assert dispatch_due(engine, sender, at(11, 20, 22, 30))["sent"] == 0
    assert dispatch_due(engine, sender, at(11, 21, 7, 59))["sent"] == 0
    assert dispatch_due(engine, sender, at(11, 21, 8, 0))["sent"] == 1
    assert dispatch_due(engine, sender, at(11, 21, 8, 1))["sent"] == 0
    assert len(sender.sent) == 1


def test_a_deadline_reminder_waits_for_a_working_day(app, engine):
    sender, calendar = RecordingSender(), national_calendar()
    with Session(engine) as s:
        for key, template in (("r:1", "overdue"), ("r:2", "assigned_reporter")):
            queue_sms(s, dedupe_key=key, phone="13700001111", kind="department", template=template,
                      params={"code": "YS2026-000001", "title": "道路", "what": "办结", "due": "2026-11-19",
                              "days": 1, "track_url": "https://ys.example.gov.cn/track"}, issue_id=None,
                      now=at(11, 20, 18))
        s.commit()
    # Saturday morning: the reporter's notice goes, the reminder to the department waits.
    assert dispatch_due(engine, sender, at(11, 21, 9), calendar=calendar)["sent"] == 1
    assert [m["template"] for m in sender.sent] == ["assigned_reporter"]
    assert dispatch_due(engine, sender, at(11, 22, 9), calendar=calendar)["sent"] == 0     # Sunday
    assert dispatch_due(engine, sender, at(11, 23, 8), calendar=calendar)["sent"] == 1     # Monday 08:00
    with Session(engine) as s:
        assert set(s.exec(select(SmsMessage.status)).all()) == {"sent"}


# --- 4. honest rates and scores ------------------------------------------------------------------

def test_open_issues_past_their_deadline_are_late_on_the_public_figures(app, api, clock):
    """县住建局 with four issues 12-51 working days overdue and nothing finished is not 100%."""
    for day in (2, 3, 4, 5):
        issue = assigned(api, clock, at(9, day), f"2026-09-{day + 7:02d}")
        act(api, clock, at(9, day, 15), issue, "accept", "fgj")
    done = assigned(api, clock, at(11, 2), "2026-11-20")
    act(api, clock, at(11, 2, 15), done, "accept", "fgj")
    act(api, clock, at(11, 3), done, "reply", "fgj", {"result": "已办结"})
    clock(at(12, 1))
    stats = api.ok("GET", "/api/v1/public/stats?year=2026")
    assert (stats["judged"], stats["on_time"], stats["on_time_rate"]) == (5, 1, 0.2)
    assert stats["by_department"][0]["on_time_rate"] == 0.2
    page = app.test_client().get("/figures").get_data(as_text=True)
    assert "20.0%" in page and "100.0%" not in page


def test_the_ranking_sets_apart_who_had_nothing_to_judge(app, api, clock):
    issue = assigned(api, clock, at(11, 2), "2026-11-20", accept_due="2026-11-03")
    act(api, clock, at(11, 2, 15), issue, "accept", "fgj")
    clock(at(11, 4))
    rows = {r["department_name"]: r for r in api.ok("GET", STATS, "coordinator")["items"]}
    assert (rows["县发改局"]["rank"], rows["县发改局"]["score"]) == (1, 100.0)
    for name in ("县自然资源局", "县市场监管局"):
        assert (rows[name]["rank"], rows[name]["score"], rows[name]["accept_rate"]) == (None, None, None)
    page = Console(app, "coordinator").text("/console/dashboard?preset=custom&from=2026-11-01&to=2026-11-30")
    assert page.count("本期无可评</span>") == 2 and "每次重办 2 分" in page


# --- 5. one period, one number ------------------------------------------------------------------

def test_the_statistics_cards_and_the_trend_agree(app, api, clock):
    for day in (2, 3):
        issue = assigned(api, clock, at(11, day), "2026-11-20")
        act(api, clock, at(11, day, 15), issue, "accept", "fgj")
        act(api, clock, at(11, day, 16), issue, "reply", "fgj", {"result": "已办结"})
        act(api, clock, at(11, day, 17), issue, "visit", "coordinator", {"satisfaction": "satisfied"})
    # Replied by the department, not yet visited: not 已办结 on the card, nor in the trend.
    waiting = assigned(api, clock, at(11, 4), "2026-11-20")
    act(api, clock, at(11, 4, 15), waiting, "accept", "fgj")
    act(api, clock, at(11, 4, 16), waiting, "reply", "fgj", {"result": "已答复，待回访"})
    # Collected in October, assigned in November: the card and the trend count it alike.
    clock(at(10, 30))
    old = api.create_issue()
    clock(at(11, 5))
    api.act(old["id"], "assign", "coordinator", api.assign_body())
    page = Console(app, "coordinator").text("/console/dashboard?preset=custom&from=2026-10-01&to=2026-11-30")
    card = int(re.search(r'data-figure="resolved".*?<div class="count[^"]*">(\d+)<', page, re.S).group(1))
    trend = re.search(r'data-table="trend">(.*?)</table>', page, re.S).group(1)
    rows = re.findall(r'<tr><th scope="row">(2026-\d\d)</th>((?:<td class="text-end">\d+</td>)+)</tr>', trend)
    months = {month: [int(n) for n in re.findall(r"(\d+)</td>", cells)] for month, cells in rows}
    # Every column of the trend adds up to its card: collected 4, resolved 2.
    assert card == 2 and sum(m[1] for m in months.values()) == card
    assert sum(m[0] for m in months.values()) == 4


# --- 6. reasons the loop needs ------------------------------------------------------------------

def test_unsatisfied_needs_a_note_and_the_department_hears_it(app, api, clock, sms):
    issue = assigned(api, clock, at(11, 2), "2026-11-20")
    act(api, clock, at(11, 2, 15), issue, "accept", "fgj")
    act(api, clock, at(11, 3), issue, "reply", "fgj", {"result": "已办结"})
    for note in (None, "", "  ", "不行"):
        resp = act(api, clock, at(11, 4), issue, "visit", "coordinator",
                   {"satisfaction": "unsatisfied", "note": note}, status=422)
        assert set(resp["error"]["fields"]) == {"note"} and "原因" in resp["error"]["message"]
    assert api.ok("GET", f"/api/v1/issues/{issue['id']}", "coordinator")["status"] == "replied"
    act(api, clock, at(11, 4), issue, "visit", "coordinator", {"satisfaction": "unsatisfied", "note": "围墙仍未拆除"})
    queued = api.ok("GET", f"/api/v1/notifications?issue_id={issue['id']}", "coordinator")["items"]
    reopened = [m for m in queued if m["template"] == "reopened"]
    assert len(reopened) == 1 and "围墙仍未拆除" in reopened[0]["body"] and reopened[0]["recipient"].endswith("1111")


# --- 7. deadlines in order, meetings in a sane window and correctable ------------------------------

def test_deadlines_out_of_order_are_refused_field_by_field(api, clock):
    clock(at(11, 2))
    issue = api.create_issue()
    resp = api.act(issue["id"], "assign", "coordinator", api.assign_body(deadlines={
        "accept_due": "2026-12-10", "reply_due": "2026-12-08", "complete_due": "2026-12-20",
        "report_due": "2026-12-18", "visit_due": "2026-10-30"}))
    assert resp.status_code == 422
    fields = resp.get_json()["error"]["fields"]
    assert set(fields) == {"deadlines.reply_due", "deadlines.report_due", "deadlines.visit_due"}
    assert "签收时限" in fields["deadlines.reply_due"] and "2026-11-02" in fields["deadlines.visit_due"]
    assert api.ok("GET", f"/api/v1/issues/{issue['id']}", "coordinator")["status"] == "collected"


def test_a_meeting_in_another_century_is_refused(app, api, clock):
    clock(at(11, 2))
    resp = api.post("/api/v1/meetings", "coordinator",
                    json={"kind": "breakfast", "title": "早餐会", "held_at": "1999-01-01T07:30:00+08:00"})
    assert resp.status_code == 422 and set(resp.get_json()["error"]["fields"]) == {"held_at"}
    page = Console(app, "coordinator").post("/console/meetings/new", {
        "kind": "breakfast", "title": "早餐会", "held_at": "1999-01-01T07:30"})
    assert page.status_code == 422 and "请核对年份" in page.get_data(as_text=True)


def test_a_meeting_is_corrected_until_its_issues_are_assigned(app, api, clock):
    clock(at(11, 2))
    meeting = api.ok("POST", "/api/v1/meetings", "coordinator", status=201, json={
        "kind": "breakfast", "title": "十一月早餐会", "held_at": "2026-11-05T07:30:00+08:00", "attendees": ["甲企业"]})
    changed = api.ok("PATCH", f"/api/v1/meetings/{meeting['id']}", "coordinator", json={
        "title": "2026年11月服务企业早餐会", "held_at": "2026-11-06T07:30:00+08:00",
        "attendees": ["甲企业", "乙企业"], "note": "改期一天"})
    assert changed["title"] == "2026年11月服务企业早餐会" and changed["attendees"] == ["甲企业", "乙企业"]
    history = api.ok("GET", f"/api/v1/meetings/{meeting['id']}/changes", "coordinator")["items"]
    assert len(history) == 1 and set(history[0]["changes"]) == {"title", "held_at", "attendees"}
    assert history[0]["note"] == "改期一天"
    assert api.patch(f"/api/v1/meetings/{meeting['id']}", "fgj", json={"title": "x"}).status_code in (403, 404)
    page = Console(app, "coordinator").text(f"/console/meetings/{meeting['id']}")
    assert "修改会议信息" in page and "修改记录（1 次）" in page

    issue = api.create_issue(channel="breakfast", meeting_id=meeting["id"])
    api.act(issue["id"], "assign", "coordinator", api.assign_body())
    late = api.patch(f"/api/v1/meetings/{meeting['id']}", "coordinator", json={"title": "再改"})
    assert late.status_code == 409 and late.get_json()["error"]["code"] == "meeting_assigned"
    assert "修改会议信息" not in Console(app, "coordinator").text(f"/console/meetings/{meeting['id']}")


# --- 8. the meeting's intake link -------------------------------------------------------------------

def test_registering_from_a_meeting_lands_in_its_assignment_table(app, api, clock):
    clock(at(11, 2))
    meeting = api.ok("POST", "/api/v1/meetings", "coordinator", status=201, json={
        "kind": "forum", "title": "第四季度政企面对面恳谈会", "held_at": "2026-08-01T09:00:00+08:00"})
    office = Console(app, "coordinator")
    form = office.text(f"/console/intake?meeting_id={meeting['id']}")
    def selected(name: str) -> str:
        options = re.search(rf'<select[^>]*name="{name}".*?</select>', form, re.S).group(0)
        return re.search(r'<option([^>]*)selected([^>]*)>', options).group(0)

    assert f'value="{meeting["id"]}"' in selected("meeting_id") and 'value="forum"' in selected("channel")
    saved = office.post(f"/console/intake?meeting_id={meeting['id']}", {
        "reporter_phone": REPORTER["phone"], "reporter_name": REPORTER["name"], "reporter_kind": "enterprise",
        "channel": "forum", "meeting_id": str(meeting["id"]), "type": "help", "title": "园区道路破损",
        "content": "工业园区东路路面塌陷，请协调修复。"})
    assert saved.status_code == 302
    desk = office.text(f"/console/meetings/{meeting['id']}")
    assert "园区道路破损" in desk and 'class="assign-row' in desk


# --- 9. the public list, and the address in the tracking link ---------------------------------------

def test_the_public_list_is_newest_publication_first(api, clock):
    issues = []
    for i in range(3):
        issue = assigned(api, clock, at(11, 2, 9 + i), "2026-11-20")
        act(api, clock, at(11, 2, 15), issue, "accept", "fgj")
        act(api, clock, at(11, 3), issue, "reply", "fgj", {"result": "已办结"})
        act(api, clock, at(11, 4), issue, "visit", "coordinator", {"satisfaction": "satisfied"})
        issues.append(issue)
    # Published in the order 2nd, 3rd, 1st.
    for issue, day in ((issues[1], 5), (issues[2], 6), (issues[0], 9)):
        act(api, clock, at(11, day), issue, "evaluate", "coordinator", {"verdict": "resolved", "evidence": "已核实"})
        act(api, clock, at(11, day), issue, "publish", "coordinator", {"public_summary": "已办结。"})
    first = api.ok("GET", "/api/v1/public/issues?limit=2")
    rest = api.ok("GET", f"/api/v1/public/issues?limit=2&cursor={first['next_cursor']}")
    codes = [i["code"] for i in first["items"] + rest["items"]]
    assert codes == [issues[0]["code"], issues[2]["code"], issues[1]["code"]] and rest["next_cursor"] is None
    published = [i["published_at"] for i in first["items"] + rest["items"]]
    assert published == sorted(published, reverse=True)


def test_tracking_links_carry_the_port_the_service_listens_on(database_url, monkeypatch):
    monkeypatch.delenv("PUBLIC_BASE_URL", raising=False)
    monkeypatch.setenv("PORT", "5123")
    app = create_app({"DATABASE_URL": database_url, "TESTING": True, "SECRET_KEY": "x"})
    assert app.extensions["ys"]["track_url"] == "http://127.0.0.1:5123/track"
    app.extensions["ys"]["engine"].dispose()
    configured = create_app({"DATABASE_URL": database_url, "TESTING": True, "SECRET_KEY": "x",
                             "PUBLIC_BASE_URL": "https://ys.example.gov.cn/"})
    assert configured.extensions["ys"]["track_url"] == "https://ys.example.gov.cn/track"
    configured.extensions["ys"]["engine"].dispose()


def test_dates_used_above_are_what_they_seem():
    assert national_calendar().working_days_between(date(2026, 11, 9), date(2026, 11, 20)) == 9
    assert date(2026, 11, 21).weekday() == 5 and timedelta(days=1)
