"""Several dispatcher processes at once, and one killed mid-batch: every message is delivered,
none twice (but for the one in flight when a process is killed)."""
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from sqlalchemy import insert
from sqlmodel import Session, select

from models import SmsMessage
from service.reminders.outbox import LEASE

# Runs on both databases: the outbox claims rows with SELECT … FOR UPDATE SKIP LOCKED on PostgreSQL.
pytestmark = pytest.mark.both_db

ROOT = Path(__file__).resolve().parents[2]
# The dispatchers' clock: a working morning, so that the quiet hours (21:00-08:00) never hold
# the messages back whenever the suite runs.
MORNING = datetime(2026, 6, 2, 10, 0, tzinfo=timezone(timedelta(hours=8)))


def _queue(engine, n: int) -> list[str]:
    now = MORNING - timedelta(minutes=1)
    phones = [f"139{i:08d}" for i in range(n)]
    rows = [{"dedupe_key": f"load:{p}", "recipient_phone": p, "recipient_kind": "department",
             "template": "urged", "params": {}, "body": f"【督查办】YS2026-{i:06d}催办",
             "status": "pending", "attempts": 0, "next_attempt_at": now, "created_at": now,
             "updated_at": now} for i, p in enumerate(phones)]
    with engine.begin() as conn:
        conn.execute(insert(SmsMessage), rows)
    return phones


def _worker(url: str, out: Path, *extra: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "tests.dispatch_worker", url, str(out), *extra],
                            cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _statuses(engine) -> Counter:
    with Session(engine) as s:
        return Counter(m.status for m in s.exec(select(SmsMessage)))


def test_three_dispatchers_deliver_a_thousand_messages_exactly_once(app, engine, database_url, tmp_path):
    phones = _queue(engine, 1000)
    outs = [tmp_path / f"sent-{i}.txt" for i in range(3)]
    workers = [_worker(database_url, out, "--delay", "0.002", "--now", MORNING.isoformat()) for out in outs]
    for w in workers:
        _, err = w.communicate(timeout=300)
        assert w.returncode == 0, err
    per_worker = [out.read_text().split() if out.exists() else [] for out in outs]
    assert all(per_worker), [len(p) for p in per_worker]  # all three really shared the work
    assert Counter(p for sent in per_worker for p in sent) == Counter(phones)  # each exactly once
    assert _statuses(engine) == {"sent": 1000}


def test_a_dispatcher_killed_mid_batch_loses_nothing(app, engine, database_url, tmp_path):
    phones = _queue(engine, 200)
    out = tmp_path / "sent.txt"
    victim = _worker(database_url, out, "--delay", "0.01", "--now", MORNING.isoformat())
    assert victim.stdout.readline().strip() == "ready"
    deadline = time.monotonic() + 30
    while (not out.exists() or len(out.read_text().split()) < 40) and time.monotonic() < deadline:
        time.sleep(0.01)
    os.kill(victim.pid, signal.SIGKILL)
    victim.wait(timeout=10)
    before = _statuses(engine)
    assert before["sending"] > 0 and before["pending"] > 0  # killed with a batch in hand

    # A dispatcher started after the lease has run out takes the dead one's rows back.
    later = (MORNING + LEASE + timedelta(minutes=1)).isoformat()
    rescuer = _worker(database_url, out, "--now", later)
    _, err = rescuer.communicate(timeout=120)
    assert rescuer.returncode == 0, err
    counts = Counter(out.read_text().split())
    assert set(counts) == set(phones)  # none lost
    assert sum(counts.values()) - len(phones) <= 1  # at most the one in flight, twice
    assert _statuses(engine) == {"sent": 200}
