"""The staff API under a bounded load on 127.0.0.1, measured next to the machine's limit.

    .venv/bin/python -m bench.load --url postgresql://postgres@127.0.0.1/ys_bench_load
    .venv/bin/python -m bench.load --url sqlite:////tmp/ys_bench_load.db

Fill the database first with `bench.generate` (1,000,000 issues by default). One command runs
the whole scenario: it migrates the database, adds three bench users with bearer tokens, starts
the ceiling app (`bench.ceiling`) and the service under gunicorn with `gunicorn.conf.py` on free
ports, warms every worker up, sends a fixed number of requests per scenario from N concurrent
keep-alive clients (threads, one `http.client` connection each: a small client leaves the cores
to the server), prints one table row per scenario and concurrency, the RSS of each worker of
the service, and stops both servers.

Req/s are given as shares of the ceiling measured in the same run, right before each scenario
(on a shared machine the speed drifts within a minute): creating issues and the action against
the one-INSERT endpoint, reads against the one-SELECT-by-key endpoint. The row "a creation's
statements" is the ceiling app sending a creation's four statements without the service's own
work (bench/ceiling.py), also as a share of the one-INSERT ceiling.
"""
import argparse
import http.client
import itertools
import json
import os
import random
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from urllib.parse import quote

from sqlalchemy import func, select
from sqlmodel import Session

from models import Department, Issue, User
from service.core.db import make_engine
from service.core.migrate import upgrade
from service.core.paging import encode_cursor
from service.identity.sessions import issue_token

from . import ceiling

ROOT = Path(__file__).resolve().parent.parent
TITLES = ["园区道路破损影响物流", "用电报装进度慢", "企业招工难", "融资担保费率高", "天然气接入费用高"]


@dataclass
class Setup:
    tokens: dict[str, str]
    department_id: int
    deep_cursor: str
    issue_ids: list[int]
    in_progress: list[int]
    issues: int


