"""The SMS outbox: queueing inside a unit of work, and delivery after it has committed."""
from datetime import datetime, time, timedelta, timezone

from sqlalchemy import Engine, select, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from models import SmsMessage, SmsOptOut, SmsStatus, User
from models.permissions import Permission
from notifications import SendError, SmsSender, render
from service.core.errors import Conflict, NotFound
from service.core.paging import page
from service.core.phones import is_landline
from service.deadlines.calendar import LOCAL_TZ, WorkCalendar, local_date
from service.identity import permissions as access
from service.reminders.failures import tell_office
from service.reminders.reporter_messages import HAND_SENT, switched_off
from service.reminders.sms_texts import template_text

MAX_ATTEMPTS = 5
BASE_BACKOFF = timedelta(minutes=1)
THROTTLE_WAIT = timedelta(minutes=1)
# How long a row may stay "sending" before it is taken to belong to a dead dispatcher.
LEASE = timedelta(minutes=5)
# No SMS reaches anyone between 21:00 and 08:00 local time; it waits for the morning. The rule
# is checked when a message is sent, not only when it is queued: a dispatcher that runs late
# (stopped for a while, catching up) sends nothing into the night.
QUIET_FROM, QUIET_UNTIL = time(21, 0), time(8, 0)
# Deadline reminders and escalations (service.reminders) go out on working days only.
REMINDER_TEMPLATES = ("due_soon", "due_today", "overdue", "escalation", "review_due")


def first_allowed(moment: datetime, tz=LOCAL_TZ) -> datetime:
    """`moment`, or the end of the quiet hours it falls in."""
    local = moment.astimezone(tz)
    if QUIET_UNTIL <= local.time() < QUIET_FROM:
        return moment
    day = local.date() if local.time() < QUIET_UNTIL else local.date() + timedelta(days=1)
    return datetime.combine(day, QUIET_UNTIL, tzinfo=tz).astimezone(timezone.utc)


def opted_out(session: Session, phone: str | None) -> bool:
    """Whether `phone` answered TD (退订)."""
    local = mobile_digits(phone)
    return bool(local) and session.get(SmsOptOut, local) is not None


def mobile_digits(phone: str | None) -> str:
    """+86 138 1234 5678, 008613812345678, 13812345678 → 13812345678; other numbers as digits."""
    digits = "".join(ch for ch in (phone or "") if ch.isdigit())
    for prefix in ("0086", "86"):
        if digits.startswith(prefix) and len(digits) == len(prefix) + 11 and digits[len(prefix)] == "1":
            return digits[len(prefix):]
    return digits


def queue_sms(session: Session, *, dedupe_key: str, phone: str | None, kind: str, template: str,
              params: dict, issue_id: int | None, now: datetime, by_hand: bool = False,
              channel: str | None = None) -> SmsMessage | None:
    """Add a message to the outbox in the caller's transaction. No phone: nothing is queued; a
    reporter who answered TD (退订) gets only what the office sends by hand (`by_hand`, and the
    kinds that are only ever sent by hand); a kind of message to reporters that the
    administrator switched off for the issue's `channel` is not queued. A landline is never an
    SMS recipient: nothing is queued to one (the steps that take a phone for SMS refuse it first,
    service.core.phones.sms_refusal; this is the net under every other sender)."""
    if not phone or is_landline(mobile_digits(phone)):
        return None
    by_hand = by_hand or template in HAND_SENT
    if kind == "reporter" and not by_hand and (opted_out(session, phone) or switched_off(session, template, channel)):
        return None
    msg = SmsMessage(dedupe_key=dedupe_key, issue_id=issue_id, recipient_phone=phone,
                     recipient_kind=kind, template=template, params=params,
                     body=render(template, params, template_text(session, template)),
                     status=SmsStatus.PENDING,
                     next_attempt_at=first_allowed(now), created_at=now, updated_at=now)
    session.add(msg)
    return msg


def _write(engine: Engine):
    """A connection whose transaction takes the write lock at BEGIN on SQLite."""
    return engine.connect().execution_options(write=True)


def in_quiet_hours(moment: datetime, tz=LOCAL_TZ) -> bool:
    return first_allowed(moment, tz) != moment


def _claim_batch(engine: Engine, now: datetime, limit: int, reminders: bool = True) -> list[int]:
    """Take up to `limit` due rows for sending (without reminders: those wait), and take back
    rows a dead dispatcher left.

    PostgreSQL: SELECT ... FOR UPDATE SKIP LOCKED, so concurrent dispatchers share the work.
    SQLite: writers are serialised, and the conditional UPDATE lets only one win each row.
    """
    due = (SmsMessage.status == SmsStatus.PENDING) & (SmsMessage.next_attempt_at <= now)
    if not reminders:
        due = due & SmsMessage.template.not_in(REMINDER_TEMPLATES)
    with _write(engine) as conn, conn.begin():
        conn.execute(update(SmsMessage).where(
            SmsMessage.status == SmsStatus.SENDING, SmsMessage.claimed_at < now - LEASE,
        ).values(status=SmsStatus.PENDING, claimed_at=None, updated_at=now,
                 last_error="发送进程中断，已重新排队"))
        stmt = select(SmsMessage.id).where(due).order_by(SmsMessage.id).limit(limit)
        if conn.dialect.name == "postgresql":
            stmt = stmt.with_for_update(skip_locked=True)
        ids = list(conn.execute(stmt).scalars())
        if not ids:
            return []
        claimed = conn.execute(
            update(SmsMessage).where(SmsMessage.id.in_(ids), SmsMessage.status == SmsStatus.PENDING)
            .values(status=SmsStatus.SENDING, claimed_at=now, updated_at=now)
            .returning(SmsMessage.id)
        ).scalars()
        return sorted(claimed)


