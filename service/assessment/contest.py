"""擂台赛: points per department per quarter (docs/assessment.md, “擂台赛”).

A quarter is computed once and stored with the rules in force (a snapshot in the row), so the
table of a past quarter never changes when the rules change afterwards. Computing a quarter
that already has a result is refused unless the recomputation is asked for explicitly.

The administrator sets the rules (weights of the four rates, points off per reopening, return
and issue overdue now, points per 一事一表扬); the office records praises, computes and stores
a quarter. The monthly 流动红旗 goes to the best department of the last complete month by the
same rules over that month.
"""
import math
from copy import deepcopy
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from openpyxl.workbook import Workbook
from sqlalchemy import func
from sqlmodel import Session, select

from models import ContestResult, ContestRules, Department, Issue, Praise, User
from models.contest import RULE_LABELS
from models.permissions import Permission
from service.assessment.periods import Period
from service.assessment.rates import PENALTIES, WEIGHTS, department_assessment
from service.assessment.ratings import period_results
from service.core.errors import Conflict, DomainError, Invalid, NotFound, require
from service.core.xlsx import Column, workbook_bytes, write_table
from service.deadlines.calendar import local_date
from service.identity import permissions as access

__all__ = [
    "BONUSES", "CONTEST_PENALTIES", "DEFAULT_RULES",
    "RULE_LABELS", "RULE_LIMITS", "RedFlag", "add_praise", "compute_quarter",
    "contest_workbook", "notice_title", "points_of", "podium", "praises_of", "quarter_choices", "quarter_of",
    "quarter_result", "last_month", "red_flag", "remove_praise", "rule_lines", "rules_in_force", "run_quarter",
    "set_rules",
    "stored_quarter", "contest_page", "rules_form", "may_read", "may_run",
]

BONUSES = {"praise": 2.0}
# 企业评议 (service.assessment.ratings) weighs in beside the four rates: the average score out of
# 5 as a rate, once a department has at least `min_ratings` ratings in the quarter.
CONTEST_WEIGHTS = {**WEIGHTS, "rating_score": 0.20}
RATING_RULES = {"min_ratings": 3}
# 复查不属实 and 问责 (service.supervision) cost points in the contest only; rules saved before
# they existed take these defaults.
LATER_PENALTIES = {"recheck_false": 3.0, "accountability_talk": 2.0, "accountability_criticism": 5.0,
                   "accountability_referral": 10.0}
CONTEST_PENALTIES = {**PENALTIES, **LATER_PENALTIES}
DEFAULT_RULES = {"weights": dict(CONTEST_WEIGHTS), "penalties": dict(CONTEST_PENALTIES), "bonuses": dict(BONUSES),
                 "rating": dict(RATING_RULES)}

# Each rule's sane range, by group (the minimum number of ratings is a whole number from 1).
RULE_LIMITS = {"weights": 100.0, "penalties": 50.0, "bonuses": 50.0, "rating": 100.0}
GROUPS = {"weights": CONTEST_WEIGHTS, "penalties": CONTEST_PENALTIES, "bonuses": BONUSES, "rating": RATING_RULES}
NOTE_MAX = 200
FIRST_YEAR = 2000


def _number(value) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def _with_later_rules(rules: dict) -> dict:
    """Rules saved before the 复查 and 问责 penalties and the 企业评议 weight existed get their
    defaults."""
    for group, later in (("penalties", LATER_PENALTIES), ("weights", {"rating_score": CONTEST_WEIGHTS["rating_score"]}),
                         ("rating", RATING_RULES)):
        if group == "rating" and group not in rules:
            rules[group] = {}
        given = rules.get(group)
        if isinstance(given, dict):
            for key, value in later.items():
                given.setdefault(key, value)
    return rules


