"""Where one request's time goes: the service and the ceiling app called in-process, one at a time.

    .venv/bin/python -m bench.profile --url postgresql://postgres@127.0.0.1/ys_bench_load
    .venv/bin/python -m bench.profile --url ... --only create --pyinstrument /tmp/create.html

No gunicorn, no sockets, no client: each scenario of `bench.load` is sent through Flask's test
client N times after a warm-up, and the mean wall time, the CPU time of this process and the
SQL statements per request are printed beside the ceiling's (one INSERT, one SELECT by key).
What is left between the two is the service's own fixed cost per request. With
`--pyinstrument FILE` the chosen scenarios are profiled and the report written to FILE.
"""
import argparse
import os
import statistics
import time

from sqlalchemy import Engine, event

from app import create_app
from bench import ceiling
from bench.load import prepare, scenarios


def _client(app, call):
    headers = {"Authorization": f"Bearer {call.token}"} if call.token else {}
    client = app.test_client()
    return lambda: client.open(call.path, method=call.method, json=call.body, headers=headers)


def run(app, make, count: int) -> tuple[float, float, float]:
    """Mean wall ms, mean CPU ms and statements per request (on any engine) for `count` calls."""
    statements = []

    def count_one(*_args):
        statements.append(1)

    event.listen(Engine, "before_cursor_execute", count_one)
    walls, cpu0 = [], time.process_time()
    for i in range(count):
        call = make(i)
        send = _client(app, call)
        start = time.perf_counter()
        answer = send()
        walls.append(time.perf_counter() - start)
        if answer.status_code != call.expect:
            raise SystemExit(f"{call.method} {call.path}: {answer.status_code} {answer.get_data(as_text=True)[:300]}")
    cpu = time.process_time() - cpu0
    event.remove(Engine, "before_cursor_execute", count_one)
    return statistics.mean(walls) * 1000, cpu / count * 1000, len(statements) / count


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", required=True)
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--only", default="")
    parser.add_argument("--pyinstrument", default="", help="profile the chosen scenarios into this HTML file")
    args = parser.parse_args(argv)

    os.environ.setdefault("LOG_FORMAT", "json")
    setup = prepare(args.url, 3 * args.requests)
    service = create_app({"DATABASE_URL": args.url, "SECRET_KEY": "bench", "SMS_BACKEND": "console"})
    bare = ceiling.create_app(args.url)
    plan = {name: v for name, v in scenarios(setup, 3 * args.requests).items()
            if args.only in name or name.startswith("ceiling")}
    print("| scenario | wall ms | CPU ms | statements |\n| --- | --- | --- | --- |")
    for name, (_, make) in plan.items():
        app = bare if name.startswith("ceiling") else service
        run(app, make, 20)  # warm-up
        wall, cpu, count = run(app, make, args.requests)
        print(f"| {name} | {wall:.2f} | {cpu:.2f} | {count:.1f} |", flush=True)
    if args.pyinstrument:
        from pyinstrument import Profiler
        profiler = Profiler(interval=0.0002)
        with profiler:
            for name, (_, make) in plan.items():
                if not name.startswith("ceiling"):
                    run(service, make, args.requests)
        with open(args.pyinstrument, "w") as out:
            out.write(profiler.output_html())
        print(profiler.output_text(unicode=True, color=False, show_all=False)[:12000])


if __name__ == "__main__":
    main()
