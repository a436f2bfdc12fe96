"""Reminders over a month of an evening-tea issue, with the clock walked day by day."""
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlmodel import Session, select

from models import SmsMessage, User
from service.deadlines.calendar import WorkCalendar
from service.reminders.plan import ReminderPolicy, plan_and_queue
from service.workflow.transition import WorkflowOptions, transition

# Runs on both databases: it covers code that branches on the dialect (tests/core/test_dialects.py).
pytestmark = pytest.mark.both_db

SH = ZoneInfo("Asia/Shanghai")
# December 2026 with a public holiday on Friday the 25th and a swapped working Saturday on the
# 19th (调休); New Year's Day 2027 off.
CAL = WorkCalendar(holidays=frozenset({date(2026, 12, 25), date(2027, 1, 1)}),
                   extra_workdays=frozenset({date(2026, 12, 19)}))
OPTIONS = WorkflowOptions(calendar=CAL)
REMINDER_KINDS = ("due_soon", "due_today", "overdue", "escalation")


def at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=SH)


class Clock:
    """Walks the days in time order: each day ticks at 06:00 (quiet), at 09:00 twice (a repeated
    tick must be harmless), at 20:59 and at 22:30 (quiet), and takes the day's steps at their
    own times."""

    def __init__(self, engine, county):
        self.engine, self.county = engine, county

    def user(self, s, name):
        return s.get(User, self.county.user_id(name))

    def step(self, when, who, issue_id, action, body):
        with Session(self.engine, expire_on_commit=False) as s:
            return transition(s, self.user(s, who), issue_id, action, body, when, OPTIONS)

    def tick(self, when) -> dict:
        with Session(self.engine) as s:
            return plan_and_queue(s, when, CAL, ReminderPolicy(days_before=2, escalate_after=3))

    def walk(self, first: date, last: date, steps: dict):
        day = first
        while day <= last:
            ticks = [(at(day, h, m), 0, None) for h, m in ((6, 0), (9, 0), (9, 0), (20, 59), (22, 30))]
            todo = ticks + [(s[0], 1, s) for s in steps.get(day, [])]
            for when, _, step in sorted(todo, key=lambda t: (t[0], t[1])):
                if step is None:
                    self.tick(when)
                else:
                    self.step(*step)
            day += timedelta(days=1)


def reminders(engine, issue_id):
    with Session(engine) as s:
        rows = s.exec(select(SmsMessage).where(SmsMessage.issue_id == issue_id,
                                               SmsMessage.template.in_(REMINDER_KINDS))).all()
    return sorted((message_day(m), m.template, m.params["deadline"], m.recipient_kind) for m in rows), rows


def message_day(m) -> date:
    """The day a reminder belongs to, as its unique key says (an escalation: its own day)."""
    return date.fromisoformat(m.params["day"] if m.template == "escalation" else m.dedupe_key.split(":")[2])


@pytest.fixture
def evening_tea_issue(api, engine, county):
    issue = api.create_issue(channel="evening_tea", type="complaint")
    clock = Clock(engine, county)
    assigned = clock.step(at(date(2026, 12, 14), 10), "coordinator", issue["id"], "assign", api.assign_body())
    clock.tick(at(date(2026, 12, 14), 20, 59))  # the assignment SMS has told them already
    return clock, assigned


