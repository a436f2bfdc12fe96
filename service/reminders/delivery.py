"""Delivery reports: what the provider says became of a message we sent."""
import logging
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlmodel import Session

from models import SmsMessage, SmsStatus
from service.reminders.failures import tell_office

log = logging.getLogger(__name__)

# Provider statuses that say the message is still on its way: ours stays "sent".
IN_FLIGHT = frozenset({"accepted", "scheduled", "queued", "sending", "sent"})
DELIVERED = frozenset({"delivered", "read"})
FAILED = frozenset({"undelivered", "failed", "canceled"})

# Twilio's delivery failures (status callback ErrorCode), as the office should read them.
DELIVERY_ERRORS = {
    "30003": "对方手机关机、欠费或不在服务区",
    "30004": "短信被拦截（对方拒收或运营商屏蔽）",
    "30005": "号码不存在或已停机",
    "30006": "号码为固定电话或运营商无法送达",
    "30007": "被运营商过滤（疑似垃圾短信，须使用报备模板）",
    "30008": "未知错误，运营商未说明原因",
}


def failure_text(status: str, error_code: str | None, provider: str = "Twilio", reason: str | None = None) -> str:
    if error_code:
        reason = reason or DELIVERY_ERRORS.get(error_code, "运营商退回")
        return f"短信未送达（{provider} {error_code}）：{reason}"
    return f"短信未送达（{provider} 状态 {status}）"


def record_status(session: Session, provider_id: str, status: str, error_code: str | None,
                  now: datetime, *, provider: str = "Twilio", reason: str | None = None) -> SmsMessage | None:
    """Apply one status callback. Callbacks come late, twice or out of order: a message never
    moves back from delivered, and in-flight reports never undo a final one. Commits."""
    status = (status or "").strip().lower()
    error_code = (str(error_code).strip() or None) if error_code is not None else None
    msg = session.execute(select(SmsMessage).where(SmsMessage.provider_id == provider_id)).scalars().first()
    if msg is None:
        log.info("status %s for unknown provider message %s ignored", status, provider_id)
        return None
    if status not in IN_FLIGHT | DELIVERED | FAILED:
        log.warning("unknown provider status %r for message %s ignored", status, msg.id)
        return msg
    final = msg.status in (SmsStatus.DELIVERED, SmsStatus.FAILED)
    if status in DELIVERED:
        if msg.status != SmsStatus.DELIVERED:
            msg.status, msg.delivered_at, msg.last_error = SmsStatus.DELIVERED, now, None
            msg.provider_status = status
    elif status in FAILED:
        if msg.status != SmsStatus.DELIVERED:
            if msg.status != SmsStatus.FAILED:  # the office hears of it once (the key keeps it so)
                tell_office(session, msg_id=msg.id, issue_id=msg.issue_id, recipient_kind=msg.recipient_kind,
                            to=msg.recipient_phone, error=failure_text(status, error_code, provider, reason),
                            now=now)
            msg.status, msg.provider_status = SmsStatus.FAILED, status
            msg.last_error = failure_text(status, error_code, provider, reason)[:500]
    elif not final:
        msg.provider_status = status
    if session.is_modified(msg):
        msg.updated_at = now
        session.add(msg)
        session.commit()
    return msg


# Aliyun is asked about each message by its id; messages older than this are not asked about
# any more (Aliyun keeps details 30 days, receipts come within minutes).
PULL_WINDOW = timedelta(days=2)
PULL_BATCH = 50


def waiting_for_receipts(session: Session, now: datetime, limit: int = PULL_BATCH) -> list[tuple[str, str, datetime]]:
    """(provider id, number, sent at) of messages sent lately whose fate is not known yet,
    longest waiting first."""
    rows = session.execute(
        select(SmsMessage.provider_id, SmsMessage.recipient_phone, SmsMessage.sent_at)
        .where(SmsMessage.status == SmsStatus.SENT, SmsMessage.provider_id.is_not(None),
               SmsMessage.sent_at >= now - PULL_WINDOW)
        .order_by(SmsMessage.updated_at, SmsMessage.id).limit(limit)).all()
    return [(r[0], r[1], r[2]) for r in rows]


def apply_receipts(session: Session, receipts, now: datetime, provider: str) -> int:
    """Record each pulled receipt (as a pushed one would be); the number that changed a message."""
    changed = 0
    for receipt in receipts:
        before = session.execute(select(SmsMessage.status).where(
            SmsMessage.provider_id == receipt.provider_id)).scalar()
        msg = record_status(session, receipt.provider_id, receipt.status, receipt.error_code, now,
                            provider=provider, reason=receipt.reason)
        if msg is not None and msg.status != before:
            changed += 1
    return changed
