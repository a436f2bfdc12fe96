"""The SMS outbox: quiet hours, delivery once, retries with back-off, visible failure."""
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from sqlmodel import Session, select

from models import SmsMessage
from notifications import RecordingSender, SendError
from service.reminders.outbox import MAX_ATTEMPTS, dispatch_due, first_allowed, queue_sms

# Runs on both databases: it covers code that branches on the dialect (tests/core/test_dialects.py).
pytestmark = pytest.mark.both_db

SH = ZoneInfo("Asia/Shanghai")


@pytest.mark.parametrize("local, expected", [
    ("2026-11-20 10:00", "2026-11-20 10:00"),
    ("2026-11-20 20:59", "2026-11-20 20:59"),
    ("2026-11-20 21:00", "2026-11-21 08:00"),
    ("2026-11-20 23:30", "2026-11-21 08:00"),
    ("2026-11-21 02:00", "2026-11-21 08:00"),
    ("2026-11-21 08:00", "2026-11-21 08:00"),
])
def test_quiet_hours_hold_messages_until_eight(local, expected):
    moment = datetime.strptime(local, "%Y-%m-%d %H:%M").replace(tzinfo=SH)
    assert first_allowed(moment).astimezone(SH).strftime("%Y-%m-%d %H:%M") == expected


def _queue(engine, n: int, now: datetime) -> None:
    with Session(engine) as s:
        for i in range(n):
            queue_sms(s, dedupe_key=f"t:{i}", phone=f"1380000{i:04d}", kind="department",
                      template="urged", params={"code": f"YS2026-{i:06d}", "title": "道路破损", "note": ""},
                      issue_id=None, now=now)
        s.commit()


def test_each_message_is_sent_once_even_when_dispatched_twice(app, engine):
    noon = datetime(2026, 11, 20, 12, 0, tzinfo=SH).astimezone(timezone.utc)
    _queue(engine, 3, noon)
    sender = RecordingSender()
    assert dispatch_due(engine, sender, noon)["sent"] == 3
    assert dispatch_due(engine, sender, noon + timedelta(hours=1))["sent"] == 0
    assert sorted(m["to"] for m in sender.sent) == ["13800000000", "13800000001", "13800000002"]
    assert all("YS2026-" in m["body"] for m in sender.sent)
    with Session(engine) as s:
        assert {m.status for m in s.exec(select(SmsMessage))} == {"sent"}


def test_message_queued_at_night_waits_for_the_morning(app, engine):
    night = datetime(2026, 11, 20, 22, 30, tzinfo=SH).astimezone(timezone.utc)
    _queue(engine, 1, night)
    sender = RecordingSender()
    assert dispatch_due(engine, sender, night + timedelta(hours=2))["sent"] == 0
    morning = datetime(2026, 11, 21, 8, 0, tzinfo=SH).astimezone(timezone.utc)
    assert dispatch_due(engine, sender, morning)["sent"] == 1


def test_failures_are_retried_with_back_off_then_marked_failed(app, engine):
    t = datetime(2026, 11, 20, 10, 0, tzinfo=SH).astimezone(timezone.utc)
    _queue(engine, 1, t)
    sender = RecordingSender(fail_with=SendError("provider timeout"))
    waits = []
    for _ in range(MAX_ATTEMPTS):
        counts = dispatch_due(engine, sender, t)
        with Session(engine) as s:
            msg = s.exec(select(SmsMessage)).one()
        waits.append(msg.next_attempt_at - t)
        assert dispatch_due(engine, sender, t)["sent"] == 0  # not due again before its time
        t = msg.next_attempt_at
    assert counts == {"sent": 0, "retry": 0, "failed": 1}
    assert msg.status == "failed" and msg.attempts == MAX_ATTEMPTS
    assert msg.last_error == "provider timeout"
    assert waits[:3] == [timedelta(minutes=1), timedelta(minutes=2), timedelta(minutes=4)]


def test_a_refused_number_fails_at_once(app, engine):
    t = datetime(2026, 11, 20, 10, 0, tzinfo=SH).astimezone(timezone.utc)
    _queue(engine, 1, t)
    counts = dispatch_due(engine, RecordingSender(fail_with=SendError("invalid number", retryable=False)), t)
    assert counts == {"sent": 0, "retry": 0, "failed": 1}


def test_outbox_listing_masks_recipients(api):
    from ..helpers import issue_in
    issue = issue_in(api, "assigned")
    items = api.ok("GET", f"/api/v1/notifications?issue_id={issue['id']}", "coordinator")["items"]
    assert {m["recipient"] for m in items} >= {"137****1111", "138****5678"}
    assert all("13700001111" not in str(m) for m in items)
    assert api.get("/api/v1/notifications", "operator").status_code == 403