def test_a_month_of_reminders_for_an_evening_tea_issue(engine, evening_tea_issue):
    clock, issue = evening_tea_issue
    # The policy's deadlines, counted in working days over the holiday and the swapped Saturday.
    assert (issue.accept_due, issue.reply_due, issue.complete_due, issue.report_due, issue.visit_due) == (
        date(2026, 12, 15), date(2026, 12, 17), date(2027, 1, 5), date(2027, 1, 7), date(2027, 1, 12))
    d = date
    steps = {
        d(2026, 12, 16): [(at(d(2026, 12, 16), 10), "fgj", issue.id, "accept", {})],
        d(2026, 12, 29): [(at(d(2026, 12, 29), 15), "fgj", issue.id, "reply", {"result": "已修复"})],
        d(2027, 1, 12): [(at(d(2027, 1, 12), 14), "coordinator", issue.id, "visit",
                          {"satisfaction": "satisfied"})],
    }
    clock.walk(d(2026, 12, 15), d(2027, 1, 20), steps)

    got, rows = reminders(engine, issue.id)
    overdue_reply = [d(2026, 12, 18), d(2026, 12, 19), d(2026, 12, 21), d(2026, 12, 22), d(2026, 12, 23),
                     d(2026, 12, 24), d(2026, 12, 28), d(2026, 12, 29)]
    assert got == sorted([
        (d(2026, 12, 15), "due_today", "accept_due", "department"),
        (d(2026, 12, 16), "overdue", "accept_due", "department"),
        (d(2026, 12, 17), "due_today", "reply_due", "department"),
        *[(day, "overdue", "reply_due", "department") for day in overdue_reply],
        (d(2026, 12, 21), "escalation", "reply_due", "leader"),
        (d(2026, 12, 21), "escalation", "reply_due", "supervisor"),
        (d(2027, 1, 8), "due_soon", "visit_due", "office"),   # 2 working days ahead
        (d(2027, 1, 11), "due_soon", "visit_due", "office"),  # 1
        (d(2027, 1, 12), "due_today", "visit_due", "office"),
    ])
    by_key = {(r.template, r.recipient_kind, message_day(r).isoformat()): r for r in rows}
    escalation = by_key[("escalation", "leader", "2026-12-21")]
    assert escalation.recipient_phone == "13900000005"
    assert escalation.body == f"【督查办】{issue.code}县发改局回复已超期3个工作日：园区道路破损影响货车通行。"
    assert by_key[("overdue", "department", "2026-12-28")].body == (
        f"【营商办】{issue.code}回复已超期7个工作日（时限2026-12-17）：园区道路破损影响货车通行，请尽快办理。")
    assert all(r.recipient_phone == "13700001111" for r in rows if r.recipient_kind == "department")
    assert all(len(r.body) <= 70 for r in rows)
    # Sent at 09:00 on the day they belong to, none in the quiet hours.
    for r in rows:
        local = r.next_attempt_at.astimezone(SH)
        assert (local.date(), local.time()) == (message_day(r), time(9, 0))


def test_suspension_stops_the_reminders_and_resume_moves_the_deadlines(engine, evening_tea_issue):
    clock, issue = evening_tea_issue
    d = date
    steps = {
        d(2026, 12, 15): [(at(d(2026, 12, 15), 10), "fgj", issue.id, "accept", {})],
        d(2026, 12, 16): [(at(d(2026, 12, 16), 10), "coordinator", issue.id, "suspend",
                           {"reason": "需省级审批", "review_on": d(2027, 1, 4)})],
        d(2026, 12, 28): [(at(d(2026, 12, 28), 10), "coordinator", issue.id, "resume", {})],
    }
    clock.walk(d(2026, 12, 15), d(2026, 12, 31), steps)
    got, _ = reminders(engine, issue.id)
    with Session(engine) as s:
        from models import Issue
        resumed = s.get(Issue, issue.id)
    # Suspended Wed 16th, resumed Mon 28th: the clock lost 17,18,19 (Sat, worked),21,22,23,24,28
    # = 8 working days (25th a holiday), so reply_due moves from Thu 17th to Tue 29th.
    assert resumed.reply_due == d(2026, 12, 29)
    assert got == [
        (d(2026, 12, 15), "due_today", "accept_due", "department"),
        (d(2026, 12, 16), "due_soon", "reply_due", "department"),
        # nothing while suspended
        (d(2026, 12, 28), "due_soon", "reply_due", "department"),
        (d(2026, 12, 29), "due_today", "reply_due", "department"),
        (d(2026, 12, 30), "overdue", "reply_due", "department"),
        (d(2026, 12, 31), "overdue", "reply_due", "department"),
    ]


def test_the_department_s_robot_hears_the_reminders_it_takes_mentioning_the_person(engine, county, api):
    from service.reminders.robots import save_robot
    with Session(engine) as s:
        save_robot(s, None, at(date(2026, 12, 1), 9), department_id=county.dept_id("fgj"), kind="wecom",
                   name="发改局工作群", webhook_url="https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k1",
                   secret=None, templates=["overdue"])
    issue = api.create_issue(channel="evening_tea", type="complaint")
    clock = Clock(engine, county)
    assigned = clock.step(at(date(2026, 12, 14), 10), "coordinator", issue["id"], "assign", api.assign_body())
    clock.walk(date(2026, 12, 15), date(2026, 12, 17), {})
    with Session(engine) as s:
        posts = s.exec(select(SmsMessage).where(SmsMessage.issue_id == assigned.id,
                                                SmsMessage.recipient_kind == "robot")).all()
    # the robot takes "overdue" only: the overdue 签收 of the 16th and 17th, not the due-today text of the 15th
    assert sorted((message_day(p), p.template, p.params["deadline"], p.params["mention"]) for p in posts) == [
        (date(2026, 12, 16), "overdue", "accept_due", "13700001111"),
        (date(2026, 12, 17), "overdue", "accept_due", "13700001111")]
    assert posts[0].recipient_phone.startswith("robot:") and assigned.code in posts[0].body
