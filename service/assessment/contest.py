"""擂台赛: points per department per quarter (docs/assessment.md, “擂台赛”).

A quarter is computed once and stored with the rules in force (a snapshot in the row), so the
table of a past quarter never changes when the rules change afterwards. Computing a quarter
that already has a result is refused unless the recomputation is asked for explicitly.
"""
from copy import deepcopy
from datetime import datetime

from openpyxl.workbook import Workbook
from sqlmodel import Session, select

from models import ContestResult
from service.assessment.periods import Period
from service.assessment.rates import PENALTIES, WEIGHTS, department_assessment
from service.core.errors import Conflict, Invalid
from service.core.xlsx import Column, workbook_bytes, write_table

__all__ = [
    "DEFAULT_RULES", "compute_quarter", "contest_workbook", "points_of", "podium", "stored_quarter",
]

DEFAULT_RULES = {"weights": dict(WEIGHTS), "penalties": dict(PENALTIES)}


def _checked_rules(rules: dict) -> dict:
    problems = {}
    weights, penalties = rules.get("weights") or {}, rules.get("penalties") or {}
    for key in WEIGHTS:
        value = weights.get(key)
        if not isinstance(value, int | float) or value < 0:
            problems[f"weights.{key}"] = "权重须为不小于0的数"
    for key in PENALTIES:
        value = penalties.get(key)
        if not isinstance(value, int | float) or value < 0:
            problems[f"penalties.{key}"] = "扣分须为不小于0的数"
    if not problems and not any(weights[k] for k in WEIGHTS):
        problems["weights"] = "权重不能全为0"
    if problems:
        raise Invalid("擂台赛规则有误", problems)
    return {"weights": {k: float(weights[k]) for k in WEIGHTS},
            "penalties": {k: float(penalties[k]) for k in PENALTIES}}


def points_of(row, rules: dict) -> float | None:
    """100 × the weighted mean of the rates that have something to judge, less the penalties,
    never below 0; None when nothing in the quarter can be judged (本期无可评)."""
    judged = {k: w for k, w in rules["weights"].items() if getattr(row, k) is not None and w}
    if not judged:
        return None
    mean = sum(w * getattr(row, k) for k, w in judged.items()) / sum(judged.values())
    penalty = sum(rules["penalties"][k] * getattr(row, k) for k in rules["penalties"])
    return round(max(0.0, 100 * mean - penalty), 2)


def compute_quarter(session: Session, year: int, quarter: int, rules: dict, now: datetime,
                    actor_id: int | None = None, recompute: bool = False) -> ContestResult:
    if quarter not in (1, 2, 3, 4):
        raise Invalid("季度须为1至4", {"quarter": "季度须为1至4"})
    rules = _checked_rules(deepcopy(rules))
    stored = stored_quarter(session, year, quarter)
    if stored is not None and not recompute:
        raise Conflict(f"{year}年第{quarter}季度已计算；重新计算须明确确认", {"recompute": "须明确确认重新计算"})
    rows = department_assessment(session, Period.quarter(year, quarter), now)
    table = [{"department_id": r.department_id, "department_name": r.department_name,
              "points": points_of(r, rules), **{k: getattr(r, k) for k in (*WEIGHTS, *PENALTIES)}}
             for r in rows]
    ranked = sorted((t for t in table if t["points"] is not None), key=lambda t: -t["points"])
    for t in table:
        t["rank"] = None
    rank = 0
    for i, t in enumerate(ranked):
        if i == 0 or t["points"] != ranked[i - 1]["points"]:
            rank = i + 1
        t["rank"] = rank
    table.sort(key=lambda t: (t["rank"] is None, t["rank"] or 0, t["department_id"]))
    if stored is None:
        stored = ContestResult(year=year, quarter=quarter, rules=rules, table=table)
    else:
        stored.rules, stored.table = rules, table
    stored.computed_at, stored.computed_by_id = now, actor_id
    session.add(stored)
    session.flush()
    return stored


def stored_quarter(session: Session, year: int, quarter: int) -> ContestResult | None:
    return session.exec(select(ContestResult).where(ContestResult.year == year,
                                                    ContestResult.quarter == quarter)).first()


def podium(result: ContestResult) -> tuple[list[dict], list[dict]]:
    """排名前三 and 排名后三 among the ranked departments (apart when fewer than six are ranked:
    a department is never in both)."""
    ranked = [row for row in result.table if row["rank"] is not None]
    top = ranked[:3]
    bottom = [row for row in ranked[-3:] if row not in top]
    return top, list(reversed(bottom))


COLUMNS = (Column("名次", 8, "int"), Column("部门", 20), Column("积分", 10),
           Column("签收及时率", 12, "percent"), Column("回复及时率", 12, "percent"),
           Column("按期办结率", 12, "percent"), Column("满意率", 12, "percent"),
           Column("重办次数", 10, "int"), Column("退单", 8, "int"), Column("当前超期", 10, "int"))


def contest_workbook(result: ContestResult) -> bytes:
    """The quarter's table as stored (department names written as text, never as formulas)."""
    wb = Workbook()
    ws = wb.active
    ws.title = "擂台赛"
    write_table(ws, COLUMNS, [
        (row["rank"], row["department_name"], "本期无可评" if row["points"] is None else row["points"],
         row["accept_rate"], row["reply_rate"], row["complete_rate"], row["satisfaction_rate"],
         row["reopens"], row["returned"], row["overdue_now"]) for row in result.table],
        title=f"{result.year}年第{result.quarter}季度擂台赛积分",
        note="积分规则见“规则”表（计算时的规则，不随此后修改而变）")
    rules = wb.create_sheet("规则")
    write_table(rules, (Column("项目", 20), Column("取值", 10)),
                [(f"权重 {k}", v) for k, v in result.rules["weights"].items()]
                + [(f"扣分 {k}", v) for k, v in result.rules["penalties"].items()],
                title="计算时的规则")
    return workbook_bytes(wb)
