"""部门考核 (三率): per department and period, the columns of the monthly bulletin, a score and
a rank; the monthly trend and the colours of open issues now.

The rules are written down once in docs/assessment.md; this module implements exactly them.
Every figure is an SQL aggregate (one GROUP BY per table read): no issue is loaded into Python.
The channel and meeting figures and the summary sentence live in `service.assessment.channels`
and are re-exported here, so the console and the API import one module.
"""
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, case, func, or_, select
from sqlmodel import Session

from models import (
    JUDGEMENT_FLAGS,
    OPEN_STATUSES,
    AccountabilityKind,
    AccountabilityRecord,
    DeadlineJudgement,
    Department,
    Issue,
    IssueEvent,
    RecheckMember,
    RecheckVerdict,
    Satisfaction,
    Status,
)
from service.assessment.periods import Period, parse_period
from service.deadlines.calendar import WorkCalendar, local_date
from service.deadlines.rules import yellow_threshold

__all__ = [
    "PENALTIES", "RUNNING", "WEIGHTS", "DepartmentRow", "Period", "department_assessment",
    "department_row", "flags_now", "parse_period", "rate",
]

# The score: a weighted mean of the four rates, less points for each reopening, return and
# issue overdue now (docs/assessment.md, “得分与排名”).
WEIGHTS = {"accept_rate": 0.10, "reply_rate": 0.10, "complete_rate": 0.40, "satisfaction_rate": 0.40}
PENALTIES = {"reopens": 2.0, "returned": 1.0, "overdue_now": 2.0}

# The department's own work is outstanding in these states; `replied` waits on the office's
# return visit, `suspended` (挂账) and `escalated` (提请上级) have their clock stopped.
RUNNING = (Status.ASSIGNED, Status.IN_PROGRESS)
# The 办理情况报告 is owed in these states until it is made (the clock stops while suspended or
# escalated).
REPORT_OWED = (Status.ASSIGNED, Status.IN_PROGRESS, Status.REPLIED, Status.CLOSED, Status.PUBLISHED)
# The department has replied (办结) in its latest round: the rest is the office's.
COMPLETED = (Status.REPLIED, Status.CLOSED, Status.PUBLISHED)


# --- the department rows --------------------------------------------------------------------

@dataclass
class DepartmentRow:
    department_id: int
    department_name: str
    received: int            # 交办件: assigned to it as lead in the period (by assigned_at)
    accepted_on_time: int    # 按时签收
    accept_judged: int       # 应签收: 签收 (or 退单) judged, plus those still unaccepted past 限期签收
    replied_on_time: int     # 按时回复
    reply_judged: int        # 应回复: replies judged (every round), plus those unreplied past 限期回复
    completed_on_time: int   # 按期办结 (rounds)
    completed_late: int      # 超期办结 (rounds judged late, whether finished late or missed)
    completed: int           # 已办结 (issues whose latest round the department has replied)
    open: int                # 在办: assigned or in progress now (suspended and escalated apart)
    satisfied: int
    basically: int
    unsatisfied: int
    rated: int
    reopened: int            # 重办: issues reopened at least once after an unsatisfied visit
    extended: int            # 延期: with at least one approved extension
    extensions: int          # the approved extensions in all
    suspended: int           # 挂账 now
    escalated: int           # 提请中 now (提请上级, waiting on the higher level)
    returned: int            # 退单 made by this department within the period
    overdue_now: int         # assigned/in progress now and past its nearest deadline
    accept_rate: float | None
    reply_rate: float | None
    complete_rate: float | None
    satisfaction_rate: float | None
    score: float | None      # None: nothing to judge in the period (本期无可评)
    rank: int | None         # None: not ranked, listed after the ranked departments
    complete_judged: int = 0  # 应办结: rounds judged, plus those unfinished past 限期办结
    reported_on_time: int = 0  # 按时报告: 办理情况报告 judged on time against 限期报告
    report_judged: int = 0    # 应报告: reports judged (every round), plus those unreported past 限期报告
    report_rate: float | None = None  # 按时报告率 (a column of the bulletin, not in the score)
    reopens: int = 0          # 重办次数 (an issue reopened twice counts twice)
    penalty: float = 0.0      # points taken off the score (PENALTIES)
    # 复查 and 问责 in the period (by the day of the verdict or decision): on the 成绩单 and
    # penalised in the 擂台赛 (service.assessment.contest), not in this score
    recheck_false: int = 0            # 复查不属实 (each reopened the issue, counted in reopens too)
    accountability_talk: int = 0      # 约谈
    accountability_criticism: int = 0  # 通报批评
    accountability_referral: int = 0  # 移交纪检监察机关

    @property
    def accountability(self) -> int:
        return self.accountability_talk + self.accountability_criticism + self.accountability_referral


