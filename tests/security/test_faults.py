"""Fault proofs fast enough for the suite: the database going away and coming back, and an SMS
provider failing half its calls. The longer versions are scripts in faults/."""
from collections import Counter
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import psycopg
import pytest
from sqlalchemy import insert, select

import service.core.db
from faults import db_outage
from models import SmsMessage
from notifications.twilio_sender import TwilioSender
from service.reminders.outbox import dispatch_due

from ..conftest import make_test_app
from ..fake_twilio import FakeTwilio

# Runs on both databases: it covers code that branches on the dialect (tests/core/test_dialects.py).
pytestmark = pytest.mark.both_db

SH = ZoneInfo("Asia/Shanghai")


def test_the_database_going_away_mid_traffic_gives_503s_and_the_service_recovers(private_pg):
    url = private_pg.create_database("ys_fault")
    token = db_outage.prepare(url)
    app = make_test_app(url)
    headers = {"Authorization": f"Bearer {token}"}

    def call(method, path, body):
        resp = app.test_client().open(path, method=method, json=body, headers=headers)
        return resp.status_code, resp.get_json(silent=True)

    report = db_outage.run(private_pg, url, call, up=1.0, down=2.0, after=1.5, log=lambda _: None)
    app.extensions["ys"]["engine"].dispose()
    assert report["problems"] == [], report
    assert report["by_phase"]["down"][503] > 0 and report["readyz_while_down"] == 503
    assert report["readyz_after_restart"] == 200 and report["by_phase"]["after"].get(201, 0) > 0
    assert report["issues_in_db"] >= report["created_201"] > 0 and report["issues_without_events"] == 0


def test_a_pooled_connection_that_died_while_idle_is_replaced_before_use(private_pg, monkeypatch):
    """A database restart (here: the server ending every session) leaves the idle pooled
    connections dead. One idle for longer than PING_AFTER_IDLE is checked before use and
    replaced, so the caller never sees the restart; without the check the same request fails."""
    url = private_pg.create_database("ys_idle")
    token = db_outage.prepare(url)
    app = make_test_app(url)

    def status():
        return app.test_client().get("/api/v1/issues", headers={"Authorization": f"Bearer {token}"}).status_code

    def end_every_session():
        with psycopg.connect(private_pg.url("postgres"), autocommit=True) as conn:
            conn.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                         "WHERE datname = 'ys_idle' AND pid <> pg_backend_pid()")

    try:
        assert status() == 200
        monkeypatch.setattr(service.core.db, "PING_AFTER_IDLE", 0.0)  # every connection counts as idle
        end_every_session()
        assert status() == 200
        monkeypatch.setattr(service.core.db, "PING_AFTER_IDLE", 3600.0)  # none does: no check
        end_every_session()
        assert status() == 503
        assert status() == 200  # the pool was emptied by the failure and refilled
    finally:
        app.extensions["ys"]["engine"].dispose()


def _queue(engine, n: int, now: datetime) -> dict[str, str]:
    """n messages, each to its own number: phone → dedupe key."""
    rows = [{"dedupe_key": f"fault:{i}", "recipient_phone": f"1370000{i:04d}", "recipient_kind": "department",
             "template": "urged", "params": {}, "body": f"【督查办】YS2026-{i:06d}请于明日前办结",
             "status": "pending", "attempts": 0, "next_attempt_at": now, "created_at": now,
             "updated_at": now} for i in range(n)]
    with engine.begin() as conn:
        conn.execute(insert(SmsMessage), rows)
    return {"+86" + r["recipient_phone"]: r["dedupe_key"] for r in rows}


def test_a_provider_failing_half_its_calls_never_gets_a_message_twice(app, engine):
    now = datetime(2026, 6, 1, 9, 0, tzinfo=SH)
    keys = _queue(engine, 40, now)
    with FakeTwilio(failure_rate=0.5, slow_seconds=0.5) as fake:
        sender = TwilioSender(fake.account_sid, fake.auth_token, from_number="+15005550006",
                              api_base=fake.base_url, timeout=0.2)
        for _ in range(100):  # until quiet: nothing left to send or retry
            dispatch_due(engine, sender, now)
            with engine.connect() as conn:
                open_rows = conn.execute(select(SmsMessage.id).where(
                    SmsMessage.status.in_(("pending", "sending")))).all()
            if not open_rows:
                break
            now += timedelta(minutes=20)
        requests = list(fake.requests)
    with engine.connect() as conn:
        rows = {r.dedupe_key: r for r in conn.execute(select(SmsMessage)).all()}

    # The fault really happened: refusals, slow answers, and retries.
    statuses = Counter(r.status for r in requests)
    assert statuses[500] > 0 and sum(1 for r in requests if r.delay) > 0
    assert any(r.attempts > 1 and r.status == "sent" for r in rows.values())

    # Every message ended sent or visibly failed, and the provider took none of them twice.
    assert {r.status for r in rows.values()} <= {"sent", "failed"}
    accepted = Counter(keys[r.form["To"]] for r in requests if r.status == 201)
    assert max(accepted.values()) == 1
    for key, row in rows.items():
        answered = [r for r in requests if keys[r.form["To"]] == key and r.status == 201]
        if row.status == "sent":
            [ok] = answered
            assert ok.delay == 0 and row.provider_id == ok.sid
        elif answered:  # sent, but the answer came too late: failed, saying it may have gone out
            assert "可能已发出" in row.last_error
        else:  # refused five times
            assert row.attempts == 5 and "暂时不可用" in row.last_error


def test_the_fault_runs_see_every_committed_change_and_nothing_else(engine):
    """The before/after comparison the malformed-input and IDOR runs rest on: a row committed by
    another connection changes its table's hash (on SQLite, even when nothing else is read in
    between), a rolled-back write and a read change nothing."""
    from faults.tables import digest
    from models import Department

    made = datetime(2026, 12, 1, tzinfo=SH)
    before = digest(engine)
    with engine.connect() as conn:
        conn.execute(insert(Department).values(name="回滚的部门", code="rollback", created_at=made))
        conn.rollback()
        conn.execute(select(Department)).all()
    assert digest(engine) == before
    with engine.begin() as conn:
        conn.execute(insert(Department).values(name="新增的部门", code="added", created_at=made))
    after = digest(engine)
    assert [t for t in after if after[t] != before[t]] == ["department"]
    assert digest(engine, {"department"}) == {"department": after["department"]}