def _checked_rules(rules: dict) -> dict:
    rules = _with_later_rules(rules)
    problems = {}
    for group, keys in GROUPS.items():
        given = rules.get(group) if isinstance(rules.get(group), dict) else {}
        for key in keys:
            value, field = given.get(key), f"{group}.{key}"
            if group == "rating":
                if not _number(value) or value != int(value) or not 1 <= value <= RULE_LIMITS[group]:
                    problems[field] = f"{RULE_LABELS[field]}须为1至{RULE_LIMITS[group]:g}之间的整数"
            elif not _number(value) or not 0 <= value <= RULE_LIMITS[group]:
                problems[field] = f"{RULE_LABELS[field]}须为0至{RULE_LIMITS[group]:g}之间的数"
    if not any(k.startswith("weights.") for k in problems) and not any(rules["weights"][k] for k in CONTEST_WEIGHTS):
        problems["weights"] = "各项权重不能全为0"
    if problems:
        first = next(iter(problems.values()))
        raise Invalid(first if len(problems) == 1 else f"擂台赛规则有{len(problems)}处有误：{first}", problems)
    checked = {group: {k: float(rules[group][k]) for k in keys} for group, keys in GROUPS.items()}
    checked["rating"] = {k: int(v) for k, v in checked["rating"].items()}
    return checked


def rule_lines(rules: dict) -> list[tuple[str, float]]:
    """(name, value) of each rule, in the order of RULE_LABELS; a rule a stored quarter did not
    have yet (older results have no praise points) is left out."""
    return [(label, rules[group][key]) for field, label in RULE_LABELS.items()
            for group, key in [field.split(".")] if key in rules.get(group, {})]


# --- the rules in force ---------------------------------------------------------------------

def rules_in_force(session: Session) -> dict:
    row = session.get(ContestRules, 1)
    return _with_later_rules(deepcopy(row.rules)) if row else deepcopy(DEFAULT_RULES)


def set_rules(session: Session, actor: User | None, rules: dict, now: datetime) -> dict:
    """Replace the rules the next computation uses (stored quarters keep theirs). Commits."""
    access.require(actor, Permission.CONTEST_RULES)
    checked = _checked_rules(deepcopy(rules))
    row = session.get(ContestRules, 1) or ContestRules(id=1, rules=checked)
    row.rules, row.updated_by_id, row.updated_at = checked, actor.id if actor else None, now
    session.add(row)
    session.commit()
    return deepcopy(checked)


# --- points ---------------------------------------------------------------------------------

def rating_rate(rated: int, average: float | None, rules: dict) -> float | None:
    """The 企业评议 average as a rate (average ÷ 5), or None (not weighed) with fewer ratings than
    the rules' minimum: a department rated by one or two enterprises is not swung by them."""
    least = rules.get("rating", {}).get("min_ratings", RATING_RULES["min_ratings"])
    return None if average is None or rated < least else round(average / 5, 4)


def points_of(row, rules: dict, bonus: float = 0.0, rating: float | None = None) -> float | None:
    """100 × the weighted mean of the rates that have something to judge (企业评议 among them),
    less the penalties, never below 0, plus the praise bonus; None when nothing in the period can
    be judged (本期无可评)."""
    return _breakdown(_values(row, rating), rules, bonus)["points"]


def _values(row, rating: float | None) -> dict:
    return {**{k: getattr(row, k) for k in (*WEIGHTS, *CONTEST_PENALTIES)}, "rating_score": rating}


def _breakdown(values: dict, rules: dict, bonus: float) -> dict:
    judged = {k: w for k, w in rules["weights"].items() if values.get(k) is not None and w}
    deductions = {k: round(rules["penalties"][k] * values[k], 2) for k in rules["penalties"]}
    if not judged:
        return {"base": None, "deductions": deductions, "bonus": bonus, "points": None}
    base = round(100 * sum(w * values[k] for k, w in judged.items()) / sum(judged.values()), 2)
    return {"base": base, "deductions": deductions, "bonus": bonus,
            "points": round(max(0.0, base - sum(deductions.values())) + bonus, 2)}


def _praise_totals(session: Session, period: Period) -> dict[int, tuple[int, float]]:
    rows = session.exec(select(Praise.department_id, func.count(), func.sum(Praise.points))
                        .where(Praise.day >= period.start, Praise.day <= period.end)
                        .group_by(Praise.department_id)).all()
    return {d: (n, round(float(total or 0), 2)) for d, n, total in rows}