def _send_one(engine: Engine, sender: SmsSender, msg_id: int, now: datetime) -> str:
    """Call the provider outside any transaction, then record the result in a short one."""
    with Session(engine) as session:
        msg = session.get(SmsMessage, msg_id)
        attempts = msg.attempts + 1
        to, template, params, body = msg.recipient_phone, msg.template, msg.params, msg.body
        issue_id, recipient_kind = msg.issue_id, msg.recipient_kind
    values: dict = {"attempts": attempts, "claimed_at": None, "updated_at": now,
                    "provider": "robot" if to.startswith("robot:") else str(getattr(sender, "name", ""))[:16] or None}
    try:
        provider_id = sender.send(to, template, params, body)
    except SendError as exc:
        values["last_error"] = str(exc)[:500]
        if getattr(exc, "throttled", False):
            outcome = "retry"
            values.update(status=SmsStatus.PENDING, attempts=attempts - 1,
                          next_attempt_at=first_allowed(now + THROTTLE_WAIT))
        elif exc.retryable and attempts < MAX_ATTEMPTS:
            outcome = "retry"
            values.update(status=SmsStatus.PENDING,
                          next_attempt_at=first_allowed(now + BASE_BACKOFF * 2 ** (attempts - 1)))
        else:
            outcome = "failed"
            values["status"] = SmsStatus.FAILED
    else:
        outcome = "sent"
        values.update(status=SmsStatus.SENT, sent_at=now, provider_id=provider_id, last_error=None)
    with _write(engine) as conn, conn.begin():
        done = conn.execute(update(SmsMessage).where(SmsMessage.id == msg_id,
                                                     SmsMessage.status == SmsStatus.SENDING).values(**values))
        if outcome == "failed" and done.rowcount == 1:  # given up: the office follows it up
            tell_office(conn, msg_id=msg_id, issue_id=issue_id, recipient_kind=recipient_kind, to=to,
                        error=values.get("last_error"), now=now)
    return outcome


def dispatch_due(engine: Engine, sender: SmsSender, now: datetime, limit: int = 100,
                 calendar: WorkCalendar | None = None) -> dict[str, int]:
    """Send what is due, one batch, each message at most once; retry failures with back-off.

    Nothing is sent in the quiet hours: what falls due in them waits for 08:00. On a day off
    (by `calendar`) the deadline reminders wait for the next working day; other messages go.

    A message is marked "sending" and committed before the provider is called, and its
    result is committed right after. A dispatcher that dies between the provider accepting a
    message and that commit leaves the row "sending"; after LEASE it is queued again, so that
    one message — and only it — may reach its recipient twice.
    """
    counts = {"sent": 0, "retry": 0, "failed": 0}
    if in_quiet_hours(now):
        return counts
    reminders = calendar is None or calendar.is_working_day(local_date(now))
    for msg_id in _claim_batch(engine, now, limit, reminders):
        counts[_send_one(engine, sender, msg_id, now)] += 1
    return counts


def resend(session: Session, actor: User, msg_id: int, now: datetime) -> SmsMessage:
    """A failed message queued again as a new message (the failed one stays as it was). Each
    failed message can be resent once: a second click finds the first resend. Commits."""
    access.require(actor, Permission.OUTBOX_RESEND)
    msg = session.get(SmsMessage, msg_id)
    if msg is None:
        raise NotFound("没有这条消息")
    if msg.status != SmsStatus.FAILED:
        raise Conflict("只有发送失败的消息可以重发", code="not_failed")
    key = f"resend:{msg.id}"
    if session.execute(select(SmsMessage.id).where(SmsMessage.dedupe_key == key)).first():
        raise Conflict("这条消息已重发过，请在列表中查看新消息", code="already_resent")
    again = SmsMessage(dedupe_key=key, issue_id=msg.issue_id, recipient_phone=msg.recipient_phone,
                       recipient_kind=msg.recipient_kind, template=msg.template, params=dict(msg.params),
                       body=msg.body, status=SmsStatus.PENDING, next_attempt_at=first_allowed(now),
                       created_at=now, updated_at=now)
    session.add(again)
    try:
        session.commit()
    except IntegrityError:  # two clicks at once: one resend
        session.rollback()
        raise Conflict("这条消息已重发过，请在列表中查看新消息", code="already_resent") from None
    return again


def list_outbox(session: Session, actor: User, *, issue_id: int | None = None, status: str | None = None,
                limit: int = 50, cursor: str | None = None) -> tuple[list[SmsMessage], str | None]:
    """The outbox for the office and the supervision office, newest first."""
    access.require(actor, Permission.OUTBOX_READ)
    stmt = select(SmsMessage)
    if issue_id is not None:
        stmt = stmt.where(SmsMessage.issue_id == issue_id)
    if status:
        stmt = stmt.where(SmsMessage.status == status)
    return page(session, stmt, SmsMessage.id, limit, cursor)