def prepare(url: str, requests: int) -> Setup:
    """Migrate, add the bench users and tokens, and pick the targets of the scenarios."""
    engine = make_engine(url)
    upgrade(engine)
    ceiling.prepare(url)
    now = datetime.now(timezone.utc)
    with Session(engine, expire_on_commit=False) as session:
        department_id = session.execute(select(func.min(Department.id))).scalar_one()
        tokens = {}
        for role in ("coordinator", "operator", "department"):
            name = f"bench_{role}"
            user = session.execute(select(User).where(User.username == name)).scalar()
            if user is None:
                user = User(username=name, display_name=name, role=role, password_hash="!",
                            department_id=department_id if role == "department" else None)
                session.add(user)
                session.commit()
            tokens[role], _ = issue_token(session, user, now)
        count = session.execute(select(func.count()).select_from(Issue)).scalar_one()
        deep_id = session.execute(select(Issue.id).order_by(Issue.id.desc())
                                  .offset(count * 95 // 100).limit(1)).scalar_one()
        low, high = session.execute(select(func.min(Issue.id), func.max(Issue.id))).one()
        rng = random.Random(7)
        issue_ids = list(session.execute(select(Issue.id).where(
            Issue.id.in_([rng.randint(low, high) for _ in range(600)]))).scalars())[:500]
        # every action goes to an issue of its own, so no two requests race for one row
        in_progress = list(session.execute(select(Issue.id).where(Issue.status == "in_progress")
                                           .order_by(Issue.id.desc()).limit(3 * requests)).scalars())
    engine.dispose()
    return Setup(tokens, department_id, encode_cursor(deep_id), issue_ids, in_progress, count)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(url: str, app: str | None, log) -> tuple[subprocess.Popen, int]:
    port = free_port()
    env = {**os.environ, "DATABASE_URL": url, "SECRET_KEY": "bench", "SMS_BACKEND": "console",
           "HOST": "127.0.0.1", "PORT": str(port), "GUNICORN_LOG_LEVEL": "warning"}
    # the bench counts its requests itself: no worker is recycled in the middle of a scenario
    env.setdefault("GUNICORN_MAX_REQUESTS", "0")
    cmd = [str(ROOT / ".venv/bin/gunicorn"), "-c", str(ROOT / "gunicorn.conf.py")] + ([app] if app else [])
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=log, stderr=log)
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/healthz")
            if conn.getresponse().status == 200:
                return proc, port
        except OSError:
            time.sleep(0.3)
    proc.terminate()
    raise RuntimeError(f"gunicorn ({app or 'the service'}) did not start")


def stop_server(proc: subprocess.Popen) -> None:
    proc.send_signal(signal.SIGTERM)
    proc.wait(timeout=60)


def worker_rss(master: int) -> list[float]:
    """Resident memory (MB) of each worker process of a gunicorn master."""
    children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    out = []
    for pid in children:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                out.append(int(line.split()[1]) / 1024)
    return out


def settled_workers(master: int) -> int:
    """How many workers the master runs, once they have all been started."""
    seen = -1
    for _ in range(60):
        count = len(worker_rss(master))
        if count == seen:
            return count
        seen = count
        time.sleep(1)
    return seen


_local = threading.local()


@dataclass
class Call:
    method: str
    path: str
    token: str | None = None
    body: dict | None = None
    expect: int = 200


def send(port: int, call: Call) -> float:
    """One request on this thread's keep-alive connection to `port`; the seconds it took."""
    conns = _local.__dict__.setdefault("conns", {})
    conn = conns.get(port)
    if conn is None:
        conn = conns[port] = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    headers = {"Accept": "application/json"}
    if call.token:
        headers["Authorization"] = f"Bearer {call.token}"
    payload = None
    if call.body is not None:
        payload = json.dumps(call.body, ensure_ascii=False).encode()
        headers["Content-Type"] = "application/json"
    started = time.perf_counter()
    try:
        conn.request(call.method, call.path, body=payload, headers=headers)
        response = conn.getresponse()
        data = response.read()
    except (OSError, http.client.HTTPException):
        conns.pop(port, None)
        raise
    elapsed = time.perf_counter() - started
    if response.status != call.expect:
        raise RuntimeError(f"{call.method} {call.path}: HTTP {response.status} {data[:300]!r}")
    return elapsed


@dataclass
class Result:
    rps: float
    p50: float
    p95: float
    p99: float
    times: list[float] = field(repr=False, default_factory=list)


def measure(port: int, calls: list[Call], concurrency: int) -> Result:
    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=concurrency) as pool:
        times = sorted(pool.map(lambda c: send(port, c), calls))
    elapsed = time.perf_counter() - started
    q = statistics.quantiles(times, n=100, method="inclusive")
    return Result(len(calls) / elapsed, q[49] * 1000, q[94] * 1000, q[98] * 1000, times)


