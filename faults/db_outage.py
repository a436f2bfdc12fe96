"""The database goes away mid-traffic and comes back: requests answer 503 with the JSON error
envelope (no 500, no hang), /readyz says 503 then 200, nothing is half-written, and the
service recovers without a restart.

    .venv/bin/python -m faults.db_outage [--port 5499] [--web-port 8499] [--down 4]

Starts a private PostgreSQL cluster (never the shared server on 5432), gunicorn with two
workers on it, traffic from two threads (lists, creating issues, /readyz), stops the cluster
for a few seconds and starts it again. tests/security/test_faults.py runs the same scenario through
Flask's test client.
"""
import argparse
import json
import os
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections import Counter
from collections.abc import Callable
from datetime import datetime, timezone
from pathlib import Path

from sqlalchemy import func, select

from models import Issue, IssueEvent
from service.core.db import make_engine, open_session
from service.core.migrate import upgrade
from service.identity.directory import create_user
from service.identity.sessions import issue_token
from service.intake.categories import seed_defaults

from .pg import PrivatePostgres

ROOT = Path(__file__).resolve().parent.parent
Call = Callable[[str, str, dict | None], tuple[int, dict | None]]
ISSUE = {"title": "园区道路破损影响货车通行", "content": "工业园区东路路面塌陷，请协调修复。",
         "channel": "hotline", "type": "help", "category": "基础设施", "township": "城关镇",
         "reporter": {"name": "王建国", "phone": "13812345678", "kind": "person"}}
OUTAGE_CODES = {"unavailable", "database_unavailable"}


def prepare(url: str) -> str:
    """Schema, the default categories (as `init-db` makes them) and an operator; returns the
    operator's bearer token."""
    engine = make_engine(url)
    upgrade(engine)
    with open_session(engine, write=True) as s:
        seed_defaults(s)
        user = create_user(s, None, username="operator", password="Fault-pass-2026", role="operator")
        token, _ = issue_token(s, user, datetime.now(timezone.utc))
    engine.dispose()
    return token


def _traffic(call: Call, stop: threading.Event, phase: list, seen: list, worker: int) -> None:
    n = 0
    while not stop.is_set():
        n += 1
        method, path, body = (("POST", "/api/v1/issues", ISSUE) if (n + worker) % 2 else
                              ("GET", "/api/v1/issues?limit=5", None))
        started, started_in = time.monotonic(), phase[0]  # a request belongs to the phase it began in
        try:
            status, data = call(method, path, body)
        except Exception as exc:  # a transport failure is a finding too
            status, data = -1, {"exception": repr(exc)[:300]}
        seen.append({"phase": started_in, "method": method, "status": status,
                     "exception": (data or {}).get("exception") if isinstance(data, dict) else None,
                     "code": (data or {}).get("error", {}).get("code") if isinstance(data, dict) else None,
                     "seconds": time.monotonic() - started})
        time.sleep(0.02)