def rate(part: int, whole: int) -> float | None:
    """A share as the figures show it everywhere (console, public page, Excel, API): four
    decimals, None when there is nothing to judge."""
    return round(part / whole, 4) if whole else None


def penalty_of(reopens: int, returned: int, overdue_now: int) -> float:
    return float(PENALTIES["reopens"] * reopens + PENALTIES["returned"] * returned
                 + PENALTIES["overdue_now"] * overdue_now)


def score_of(rates: dict[str, float | None], penalty: float = 0.0) -> float | None:
    """100 × the weighted mean of the rates that have something to judge (the weights of the
    others are shared out in proportion), less the penalty, never below 0; None when no rate
    has anything to judge (本期无可评: ranked apart, never at 100)."""
    judged = {k: w for k, w in WEIGHTS.items() if rates.get(k) is not None}
    if not judged:
        return None
    mean = sum(w * rates[k] for k, w in judged.items()) / sum(judged.values())
    return round(max(0.0, 100 * mean - penalty), 2)


def _count(condition):
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


def _missed_while_open(key: str, today):
    """Still on the department's desk past deadline `key` and not judged in this round: late in
    every on-time rate, though nothing has been recorded yet."""
    flag = getattr(Issue, JUDGEMENT_FLAGS[key])
    states = (Status.ASSIGNED,) if key == "accept_due" else REPORT_OWED if key == "report_due" else RUNNING
    return and_(Issue.status.in_(states), getattr(Issue, key) < today, flag.is_(None))


_ISSUE_COLUMNS = ("received", "accept_missing", "reply_missing", "complete_missing", "report_missing",
                  "completed", "open",
                  "satisfied", "basically", "unsatisfied", "reopened", "reopens", "extended", "extensions",
                  "suspended", "escalated", "overdue_now")


def _received_figures(session: Session, period: Period, now: datetime) -> dict[int, dict[str, int]]:
    """One GROUP BY over the issues assigned in the period, per lead department."""
    today = local_date(now)
    lo, hi = period.bounds
    running = Issue.status.in_(RUNNING)
    stmt = select(
        Issue.lead_department_id,
        func.count(),
        _count(_missed_while_open("accept_due", today)),
        _count(_missed_while_open("reply_due", today)),
        _count(_missed_while_open("complete_due", today)),
        _count(_missed_while_open("report_due", today)),
        _count(Issue.status.in_(COMPLETED)),
        _count(running),
        _count(Issue.satisfaction == Satisfaction.SATISFIED),
        _count(Issue.satisfaction == Satisfaction.BASICALLY),
        _count(Issue.satisfaction == Satisfaction.UNSATISFIED),
        _count(Issue.reopen_count > 0),
        func.coalesce(func.sum(Issue.reopen_count), 0),
        _count(Issue.extension_count > 0),
        func.coalesce(func.sum(Issue.extension_count), 0),
        _count(Issue.status == Status.SUSPENDED),
        _count(Issue.status == Status.ESCALATED),
        _count(and_(running, Issue.next_due < today)),
    ).where(Issue.assigned_at >= lo, Issue.assigned_at < hi).group_by(Issue.lead_department_id)
    # The NULL group (returned, not yet reassigned) is dropped here rather than in the WHERE,
    # where SQLite would walk the whole lead-department index to skip it.
    return {row[0]: dict(zip(_ISSUE_COLUMNS, (int(v) for v in row[1:]), strict=True))
            for row in session.execute(stmt) if row[0] is not None}


