"""Time the assessment figures on a large database and show the plans of their queries.

    .venv/bin/python -m bench.assessment --url postgresql://postgres@127.0.0.1/ys_bench_assess

Against a database filled by `bench.generate`: times `department_assessment` for a year and
for a month, `channel_figures` (with the monthly trend), `hot_spots` and `flags_now` (median of
`--runs` runs, after one warm-up run), then prints the plan of every statement they issue:
`EXPLAIN (ANALYZE, BUFFERS)` on PostgreSQL, `EXPLAIN QUERY PLAN` on SQLite.
"""
import argparse
import statistics
import time
from collections.abc import Callable
from datetime import datetime, timezone

from sqlalchemy import event, func, select
from sqlmodel import Session

from models import Issue, IssueEvent
from service.assessment.channels import channel_figures, hot_spots
from service.assessment.rates import Period, department_assessment, flags_now
from service.core.db import make_engine
from service.deadlines.calendar import load_calendar


class Statements:
    """The statements (with their parameters) executed while it listens."""

    def __init__(self, engine):
        self.engine, self.seen = engine, []

    def _record(self, conn, cursor, statement, parameters, context, executemany):
        self.seen.append((statement, parameters))

    def __enter__(self):
        event.listen(self.engine, "before_cursor_execute", self._record)
        return self

    def __exit__(self, *exc):
        event.remove(self.engine, "before_cursor_execute", self._record)


def _median_ms(fn: Callable[[], object], runs: int) -> tuple[float, float]:
    fn()  # warm-up: the first run reads from disk into the buffer cache
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t0) * 1000)
    return statistics.median(times), max(times)


def _plan(engine, statement: str, parameters) -> list[str]:
    raw = engine.raw_connection()
    try:
        cur = raw.cursor()
        if engine.dialect.name == "postgresql":
            cur.execute("EXPLAIN (ANALYZE, BUFFERS) " + statement, parameters)
            return [r[0] for r in cur.fetchall()]
        cur.execute("EXPLAIN QUERY PLAN " + statement, parameters)
        return [str(r[-1]) for r in cur.fetchall()]
    finally:
        raw.close()


def _shape(lines: list[str]) -> list[str]:
    """The plan's nodes, their timing and buffers, and the total; filters and sort keys left out."""
    keep = ("->", "Buffers:", "Execution Time", "Planning Time", "Workers")
    out = [lines[0]] if lines else []
    out += [ln for ln in lines[1:] if ln.strip().startswith(keep) or "Index" in ln or "Scan" in ln]
    return out


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", required=True)
    parser.add_argument("--year", type=int, default=None, help="default: last year (a full one)")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--no-plans", dest="plans", action="store_false")
    args = parser.parse_args(argv)
    engine = make_engine(args.url)
    now = datetime.now(timezone.utc)
    year = args.year or now.year - 1
    the_year, a_month = Period.year(year), Period.month(year, 11)

    if engine.dialect.name == "postgresql":
        # Fresh statistics, as autovacuum would have them after a bulk load settles.
        with engine.connect() as conn:
            conn.exec_driver_sql("ANALYZE issue")
            conn.exec_driver_sql("ANALYZE issue_event")
            conn.commit()
    with Session(engine) as s:
        issues = s.execute(select(func.count()).select_from(Issue)).scalar_one()
        events = s.execute(select(func.count()).select_from(IssueEvent)).scalar_one()
        in_year = s.execute(select(func.count()).where(
            Issue.assigned_at >= the_year.bounds[0], Issue.assigned_at < the_year.bounds[1])).scalar_one()
        calendar = load_calendar(s)
    print(f"{engine.dialect.name}: {issues:,} issues, {events:,} events; "
          f"{in_year:,} assigned in {the_year.label}")

    cases = {
        f"department_assessment ({the_year.label})": lambda s: department_assessment(s, the_year, now),
        f"department_assessment ({a_month.label})": lambda s: department_assessment(s, a_month, now),
        f"channel_figures ({the_year.label})": lambda s: channel_figures(s, the_year, now),
        f"hot_spots ({the_year.label})": lambda s: hot_spots(s, the_year),
        "flags_now (all)": lambda s: flags_now(s, now, calendar),
    }
    print(f"\n{'figure':<44} {'median':>10} {'max':>10}   (of {args.runs} runs after a warm-up)")
    for name, case in cases.items():
        with Session(engine) as s:
            median, worst = _median_ms(lambda case=case, s=s: case(s), args.runs)
        print(f"{name:<44} {median:>8.0f} ms {worst:>7.0f} ms")

    if not args.plans:
        return
    for name, case in cases.items():
        with Session(engine) as s, Statements(engine) as st:
            case(s)
        for statement, parameters in st.seen:
            if not statement.lstrip().upper().startswith("SELECT"):
                continue
            print(f"\n--- {name}: {' '.join(statement.split())[:160]} …")
            for line in _shape(_plan(engine, statement, parameters)):
                print(line)


if __name__ == "__main__":
    main()
