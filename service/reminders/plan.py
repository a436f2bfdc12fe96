"""Deadline reminders and escalation (三色督办 by SMS).

`plan()` is a pure function of (today, the issues due soon or overdue, calendar, policy,
contacts). `plan_due()` loads only those issues, through the indexed `next_due` column, and
`queue_planned()` claims each message's unique key in the outbox, so planning the same day
twice, or from several processes, queues nothing twice.

Per issue and recipient, at most one reminder a working day: the most urgent of its open
deadlines — overdue, else due today, else due within `days_before` working days (a countdown) —
the first a day's ticks find. The department's responsible person is reminded
of the accept, reply, completion and report deadlines; the office of the return visit.
After `escalate_after` overdue working days the lead leader and the supervision office are
told of the earliest overdue deadline, once per deadline.

An issue whose clock stands still — 挂账, or 提请上级 waiting on the higher level — has a review
date instead: from that day on the office (the coordinators) is reminded, once per review
date (`plan_reviews()`); a new review date (a follow-up, a new 挂账) brings a new reminder.
"""
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time

from sqlalchemy import select, text
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session

from models import (
    DEADLINE_KEYS,
    DEADLINE_LABELS,
    OPEN_DEADLINES,
    STOPPED_STATUSES,
    Department,
    Issue,
    Role,
    SmsMessage,
    SmsStatus,
    User,
)
from notifications import render
from service.deadlines.calendar import LOCAL_TZ, WorkCalendar
from service.deadlines.rules import open_deadline_keys
from service.notices.send import OFFICE, notify
from service.reminders.outbox import QUIET_FROM
from service.reminders.robots import departments_with_robots, queue_robot_messages

SEND_AT = time(9, 0)


@dataclass(frozen=True)
class ReminderPolicy:
    days_before: int = 2      # "due soon" this many working days ahead
    escalate_after: int = 3   # overdue working days before the leader and 督查办 are told


@dataclass(frozen=True)
class Contacts:
    """Phones of the people reminders go to besides the responsible person."""

    leaders: dict[int, str] = field(default_factory=dict)        # leader user id → phone
    supervisors: tuple[str, ...] = ()                              # 督查办
    office: tuple[str, ...] = ()                                   # 县营商办 (return visits)
    departments: dict[int, str] = field(default_factory=dict)     # department id → name


@dataclass(frozen=True)
class Planned:
    issue_id: int
    deadline: str
    kind: str            # due_soon | due_today | overdue | escalation | review_due (outbox.REMINDER_TEMPLATES)
    day: date            # the day it is owed (an escalation: the day it became owed; a review: its date)
    recipient_kind: str  # department | office | leader | supervisor
    phone: str
    params: dict

    @property
    def key(self) -> str:
        """The message's claim in the outbox. A reminder's key names only its day, so each
        recipient gets at most one a day per issue whatever the ticks find; an escalation's
        names its deadline, so it is sent once."""
        if self.kind == "escalation":
            return f"escalation:{self.issue_id}:{self.deadline}:{self.phone}"
        if self.kind == "review_due":
            return f"review:{self.issue_id}:{self.day.isoformat()}:{self.phone}"
        return f"reminder:{self.issue_id}:{self.day.isoformat()}:{self.phone}"


def _open_deadlines(issue) -> list[tuple[str, date]]:
    """(key, date) of each open deadline; deadlines falling on the same date count once."""
    seen: dict[date, str] = {}
    for key in open_deadline_keys(issue):
        due = getattr(issue, key)
        if due is not None and due not in seen:
            seen[due] = key
    return sorted(((k, d) for d, k in seen.items()), key=lambda kd: kd[1])


def _most_urgent(deadlines: list[tuple[str, date]], today: date, started: date, calendar: WorkCalendar,
                 policy: ReminderPolicy) -> tuple[str, str, date] | None:
    """(kind, deadline key, due date) of the reminder owed today, if any."""
    for key, due in deadlines:  # earliest first: the first overdue one is the most urgent
        if due < today:
            return "overdue", key, due
    for key, due in deadlines:
        if due == today:
            return "due_today", key, due
    if today > started:  # on the day the clock started, the assignment's SMS said it all
        for key, due in deadlines:
            if calendar.working_days_between(today, due) <= policy.days_before:
                return "due_soon", key, due
    return None


def _clock_started(issue) -> date:
    """The day the issue's current deadlines started to run for its recipient."""
    moment = issue.replied_at if issue.status == "replied" else issue.assigned_at
    return moment.astimezone(LOCAL_TZ).date() if moment else date.min


