"""Several dispatcher processes at once, and one killed mid-batch: every message is delivered,
none twice (but for the one in flight when a process is killed)."""
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from sqlalchemy import insert
from sqlmodel import Session, select

from models import SmsMessage
from service.reminders.outbox import LEASE

from ..fake_cn_sms import FakeAliyun
from ..fake_robots import FakeRobots

# Runs on both databases: the outbox claims rows with SELECT … FOR UPDATE SKIP LOCKED on PostgreSQL.
pytestmark = pytest.mark.both_db

ROOT = Path(__file__).resolve().parents[2]
# The dispatchers' clock: a working morning, so that the quiet hours (21:00-08:00) never hold
# the messages back whenever the suite runs.
MORNING = datetime(2026, 6, 2, 10, 0, tzinfo=timezone(timedelta(hours=8)))


def _queue(engine, n: int, robots: bool = False) -> list[str]:
    now = MORNING - timedelta(minutes=1)
    phones = [f"robot:{i}" if robots else f"139{i:08d}" for i in range(n)]
    rows = [{"dedupe_key": f"load:{p}", "recipient_phone": p, "recipient_kind": "department",
             "template": "urged", "params": {"code": f"YS2026-{i:06d}"}, "body": f"【督查办】YS2026-{i:06d}催办",
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


@dataclass
class Provider:
    extra: list[str]
    accepted: Callable[[], Counter] | None = None  # what the provider took, by recipient
    robots: bool = False


@pytest.fixture(params=["file", "aliyun", "robot"])
def provider(request):
    """How the workers send: to a file, through the Aliyun SDK to a local fake Aliyun, or to
    local fake group robots (one per message: each robot takes only 20 a minute)."""
    if request.param == "file":
        yield Provider([])
    elif request.param == "aliyun":
        with FakeAliyun(templates={"SMS_1001": ("code",)}) as fake:
            yield Provider(["--aliyun", fake.base_url],
                           lambda: Counter(fake.number_of(r) for r in fake.sent()))
    else:
        with FakeRobots() as fake:
            yield Provider(["--robot", fake.base_url],
                           lambda: Counter("robot:" + p.robot[1:] for p in fake.accepted()), robots=True)


def test_three_dispatchers_deliver_a_thousand_messages_exactly_once(app, engine, database_url, tmp_path, provider):
    extra = provider.extra
    phones = _queue(engine, 1000, provider.robots)
    outs = [tmp_path / f"sent-{i}.txt" for i in range(3)]
    workers = [_worker(database_url, out, "--delay", "0.002", "--now", MORNING.isoformat(), *extra) for out in outs]
    for w in workers:
        _, err = w.communicate(timeout=300)
        assert w.returncode == 0, err
    per_worker = [out.read_text().split() if out.exists() else [] for out in outs]
    assert all(per_worker), [len(p) for p in per_worker]  # all three really shared the work
    assert Counter(p for sent in per_worker for p in sent) == Counter(phones)  # each exactly once
    if provider.accepted is not None:  # and the provider accepted each exactly once
        assert provider.accepted() == Counter(phones)
    assert _statuses(engine) == {"sent": 1000}


def test_a_dispatcher_killed_mid_batch_loses_nothing(app, engine, database_url, tmp_path, provider):
    extra = provider.extra
    phones = _queue(engine, 200, provider.robots)
    out = tmp_path / "sent.txt"
    victim = _worker(database_url, out, "--delay", "0.01", "--now", MORNING.isoformat(), *extra)
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
    rescuer = _worker(database_url, out, "--now", later, *extra)
    _, err = rescuer.communicate(timeout=120)
    assert rescuer.returncode == 0, err
    counts = Counter(out.read_text().split())
    if provider.accepted is not None:  # what the provider accepted is what counts
        counts = provider.accepted()
    assert set(counts) == set(phones)  # none lost
    assert sum(counts.values()) - len(phones) <= 1  # at most the one in flight, twice
    assert _statuses(engine) == {"sent": 200}
