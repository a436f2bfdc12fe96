"""The periodic jobs, declared in one table, and the scheduler that runs them.

Each job is a short wrapper around a service function. Running a job twice, or from several
scheduler processes at once, is harmless: reminders claim a unique key in the outbox, the
dispatcher claims rows before sending, and meetings are created under a lock. Colours need no
job: they are computed in SQL from `issue.next_due` whenever issues are listed.

On PostgreSQL several scheduler processes may run (one per host); only the holder of the
leader lock (`service/core/scheduler_lock.py`) runs the jobs, the others ask for it again every
`SCHEDULER_LEADER_RETRY` seconds and take over when the leader dies. That saves work, it is
not what keeps messages single. On SQLite run one scheduler process.

    flask --app app scheduler                  # its own process (production)
    flask --app app reminders tick [--now ISO] # one round, for cron, catching up and tests
"""
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timezone

from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.schedulers.base import BaseScheduler
from apscheduler.schedulers.blocking import BlockingScheduler
from flask import Flask
from sqlalchemy import select

from models import SmsTemplate
from service.core.db import open_session
from service.core.scheduler_lock import Leadership
from service.deadlines.calendar import LOCAL_TZ, load_calendar
from service.enterprises.visits import notice_unvisited
from service.matching.suggestions import train
from service.reminders.delivery import apply_receipts, waiting_for_receipts
from service.reminders.outbox import dispatch_due
from service.reminders.plan import ReminderPolicy, plan_and_queue
from service.workflow import consultation
from service.workflow.meetings import ensure_evening_tea_meetings
from service.workflow.sms_ratings import record_reply
from service.workflow.transition import WorkflowOptions

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Job:
    id: str
    run: Callable[[Flask, datetime], dict]
    trigger: dict


def _engine(app: Flask):
    return app.extensions["ys"]["engine"]


def plan_reminders(app: Flask, now: datetime) -> dict:
    policy = ReminderPolicy(days_before=app.config["REMINDER_DAYS_BEFORE"],
                            escalate_after=app.config["ESCALATE_AFTER_DAYS"])
    with open_session(_engine(app), write=True) as session:
        texts = dict(session.execute(select(SmsTemplate.key, SmsTemplate.body)).all())
        return plan_and_queue(session, now, load_calendar(session), policy, texts)


def dispatch_outbox(app: Flask, now: datetime) -> dict:
    """Send what is due, batch after batch, until nothing due is left."""
    total = {"sent": 0, "retry": 0, "failed": 0}
    with open_session(_engine(app)) as session:
        calendar = load_calendar(session)
    while True:
        counts = dispatch_due(_engine(app), app.extensions["ys"]["sms_sender"], now, calendar=calendar)
        for key, value in counts.items():
            total[key] += value
        if not any(counts.values()):
            return total


PROVIDER_LABELS = {"aliyun": "阿里云短信", "tencent": "腾讯云短信"}


def pull_receipts(app: Flask, now: datetime) -> dict:
    """Ask the provider what became of the messages sent (Aliyun: each by its id; Tencent
    Cloud: whatever it holds for us, and the replies), where it offers that instead of, or
    beside, its pushes. Senders without a pull do nothing."""
    sender = app.extensions["ys"]["sms_sender"]
    counts = {"receipts": 0, "replies": 0}
    if not hasattr(sender, "pull_receipts"):
        return counts
    label = PROVIDER_LABELS.get(sender.name, sender.name)
    with open_session(_engine(app)) as session:
        waiting = waiting_for_receipts(session, now) if sender.name == "aliyun" else None
    if waiting == []:
        return counts
    receipts = sender.pull_receipts(waiting) if waiting is not None else sender.pull_receipts()
    with open_session(_engine(app), write=True) as session:
        counts["receipts"] = apply_receipts(session, receipts, now, label)
    if hasattr(sender, "pull_replies"):
        for reply in sender.pull_replies():
            with open_session(_engine(app), write=True) as session:
                options = WorkflowOptions(calendar=load_calendar(session), track_url=app.extensions["ys"]["track_url"])
                record_reply(session, reply.phone, reply.text, reply.provider_id, now, options=options)
            counts["replies"] += 1
    return counts


