"""The scheduler's jobs and `flask reminders tick`: one round, repeatable, quiet at night."""
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlmodel import Session, select

import scheduler
from models import Meeting, SmsMessage, User
from service.workflow.transition import WorkflowOptions, transition

SH = ZoneInfo("Asia/Shanghai")


def _overdue_issue(api, engine, county):
    issue = api.create_issue(type="consult")
    with Session(engine, expire_on_commit=False) as s:
        coordinator = s.get(User, county.user_id("coordinator"))
        return transition(s, coordinator, issue["id"], "assign", api.assign_body(),
                          datetime(2026, 6, 1, 10, 0, tzinfo=SH), WorkflowOptions())


def test_tick_plans_and_sends_once_and_is_quiet_at_night(app, api, engine, county, sms):
    issue = _overdue_issue(api, engine, county)
    runner = app.test_cli_runner()
    night = runner.invoke(args=["reminders", "tick", "--now", "2026-07-15T22:00:00+08:00"])
    assert night.exit_code == 0 and "应发 0 条" in night.output
    assert sms.sent == []  # the assignment's own messages wait for the morning too

    first = runner.invoke(args=["reminders", "tick", "--now", "2026-07-15T10:00:00+08:00"])
    assert first.exit_code == 0, first.output
    assert "新排队 3 条" in first.output  # overdue to the department, escalation to leader and 督查办
    reminders = [m for m in sms.sent if m["template"] in ("escalation", "overdue")]
    assert sorted(m["template"] for m in reminders) == ["escalation", "escalation", "overdue"]
    sent = len(sms.sent)
    again = runner.invoke(args=["reminders", "tick", "--now", "2026-07-15T10:10:00+08:00"])
    assert "新排队 0 条" in again.output and "已发送 0" in again.output
    assert len(sms.sent) == sent
    overdue = next(m for m in sms.sent if m["template"] == "overdue")
    assert overdue["to"] == "13700001111" and issue.code in overdue["body"]

    next_day = runner.invoke(args=["reminders", "tick", "--now", "2026-07-16T09:00:00+08:00"])
    assert "新排队 1 条" in next_day.output  # overdue again; the escalation was once
    with Session(engine) as s:
        # (the registration receipt was queued at the real clock's time, after these July days)
        assert {m.status for m in s.exec(select(SmsMessage)) if m.template != "registered_reporter"} == {"sent"}


def test_tick_rejects_a_time_without_zone(app):
    out = app.test_cli_runner().invoke(args=["reminders", "tick", "--now", "2026-07-15T10:00:00"])
    assert out.exit_code != 0 and "时区" in out.output


def test_evening_tea_meetings_are_created_once_for_the_1st_and_15th(app, engine):
    now = datetime(2026, 11, 22, 6, 5, tzinfo=SH)
    assert scheduler.evening_tea_meetings(app, now) == {"created": 1}
    assert scheduler.evening_tea_meetings(app, now) == {"created": 0}
    later = datetime(2026, 11, 28, 6, 5, tzinfo=SH)
    assert scheduler.evening_tea_meetings(app, later) == {"created": 1}
    with Session(engine) as s:
        meetings = s.exec(select(Meeting).order_by(Meeting.held_at)).all()
    assert [(m.held_at.astimezone(SH).isoformat(), m.title) for m in meetings] == [
        ("2026-12-01T19:00:00+08:00", "2026年12月1日“听您说”晚茶会"),
        ("2026-12-15T19:00:00+08:00", "2026年12月15日“听您说”晚茶会"),
    ]


def test_every_job_is_declared_once_in_the_table(app):
    built = scheduler.build(app, background=True)
    assert sorted(job.id for job in built.get_jobs()) == sorted(
        [job.id for job in scheduler.JOBS] + ["leader_election"])
    assert {job.id for job in scheduler.JOBS} == {"evening_tea_meetings", "plan_reminders", "plan_consultations",
                                                     "dispatch_outbox", "pull_receipts", "train_suggestions",
                                                     "notice_visits_due"}