def plan(today: date, issues: Iterable, calendar: WorkCalendar, policy: ReminderPolicy,
         contacts: Contacts) -> list[Planned]:
    """The reminders owed on `today` (a working day) for `issues`. Pure."""
    planned: list[Planned] = []
    for issue in issues:
        deadlines = _open_deadlines(issue)
        base = {"code": issue.code, "title": issue.title}
        urgent = _most_urgent(deadlines, today, _clock_started(issue), calendar, policy)
        if urgent:
            kind, key, due = urgent
            params = {**base, "deadline": key, "what": DEADLINE_LABELS[key], "due": due.isoformat(),
                      "days": abs(calendar.working_days_between(today, due))}
            if key == "visit_due":
                targets = [("office", phone) for phone in contacts.office]
            else:
                targets = [("department", issue.responsible_phone)] if issue.responsible_phone else []
            planned += [Planned(issue.id, key, kind, today, who, phone, params) for who, phone in targets]
        planned += _escalations(issue, deadlines, today, calendar, policy, contacts, base)
    return planned


def _escalations(issue, deadlines, today, calendar, policy, contacts, base) -> Iterator[Planned]:
    """The earliest overdue deadline past `escalate_after` working days, once per deadline."""
    for key, due in deadlines:
        if due >= today or key == "visit_due":
            continue
        escalate_on = calendar.add_working_days(due, policy.escalate_after)
        if escalate_on > today:
            continue
        params = {**base, "deadline": key, "what": DEADLINE_LABELS[key], "due": due.isoformat(),
                  "days": calendar.working_days_between(due, today), "day": escalate_on.isoformat(),
                  "dept": contacts.departments.get(issue.lead_department_id, "")}
        targets = [("supervisor", phone) for phone in contacts.supervisors]
        if contacts.leaders.get(issue.lead_leader_id):
            targets.insert(0, ("leader", contacts.leaders[issue.lead_leader_id]))
        for who, phone in targets:
            yield Planned(issue.id, key, "escalation", escalate_on, who, phone, params)
        return


# What the review reminder calls the stopped clock, by state.
REVIEW_WHAT = {"suspended": "挂账", "escalated": "提请上级"}


def plan_reviews(today: date, issues: Iterable, contacts: Contacts) -> list[Planned]:
    """The review reminders owed on `today` to the office: each issue whose clock stands still
    (挂账, 提请上级) and whose review date has come, once per review date (the key names it, so
    a later day's round finds it queued). Pure."""
    planned = []
    for issue in issues:
        if issue.status not in REVIEW_WHAT or issue.review_on is None or issue.review_on > today:
            continue
        params = {"code": issue.code, "title": issue.title, "what": REVIEW_WHAT[issue.status],
                  "due": issue.review_on.isoformat()}
        planned += [Planned(issue.id, "review_on", "review_due", issue.review_on, "office", phone, params)
                    for phone in contacts.office]
    return planned


def notice_reviews(session: Session, issues: Iterable, now: datetime) -> int:
    """The office hears in the console of each review date that has come, as by SMS: once per
    (issue, review date) and coordinator, whatever the rounds (the notice's key names both).
    In the caller's transaction; returns how many issues were told of."""
    told = 0
    for issue in issues:
        if issue.status not in REVIEW_WHAT or issue.review_on is None:
            continue
        what = REVIEW_WHAT[issue.status]
        notify(session, [OFFICE], kind="review_due", issue_id=issue.id, now=now,
               key=f"review:{issue.id}:{issue.review_on.isoformat()}",
               text=f"{what}复核日期已到：{issue.code}《{issue.title}》的复核日期为 {issue.review_on.isoformat()}，"
                    f"请复核办理情况")
        told += 1
    return told


def review_window_issues(session: Session, today: date) -> Iterator:
    """The issues with a stopped clock whose review date has come."""
    stmt = (select(Issue.id, Issue.code, Issue.title, Issue.status, Issue.review_on)
            .where(Issue.status.in_(STOPPED_STATUSES), Issue.review_on <= today).order_by(Issue.id))
    yield from session.execute(stmt)


# --- the database side --------------------------------------------------------------------

_COLUMNS = (Issue.id, Issue.code, Issue.title, Issue.status, Issue.responsible_phone,
            Issue.lead_department_id, Issue.lead_leader_id, Issue.assigned_at, Issue.replied_at,
            Issue.answered_at, Issue.reported_at,
            *(getattr(Issue, k) for k in DEADLINE_KEYS))


def load_contacts(session: Session) -> Contacts:
    users = session.execute(select(User.id, User.role, User.phone).where(
        User.active.is_(True), User.phone.is_not(None),
        User.role.in_((Role.LEADER, Role.SUPERVISOR, Role.COORDINATOR)))).all()
    return Contacts(
        leaders={uid: phone for uid, role, phone in users if role == Role.LEADER},
        supervisors=tuple(phone for _, role, phone in users if role == Role.SUPERVISOR),
        office=tuple(phone for _, role, phone in users if role == Role.COORDINATOR),
        departments=dict(session.execute(select(Department.id, Department.name)).all()),
    )