def _table(session: Session, period: Period, rules: dict, now: datetime) -> list[dict]:
    praises = _praise_totals(session, period)
    rated = period_results(session, period)
    table = []
    for r in department_assessment(session, period, now):
        count, bonus = praises.get(r.department_id, (0, 0.0))
        rating = rated.get(r.department_id)
        rating_count, average = (rating.rated, rating.average) if rating else (0, None)
        values = _values(r, rating_rate(rating_count, average, rules))
        table.append({"department_id": r.department_id, "department_name": r.department_name,
                      **_breakdown(values, rules, bonus), "praises": count,
                      "rating_count": rating_count, "rating_average": average, **values})
    ranked = sorted((t for t in table if t["points"] is not None), key=lambda t: -t["points"])
    for t in table:
        t["rank"] = None
    rank = 0
    for i, t in enumerate(ranked):
        if i == 0 or t["points"] != ranked[i - 1]["points"]:
            rank = i + 1
        t["rank"] = rank
    table.sort(key=lambda t: (t["rank"] is None, t["rank"] or 0, t["department_id"]))
    return table


def _check_quarter(year, quarter) -> None:
    problems = {}
    if not isinstance(year, int) or isinstance(year, bool) or not FIRST_YEAR <= year <= 2100:
        problems["year"] = f"年份须为{FIRST_YEAR}至2100之间的整数"
    if quarter not in (1, 2, 3, 4) or isinstance(quarter, bool):
        problems["quarter"] = "季度须为1至4"
    require(problems)


def compute_quarter(session: Session, year: int, quarter: int, rules: dict, now: datetime,
                    actor_id: int | None = None, recompute: bool = False) -> ContestResult:
    _check_quarter(year, quarter)
    rules = _checked_rules(deepcopy(rules))
    stored = stored_quarter(session, year, quarter)
    if stored is not None and not recompute:
        raise Conflict(f"{year}年第{quarter}季度已计算；重新计算须明确确认", {"recompute": "须明确确认重新计算"})
    table = _table(session, Period.quarter(year, quarter), rules, now)
    if stored is None:
        stored = ContestResult(year=year, quarter=quarter, rules=rules, table=table)
    else:
        stored.rules, stored.table = rules, table
    stored.computed_at, stored.computed_by_id = now, actor_id
    session.add(stored)
    session.flush()
    return stored


def run_quarter(session: Session, actor: User | None, year: int, quarter: int, now: datetime,
                recompute: bool = False) -> ContestResult:
    """The office computes a finished quarter by the rules in force and stores it. Commits."""
    access.require(actor, Permission.CONTEST_RUN)
    _check_quarter(year, quarter)
    if local_date(now) <= Period.quarter(year, quarter).end:
        raise Invalid(f"{year}年第{quarter}季度尚未结束，结束后才能计算",
                      {"quarter": f"{year}年第{quarter}季度尚未结束，结束后才能计算"})
    try:
        result = compute_quarter(session, year, quarter, rules_in_force(session), now,
                                 actor.id if actor else None, recompute)
    except DomainError:
        session.rollback()  # a refusal leaves nothing half-stored
        raise
    session.commit()
    return result


def stored_quarter(session: Session, year: int, quarter: int) -> ContestResult | None:
    return session.exec(select(ContestResult).where(ContestResult.year == year,
                                                    ContestResult.quarter == quarter)).first()


def may_read(actor: User | None) -> None:
    access.require(actor, Permission.CONTEST_READ)


def may_run(actor: User | None) -> None:
    access.require(actor, Permission.CONTEST_RUN)


def quarter_result(session: Session, actor: User | None, year: int, quarter: int) -> ContestResult | None:
    """The stored quarter as it was stored, or None when it has not been computed."""
    access.require(actor, Permission.CONTEST_READ)
    _check_quarter(year, quarter)
    return stored_quarter(session, year, quarter)


def quarter_choices(today: date, count: int = 8) -> list[tuple[int, int]]:
    """(year, quarter) pairs to pick from: the last finished quarter first, then earlier ones."""
    year, q = today.year, (today.month - 1) // 3 + 1
    out = []
    for _ in range(count):
        q -= 1
        if q == 0:
            year, q = year - 1, 4
        out.append((year, q))
    return out


def notice_title(year: int, quarter: int) -> str:
    return f"{year}年第{quarter}季度营商环境问题办理擂台赛通报"


def podium(result: ContestResult) -> tuple[list[dict], list[dict]]:
    """排名前三 and 排名后三 among the ranked departments. A tie is never cut: every department
    ranked 1-3 is among the top, every one with points no higher than the third-lowest among the
    bottom (lowest first); a department is never in both, so with few ranked departments the
    bottom may be short or empty."""
    ranked = [row for row in result.table if row["rank"] is not None]
    top = [row for row in ranked if row["rank"] <= 3]
    if len(ranked) < 3:
        return top, []
    third_lowest = sorted(row["points"] for row in ranked)[2]
    bottom = [row for row in ranked if row["points"] <= third_lowest and row not in top]
    return top, list(reversed(bottom))


