"""Latency of the similar-issue look-up at intake (service.matching.similar.find_similar).

    .venv/bin/python -m bench.generate --url postgresql://postgres@127.0.0.1/ys_bench21 --issues 100000 --no-events
    .venv/bin/python -m bench.similar --url postgresql://postgres@127.0.0.1/ys_bench21

Loads nothing itself. Times the look-up as the intake form calls it while the operator types,
as the office's user (who sees every issue), `--runs` times per case, and prints p50/p95 and
how many issues each case listed. The generator draws titles from a short list, so a typed
title that is one of them matches thousands of recent issues: the worst case, far commoner
than in a county's real register.
"""
import argparse
import random
import statistics
import sys
import time
from datetime import datetime, timezone

from sqlalchemy import func, select
from sqlmodel import Session

from bench.generate import TITLES
from models import Issue, User
from service.core.db import make_engine
from service.matching.similar import find_similar


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", required=True)
    parser.add_argument("--runs", type=int, default=50)
    args = parser.parse_args(argv)
    engine = make_engine(args.url)
    rng = random.Random(21)
    now = datetime.now(timezone.utc)
    with Session(engine) as session:
        total = session.execute(select(func.count()).select_from(Issue)).scalar_one()
        office = User(id=0, username="bench", display_name="bench", role="coordinator", password_hash="")
        phone = session.execute(select(Issue.reporter_phone).order_by(Issue.id.desc()).limit(1)).scalar_one()
        title = rng.choice(TITLES)
        cases = {
            "a generated title, verbatim (thousands alike)": {"title": title},
            "the same title half typed": {"title": title[: max(3, len(title) // 2)]},
            "a paraphrase": {"title": "我们厂子" + title[2:] + "，请尽快协调"},
            "a rare text": {"title": "河西镇光伏组件出口退税单证备案"},
            "a known caller's phone and a title": {"title": "园区道路破损", "phone": phone},
        }
        print(f"issues: {total:,}; backend: {engine.dialect.name}", file=sys.stderr)
        print("| case | p50 | p95 | listed |\n| --- | --- | --- | --- |")
        for name, typed in cases.items():
            times, found = [], []
            for _ in range(args.runs):
                start = time.perf_counter()
                found = find_similar(session, office, title=typed["title"], content="",
                                     phone=typed.get("phone"), now=now)
                session.rollback()
                times.append((time.perf_counter() - start) * 1000)
            times.sort()
            p95 = times[int(len(times) * 0.95) - 1]
            print(f"| {name} | {statistics.median(times):.1f} ms | {p95:.1f} ms | {len(found)} |")
    engine.dispose()


if __name__ == "__main__":
    main()