def due_window_issues(session: Session, today: date, calendar: WorkCalendar,
                      policy: ReminderPolicy, batch: int = 2000) -> Iterator:
    """Only the open issues with a deadline in the reminder window or past it: by `next_due`."""
    horizon = calendar.add_working_days(today, policy.days_before)
    stmt = (select(*_COLUMNS)
            .where(Issue.status.in_(tuple(OPEN_DEADLINES)), Issue.next_due <= horizon)
            .order_by(Issue.id))
    yield from session.execute(stmt.execution_options(yield_per=batch))


def is_sending_time(now: datetime, calendar: WorkCalendar) -> bool:
    """Reminders go out on working days from 09:00, never into the quiet hours."""
    local = now.astimezone(LOCAL_TZ)
    return calendar.is_working_day(local.date()) and SEND_AT <= local.time() < QUIET_FROM


def _already_queued(session: Session, keys: list[str], chunk: int = 5000) -> set[str]:
    """The keys among `keys` that the outbox holds already."""
    if session.get_bind().dialect.name == "postgresql":
        # A join with the keys as an array: an IN list of thousands can be planned as a
        # sequential scan comparing every row with every key while the table's statistics
        # are stale, which took minutes on a freshly filled outbox.
        return set(session.execute(text(
            "SELECT o.dedupe_key FROM unnest(CAST(:keys AS text[])) AS k(key) "
            "JOIN sms_outbox o ON o.dedupe_key = k.key"), {"keys": keys}).scalars())
    found: set[str] = set()
    for start in range(0, len(keys), chunk):
        found.update(session.execute(select(SmsMessage.dedupe_key).where(
            SmsMessage.dedupe_key.in_(keys[start:start + chunk]))).scalars())
    return found


def queue_planned(session: Session, planned: list[Planned], now: datetime,
                  texts: dict[str, str] | None = None) -> int:
    """Claim each planned message's key in the outbox; returns how many were new. Commits.

    Keys already there are skipped up front (the usual case for a repeated tick); the
    unique index decides any race with another process (ON CONFLICT DO NOTHING).
    """
    seen = _already_queued(session, [p.key for p in planned])
    rows = [{"dedupe_key": p.key, "issue_id": p.issue_id, "recipient_phone": p.phone,
             "recipient_kind": p.recipient_kind, "template": p.kind, "params": p.params,
             "body": render(p.kind, p.params, (texts or {}).get(p.kind)),
             "status": SmsStatus.PENDING, "attempts": 0, "next_attempt_at": now,
             "created_at": now, "updated_at": now} for p in planned if p.key not in seen]
    if rows:
        dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
        stmt = dialect.insert(SmsMessage).on_conflict_do_nothing(index_elements=["dedupe_key"])
        session.execute(stmt, rows)  # executemany: one prepared statement, many rows
        _to_robots(session, [p for p in planned if p.key not in seen], now)
    session.commit()
    return len(rows)


def _to_robots(session: Session, new: list[Planned], now: datetime) -> None:
    """The reminders to a lead department's responsible person go to the department's work-group
    robots too (those that take the kind), mentioning that person."""
    with_robots = departments_with_robots(session)
    mine = [p for p in new if p.recipient_kind == "department"]
    if not with_robots or not mine:
        return
    leads = {row.id: row for row in session.execute(
        select(Issue.id, Issue.lead_department_id, Issue.responsible_phone)
        .where(Issue.id.in_({p.issue_id for p in mine}), Issue.lead_department_id.in_(with_robots)))}
    for p in mine:
        lead = leads.get(p.issue_id)
        if lead is not None and lead.responsible_phone == p.phone:
            queue_robot_messages(session, dedupe_key=p.key, department_id=lead.lead_department_id,
                                 template=p.kind, params={**p.params, "issue_id": p.issue_id},
                                 issue_id=p.issue_id, now=now, mention=p.phone)


def plan_and_queue(session: Session, now: datetime, calendar: WorkCalendar,
                   policy: ReminderPolicy = ReminderPolicy(), texts: dict[str, str] | None = None) -> dict:
    """One planning round at `now`: the reminders owed today, each queued once. Commits."""
    if not is_sending_time(now, calendar):
        return {"planned": 0, "queued": 0}
    today = now.astimezone(LOCAL_TZ).date()
    contacts = load_contacts(session)
    planned = plan(today, due_window_issues(session, today, calendar, policy), calendar, policy, contacts)
    reviews = list(review_window_issues(session, today))
    planned += plan_reviews(today, reviews, contacts)
    notice_reviews(session, reviews, now)  # committed with the SMS below
    return {"planned": len(planned), "queued": queue_planned(session, planned, now, texts)}