def plan_consultations(app: Flask, now: datetime) -> dict:
    """征求意见 whose last day has passed unanswered: 无异议."""
    with open_session(_engine(app), write=True) as session:
        return {"no_objection": consultation.lapse(session, now)}


def train_suggestions(app: Flask, now: datetime) -> dict:
    """推荐主办单位: retrain on the county's assignments (service/matching/suggestions.py)."""
    with open_session(_engine(app), write=True) as session:
        row = train(session, now)
    return {"samples": row.samples if row else 0}


def evening_tea_meetings(app: Flask, now: datetime) -> dict:
    with open_session(_engine(app), write=True) as session:
        return {"created": len(ensure_evening_tea_meetings(session, now))}


def notice_visits_due(app: Flask, now: datetime) -> dict:
    """From the 25th: the leaders' month-end visits still to make, in their bell (once each)."""
    with open_session(_engine(app), write=True) as session:
        return {"visits_due": notice_unvisited(session, now)}


JOBS = (
    Job("evening_tea_meetings", evening_tea_meetings, {"trigger": "cron", "hour": 6, "minute": 5}),
    Job("plan_reminders", plan_reminders, {"trigger": "cron", "minute": "*/10"}),
    Job("plan_consultations", plan_consultations, {"trigger": "cron", "minute": "*/10"}),
    Job("dispatch_outbox", dispatch_outbox, {"trigger": "interval", "seconds": 30}),
    Job("pull_receipts", pull_receipts, {"trigger": "interval", "minutes": 5}),
    Job("notice_visits_due", notice_visits_due, {"trigger": "cron", "hour": "8-20", "minute": 15}),
    Job("train_suggestions", train_suggestions, {"trigger": "cron", "hour": 2, "minute": 30}),
)


def tick(app: Flask, now: datetime) -> dict[str, dict]:
    """Every job once, in order, as of `now`."""
    return {job.id: job.run(app, now) for job in JOBS}


def _now(app: Flask) -> datetime:
    """The time the jobs act as: the clock, or SCHEDULER_NOW (ISO 8601 with offset) when a test
    fixes it, as CONSOLE_NOW does for requests."""
    return app.config["SCHEDULER_NOW"] or datetime.now(timezone.utc)


def _run(app: Flask, job: Job, leadership: Leadership) -> None:
    if not leadership.held(acquire=False):
        return  # another process leads; the election job asks for the lock
    try:
        result = job.run(app, _now(app))
    except Exception:  # a failed round must not stop the scheduler; the next one retries
        log.exception("job %s failed", job.id)
        return
    if any(result.values()):
        log.info("job %s: %s", job.id, result)


def _campaign(app: Flask, leadership: Leadership, standby_said: list,
              first_round: threading.Event | None = None) -> None:
    """Ask for the leader lock; a process that has just taken it runs every job once at once,
    so nothing waits for its next trigger (a dead leader may have missed some). `first_round`
    is set once the first attempt is over (the round run, or this process standing by)."""
    try:
        was_leading = leadership.leading
        if leadership.held():
            if not was_leading:
                standby_said.clear()
                for job in JOBS:
                    _run(app, job, leadership)
        elif not standby_said:
            standby_said.append(True)
            log.info("另一调度进程正在执行任务，本进程待命，每 %g 秒重试",
                     app.config["SCHEDULER_LEADER_RETRY"])
    finally:
        if first_round is not None:
            first_round.set()


def build(app: Flask, background: bool = False, first_round: threading.Event | None = None) -> BaseScheduler:
    kind = BackgroundScheduler if background else BlockingScheduler
    scheduler = kind(timezone=LOCAL_TZ, job_defaults={
        "coalesce": True, "max_instances": 1, "misfire_grace_time": 600})
    leadership = Leadership(_engine(app))
    for job in JOBS:
        scheduler.add_job(_run, args=(app, job, leadership), id=job.id, **job.trigger)
    # Runs at once: the process that leads (on SQLite, the only one) starts with a full round.
    scheduler.add_job(_campaign, args=(app, leadership, [], first_round), id="leader_election",
                      trigger="interval", seconds=app.config["SCHEDULER_LEADER_RETRY"],
                      next_run_time=datetime.now(LOCAL_TZ))
    return scheduler