def run(pg: PrivatePostgres, database_url: str, call: Call, *, up: float = 2.0, down: float = 3.0,
        after: float = 3.0, log=print) -> dict:
    """The outage scenario; returns its findings, with `problems` empty when all went well."""
    phase, seen, stop = ["before"], [], threading.Event()
    threads = [threading.Thread(target=_traffic, args=(call, stop, phase, seen, i)) for i in range(2)]
    for t in threads:
        t.start()
    time.sleep(up)
    log(f"stopping PostgreSQL on port {pg.port} with traffic running")
    phase[0] = "down"
    pg.stop("fast")
    time.sleep(0.5)
    ready_down = call("GET", "/readyz", None)
    time.sleep(down)
    log("starting PostgreSQL again")
    pg.start()
    phase[0] = "recovering"
    restarted = time.monotonic()
    while (ready := call("GET", "/readyz", None))[0] != 200 and time.monotonic() - restarted < 30:
        time.sleep(0.1)
    recovered_after = time.monotonic() - restarted
    phase[0] = "after"
    time.sleep(after)
    stop.set()
    for t in threads:
        t.join(timeout=60)

    engine = make_engine(database_url)
    with open_session(engine) as s:
        issues = s.scalar(select(func.count()).select_from(Issue))
        without_events = s.scalar(select(func.count()).select_from(Issue).where(
            ~select(IssueEvent.id).where(IssueEvent.issue_id == Issue.id).exists()))
    engine.dispose()

    by_phase = {p: Counter(r["status"] for r in seen if r["phase"] == p)
                for p in ("before", "down", "recovering", "after")}
    created = sum(1 for r in seen if r["method"] == "POST" and r["status"] == 201)
    failed_creates = sum(1 for r in seen if r["method"] == "POST" and r["status"] != 201)
    report = {
        "requests": len(seen), "by_phase": {p: dict(c) for p, c in by_phase.items()},
        "readyz_while_down": ready_down[0], "readyz_after_restart": ready[0],
        "recovered_seconds": round(recovered_after, 2),
        "slowest_seconds": round(max(r["seconds"] for r in seen), 2),
        "created_201": created, "issues_in_db": issues, "issues_without_events": without_events,
    }
    problems = []
    if any(r["status"] not in (200, 201, 503) for r in seen):
        odd = next(r for r in seen if r["status"] not in (200, 201, 503))
        problems.append(f"statuses other than 200/201/503: {dict(Counter(r['status'] for r in seen))}, "
                        f"e.g. {odd}")
    if any(r["status"] == 503 and r["code"] not in OUTAGE_CODES for r in seen):
        problems.append("a 503 without the JSON error envelope")
    if not by_phase["down"][503]:
        problems.append("no request noticed the outage")
    if ready_down[0] != 503 or ready[0] != 200:
        problems.append(f"/readyz {ready_down[0]} while down, {ready[0]} after restart")
    if set(by_phase["after"]) - {200, 201}:
        problems.append(f"not recovered after restart: {dict(by_phase['after'])}")
    if report["slowest_seconds"] > 10:
        problems.append("a request hung")
    if without_events:
        problems.append(f"{without_events} issues without their creation event (half-written)")
    # A commit whose acknowledgement was lost with the connection is the only way an issue can
    # exist without a 201; at most one per request that failed while creating.
    if not created <= issues <= created + failed_creates:
        problems.append(f"{issues} issues in the database for {created} answered 201")
    report["problems"] = problems
    return report


def _http_call(base: str, token: str) -> Call:
    def call(method: str, path: str, body: dict | None):
        data = json.dumps(body).encode() if body is not None else None
        req = urllib.request.Request(base + path, data=data, method=method, headers={
            "Authorization": f"Bearer {token}", "Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(req, timeout=15) as resp:
                return resp.status, json.loads(resp.read() or b"null")
        except urllib.error.HTTPError as exc:
            raw = exc.read()
            try:
                return exc.code, json.loads(raw)
            except ValueError:
                return exc.code, {"raw": raw[:200].decode(errors="replace")}
    return call


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--port", type=int, default=5499, help="port of the private PostgreSQL")
    parser.add_argument("--web-port", type=int, default=8499)
    parser.add_argument("--down", type=float, default=4.0, help="seconds the database stays down")
    args = parser.parse_args()
    pg = PrivatePostgres(args.port)
    pg.init()
    pg.start()
    web = None
    try:
        url = pg.create_database("ys_fault")
        token = prepare(url)
        env = {**os.environ, "DATABASE_URL": url, "PORT": str(args.web_port), "WEB_CONCURRENCY": "2",
               "SECRET_KEY": "fault-secret", "LOG_LEVEL": "WARNING"}
        web = subprocess.Popen([sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py"], cwd=ROOT, env=env,
                               stdout=subprocess.DEVNULL, stderr=open("/tmp/ys_fault_gunicorn.log", "w"))
        base = f"http://127.0.0.1:{args.web_port}"
        call = _http_call(base, token)
        deadline = time.monotonic() + 60
        while True:  # both workers up: a few answers in a row
            try:
                if all(call("GET", "/readyz", None)[0] == 200 for _ in range(4)):
                    break
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise SystemExit("gunicorn did not start: see /tmp/ys_fault_gunicorn.log")
            time.sleep(0.3)
        report = run(pg, url, call, up=3, down=args.down, after=3)
    finally:
        if web is not None:
            web.terminate()
            web.wait(timeout=30)
        pg.destroy()
    print(json.dumps(report, ensure_ascii=False, indent=2))
    print("OK: the outage was answered with 503 and the service recovered by itself"
          if not report["problems"] else "FAILED")
    return 0 if not report["problems"] else 1


if __name__ == "__main__":
    sys.exit(main())
