"""Scheduler leader election with real `flask scheduler` processes.

PostgreSQL: two processes, one leads and sends; kill it, the other takes over within a few
seconds and sends what was queued since. SQLite: the one scheduler process leads at once.
"""
import json
import os
import signal
import subprocess
import sys
import threading
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from sqlalchemy import insert, select

from models import SmsMessage

# Runs on both databases: it covers code that branches on the dialect (tests/core/test_dialects.py).
pytestmark = pytest.mark.both_db

ROOT = Path(__file__).resolve().parents[2]
LEADS = "成为调度主进程"
WAITS = "本进程待命"
# The schedulers' clock: a working morning, so the quiet hours never hold the messages back
# whenever the suite runs.
MORNING = datetime(2026, 6, 2, 10, 0, tzinfo=timezone(timedelta(hours=8)))


class Scheduler:
    """A `flask --app app scheduler` process whose output lines are collected as they come."""

    def __init__(self, database_url: str):
        env = {**os.environ, "DATABASE_URL": database_url, "SMS_BACKEND": "console",
               "SECRET_KEY": "test-secret", "SCHEDULER_LEADER_RETRY": "1", "SCHEDULER_NOW": MORNING.isoformat()}
        self.proc = subprocess.Popen([sys.executable, "-m", "flask", "--app", "app", "scheduler"],
                                     cwd=ROOT, env=env, stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE, text=True)
        self.out: list[str] = []
        self.err: list[str] = []
        for stream, lines in ((self.proc.stdout, self.out), (self.proc.stderr, self.err)):
            threading.Thread(target=lambda s=stream, ls=lines: ls.extend(iter(s.readline, "")),
                             daemon=True).start()

    def said(self, text: str) -> bool:
        return any(text in line for line in self.err)

    def sent(self) -> list[str]:
        """The issue codes of the SMS this process sent (the console sender logs a line for each,
        with the code and never the text)."""
        found = []
        for line in self.err:
            try:
                message = json.loads(line).get("message", "")
            except ValueError:
                continue
            if message.startswith("短信 ") and "问题 " in message:
                found.append(message.rsplit("问题 ", 1)[1].strip())
        return found

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
        self.proc.wait(timeout=30)


def wait_for(condition, timeout: float = 30, what: str = "") -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"waited {timeout}s for {what}"
        time.sleep(0.1)


def queue(engine, *bodies: str) -> None:
    """Messages due a minute before the schedulers' clock; each names itself as its issue code."""
    now = MORNING - timedelta(minutes=1)
    with engine.begin() as conn:
        conn.execute(insert(SmsMessage), [
            {"dedupe_key": f"leader:{body}", "recipient_phone": "13900000001", "recipient_kind": "department",
             "template": "urged", "params": {"code": body}, "body": body, "status": "pending", "attempts": 0,
             "next_attempt_at": now, "created_at": now, "updated_at": now} for body in bodies])


def statuses(engine) -> dict[str, str]:
    with engine.connect() as conn:
        return dict(conn.execute(select(SmsMessage.body, SmsMessage.status)).all())


def test_one_scheduler_leads_and_another_takes_over_when_it_dies(app, engine, database_url):
    queue(engine, "督办A1", "督办A2", "督办A3")
    first = Scheduler(database_url)
    second = None
    try:
        wait_for(lambda: first.said(LEADS) or "sqlite" in database_url and len(first.sent()) == 3,
                 what="the first scheduler to lead")
        wait_for(lambda: set(statuses(engine).values()) == {"sent"}, what="the first round")
        assert sorted(first.sent()) == ["督办A1", "督办A2", "督办A3"]
        if engine.dialect.name != "postgresql":
            return  # SQLite: one scheduler process, leading from the start
        second = Scheduler(database_url)
        wait_for(lambda: second.said(WAITS), what="the second scheduler to stand by")
        time.sleep(2)  # two election rounds: still standing by
        assert not second.said(LEADS) and second.sent() == []

        os.kill(first.proc.pid, signal.SIGKILL)  # no goodbye: the lock goes with its connection
        first.proc.wait(timeout=10)
        killed_at = time.monotonic()
        queue(engine, "督办B1", "督办B2")
        wait_for(lambda: second.said(LEADS), timeout=20, what="the second scheduler to take over")
        took_over = time.monotonic() - killed_at
        wait_for(lambda: statuses(engine)["督办B2"] == "sent" and statuses(engine)["督办B1"] == "sent",
                 what="the new leader's first round")
        assert sorted(second.sent()) == ["督办B1", "督办B2"]  # each message once, by the leader of the time
        assert sorted(first.sent()) == ["督办A1", "督办A2", "督办A3"]
        assert took_over < 10, took_over
    finally:
        first.stop()
        if second is not None:
            second.stop()