# --- 一事一表扬 -------------------------------------------------------------------------------

def quarter_of(day: date) -> tuple[int, int]:
    return day.year, (day.month - 1) // 3 + 1


def praises_of(session: Session, actor: User | None, year: int, quarter: int) -> list[dict]:
    """The praises dated in the quarter, newest first, with the department's name and issue code."""
    access.require(actor, Permission.CONTEST_READ)
    _check_quarter(year, quarter)
    period = Period.quarter(year, quarter)
    rows = session.exec(select(Praise, Department.name, Issue.code)
                        .join(Department, Department.id == Praise.department_id)
                        .outerjoin(Issue, Issue.id == Praise.issue_id)
                        .where(Praise.day >= period.start, Praise.day <= period.end)
                        .order_by(Praise.day.desc(), Praise.id.desc())).all()
    return [{"id": p.id, "department_id": p.department_id, "department_name": name, "issue_id": p.issue_id,
             "issue_code": code, "day": p.day, "note": p.note, "points": p.points} for p, name, code in rows]


def add_praise(session: Session, actor: User | None, department_id: int, issue_id: int | None, day: date,
               note: str, now: datetime) -> Praise:
    """Record a praise worth the rules' points for a praise today. Refused once the quarter of
    its day is stored. Commits."""
    access.require(actor, Permission.CONTEST_PRAISE)
    problems = {}
    department = session.get(Department, department_id)
    if department is None or not department.active:
        problems["department_id"] = "请选择在用的部门"
    if issue_id is not None and session.get(Issue, issue_id) is None:
        problems["issue_id"] = "没有这个问题"
    if day > local_date(now):
        problems["day"] = "表扬日期不能晚于今天"
    elif day.year < FIRST_YEAR:
        problems["day"] = f"表扬日期不能早于{FIRST_YEAR}年"
    note = (note or "").strip()
    if not note:
        problems["note"] = "请填写表扬事由"
    elif len(note) > NOTE_MAX:
        problems["note"] = f"表扬事由不能超过{NOTE_MAX}字（现{len(note)}字）"
    require(problems)
    if stored_quarter(session, *quarter_of(day)) is not None:
        raise Conflict("该季度擂台赛积分已保存，不能再登记这一季度的表扬",
                       {"day": "该季度擂台赛积分已保存，不能再登记这一季度的表扬"})
    praise = Praise(department_id=department_id, issue_id=issue_id, day=day, note=note,
                    points=rules_in_force(session)["bonuses"]["praise"],
                    created_by_id=actor.id if actor else None, created_at=now)
    session.add(praise)
    session.commit()
    return praise


def remove_praise(session: Session, actor: User | None, praise_id: int) -> None:
    """Remove a praise entered by mistake, while its quarter is not stored. Commits."""
    access.require(actor, Permission.CONTEST_PRAISE)
    praise = session.get(Praise, praise_id)
    if praise is None:
        raise NotFound("没有这条表扬记录")
    if stored_quarter(session, *quarter_of(praise.day)) is not None:
        raise Conflict("该季度擂台赛积分已保存，其中的表扬不能删除")
    session.delete(praise)
    session.commit()


# --- 流动红旗 ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class RedFlag:
    month: Period
    department_ids: frozenset[int]   # the best department (all of them when tied)
    names: tuple[str, ...]
    points: float

    def holds(self, department_id: int | None) -> bool:
        return department_id in self.department_ids


def last_month(now: datetime) -> Period:
    """The last complete month in the county."""
    last_day = local_date(now).replace(day=1) - timedelta(days=1)
    return Period.month(last_day.year, last_day.month)


def red_flag(session: Session, now: datetime) -> RedFlag | None:
    """The 流动红旗 of the last complete month: the department with the most points over that
    month by the rules in force; None when no department has anything to judge."""
    month = last_month(now)
    ranked = [t for t in _table(session, month, rules_in_force(session), now) if t["rank"] == 1]
    if not ranked:
        return None
    return RedFlag(month, frozenset(t["department_id"] for t in ranked),
                   tuple(t["department_name"] for t in ranked), ranked[0]["points"])


# --- the workbook -----------------------------------------------------------------------------

