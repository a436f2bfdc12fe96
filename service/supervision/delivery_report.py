"""The delivery report of the supervision board: per channel (SMS, group robot) and provider,
what was sent, delivered and failed in a period, and the failures with their reasons."""
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import case, func, select
from sqlmodel import Session

from models import Issue, SmsMessage, SmsStatus, User
from service.core.masking import mask_phone
from service.deadlines.calendar import LOCAL_TZ
from service.supervision.board import _may_supervise

PROVIDER_LABELS = {"aliyun": "阿里云短信", "tencent": "腾讯云短信", "twilio": "Twilio", "console": "日志（未发出）",
                   "robot": "群机器人", None: "尚未发送"}


@dataclass
class DeliveryLine:
    channel: str          # "sms" | "robot"
    provider: str | None
    label: str
    queued: int
    sent: int
    delivered: int
    failed: int
    waiting: int


@dataclass
class Failure:
    id: int
    issue_id: int | None
    issue_code: str | None
    channel: str
    provider: str
    recipient: str
    template: str
    reason: str
    at: datetime
    resent: bool


@dataclass
class DeliveryReport:
    start: date
    end: date
    lines: list[DeliveryLine]
    failures: list[Failure]

    @property
    def totals(self) -> dict[str, int]:
        return {k: sum(getattr(line, k) for line in self.lines)
                for k in ("queued", "sent", "delivered", "failed", "waiting")}


def _bounds(start: date, end: date) -> tuple[datetime, datetime]:
    return (datetime.combine(start, time(0), tzinfo=LOCAL_TZ),
            datetime.combine(end + timedelta(days=1), time(0), tzinfo=LOCAL_TZ))


def delivery_report(session: Session, actor: User, start: date, end: date, limit: int = 100) -> DeliveryReport:
    """Messages queued from `start` to `end` (local days, both included)."""
    _may_supervise(actor)
    if end < start:
        start, end = end, start
    low, high = _bounds(start, end)
    robot = SmsMessage.recipient_kind == "robot"
    channel = case((robot, "robot"), else_="sms")
    in_period = (SmsMessage.created_at >= low) & (SmsMessage.created_at < high)
    rows = session.execute(
        select(channel, SmsMessage.provider, func.count(),
               func.sum(case((SmsMessage.sent_at.is_not(None), 1), else_=0)),
               func.sum(case((SmsMessage.status == SmsStatus.DELIVERED, 1), else_=0)),
               func.sum(case((SmsMessage.status == SmsStatus.FAILED, 1), else_=0)),
               func.sum(case((SmsMessage.status.in_((SmsStatus.PENDING, SmsStatus.SENDING)), 1), else_=0)))
        .where(in_period).group_by(channel, SmsMessage.provider).order_by(channel, SmsMessage.provider)).all()
    lines = [DeliveryLine(ch, prov, PROVIDER_LABELS.get(prov, prov), n, int(s or 0), int(d or 0), int(f or 0),
                          int(w or 0)) for ch, prov, n, s, d, f, w in rows]
    failed = session.execute(
        select(SmsMessage).where(in_period, SmsMessage.status == SmsStatus.FAILED)
        .order_by(SmsMessage.updated_at.desc(), SmsMessage.id.desc()).limit(limit)).scalars().all()
    ids = {m.issue_id for m in failed if m.issue_id}
    codes = dict(session.execute(select(Issue.id, Issue.code).where(Issue.id.in_(ids))).all()) if ids else {}
    resent = set(session.execute(select(SmsMessage.dedupe_key).where(
        SmsMessage.dedupe_key.in_([f"resend:{m.id}" for m in failed]))).scalars()) if failed else set()
    failures = [Failure(m.id, m.issue_id, codes.get(m.issue_id), "robot" if m.recipient_kind == "robot" else "sms",
                        PROVIDER_LABELS.get(m.provider, m.provider), _recipient(m), m.template,
                        m.last_error or "", m.updated_at, f"resend:{m.id}" in resent) for m in failed]
    return DeliveryReport(start, end, lines, failures)


def _recipient(m: SmsMessage) -> str:
    if m.recipient_kind == "robot":
        return "群机器人 #" + m.recipient_phone.split(":", 1)[-1]
    return mask_phone(m.recipient_phone) or "****"
