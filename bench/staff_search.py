"""Latency of the staff list's search (`q=`, service.workflow.queries.list_page), first page of 50.

    .venv/bin/python -m bench.generate --url postgresql://postgres@127.0.0.1/ys_bench_staff --issues 200000 --no-events
    .venv/bin/python -m bench.staff_search --url postgresql://postgres@127.0.0.1/ys_bench_staff
    .venv/bin/python -m bench.generate --url sqlite:////tmp/ys_bench_staff.db --issues 200000 --no-events
    .venv/bin/python -m bench.staff_search --url sqlite:////tmp/ys_bench_staff.db

Loads nothing itself. Times the first page as the office's user (who sees every issue) and as
one department's, `--runs` times per case, and prints p50/p95 and how many issues the page
listed. The generator gives every caller the same name (测试) and numbers the phones
138{seq:08d}, so a caller's name is the commonest term there is and a phone's last eight
digits are the rarest.
"""
import argparse
import statistics
import sys
import time
from datetime import datetime, timezone

from sqlalchemy import func, select
from sqlmodel import Session

from models import Issue, User
from service.core.db import make_engine
from service.deadlines.calendar import WEEKDAYS, local_date
from service.workflow.queries import IssueFilters, list_page


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", required=True)
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args(argv)
    engine = make_engine(args.url)
    today = local_date(datetime.now(timezone.utc))
    with Session(engine) as session:
        total = session.execute(select(func.count()).select_from(Issue)).scalar_one()
        office = User(id=0, username="bench", display_name="bench", role="coordinator", password_hash="")
        dept_id = session.execute(select(Issue.lead_department_id).where(Issue.lead_department_id.is_not(None))
                                  .limit(1)).scalar_one()
        department = User(id=0, username="dept", display_name="dept", role="department", department_id=dept_id,
                          password_hash="")
        phone = session.execute(select(Issue.reporter_phone).where(Issue.id == total // 3)).scalar_one()
        cases = {
            "common 4 characters (用电报装)": "用电报装",
            "rare 5 characters (河西镇光伏)": "河西镇光伏",
            "2 characters (招工)": "招工",
            "absent (不存在的问题)": "不存在的问题",
            "caller's name, every issue (测试)": "测试",
            "a phone's last 8 digits (one issue)": phone[-8:],
            "a phone's last 4 digits": phone[-4:],
            "two words (用电 城关镇)": "用电 城关镇",
        }
        print(f"issues: {total:,}; backend: {engine.dialect.name}", file=sys.stderr)
        print("| case | who | p50 | p95 | listed |\n| --- | --- | --- | --- | --- |")
        for name, q in cases.items():
            for who, user in (("office", office), ("department", department)):
                times, listed = [], 0
                for _ in range(args.runs):
                    start = time.perf_counter()
                    page = list_page(session, user, IssueFilters(q=q), today=today, calendar=WEEKDAYS, limit=50)
                    session.rollback()
                    times.append((time.perf_counter() - start) * 1000)
                    listed = len(page.rows)
                times.sort()
                p95 = times[int(len(times) * 0.95) - 1]
                print(f"| {name} | {who} | {statistics.median(times):.1f} ms | {p95:.1f} ms | {listed} |")


if __name__ == "__main__":
    main()
