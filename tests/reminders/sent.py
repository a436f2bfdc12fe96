"""One 催办 text already sent to a department's mobile, the message that provider receipts and
replies in the webhook tests speak of."""
from datetime import datetime, timezone
from zoneinfo import ZoneInfo

from sqlmodel import Session, select

from models import SmsMessage
from notifications import RecordingSender
from service.reminders.outbox import dispatch_due, queue_sms

NOON = datetime(2026, 11, 20, 12, 0, tzinfo=ZoneInfo("Asia/Shanghai")).astimezone(timezone.utc)


def the_message(engine) -> SmsMessage:
    with Session(engine) as s:
        return s.exec(select(SmsMessage)).one()


def one_urge_sent(engine, dedupe_key: str) -> SmsMessage:
    with Session(engine) as s:
        queue_sms(s, dedupe_key=dedupe_key, phone="13800000001", kind="department", template="urged",
                  params={"code": "YS2026-000001", "title": "道路破损", "note": ""}, issue_id=None, now=NOON)
        s.commit()
    assert dispatch_due(engine, RecordingSender(), NOON)["sent"] == 1
    return the_message(engine)