def _judgements(session: Session, period: Period) -> dict[int, dict[str, int]]:
    """The judgements recorded for each department's rounds assigned in the period: per deadline,
    how many were judged and how many on time."""
    lo, hi = period.bounds
    stmt = select(
        DeadlineJudgement.department_id, DeadlineJudgement.deadline, func.count(),
        _count(DeadlineJudgement.on_time.is_(True)),
    ).where(DeadlineJudgement.assigned_at >= lo, DeadlineJudgement.assigned_at < hi,
            DeadlineJudgement.deadline.in_(tuple(JUDGEMENT_FLAGS)),
            DeadlineJudgement.department_id.is_not(None),
            ).group_by(DeadlineJudgement.department_id, DeadlineJudgement.deadline)
    out: dict[int, dict[str, int]] = {}
    for dept, deadline, judged, on_time in session.execute(stmt):
        row = out.setdefault(dept, {})
        row[f"{deadline}:judged"], row[f"{deadline}:on_time"] = int(judged), int(on_time)
    return out


def _returns(session: Session, period: Period) -> dict[int, int]:
    """退单 per department, by the time of the return (the event names the department)."""
    lo, hi = period.bounds
    dept = IssueEvent.data["department_id"].as_integer()
    stmt = select(dept, func.count()).where(
        IssueEvent.action == "return", IssueEvent.at >= lo, IssueEvent.at < hi,
    ).group_by(dept)
    return {d: int(n) for d, n in session.execute(stmt) if d is not None}


def _rechecks_not_true(session: Session, period: Period) -> dict[int, int]:
    """复查不属实 per department, by the time of the verdict."""
    lo, hi = period.bounds
    stmt = select(RecheckMember.department_id, func.count()).where(
        RecheckMember.verdict == RecheckVerdict.FALSE, RecheckMember.decided_at >= lo, RecheckMember.decided_at < hi,
    ).group_by(RecheckMember.department_id)
    return {d: int(n) for d, n in session.execute(stmt) if d is not None}


def _accountability(session: Session, period: Period) -> dict[int, dict[str, int]]:
    """问责 records per department and kind, by the decision's date."""
    stmt = select(AccountabilityRecord.department_id, AccountabilityRecord.kind, func.count()).where(
        AccountabilityRecord.decided_on >= period.start, AccountabilityRecord.decided_on <= period.end,
    ).group_by(AccountabilityRecord.department_id, AccountabilityRecord.kind)
    out: dict[int, dict[str, int]] = {}
    for dept, kind, n in session.execute(stmt):
        if kind in set(AccountabilityKind):
            out.setdefault(dept, {})[f"accountability_{kind}"] = int(n)
    return out


def _row(dept: Department, figures: dict[str, int] | None, judged: dict[str, int] | None,
         returned: int) -> DepartmentRow:
    f = figures or dict.fromkeys(_ISSUE_COLUMNS, 0)
    j = judged or {}

    def tally(key: str) -> tuple[int, int]:
        """(on time, judged) of deadline `key`: the recorded judgements and the missed ones."""
        missing = f[f"{key.removesuffix('_due')}_missing"]
        return j.get(f"{key}:on_time", 0), j.get(f"{key}:judged", 0) + missing

    acc_ok, acc_judged = tally("accept_due")
    rep_ok, rep_judged = tally("reply_due")
    done_ok, done_judged = tally("complete_due")
    report_ok, report_judged = tally("report_due")
    rated = f["satisfied"] + f["basically"] + f["unsatisfied"]
    rates = {"accept_rate": rate(acc_ok, acc_judged), "reply_rate": rate(rep_ok, rep_judged),
             "complete_rate": rate(done_ok, done_judged),
             "satisfaction_rate": rate(f["satisfied"] + f["basically"], rated)}
    penalty = penalty_of(f["reopens"], returned, f["overdue_now"])
    return DepartmentRow(
        department_id=dept.id, department_name=dept.name, received=f["received"],
        accepted_on_time=acc_ok, accept_judged=acc_judged, replied_on_time=rep_ok, reply_judged=rep_judged,
        completed_on_time=done_ok, completed_late=j.get("complete_due:judged", 0) - done_ok,
        completed=f["completed"], open=f["open"],
        satisfied=f["satisfied"], basically=f["basically"], unsatisfied=f["unsatisfied"], rated=rated,
        reopened=f["reopened"], extended=f["extended"], extensions=f["extensions"], suspended=f["suspended"],
        escalated=f["escalated"], returned=returned, overdue_now=f["overdue_now"], **rates,
        score=score_of(rates, penalty), rank=None,
        complete_judged=done_judged, reopens=f["reopens"], penalty=penalty,
        reported_on_time=report_ok, report_judged=report_judged, report_rate=rate(report_ok, report_judged))


