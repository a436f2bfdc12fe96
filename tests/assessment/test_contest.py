"""擂台赛: a computed quarter is stored with the rules in force and never changes when the rules
change afterwards; recomputing is explicit; bad rules are refused naming the field."""
from copy import deepcopy
from io import BytesIO

import pytest
from openpyxl import load_workbook

from models import ContestResult, Department
from service.assessment.contest import DEFAULT_RULES, compute_quarter, contest_workbook, podium, stored_quarter
from service.core.errors import Conflict, Invalid

from .test_assessment import Walk, at, nov

pytestmark = pytest.mark.both_db


@pytest.fixture
def quarter(db, county) -> Walk:
    """fgj accepts and replies on time; scj never accepts (every deadline passes)."""
    w = Walk(db, county)
    w.create("A", at(11, 2, 9))
    w.assign("A", "fgj", at(11, 2), accept=nov(3), reply=nov(10), complete=nov(10))
    w.step("A", "accept", "fgj", at(11, 3))
    w.create("H", at(11, 20, 9))
    w.assign("H", "scj", at(11, 23), accept=nov(24), reply=nov(27), complete=nov(27))
    db.commit()
    return w


def points(result) -> dict[int, float | None]:
    return {row["department_id"]: row["points"] for row in result.table}


def test_a_computed_quarter_keeps_its_table_and_rules_when_the_rules_change(db, county, quarter):
    first = compute_quarter(db, 2026, 4, DEFAULT_RULES, at(12, 1))
    db.commit()
    before = points(first)
    fgj, scj = county.dept_id("fgj"), county.dept_id("scj")
    assert before[fgj] is not None and before[scj] is not None
    assert before[fgj] > before[scj]
    assert [r["department_id"] for r in first.table][:2] == [fgj, scj]

    harsher = deepcopy(DEFAULT_RULES)
    harsher["penalties"]["overdue_now"] = 30.0
    with pytest.raises(Conflict) as refused:
        compute_quarter(db, 2026, 4, harsher, at(12, 2))
    assert "recompute" in refused.value.fields
    db.rollback()

    db.expire_all()
    kept = stored_quarter(db, 2026, 4)
    assert points(kept) == before
    assert kept.rules == DEFAULT_RULES

    again = compute_quarter(db, 2026, 4, harsher, at(12, 2), recompute=True)
    db.commit()
    db.expire_all()
    again = stored_quarter(db, 2026, 4)
    assert again.rules["penalties"]["overdue_now"] == 30.0
    assert points(again)[fgj] < before[fgj]


def test_other_quarters_are_stored_apart(db, county, quarter):
    compute_quarter(db, 2026, 4, DEFAULT_RULES, at(12, 1))
    compute_quarter(db, 2026, 3, DEFAULT_RULES, at(12, 1))
    db.commit()
    assert stored_quarter(db, 2026, 3).table != stored_quarter(db, 2026, 4).table
    assert stored_quarter(db, 2026, 2) is None


@pytest.mark.parametrize("change, field", [
    (lambda r: r["weights"].update(complete_rate=-1), "weights.complete_rate"),
    (lambda r: r["penalties"].pop("reopens"), "penalties.reopens"),
    (lambda r: r["weights"].update({k: 0 for k in r["weights"]}), "weights"),
])
def test_bad_rules_are_refused_naming_the_field(db, county, change, field):
    rules = deepcopy(DEFAULT_RULES)
    change(rules)
    with pytest.raises(Invalid) as refused:
        compute_quarter(db, 2026, 4, rules, at(12, 1))
    assert field in refused.value.fields


def test_a_quarter_outside_one_to_four_is_refused(db, county):
    with pytest.raises(Invalid) as refused:
        compute_quarter(db, 2026, 5, DEFAULT_RULES, at(12, 1))
    assert "quarter" in refused.value.fields


def test_top_and_bottom_three_and_the_workbook_never_hold_a_formula(db, county, quarter):
    db.get(Department, county.dept_id("scj")).name = "=HYPERLINK(\"http://x\")"
    db.commit()
    result = compute_quarter(db, 2026, 4, DEFAULT_RULES, at(12, 1))
    top, bottom = podium(result)
    assert [r["department_id"] for r in top] == [county.dept_id("fgj"), county.dept_id("scj")]
    assert bottom == []  # two ranked departments: both among the top three, none twice
    ws = load_workbook(BytesIO(contest_workbook(result)))["擂台赛"]
    cells = [c for row in ws.iter_rows() for c in row if c.value is not None]
    names = [c for c in cells if isinstance(c.value, str) and "HYPERLINK" in c.value]
    assert names and all(c.data_type == "s" for c in names)


def test_a_tie_is_never_cut_on_the_podium():
    table = [{"department_id": d, "rank": r, "points": p} for d, r, p in
             ((1, 1, 100.0), (2, 1, 100.0), (3, 1, 100.0), (4, 1, 100.0), (5, 5, 90.0), (6, 6, 80.0),
              (7, 7, 70.0), (8, 7, 70.0), (9, None, None))]
    top, bottom = podium(ContestResult(year=2026, quarter=4, rules={}, table=table))
    assert [r["department_id"] for r in top] == [1, 2, 3, 4]
    assert [r["department_id"] for r in bottom] == [8, 7, 6]
