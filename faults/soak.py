"""A bounded soak: mixed traffic against gunicorn on PostgreSQL for a while, on 127.0.0.1 only.

    .venv/bin/python -m faults.soak --minutes 10 [--clients 4] [--workers 3]

Creates the database `ys_soak` on the local server (127.0.0.1:5432), loads the demo county,
starts the service under gunicorn (gunicorn.conf.py) and sends, from N keep-alive clients,
a mix of public pages, API lists and details, new issues and workflow actions (assign →
accept → progress on the issues it created) until the time is up. Prints requests, errors,
req/s, and each worker's RSS after the warm-up and at the end, then stops gunicorn and drops
the database. Exits non-zero on any error. bench/load.py supplies the HTTP plumbing.
"""
import argparse
import http.client
import json
import os
import random
import sys
import threading
import time
from collections import Counter
from datetime import datetime, timezone
from urllib.parse import quote

import psycopg
from sqlalchemy import select
from sqlmodel import Session

import demo
from bench.load import Call, settled_workers, start_server, stop_server, worker_rss
from models import Department, Issue, User
from service.core.db import make_engine
from service.core.migrate import upgrade
from service.identity.sessions import issue_token

ADMIN_URL = os.environ.get("YS_SOAK_PG_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
DATABASE = "ys_soak"


def prepare(url: str) -> dict:
    engine = make_engine(url)
    upgrade(engine)
    now = datetime.now(timezone.utc)
    with Session(engine, expire_on_commit=False) as s:
        demo.seed(s, now, issue_count=240)
        users = {role: s.execute(select(User).where(User.role == role, User.active.is_(True))
                                 .order_by(User.id)).scalars().first()
                 for role in ("coordinator", "operator", "leader")}
        lead_dept = s.get(Department, s.execute(select(User.department_id).where(
            User.role == "department").order_by(User.id)).scalar())
        dept_user = s.execute(select(User).where(User.department_id == lead_dept.id)).scalars().first()
        tokens = {role: issue_token(s, u, now)[0] for role, u in users.items()}
        tokens["department"] = issue_token(s, dept_user, now)[0]
        ids = list(s.execute(select(Issue.id).order_by(Issue.id)).scalars())
        published = list(s.execute(select(Issue.code).where(Issue.status == "published")).scalars())
    engine.dispose()
    return {"tokens": tokens, "dept_id": lead_dept.id, "leader_id": users["leader"].id,
            "ids": ids, "published": published}


class Traffic:
    """Each client walks its own issues through the workflow, between reads of every kind."""

    def __init__(self, port: int, data: dict, seed: int):
        self.port, self.d, self.rng = port, data, random.Random(seed)
        self.mine: list[tuple[int, str]] = []  # (issue id, state this client left it in)

    def next_call(self) -> Call:
        t, r = self.d["tokens"], self.rng.random()
        if r < 0.25:
            return self.rng.choice([Call("GET", "/"), Call("GET", "/figures"), Call("GET", "/?q=" + quote("道路")),
                                    Call("GET", f"/issues/{self.rng.choice(self.d['published'])}")])
        if r < 0.45:
            return Call("GET", "/api/v1/issues?limit=20", t["coordinator"])
        if r < 0.65:
            return Call("GET", f"/api/v1/issues/{self.rng.choice(self.d['ids'])}", t["coordinator"])
        if r < 0.75 or not self.mine:
            return Call("POST", "/api/v1/issues", t["operator"], {
                "title": "园区道路破损影响货车通行", "content": "工业园区东路路面塌陷，请协调修复。",
                "channel": "hotline", "type": "help", "township": "城关镇",
                "reporter": {"name": "王建国", "phone": "13812345678", "kind": "person"}}, 201)
        issue_id, state = self.mine.pop(0)
        if state == "collected":
            return Call("POST", f"/api/v1/issues/{issue_id}/actions/assign", t["coordinator"], {
                "lead_department_id": self.d["dept_id"], "lead_leader_id": self.d["leader_id"],
                "responsible_person": "李明", "responsible_phone": "13700001111", "note": "请尽快办理"})
        if state == "assigned":
            return Call("POST", f"/api/v1/issues/{issue_id}/actions/accept", t["department"], {"note": "已签收"})
        return Call("POST", f"/api/v1/issues/{issue_id}/actions/progress", t["coordinator"], {"note": "已报送进展"})



def send(conn: http.client.HTTPConnection, call: Call) -> dict | None:
    """One request on the client's keep-alive connection; its JSON answer. Raises on a status
    other than the expected one."""
    headers = {"Accept": "application/json"}
    if call.token:
        headers["Authorization"] = f"Bearer {call.token}"
    payload = None
    if call.body is not None:
        payload = json.dumps(call.body, ensure_ascii=False).encode()
        headers["Content-Type"] = "application/json"
    conn.request(call.method, call.path, body=payload, headers=headers)
    response = conn.getresponse()
    data = response.read()
    if response.status != call.expect:
        raise RuntimeError(f"HTTP {response.status} {data[:200]!r}")
    return json.loads(data) if response.getheader("Content-Type", "").startswith("application/json") else None


def run_client(port: int, data: dict, seed: int, until: float, tally: Counter, errors: list,
               lock: threading.Lock) -> None:
    traffic = Traffic(port, data, seed)
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    while time.monotonic() < until:
        call = traffic.next_call()
        try:
            answer = send(conn, call)
        except Exception as exc:
            conn.close()
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
            with lock:
                errors.append(f"{call.method} {call.path}: {exc}"[:300])
                tally["error"] += 1
            continue
        with lock:
            tally[call.method] += 1
        if call.method == "POST":
            if call.path == "/api/v1/issues":
                traffic.mine.append((answer["id"], "collected"))
            elif call.path.endswith("/assign"):
                traffic.mine.append((int(call.path.split("/")[4]), "assigned"))
            else:
                traffic.mine.append((int(call.path.split("/")[4]), "in_progress"))
    conn.close()


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=10.0)
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--server-log", default="/tmp/ys_soak_server.log")
    args = parser.parse_args(argv)
    url = ADMIN_URL.rsplit("/", 1)[0] + f"/{DATABASE}"
    with psycopg.connect(ADMIN_URL, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{DATABASE}"')
        conn.execute(f'CREATE DATABASE "{DATABASE}"')
    proc = None
    try:
        data = prepare(url)
        os.environ["WEB_CONCURRENCY"] = str(args.workers)
        os.environ["GUNICORN_MAX_REQUESTS"] = "0"  # the same workers from start to end: RSS is comparable
        os.environ["LOG_LEVEL"] = "WARNING"
        with open(args.server_log, "w") as log:
            proc, port = start_server(url, None, log)
        workers = settled_workers(proc.pid)
        warm = Counter()
        run_client(port, data, 0, time.monotonic() + 10, warm, [], threading.Lock())
        rss_start = worker_rss(proc.pid)
        print(f"{workers} workers, RSS after warm-up: " + ", ".join(f"{m:.1f} MB" for m in rss_start),
              flush=True)
        tally, errors, lock = Counter(), [], threading.Lock()
        started = time.monotonic()
        until = started + args.minutes * 60
        clients = [threading.Thread(target=run_client, args=(port, data, i + 1, until, tally, errors, lock))
                   for i in range(args.clients)]
        for c in clients:
            c.start()
        while any(c.is_alive() for c in clients):
            time.sleep(min(60, max(1, until - time.monotonic())))
            done = sum(v for k, v in tally.items() if k != "error")
            print(f"  {time.monotonic() - started:5.0f} s: {done} requests, {tally['error']} errors, "
                  f"RSS " + ", ".join(f"{m:.1f}" for m in worker_rss(proc.pid)) + " MB", flush=True)
        for c in clients:
            c.join()
        elapsed = time.monotonic() - started
        rss_end = worker_rss(proc.pid)
        done = sum(v for k, v in tally.items() if k != "error")
        print(f"{args.minutes:g} min, {args.clients} clients: {done} requests "
              f"({tally['GET']} GET, {tally['POST']} POST), {tally['error']} errors, {done / elapsed:.1f} req/s")
        print("RSS per worker, start → end: " + ", ".join(
            f"{a:.1f} → {b:.1f} MB" for a, b in zip(rss_start, rss_end, strict=False)))
        for line in errors[:10]:
            print("  error:", line)
        return 1 if errors else 0
    finally:
        if proc is not None:
            stop_server(proc)
        with psycopg.connect(ADMIN_URL, autocommit=True) as conn:
            conn.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s",
                         (DATABASE,))
            conn.execute(f'DROP DATABASE IF EXISTS "{DATABASE}"')


if __name__ == "__main__":
    sys.exit(main())