def _rank(rows: list[DepartmentRow]) -> list[DepartmentRow]:
    """Score (high first), then fewer overdue now, then more received; rows equal on all three
    share a rank (1, 1, 3). Departments with nothing to judge follow, unranked."""
    ranked = sorted((r for r in rows if r.score is not None),
                    key=lambda r: (-r.score, r.overdue_now, -r.received, r.department_id))
    previous, rank = None, 0
    for position, row in enumerate(ranked, start=1):
        key = (row.score, row.overdue_now, row.received)
        if key != previous:
            rank, previous = position, key
        row.rank = rank
    return ranked + [r for r in rows if r.score is None]


def department_assessment(session: Session, period: Period, now: datetime) -> list[DepartmentRow]:
    """Every active department (and any inactive one with figures), ranked."""
    figures = _received_figures(session, period, now)
    judged = _judgements(session, period)
    returns = _returns(session, period)
    rechecks = _rechecks_not_true(session, period)
    accountability = _accountability(session, period)
    depts = session.execute(select(Department).where(or_(
        Department.active.is_(True),
        Department.id.in_(set(figures) | set(judged) | set(returns) | set(rechecks) | set(accountability)),
    )).order_by(Department.id)).scalars().all()
    rows = []
    for d in depts:
        row = _row(d, figures.get(d.id), judged.get(d.id), returns.get(d.id, 0))
        row.recheck_false = rechecks.get(d.id, 0)
        for key, n in accountability.get(d.id, {}).items():
            setattr(row, key, n)
        rows.append(row)
    return _rank(rows)


def department_row(session: Session, period: Period, now: datetime,
                   department_id: int) -> DepartmentRow | None:
    """One department's row, with its rank among all departments; None if there is no such
    department."""
    return next((r for r in department_assessment(session, period, now)
                 if r.department_id == department_id), None)


# --- the colours now ----------------------------------------------------------

def flags_now(session: Session, now: datetime, calendar: WorkCalendar,
              department_id: int | None = None) -> dict[str, int]:
    """三色督办 now: open issues (clock running) by colour, and the suspended and escalated ones
    apart, all or
    those one department leads. The colour rule is the supervision board's (`next_due`)."""
    today = local_date(now)
    threshold = yellow_threshold(today, calendar)
    running = Issue.status.in_(OPEN_STATUSES)
    stmt = select(
        _count(and_(running, Issue.next_due < today)),
        _count(and_(running, Issue.next_due.between(today, threshold))),
        _count(and_(running, Issue.next_due > threshold)),
        _count(Issue.status == Status.SUSPENDED),
        _count(Issue.status == Status.ESCALATED),
    ).where(Issue.status.in_((*OPEN_STATUSES, Status.SUSPENDED, Status.ESCALATED)))
    if department_id is not None:
        stmt = stmt.where(Issue.lead_department_id == department_id)
    red, yellow, green, suspended, escalated = (int(v) for v in session.execute(stmt).one())
    return {"red": red, "yellow": yellow, "green": green, "suspended": suspended, "escalated": escalated}
