"""The delivery report on the supervision board: per channel and provider, sent, delivered and
failed in a period; the failures with their reasons; a resend that is a new message, once."""
from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import event
from sqlmodel import Session, select

from models import SmsMessage, User
from notifications import RecordingSender, SendError
from service.core.errors import Conflict, Forbidden, NotFound
from service.reminders.delivery import record_status
from service.reminders.outbox import dispatch_due, queue_sms, resend
from service.supervision.delivery_report import delivery_report

from ..console import Console

SH = ZoneInfo("Asia/Shanghai")
NOON = datetime(2026, 11, 20, 12, 0, tzinfo=SH).astimezone(timezone.utc)
DAY = date(2026, 11, 20)


class Named(RecordingSender):
    pass


def _queue(engine, n: int, start: int = 0):
    with Session(engine) as s:
        for i in range(start, start + n):
            queue_sms(s, dedupe_key=f"report:{i}", phone=f"1380000{i:04d}", kind="department", template="urged",
                      params={"code": f"YS2026-{i:06d}", "title": "道路破损", "note": ""}, issue_id=None, now=NOON)
        s.commit()


@pytest.fixture
def history(engine):
    """Five texts through Aliyun: two delivered, one refused for good, two still sent; one
    robot post failed."""
    _queue(engine, 5)
    aliyun = Named(name="aliyun")
    assert dispatch_due(engine, aliyun, NOON, limit=4)["sent"] == 4
    aliyun.fail_with = SendError("阿里云短信 isv.MOBILE_NUMBER_ILLEGAL：号码无效", retryable=False)
    assert dispatch_due(engine, aliyun, NOON)["failed"] == 1
    with Session(engine) as s:
        ids = [m.provider_id for m in s.exec(select(SmsMessage).order_by(SmsMessage.id)) if m.provider_id]
        record_status(s, ids[0], "delivered", None, NOON)
        record_status(s, ids[1], "delivered", None, NOON)
        s.add(SmsMessage(dedupe_key="robot:x", recipient_phone="robot:1", recipient_kind="robot", template="urged",
                         params={"code": "YS2026-000009"}, body="催办", status="failed", provider="robot",
                         attempts=1, last_error="钉钉群机器人 310000：签名、关键词或 IP 校验未通过",
                         next_attempt_at=NOON, created_at=NOON, updated_at=NOON))
        s.commit()


def test_the_report_counts_per_channel_and_provider(db, county, history):
    report = delivery_report(db, county.users["supervisor"], DAY, DAY)
    lines = {(line.channel, line.provider): (line.queued, line.sent, line.delivered, line.failed, line.waiting)
             for line in report.lines}
    assert lines == {("sms", "aliyun"): (5, 4, 2, 1, 0), ("robot", "robot"): (1, 0, 0, 1, 0)}
    reasons = sorted(f.reason for f in report.failures)
    assert any("号码无效" in r for r in reasons) and any("310000" in r for r in reasons)
    sms_failure = next(f for f in report.failures if f.channel == "sms")
    assert "*" in sms_failure.recipient and "13800000004" not in sms_failure.recipient
    # Another period shows nothing.
    assert delivery_report(db, county.users["supervisor"], DAY - timedelta(days=3), DAY - timedelta(days=1)).lines == []


def test_a_resend_is_a_new_message_and_happens_once(db, engine, county, history):
    office = county.users["coordinator"]
    failed = db.exec(select(SmsMessage).where(SmsMessage.status == "failed",
                                              SmsMessage.recipient_kind != "robot")).one()
    again = resend(db, office, failed.id, NOON + timedelta(hours=1))
    assert again.id != failed.id and again.status == "pending" and again.body == failed.body
    assert again.recipient_phone == failed.recipient_phone
    with pytest.raises(Conflict):
        resend(db, office, failed.id, NOON + timedelta(hours=1))
    delivered = db.exec(select(SmsMessage).where(SmsMessage.status == "delivered")).first()
    with pytest.raises(Conflict):
        resend(db, office, delivered.id, NOON)
    with pytest.raises(Forbidden):
        resend(db, county.users["fgj"], failed.id, NOON)
    with pytest.raises(NotFound):
        resend(db, office, 10 ** 9, NOON)
    sender = RecordingSender()
    assert dispatch_due(engine, sender, NOON + timedelta(hours=1))["sent"] == 1
    assert [m["to"] for m in sender.sent] == [failed.recipient_phone]
    db.expire_all()
    assert db.get(SmsMessage, failed.id).status == "failed"  # the failed one was never sent again


def test_the_report_page_and_its_resend_button(app, county, history, engine):
    app.config["CONSOLE_NOW"] = "2026-11-21T10:00:00+08:00"
    try:
        office = Console(app, "coordinator")
        page = office.text("/console/board/delivery?start=2026-11-20&end=2026-11-20")
        assert "阿里云短信" in page and "群机器人" in page and "号码无效" in page and "310000" in page
        assert "13800000004" not in page
        with Session(engine) as s:
            failed = s.exec(select(SmsMessage).where(SmsMessage.status == "failed",
                                                     SmsMessage.recipient_kind != "robot")).one()
        assert office.post(f"/console/board/delivery/resend/{failed.id}").status_code == 302
        assert "已重发" in office.text("/console/board/delivery?start=2026-11-20&end=2026-11-20")
        second = office.post(f"/console/board/delivery/resend/{failed.id}")
        assert second.status_code == 302
        with Session(engine) as s:
            assert len(s.exec(select(SmsMessage).where(SmsMessage.dedupe_key == f"resend:{failed.id}")).all()) == 1
        assert Console(app, "fgj").get("/console/board/delivery").status_code == 403
    finally:
        app.config["CONSOLE_NOW"] = None


def test_a_failed_robot_post_is_named_as_such_in_the_failed_list(db, county, history):
    from service.supervision.board import failed_sms
    items = failed_sms(db, county.users["supervisor"]).rows
    assert "群机器人 #1" in [m.recipient for m in items]


@pytest.mark.postgresql_only
def test_two_resend_clicks_at_the_same_moment_queue_one_message(engine, county, history):
    """The first click's message is stored while the second click is between its "already
    resent?" check and its insert: the second insert meets it and the office is told the message
    was resent. (SQLite's single writer cannot interleave two clicks this way.)"""
    with Session(engine, expire_on_commit=False) as session:
        office = session.get(User, county.users["coordinator"].id)
        failed = session.exec(select(SmsMessage).where(SmsMessage.status == "failed",
                                                       SmsMessage.recipient_kind != "robot")).one()
        key = f"resend:{failed.id}"
        first_click = []

        def first_click_lands(_flushing, _context, _instances):
            if not first_click:
                first_click.append(True)
                with Session(engine) as twin:
                    resend(twin, twin.get(User, office.id), failed.id, NOON + timedelta(hours=1))

        event.listen(session, "before_flush", first_click_lands)
        with pytest.raises(Conflict) as second_click:
            resend(session, office, failed.id, NOON + timedelta(hours=1))
        assert second_click.value.code == "already_resent"
    with Session(engine) as check:
        copies = check.exec(select(SmsMessage).where(SmsMessage.dedupe_key == key)).all()
        assert len(copies) == 1