def scenarios(s: Setup, requests: int) -> dict[str, tuple[str, Callable[[int], Call]]]:
    """name -> (which ceiling it is compared with, the i-th request)."""
    coord, oper = s.tokens["coordinator"], s.tokens["operator"]
    rng = random.Random(11)
    ids = s.issue_ids
    actions = itertools.cycle(s.in_progress)  # distinct issues while there are enough of them

    def create(i: int) -> Call:
        title = rng.choice(TITLES)
        return Call("POST", "/api/v1/issues", oper, {
            "title": title, "content": f"企业反映：{title}，请相关部门协调解决。", "channel": "hotline",
            "type": "help", "township": "城关镇",
            "reporter": {"name": "王建国", "org": "秦岭绿源农业科技有限公司", "phone": "13812345678"}}, 201)

    def get(path: str) -> Callable[[int], Call]:
        return lambda i: Call("GET", path, coord)

    return {
        "ceiling: one INSERT": ("insert", lambda i: Call("POST", "/insert", None, {}, 201)),
        "ceiling: one SELECT by key": ("select", lambda i: Call("GET", f"/row/{1 + i % 500}")),
        "ceiling: a creation's statements": ("insert", lambda i: Call("POST", "/issue", oper, create(i).body, 201)),
        "create issue (POST /issues)": ("insert", create),
        "list, no filter": ("select", get("/api/v1/issues")),
        "list, department + status": ("select", get(f"/api/v1/issues?department_id={s.department_id}"
                                                    "&status=in_progress")),
        "list, flag=red": ("select", get("/api/v1/issues?flag=red")),
        "list, deep cursor (95% down)": ("select", get(f"/api/v1/issues?cursor={s.deep_cursor}")),
        "search q=用电报装 (common)": ("select", get("/api/v1/issues?q=" + quote("用电报装"))),
        "search q=河西镇光伏 (rare)": ("select", get("/api/v1/issues?q=" + quote("河西镇光伏"))),
        "search q=招工 (2 characters)": ("select", get("/api/v1/issues?q=" + quote("招工"))),
        "issue detail (GET /issues/{id})": ("select", lambda i: Call("GET", f"/api/v1/issues/{ids[i % len(ids)]}",
                                                                     coord)),
        "timeline (GET /issues/{id}/events)": ("select", lambda i: Call(
            "GET", f"/api/v1/issues/{ids[i % len(ids)]}/events", coord)),
        "action progress (POST)": ("insert", lambda i: Call(
            "POST", f"/api/v1/issues/{next(actions)}/actions/progress", coord, {"note": "已报送进展"})),
    }


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", required=True)
    parser.add_argument("--requests", type=int, default=400, help="requests per scenario at full concurrency")
    parser.add_argument("--single", type=int, default=150, help="requests per scenario at concurrency 1")
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--only", default="", help="run only the scenarios whose name contains this")
    parser.add_argument("--server-log", default="/tmp/ys_bench_servers.log",
                        help="where both servers' output (JSON logs, one line a request) goes")
    args = parser.parse_args(argv)
    log = open(args.server_log, "a")
    setup = prepare(args.url, args.requests + args.single)
    print(f"{setup.issues:,} issues; load average before: {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores",
          file=sys.stderr)
    ceiling_proc, ceiling_port = start_server(args.url, "bench.ceiling:create_app()", log)
    app_proc, app_port = start_server(args.url, None, log)
    try:
        plan = {name: v for name, v in scenarios(setup, args.requests).items()
                if args.only in name or name.startswith("ceiling")}
        workers = settled_workers(app_proc.pid)
        # every worker runs every kind of request a few times before anything is timed
        for name, (_, make) in plan.items():
            port = ceiling_port if name.startswith("ceiling") else app_port
            if "action" not in name:
                measure(port, [make(i) for i in range(3 * workers)], args.concurrency)
        # the one-statement ceilings, by the kind of request they are compared with
        ceilings = {kind: make for name, (kind, make) in plan.items() if name.startswith("ceiling: one")}
        print("| scenario | clients | requests | req/s | share of ceiling | p50 ms | p95 ms | p99 ms |\n"
              "| --- | --- | --- | --- | --- | --- | --- | --- |")
        for clients, count in ((args.concurrency, args.requests), (1, args.single)):
            for name, (kind, make) in plan.items():
                if name.startswith("ceiling: one"):
                    r, share = measure(ceiling_port, [make(i) for i in range(count)], clients), ""
                else:
                    # the ceiling again, right before: the share compares two measures a few
                    # seconds apart, not the machine's speed at the start of the run with its
                    # speed a minute later
                    limit = measure(ceiling_port, [ceilings[kind](i) for i in range(count)], clients)
                    port = ceiling_port if name.startswith("ceiling") else app_port
                    r = measure(port, [make(i) for i in range(count)], clients)
                    share = f"{r.rps / limit.rps:.0%}"
                print(f"| {name} | {clients} | {count} | {r.rps:,.0f} | {share} | {r.p50:.1f} | {r.p95:.1f} | "
                      f"{r.p99:.1f} |", flush=True)
        rss = worker_rss(app_proc.pid)
        print(f"\nservice workers: {len(rss)}, RSS after the run: "
              + ", ".join(f"{m:.0f} MB" for m in rss), flush=True)
    finally:
        stop_server(app_proc)
        stop_server(ceiling_proc)
        log.close()
        print(f"load average after: {os.getloadavg()[0]:.2f}", file=sys.stderr)


if __name__ == "__main__":
    main()
