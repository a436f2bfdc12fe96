"""Latency of the public site under a bounded load on 127.0.0.1.

    .venv/bin/python -m bench.public --url sqlite:////tmp/ys_bench_pub.db
    .venv/bin/python -m bench.public --url postgresql://postgres@127.0.0.1/ys_bench_pub

Loads nothing itself: fill the database first with `bench.generate` (published issues get a
public summary). Starts gunicorn on 127.0.0.1 against the database, sends a fixed number of
GET requests per page with 8 concurrent keep-alive clients, prints p50/p95 per page, and stops
gunicorn. Pages: the list (first page and a cursor page deep in the list), searches (a common
and a rare term of 3+ characters, and a 2-character term), the figures page, issue pages.
"""
import argparse
import http.client
import os
import random
import signal
import statistics
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import quote

from sqlalchemy import func, select

from models import Issue
from service.core.db import make_engine
from service.core.paging import encode_cursor
from service.disclosure.public import public_issues

ROOT = Path(__file__).resolve().parent.parent


def targets(url: str) -> dict[str, list[str]]:
    """The paths to request per page, read from the database once before the load."""
    engine = make_engine(url)
    with engine.connect() as conn:
        published = conn.execute(select(func.count()).select_from(public_issues().subquery())).scalar_one()
        deep_id = conn.execute(public_issues().with_only_columns(Issue.id).order_by(Issue.id)
                               .offset(published // 20).limit(1)).scalar_one()
        codes = list(conn.execute(public_issues().with_only_columns(Issue.code).order_by(Issue.id.desc())
                                  .offset(published // 3).limit(2000)).scalars())
    engine.dispose()
    rng = random.Random(7)
    print(f"published issues: {published:,}; deep cursor at id {deep_id:,} (95% down the list)", file=sys.stderr)
    return {
        "list, first page": ["/"],
        "list, deep cursor page": [f"/?cursor={encode_cursor(deep_id)}"],
        "search 用电报装 (common)": ["/?q=" + quote("用电报装")],
        "search 河西镇光伏 (rare)": ["/?q=" + quote("河西镇光伏")],
        "search 园区 (2 characters)": ["/?q=" + quote("园区")],
        "figures": ["/figures"],
        "issue page": ["/issues/" + c for c in rng.sample(codes, min(500, len(codes)))],
    }


def start_server(url: str, port: int, workers: int) -> subprocess.Popen:
    env = {**os.environ, "DATABASE_URL": url, "SECRET_KEY": "bench", "SMS_BACKEND": "console"}
    proc = subprocess.Popen(
        [str(ROOT / ".venv/bin/gunicorn"), "-w", str(workers), "-b", f"127.0.0.1:{port}", "--log-level", "warning",
         "app:create_app()"], cwd=ROOT, env=env)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/healthz")
            if conn.getresponse().status == 200:
                return proc
        except OSError:
            time.sleep(0.3)
    proc.terminate()
    raise RuntimeError("gunicorn did not start")


_local = threading.local()


def fetch(port: int, path: str) -> float:
    """One GET on this thread's keep-alive connection; the seconds it took."""
    conn = getattr(_local, "conn", None)
    if conn is None:
        conn = _local.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    started = time.perf_counter()
    try:
        conn.request("GET", path)
        response = conn.getresponse()
        response.read()
    except (OSError, http.client.HTTPException):
        _local.conn = None
        raise
    if response.status != 200:
        raise RuntimeError(f"{path}: HTTP {response.status}")
    return time.perf_counter() - started


def measure(port: int, paths: list[str], count: int, concurrency: int) -> dict:
    plan = [paths[i % len(paths)] for i in range(count)]
    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=concurrency) as pool:
        times = sorted(pool.map(lambda p: fetch(port, p), plan))
    elapsed = time.perf_counter() - started
    q = statistics.quantiles(times, n=100)
    return {"p50": q[49] * 1000, "p95": q[94] * 1000, "max": times[-1] * 1000, "rps": count / elapsed}


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", required=True)
    parser.add_argument("--requests", type=int, default=400, help="requests per page")
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--workers", type=int, default=4, help="gunicorn worker processes")
    parser.add_argument("--port", type=int, default=8765)
    args = parser.parse_args(argv)
    pages = targets(args.url)
    print(f"load average before: {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores", file=sys.stderr)
    proc = start_server(args.url, args.port, args.workers)
    try:
        # every worker renders each kind of page a few times before anything is timed
        warm = [p for name, paths in pages.items() if "2 characters" not in name for p in paths[:1]]
        measure(args.port, warm * 4 * args.workers, 4 * args.workers * len(warm), args.concurrency)
        print("| page | requests | p50 ms | p95 ms | max ms | req/s |\n| --- | --- | --- | --- | --- | --- |")
        for name, paths in pages.items():
            r = measure(args.port, paths, args.requests, args.concurrency)
            print(f"| {name} | {args.requests} | {r['p50']:.0f} | {r['p95']:.0f} | {r['max']:.0f} | {r['rps']:.0f} |",
                  flush=True)
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=30)
        print(f"load average after: {os.getloadavg()[0]:.2f}", file=sys.stderr)


if __name__ == "__main__":
    main()
