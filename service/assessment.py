"""部门考核 (三率): per department and period, the columns of the monthly bulletin, a score and
a rank; the monthly trend and the colours of open issues now.

The rules are written down once in docs/assessment.md; this module implements exactly them.
Every figure is an SQL aggregate (one GROUP BY per table read): no issue is loaded into Python.
The channel and meeting figures and the summary sentence live in `service.channel_figures`
and are re-exported here, so the console and the API import one module.
"""
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import DateTime, and_, case, func, or_, select
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement
from sqlmodel import Session

from models import OPEN_STATUSES, Department, Issue, IssueEvent, Satisfaction, Status

from .calendar import LOCAL_TZ, WorkCalendar, local_date
from .channel_figures import (
    ChannelFigures,
    ChannelRow,
    MeetingRow,
    channel_figures,
    hot_spots,
    summary_sentence,
)
from .deadlines import yellow_threshold
from .periods import Period, parse_period

__all__ = [
    "RUNNING", "WEIGHTS", "ChannelFigures", "ChannelRow", "DepartmentRow", "MeetingRow", "MonthRow", "Period",
    "channel_figures", "department_assessment", "department_row", "flags_now", "hot_spots",
    "monthly_trend", "parse_period", "summary_sentence",
]

# The score: a weighted mean of the four rates (docs/assessment.md, “得分与排名”).
WEIGHTS = {"accept_rate": 0.10, "reply_rate": 0.10, "complete_rate": 0.40, "satisfaction_rate": 0.40}

# The department's own work is outstanding in these states; `replied` waits on the office's
# return visit, `suspended` has its clock stopped.
RUNNING = (Status.ASSIGNED, Status.IN_PROGRESS)


# --- "replied on time" judged in SQL --------------------------------------------------------

