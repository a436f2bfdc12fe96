"""The SMS outbox: queueing inside a unit of work, and delivery after it has committed."""
from datetime import datetime, time, timedelta, timezone

from sqlalchemy import Engine, select, update
from sqlmodel import Session

from models import SmsMessage, SmsStatus, User
from models.workflow import OUTBOX_ROLES
from notifications import SendError, SmsSender, render

from .calendar import LOCAL_TZ
from .errors import Forbidden
from .paging import page

MAX_ATTEMPTS = 5
BASE_BACKOFF = timedelta(minutes=1)
# No SMS reaches anyone between 21:00 and 08:00 local time; it waits for the morning.
QUIET_FROM, QUIET_UNTIL = time(21, 0), time(8, 0)


def first_allowed(moment: datetime, tz=LOCAL_TZ) -> datetime:
    """`moment`, or the end of the quiet hours it falls in."""
    local = moment.astimezone(tz)
    if QUIET_UNTIL <= local.time() < QUIET_FROM:
        return moment
    day = local.date() if local.time() < QUIET_UNTIL else local.date() + timedelta(days=1)
    return datetime.combine(day, QUIET_UNTIL, tzinfo=tz).astimezone(timezone.utc)


def queue_sms(session: Session, *, dedupe_key: str, phone: str | None, kind: str, template: str,
              params: dict, issue_id: int | None, now: datetime) -> SmsMessage | None:
    """Add a message to the outbox in the caller's transaction. No phone: nothing is queued."""
    if not phone:
        return None
    msg = SmsMessage(dedupe_key=dedupe_key, issue_id=issue_id, recipient_phone=phone,
                     recipient_kind=kind, template=template, params=params,
                     body=render(template, params), status=SmsStatus.PENDING,
                     next_attempt_at=first_allowed(now), created_at=now, updated_at=now)
    session.add(msg)
    return msg


def _claim(engine: Engine, msg_id: int, now: datetime) -> bool:
    """Take one pending row for sending; the conditional UPDATE lets only one process win."""
    with engine.begin() as conn:
        claimed = conn.execute(
            update(SmsMessage).where(SmsMessage.id == msg_id, SmsMessage.status == SmsStatus.PENDING)
            .values(status=SmsStatus.SENDING, updated_at=now)
        ).rowcount
    return claimed == 1


def dispatch_due(engine: Engine, sender: SmsSender, now: datetime, limit: int = 100) -> dict[str, int]:
    """Send what is due, each message at most once; retry failures with back-off."""
    counts = {"sent": 0, "retry": 0, "failed": 0}
    with Session(engine) as session:
        due = session.execute(
            select(SmsMessage.id).where(SmsMessage.status == SmsStatus.PENDING,
                                        SmsMessage.next_attempt_at <= now)
            .order_by(SmsMessage.id).limit(limit)
        ).scalars().all()
    for msg_id in due:
        if not _claim(engine, msg_id, now):
            continue
        with Session(engine, expire_on_commit=False) as session:
            msg = session.get(SmsMessage, msg_id)
            msg.attempts += 1
            try:
                msg.provider_id = sender.send(msg.recipient_phone, msg.template, msg.params, msg.body)
            except SendError as exc:
                msg.last_error = str(exc)[:500]
                if exc.retryable and msg.attempts < MAX_ATTEMPTS:
                    msg.status = SmsStatus.PENDING
                    msg.next_attempt_at = first_allowed(now + BASE_BACKOFF * 2 ** (msg.attempts - 1))
                    counts["retry"] += 1
                else:
                    msg.status = SmsStatus.FAILED
                    counts["failed"] += 1
            else:
                msg.status, msg.sent_at = SmsStatus.SENT, now
                counts["sent"] += 1
            msg.updated_at = now
            session.add(msg)
            session.commit()
    return counts


def list_outbox(session: Session, actor: User, *, issue_id: int | None = None, status: str | None = None,
                limit: int = 50, cursor: str | None = None) -> tuple[list[SmsMessage], str | None]:
    """The outbox for the office and the supervision office, newest first."""
    if actor.role not in OUTBOX_ROLES:
        raise Forbidden("您的角色无权查看短信发送记录")
    stmt = select(SmsMessage)
    if issue_id is not None:
        stmt = stmt.where(SmsMessage.issue_id == issue_id)
    if status:
        stmt = stmt.where(SmsMessage.status == status)
    return page(session, stmt, SmsMessage.id, limit, cursor)
