"""How long planning the day's reminders takes over many open issues, and with how many queries.

    .venv/bin/python -m bench.reminders --backend postgresql --issues 100000
    .venv/bin/python -m bench.reminders --backend sqlite --issues 100000

Creates a throw-away database, loads open issues with `bench.generate`, then times one planning
round (`service.reminders.plan.plan_and_queue`) and a repeated round on the same day (which must
queue nothing), counting SQL statements and the issue rows read.
"""
import argparse
import tempfile
import time
import uuid
from datetime import datetime
from datetime import time as dtime

import psycopg
from sqlalchemy import event, func, select

from bench import generate
from models import Issue, SmsMessage
from service.core.db import make_engine, open_session
from service.deadlines.calendar import LOCAL_TZ, WEEKDAYS
from service.reminders.plan import ReminderPolicy, plan_and_queue

PG = "postgresql://postgres@127.0.0.1:5432/postgres"


def _database(backend: str) -> str:
    if backend == "sqlite":
        return f"sqlite:///{tempfile.mkdtemp()}/bench.db"
    name = f"ys_bench_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(PG, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    return PG.rsplit("/", 1)[0] + "/" + name


def _round(engine, now) -> tuple[dict, float, int]:
    statements = []
    listener = lambda *a: statements.append(1)  # noqa: E731
    event.listen(engine, "before_cursor_execute", listener)
    t0 = time.perf_counter()
    with open_session(engine, write=True) as session:
        result = plan_and_queue(session, now, WEEKDAYS, ReminderPolicy())
    elapsed = time.perf_counter() - t0
    event.remove(engine, "before_cursor_execute", listener)
    return result, elapsed, len(statements)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--backend", choices=["sqlite", "postgresql"], default="postgresql")
    parser.add_argument("--issues", type=int, default=100_000)
    args = parser.parse_args()
    url = _database(args.backend)
    generate.main(["--url", url, "--issues", str(args.issues), "--open-share", "1.0"])
    engine = make_engine(url)
    today = datetime.now(LOCAL_TZ).date()
    while not WEEKDAYS.is_working_day(today):
        today = WEEKDAYS.add_working_days(today, 1)
    now = datetime.combine(today, dtime(10, 0), tzinfo=LOCAL_TZ)
    with open_session(engine) as s:
        total = s.execute(select(func.count()).select_from(Issue)).scalar_one()
        window = s.execute(select(func.count()).select_from(Issue).where(
            Issue.next_due <= WEEKDAYS.add_working_days(today, 2))).scalar_one()
    first, t1, q1 = _round(engine, now)
    again, t2, q2 = _round(engine, now)
    with open_session(engine) as s:
        queued = s.execute(select(func.count()).select_from(SmsMessage)).scalar_one()
    print(f"backend={args.backend} open issues={total:,} in the reminder window={window:,}")
    print(f"first round:  {t1:6.2f} s, {q1} SQL statements, planned {first['planned']:,}, queued {first['queued']:,}")
    print(f"second round: {t2:6.2f} s, {q2} SQL statements, planned {again['planned']:,}, queued {again['queued']:,}")
    print(f"outbox rows: {queued:,}")
    engine.dispose()
    if args.backend == "postgresql":
        with psycopg.connect(PG, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE "{url.rsplit("/", 1)[1]}"')


if __name__ == "__main__":
    main()