COLUMNS = (Column("名次", 8, "int"), Column("部门", 20), Column("积分", 10), Column("基础得分", 10),
           Column("重办扣分", 10), Column("退单扣分", 10), Column("超期扣分", 10),
           Column("复查不属实扣分", 12), Column("问责扣分", 10),
           Column("表扬次数", 10, "int"), Column("表扬加分", 10),
           Column("企业评议评价数", 12, "int"), Column("企业评议平均分", 12),
           Column("签收及时率", 12, "percent"), Column("回复及时率", 12, "percent"),
           Column("按期办结率", 12, "percent"), Column("满意率", 12, "percent"),
           Column("重办次数", 10, "int"), Column("退单", 8, "int"), Column("当前超期", 10, "int"))


ACCOUNTABILITY_KEYS = ("accountability_talk", "accountability_criticism", "accountability_referral")


def _accountability_cut(cut: dict):
    """The 问责 deductions together; "—" for a quarter stored before they existed."""
    if not any(k in cut for k in ACCOUNTABILITY_KEYS):
        return "—"
    return round(sum(cut.get(k, 0) for k in ACCOUNTABILITY_KEYS), 2)


def _or_dash(value):
    return "—" if value is None else value


def contest_workbook(result: ContestResult) -> bytes:
    """The quarter's table as stored (department names written as text, never as formulas)."""
    wb = Workbook()
    ws = wb.active
    ws.title = "擂台赛"
    top, bottom = podium(result)
    marks = {id(r): "（前三名）" for r in top} | {id(r): "（后三名）" for r in bottom}
    rows = []
    for row in result.table:
        cut = row.get("deductions") or {}
        rows.append((row["rank"], row["department_name"] + marks.get(id(row), ""),
                     "本期无可评" if row["points"] is None else row["points"], _or_dash(row.get("base")),
                     _or_dash(cut.get("reopens")), _or_dash(cut.get("returned")), _or_dash(cut.get("overdue_now")),
                     _or_dash(cut.get("recheck_false")), _accountability_cut(cut),
                     row.get("praises", 0), row.get("bonus", 0.0),
                     _or_dash(row.get("rating_count")), _or_dash(row.get("rating_average")),
                     row["accept_rate"], row["reply_rate"], row["complete_rate"], row["satisfaction_rate"],
                     row["reopens"], row["returned"], row["overdue_now"]))
    write_table(ws, COLUMNS, rows, title=f"{result.year}年第{result.quarter}季度擂台赛积分",
                note="积分规则见“规则”表（计算时的规则，不随此后修改而变）")
    rules = wb.create_sheet("规则")
    write_table(rules, (Column("项目", 24), Column("取值", 10)), rule_lines(result.rules), title="计算时的规则")
    return workbook_bytes(wb)


# --- the console page -------------------------------------------------------------------------

@dataclass
class ContestPage:
    year: int
    quarter: int
    title: str
    result: ContestResult | None
    top_ids: set[int]
    bottom_ids: set[int]
    rules: dict                     # the stored quarter's rules, or the rules in force
    praises: list[dict]
    departments: list[tuple[int, str]]   # for the praise form
    finished: bool                  # the quarter has ended (it may be computed)
    may_run: bool
    may_praise: bool
    may_edit_rules: bool


def contest_page(session: Session, actor: User | None, year: int, quarter: int, now: datetime) -> ContestPage:
    result = quarter_result(session, actor, year, quarter)
    top, bottom = podium(result) if result else ([], [])
    departments = session.exec(select(Department.id, Department.name).where(Department.active)
                               .order_by(Department.id)).all()
    return ContestPage(
        year=year, quarter=quarter, title=notice_title(year, quarter), result=result,
        top_ids={r["department_id"] for r in top}, bottom_ids={r["department_id"] for r in bottom},
        rules=result.rules if result else rules_in_force(session),
        praises=praises_of(session, actor, year, quarter), departments=[(i, n) for i, n in departments],
        finished=local_date(now) > Period.quarter(year, quarter).end,
        may_run=access.may(actor, Permission.CONTEST_RUN), may_praise=access.may(actor, Permission.CONTEST_PRAISE),
        may_edit_rules=access.may(actor, Permission.CONTEST_RULES))


def rules_form(session: Session, actor: User | None) -> dict:
    """The rules in force for the administrator's form (others are refused)."""
    access.require(actor, Permission.CONTEST_RULES)
    return rules_in_force(session)
