"""Prometheus metrics: who may read them, what they count, and the sum over gunicorn workers."""
import os
import re
import subprocess
import sys
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import insert
from sqlmodel import Session

from models import SmsMessage, User
from service.core.scheduler_lock import Leadership
from service.workflow.transition import WorkflowOptions, transition

from ..conftest import free_port

# Runs on both databases: it covers code that branches on the dialect (tests/core/test_dialects.py).
pytestmark = pytest.mark.both_db

ROOT = Path(__file__).resolve().parents[2]
SH = ZoneInfo("Asia/Shanghai")


def value(text: str, name: str, **labels) -> float | None:
    """The sample `name{labels...}` of an exposition, or None when it is absent."""
    for line in text.splitlines():
        if line.startswith("#") or not line.startswith(name):
            continue
        metric, _, number = line.rpartition(" ")
        base, _, label_text = metric.partition("{")
        found = dict(re.findall(r'(\w+)="([^"]*)"', label_text))
        if base == name and all(found.get(k) == v for k, v in labels.items()):
            return float(number)
    return None


def _queue(engine, status: str, n: int) -> None:
    now = datetime.now(timezone.utc)
    with engine.begin() as conn:
        conn.execute(insert(SmsMessage), [
            {"dedupe_key": f"metrics:{status}:{i}", "recipient_phone": f"1390000{i:04d}",
             "recipient_kind": "department", "template": "urged", "params": {}, "body": "催办",
             "status": status, "attempts": 0, "next_attempt_at": now, "created_at": now,
             "updated_at": now} for i in range(n)])


def test_metrics_count_requests_and_read_the_outbox_and_overdue_issues(app, api, engine, county, client):
    issue = api.create_issue(type="consult")
    with Session(engine, expire_on_commit=False) as s:
        coordinator = s.get(User, county.user_id("coordinator"))
        # assigned long ago: its deadlines are past
        transition(s, coordinator, issue["id"], "assign", api.assign_body(),
                   datetime(2026, 1, 5, 10, 0, tzinfo=SH), WorkflowOptions())
    before = client.get("/metrics").get_data(as_text=True)
    pending_before = value(before, "ys_sms_outbox_pending")
    _queue(engine, "pending", 3)
    _queue(engine, "failed", 2)
    for _ in range(4):
        api.ok("GET", f"/api/v1/issues/{issue['id']}", "coordinator")
    api.get("/api/v1/issues/999999", "coordinator")

    resp = client.get("/metrics")
    assert resp.status_code == 200 and resp.mimetype == "text/plain"
    text = resp.get_data(as_text=True)
    assert value(text, "ys_sms_outbox_pending") == pending_before + 3
    assert value(text, "ys_sms_failed") == 2
    assert value(text, "ys_issues_overdue") == 1
    ok = dict(endpoint="issues.get_issue", method="GET")
    ok_before = value(before, "ys_http_requests_total", status="200", **ok) or 0
    assert value(text, "ys_http_requests_total", status="200", **ok) == ok_before + 4
    assert value(text, "ys_http_requests_total", status="404", **ok) >= 1
    count = value(text, "ys_http_request_duration_seconds_count", **ok)
    assert count >= 5 and value(text, "ys_http_request_duration_seconds_bucket", le="+Inf", **ok) == count


def test_the_leader_gauge_follows_the_scheduler_lock(app, engine, client):
    text = client.get("/metrics").get_data(as_text=True)
    if engine.dialect.name != "postgresql":
        assert value(text, "ys_scheduler_leader") is None  # one scheduler process on SQLite
        return
    assert value(text, "ys_scheduler_leader") == 0
    leadership = Leadership(engine)
    try:
        assert leadership.held()
        assert value(client.get("/metrics").get_data(as_text=True), "ys_scheduler_leader") == 1
        other = Leadership(engine)
        assert not other.held()  # one leader at a time
        other.release()
    finally:
        leadership.release()
    assert value(client.get("/metrics").get_data(as_text=True), "ys_scheduler_leader") == 0


def test_only_this_host_the_lan_or_the_token_may_read_metrics(app, client, monkeypatch):
    def status(addr: str, **headers) -> int:
        return client.get("/metrics", environ_base={"REMOTE_ADDR": addr}, headers=headers).status_code

    assert status("127.0.0.1") == 200
    assert status("10.20.0.7") == 200 and status("192.168.1.9") == 200
    outsider = client.get("/metrics", environ_base={"REMOTE_ADDR": "203.0.113.9"})
    assert outsider.status_code == 403 and outsider.get_json()["error"]["code"] == "forbidden"
    assert status("127.0.0.1", **{"X-Forwarded-For": "203.0.113.9"}) == 403  # relayed by the proxy
    assert status("203.0.113.9", Authorization="Bearer some-token") == 403  # no token configured
    monkeypatch.setitem(app.config, "METRICS_TOKEN", "prom-scrape-0123456789")
    assert status("203.0.113.9", Authorization="Bearer prom-scrape-0123456789") == 200
    assert status("203.0.113.9", Authorization="Bearer prom-scrape-wrong") == 403
    assert status("127.0.0.1", Authorization="Bearer prom-scrape-0123456789",
                  **{"X-Forwarded-For": "203.0.113.9"}) == 200


def _get(url: str) -> tuple[int, str]:
    # generous: a loaded test machine (parallel workers, three gunicorn workers booting on two
    # cores) can hold a request for seconds; the test is about the figures, not the speed
    with urllib.request.urlopen(url, timeout=60) as resp:
        return resp.status, resp.read().decode()


def test_gunicorn_workers_add_up_in_multiprocess_mode(app, database_url, tmp_path):
    port = free_port()
    env = {**os.environ, "DATABASE_URL": database_url, "PORT": str(port), "WEB_CONCURRENCY": "3",
           "GUNICORN_THREADS": "1", "PROMETHEUS_MULTIPROC_DIR": str(tmp_path / "prom"),
           "SECRET_KEY": "test-secret"}
    # The log goes to a file, not a pipe: the app logs every request, and a pipe nobody reads
    # until the end fills after a few hundred of them and stalls the workers mid-request.
    log_path = tmp_path / "gunicorn.log"
    log = log_path.open("w")
    server = subprocess.Popen([sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py"], cwd=ROOT,
                              env=env, stdout=subprocess.DEVNULL, stderr=log, text=True)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                _get(base + "/healthz")
                break
            except OSError:
                assert server.poll() is None and time.monotonic() < deadline, log_path.read_text()
                time.sleep(0.2)
        def healthz_count() -> float:
            return value(_get(base + "/metrics")[1], "ys_http_requests_total",
                         endpoint="health.healthz", method="GET", status="200")

        before, sent = healthz_count(), 0
        with ThreadPoolExecutor(8) as pool:
            # concurrent requests until at least two workers have answered some
            while len(list((tmp_path / "prom").glob("counter_*.db"))) < 2 and sent < 2000:
                list(pool.map(lambda _: _get(base + "/healthz"), range(40)))
                sent += 40
        assert len(list((tmp_path / "prom").glob("counter_*.db"))) >= 2
        # any worker's /metrics reports the requests of all of them
        assert {healthz_count() for _ in range(6)} == {before + sent}
    finally:
        server.terminate()
        server.wait(timeout=30)
        log.close()
    first = log_path.read_text().splitlines()[0]
    assert first.startswith("{") and '"logger": "gunicorn.error"' in first  # gunicorn logs JSON too