def _hours_to_local_day_end() -> int:
    """Hours from 00:00 UTC of a date to the end of that date in the county. Asia/Shanghai has
    kept UTC+8 all year since 1991, so this is a constant (16)."""
    winter = LOCAL_TZ.utcoffset(datetime(2026, 1, 15))
    summer = LOCAL_TZ.utcoffset(datetime(2026, 7, 15))
    assert winter == summer, "a time zone with daylight saving needs a per-row conversion"
    return 24 - int(winter.total_seconds() // 3600)


class local_day_end(FunctionElement):  # noqa: N801 - reads as the SQL function it renders
    """The stored (naive UTC) moment at which the local date in the column ends: a reply stored
    before it was made on or before that date in the county."""

    type = DateTime()
    inherit_cache = True
    name = "local_day_end"


@compiles(local_day_end, "postgresql")
def _local_day_end_pg(element, compiler, **kw):
    return f"({compiler.process(element.clauses, **kw)} + INTERVAL '{_hours_to_local_day_end()} hours')"


@compiles(local_day_end, "sqlite")
def _local_day_end_sqlite(element, compiler, **kw):
    # SQLite keeps a DateTime as 'YYYY-MM-DD HH:MM:SS.ffffff' and a Date as 'YYYY-MM-DD';
    # datetime() answers 'YYYY-MM-DD HH:MM:SS', which compares correctly as text against it.
    return f"datetime({compiler.process(element.clauses, **kw)}, '+{_hours_to_local_day_end()} hours')"


def replied_on_time_clause():
    """The department's current reply was made on or before its 限期回复 (local date).

    `completed_on_time` is set by the reply and cleared when the issue is reopened, so it tells
    whether `replied_at` belongs to the reply now in force; `reply_due` cannot change after a
    reply (extensions and resumption happen only while in progress)."""
    return and_(Issue.completed_on_time.is_not(None),
                or_(Issue.reply_due.is_(None), Issue.replied_at < local_day_end(Issue.reply_due)))


# --- the department rows --------------------------------------------------------------------

@dataclass
class DepartmentRow:
    department_id: int
    department_name: str
    received: int            # 交办件: assigned to it as lead in the period (by assigned_at)
    accepted_on_time: int    # 按时签收
    accept_judged: int       # 应签收: accepted, or still unaccepted past 限期签收
    replied_on_time: int     # 按时回复
    reply_judged: int        # 应回复: replied, or still unreplied past 限期回复
    completed_on_time: int   # 按期办结
    completed_late: int      # 超期办结
    completed: int           # 已办结 (the department has replied: 办理答复)
    open: int                # 在办: assigned or in progress now (suspended apart)
    satisfied: int
    basically: int
    unsatisfied: int
    rated: int
    reopened: int            # 重办: reopened at least once after an unsatisfied visit
    extended: int            # 延期: with at least one approved extension
    extensions: int          # the approved extensions in all
    suspended: int           # 挂账 now
    returned: int            # 退单 made by this department within the period
    overdue_now: int         # assigned/in progress now and past its nearest deadline
    accept_rate: float | None
    reply_rate: float | None
    complete_rate: float | None
    satisfaction_rate: float | None
    score: float
    rank: int | None         # None: nothing received, listed after the ranked departments
    complete_judged: int = 0  # 应办结: completed, or unfinished past 限期办结


def _rate(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def score_of(rates: dict[str, float | None]) -> float:
    """100 × the weighted mean of the rates that have something to judge (the weights of the
    others are shared out in proportion); 100 when nothing has been judged yet."""
    judged = {k: w for k, w in WEIGHTS.items() if rates.get(k) is not None}
    if not judged:
        return 100.0
    return round(100 * sum(w * rates[k] for k, w in judged.items()) / sum(judged.values()), 2)


def _count(condition):
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


def _received_figures(session: Session, period: Period, now: datetime) -> dict[int, list[int]]:
    """One GROUP BY over the issues assigned in the period, per lead department."""
    today = local_date(now)
    lo, hi = period.bounds
    running = Issue.status.in_(RUNNING)
    done = Issue.completed_on_time.is_not(None)
    stmt = select(
        Issue.lead_department_id,
        func.count(),
        _count(Issue.accepted_on_time.is_(True)),
        _count(or_(Issue.accepted_on_time.is_not(None),
                   and_(Issue.status == Status.ASSIGNED, Issue.accept_due < today))),
        _count(replied_on_time_clause()),
        _count(or_(done, and_(running, Issue.reply_due < today))),
        _count(Issue.completed_on_time.is_(True)),
        _count(Issue.completed_on_time.is_(False)),
        _count(done),
        _count(or_(done, and_(running, Issue.complete_due < today))),
        _count(running),
        _count(Issue.satisfaction == Satisfaction.SATISFIED),
        _count(Issue.satisfaction == Satisfaction.BASICALLY),
        _count(Issue.satisfaction == Satisfaction.UNSATISFIED),
        _count(Issue.reopen_count > 0),
        _count(Issue.extension_count > 0),
        func.coalesce(func.sum(Issue.extension_count), 0),
        _count(Issue.status == Status.SUSPENDED),
        _count(and_(running, Issue.next_due < today)),
    ).where(Issue.assigned_at >= lo, Issue.assigned_at < hi).group_by(Issue.lead_department_id)
    # The NULL group (returned, not yet reassigned) is dropped here rather than in the WHERE,
    # where SQLite would walk the whole lead-department index to skip it.
    return {row[0]: [int(v) for v in row[1:]] for row in session.execute(stmt) if row[0] is not None}


def _returns(session: Session, period: Period) -> dict[int, int]:
    """退单 per department, by the time of the return (the event names the department)."""
    lo, hi = period.bounds
    dept = IssueEvent.data["department_id"].as_integer()
    stmt = select(dept, func.count()).where(
        IssueEvent.action == "return", IssueEvent.at >= lo, IssueEvent.at < hi,
    ).group_by(dept)
    return {d: int(n) for d, n in session.execute(stmt) if d is not None}


def _row(dept: Department, figures: list[int] | None, returned: int) -> DepartmentRow:
    (received, acc_ok, acc_judged, rep_ok, rep_judged, done_ok, done_late, done, done_judged,
     open_, sat, basic, unsat, reopened, extended, extensions, suspended, overdue) = figures or [0] * 18
    rated = sat + basic + unsat
    rates = {"accept_rate": _rate(acc_ok, acc_judged), "reply_rate": _rate(rep_ok, rep_judged),
             "complete_rate": _rate(done_ok, done_judged), "satisfaction_rate": _rate(sat + basic, rated)}
    return DepartmentRow(
        department_id=dept.id, department_name=dept.name, received=received,
        accepted_on_time=acc_ok, accept_judged=acc_judged, replied_on_time=rep_ok, reply_judged=rep_judged,
        completed_on_time=done_ok, completed_late=done_late, completed=done, open=open_,
        satisfied=sat, basically=basic, unsatisfied=unsat, rated=rated, reopened=reopened,
        extended=extended, extensions=extensions, suspended=suspended, returned=returned,
        overdue_now=overdue, **rates, score=score_of(rates) if received else 0.0, rank=None,
        complete_judged=done_judged)


def _rank(rows: list[DepartmentRow]) -> list[DepartmentRow]:
    """Score (high first), then fewer overdue now, then more received; rows equal on all three
    share a rank (1, 1, 3). Departments that received nothing follow, unranked."""
    ranked = sorted((r for r in rows if r.received),
                    key=lambda r: (-r.score, r.overdue_now, -r.received, r.department_id))
    previous, rank = None, 0
    for position, row in enumerate(ranked, start=1):
        key = (row.score, row.overdue_now, row.received)
        if key != previous:
            rank, previous = position, key
        row.rank = rank
    return ranked + [r for r in rows if not r.received]


def department_assessment(session: Session, period: Period, now: datetime) -> list[DepartmentRow]:
    """Every active department (and any inactive one with figures), ranked."""
    figures = _received_figures(session, period, now)
    returns = _returns(session, period)
    depts = session.execute(select(Department).where(or_(
        Department.active.is_(True), Department.id.in_(set(figures) | set(returns)),
    )).order_by(Department.id)).scalars().all()
    return _rank([_row(d, figures.get(d.id), returns.get(d.id, 0)) for d in depts])


def department_row(session: Session, period: Period, now: datetime,
                   department_id: int) -> DepartmentRow | None:
    """One department's row, with its rank among all departments; None if there is no such
    department."""
    return next((r for r in department_assessment(session, period, now)
                 if r.department_id == department_id), None)


# --- the trend and the colours now ----------------------------------------------------------

@dataclass
class MonthRow:
    month: str              # "2026-11"
    received: int           # assigned to a department in the month (as in `received`)
    completed: int          # of those, completed by the department
    completed_on_time: int  # of those, on time


def monthly_trend(session: Session, period: Period) -> list[MonthRow]:
    """Per calendar month of the period (clipped to it): the month's received issues and how
    many of them are completed, and on time. One GROUP BY on a CASE over the month bounds."""
    months = period.months()
    lo, hi = period.bounds
    # Returned and not yet reassigned (no lead) is nobody's received issue.
    columns = (_count(Issue.lead_department_id.is_not(None)), _count(Issue.completed_on_time.is_not(None)),
               _count(Issue.completed_on_time.is_(True)))
    stmt = select(*columns).where(Issue.assigned_at >= lo, Issue.assigned_at < hi)
    if len(months) == 1:
        found = {0: session.execute(stmt).one()}
    else:
        # The month by the UTC bounds of each local month, so 23:30 local on a month's last
        # day stays in that month on both databases.
        bucket = case(*[(Issue.assigned_at < m.bounds[1], i) for i, m in enumerate(months[:-1])],
                      else_=len(months) - 1).label("bucket")
        stmt = stmt.add_columns(bucket).group_by(bucket)
        found = {int(r[-1]): r[:-1] for r in session.execute(stmt)}
    out = []
    for i, m in enumerate(months):
        n, done, on_time = (int(v or 0) for v in found.get(i, (0, 0, 0)))
        out.append(MonthRow(f"{m.start.year}-{m.start.month:02d}", n, done, on_time))
    return out


def flags_now(session: Session, now: datetime, calendar: WorkCalendar,
              department_id: int | None = None) -> dict[str, int]:
    """三色督办 now: open issues (clock running) by colour, and the suspended ones apart, all or
    those one department leads. The colour rule is the supervision board's (`next_due`)."""
    today = local_date(now)
    threshold = yellow_threshold(today, calendar)
    running = Issue.status.in_(OPEN_STATUSES)
    stmt = select(
        _count(and_(running, Issue.next_due < today)),
        _count(and_(running, Issue.next_due.between(today, threshold))),
        _count(and_(running, Issue.next_due > threshold)),
        _count(Issue.status == Status.SUSPENDED),
    ).where(Issue.status.in_((*OPEN_STATUSES, Status.SUSPENDED)))
    if department_id is not None:
        stmt = stmt.where(Issue.lead_department_id == department_id)
    red, yellow, green, suspended = (int(v) for v in session.execute(stmt).one())
    return {"red": red, "yellow": yellow, "green": green, "suspended": suspended}
