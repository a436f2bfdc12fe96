"""Tracking-code numbering: the PostgreSQL sequence per year takes over from the counter row
without collisions, ledger imports keep new codes above imported ones, gaps but no duplicates."""
import pytest
from sqlalchemy import text
from sqlmodel import Session

from service.intake.codes import allocate, ensure_above, format_code, sequence_name

from ..core.test_concurrency import _run_together
from ..helpers import REPORTER
from ..ledger.test_ledger import HEADER_ROW, edited, export, importing

# Runs on both databases: it covers code that branches on the dialect (tests/core/test_dialects.py).
pytestmark = pytest.mark.both_db


def _number(issue: dict) -> tuple[int, int]:
    code = issue["code"]
    return int(code[2:6]), int(code.split("-")[1])


def _create_body(i: int) -> dict:
    return {"title": f"编号测试问题{i}", "content": "企业反映用电报装进度慢。", "channel": "hotline",
            "reporter": REPORTER}


def test_a_database_from_before_the_sequences_continues_after_its_counter(app, county, api, engine):
    made = [api.create_issue(title=f"切换前的问题{i}") for i in range(3)]
    year = _number(made[0])[0]
    assert [_number(m)[1] for m in made] == [1, 2, 3]
    n = 120
    with engine.begin() as conn:
        # The state of a database whose issues were numbered by the counter alone: counter at
        # N, issues up to N, no sequence; and one benchmark issue (bench.generate's BN… codes,
        # far-off numbers) that must not move the numbering.
        if conn.dialect.name == "postgresql":
            conn.execute(text(f"DROP SEQUENCE IF EXISTS {sequence_name(year)}"))
        conn.execute(text("UPDATE issue SET seq = :n, code = :code WHERE code = :old"),
                     {"n": n, "code": format_code(year, n), "old": made[2]["code"]})
        conn.execute(text("UPDATE issue SET seq = 10000001, code = :code WHERE code = :old"),
                     {"code": f"BN{year}-10000001", "old": made[1]["code"]})
        conn.execute(text("UPDATE code_counter SET last = :n WHERE year = :year"), {"n": n, "year": year})

    calls = [(county.tokens["operator"], "POST", "/api/v1/issues", _create_body(i)) for i in range(20)]
    results = _run_together(app, calls)  # all at once, onto the sequence being set up
    assert [status for status, _ in results] == [201] * 20, results
    assert sorted(_number(body)[1] for _, body in results) == list(range(n + 1, n + 21))
    assert _number(api.create_issue())[1] == n + 21


def test_an_imported_code_moves_new_codes_above_it(api, county, engine):
    first = api.create_issue()
    year, seq = _number(first)
    assert seq == 1
    content = edited(export(api), {(HEADER_ROW + 1, "编号"): format_code(year, 500),
                                   (HEADER_ROW + 1, "问题标题"): "台账中的问题"})
    report = importing(engine, county, content, dry_run=False)
    assert report.refused == [] and report.created == 1, report.as_dict()
    later = api.create_issue(title="导入之后登记的问题")
    assert later["code"] == format_code(year, 501)
    # an import below the numbering leaves it where it is
    content = edited(content, {(HEADER_ROW + 1, "编号"): format_code(year, 300)})
    assert importing(engine, county, content, dry_run=False).created == 1
    assert api.create_issue()["code"] == format_code(year, 502)


def test_ensure_above_raises_never_lowers(db):
    year = 2031
    assert allocate(db, year)[0] == 1
    ensure_above(db, year, 40)
    assert allocate(db, year)[0] == 41
    ensure_above(db, year, 10)
    assert allocate(db, year) == (42, format_code(year, 42))
    db.commit()


def test_a_rolled_back_creation_leaves_a_gap_never_a_duplicate(engine):
    year = 2032
    with Session(engine) as s:
        assert allocate(s, year)[0] == 1
        s.commit()
        taken = allocate(s, year)[0]
        s.rollback()
        again = allocate(s, year)[0]
        s.commit()
    assert taken == 2
    if engine.dialect.name == "postgresql":
        assert again == 3  # a sequence does not roll back: a gap
    else:
        assert again == 2  # the counter row rolls back with the transaction
