"""督查通报: the supervision office's half-monthly bulletin of overdue issues, by department.

An issue lands in the bulletin of a half-month when one of its department's deadlines — 限期签收
(met by accepting), 限期回复 and 限期办结 (met by replying) — had passed while the step was
still undone on at least one day of that half-month (up to today for the current one), and it
was at least one working day late by then (days are counted in working days). It is
judged on the deadlines as they stand, so an approved extension moves the deadline, and a
suspended (挂账) or escalated (提请上级) issue stops being late on the day its clock stopped.

The bulletin names officials (lead leader, responsible person), never the reporter.
"""
from dataclasses import dataclass, field
from datetime import date, timedelta

from openpyxl import Workbook
from sqlalchemy import and_, func, or_, select
from sqlmodel import Session

from models import STOPPED_STATUSES, Issue, IssueEvent, Status, User
from models.permissions import Permission
from service.assessment.periods import Period, local_midnight_utc
from service.core.errors import require
from service.core.xlsx import Column, workbook_bytes, write_table
from service.deadlines.calendar import WorkCalendar, local_date
from service.identity import permissions as access
from service.workflow.queries import department_names, user_names

# Who reads the bulletin: the offices and the county leaders. A department sees its own
# overdue issues on its report card instead, not the other departments'.
# (deadline, the step that meets it)
JUDGED = (("accept_due", "accept"), ("reply_due", "reply"), ("complete_due", "reply"))
# States after assignment in which a department held the issue.
HELD = (Status.ASSIGNED, Status.IN_PROGRESS, Status.SUSPENDED, Status.ESCALATED, Status.REPLIED,
        Status.CLOSED, Status.PUBLISHED)
REPLIED = (Status.REPLIED, Status.CLOSED, Status.PUBLISHED)


def may_read(actor: User) -> None:
    access.require(actor, Permission.BULLETIN_READ)


def half_month_number(period: Period) -> int:
    """The bulletin's number in its year: 1-24, two a month (1st-15th, 16th-end)."""
    return (period.start.month - 1) * 2 + (1 if period.start.day <= 15 else 2)


@dataclass
class BulletinRow:
    issue_id: int
    code: str
    title: str
    status: str
    leader: str | None
    responsible_person: str | None
    due_key: str            # the deadline missed (the one missed longest, when several were)
    due: date
    overdue_days: int       # working days late, up to the step or the end of the half-month
    done_on: date | None    # the late step taken within the half-month (accepted, replied)
    suspended_on: date | None  # the day its clock stopped (挂账, or 提请上级 when `status` says so)
    urges: int              # 催办 up to the end of the half-month

    @property
    def still_overdue(self) -> bool:
        return self.done_on is None and self.suspended_on is None


@dataclass
class BulletinSection:
    department_id: int
    department: str
    rows: list[BulletinRow]

    @property
    def count(self) -> int:
        return len(self.rows)

    @property
    def still_overdue(self) -> int:
        return sum(1 for r in self.rows if r.still_overdue)


@dataclass
class Bulletin:
    period: Period
    number: int
    as_of: date          # the last day judged: the half-month's end, or today in the current one
    issued_on: date
    sections: list[BulletinSection] = field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(s.count for s in self.sections)

    @property
    def still_overdue(self) -> int:
        return sum(s.still_overdue for s in self.sections)

    @property
    def title(self) -> str:
        return f"营商环境问题督查通报（{self.period.start.year}年第{self.number}期）"


def _step_done(issue: Issue, step: str) -> date | None:
    """The local day the step that meets a deadline was taken, None while it is still undone.
    A reopened issue (重办) is back in progress: its earlier reply no longer counts."""
    if step == "accept":
        done = issue.accepted_at if issue.status != Status.ASSIGNED else None
    else:
        done = issue.replied_at if issue.status in REPLIED else None
    return local_date(done) if done else None


def _miss(issue: Issue, due: date, step: str, start: date, as_of: date,
          calendar: WorkCalendar) -> tuple[int, date | None, date | None] | None:
    """(working days late, day done, day suspended) when the deadline was missed and the issue
    was still late on a day of [start, as_of]; else None."""
    if due >= as_of:
        return None
    done = _step_done(issue, step)
    if done is not None and done <= due:
        return None                       # met on time
    suspended = local_date(issue.suspended_at) if (
        done is None and issue.status in STOPPED_STATUSES and issue.suspended_at) else None
    # Late from the day after the deadline until the step was taken (that day counts: the
    # issue was red on it), the clock stopped, or the end of the half-month.
    late_until = min(d for d in (done, suspended, as_of) if d is not None)
    if max(start, due + timedelta(days=1)) > late_until:
        return None
    days = calendar.working_days_between(due, late_until)
    if days < 1:
        return None   # due on a Friday, judged on the Sunday: not yet a working day late
    # A step taken after the half-month leaves the issue overdue at its end.
    return (days,
            done if done and done <= as_of else None,
            suspended if suspended and suspended <= as_of else None)


def _candidates(session: Session, start: date, as_of: date) -> list[Issue]:
    """Issues that may have been late in the half-month; `_miss` decides. In SQL: assigned to a
    department, a deadline before `as_of`, and not replied before the half-month began."""
    begin = local_midnight_utc(start)
    return list(session.execute(select(Issue).where(
        Issue.status.in_(HELD), Issue.lead_department_id.is_not(None),
        or_(Issue.accept_due < as_of, Issue.reply_due < as_of, Issue.complete_due < as_of),
        or_(Issue.status.not_in(REPLIED), Issue.replied_at.is_(None), Issue.replied_at >= begin),
    ).order_by(Issue.id)).scalars())


def _urges(session: Session, issue_ids: list[int], until: date) -> dict[int, int]:
    if not issue_ids:
        return {}
    rows = session.execute(select(IssueEvent.issue_id, func.count()).where(and_(
        IssueEvent.issue_id.in_(issue_ids), IssueEvent.action == "urge",
        IssueEvent.at < local_midnight_utc(until + timedelta(days=1)),
    )).group_by(IssueEvent.issue_id)).all()
    return {issue_id: int(n) for issue_id, n in rows}


def overdue_bulletin(session: Session, actor: User, period: Period, today: date,
                     calendar: WorkCalendar) -> Bulletin:
    """The bulletin of the half-month `period`: per department its overdue issues, the most
    overdue first; departments with the most overdue issues first (then the most still overdue,
    then the most working days late in all)."""
    may_read(actor)
    if period.start > today:
        require({"day": "这半个月还没有开始，不能出督查通报"})
    as_of = min(period.end, today)
    found: list[tuple[Issue, BulletinRow]] = []
    for issue in _candidates(session, period.start, as_of):
        misses = []
        for rank, (key, step) in enumerate(JUDGED):
            due = getattr(issue, key)
            hit = _miss(issue, due, step, period.start, as_of, calendar) if due else None
            if hit:
                misses.append((hit[0], -due.toordinal(), rank, key, due, hit[1], hit[2]))
        if not misses:
            continue
        # The deadline missed longest; of equal ones the later step (办结 over 回复 on one day).
        days, _, _, key, due, done, suspended = max(misses)
        found.append((issue, BulletinRow(
            issue_id=issue.id, code=issue.code, title=issue.title, status=issue.status,
            leader=None, responsible_person=issue.responsible_person, due_key=key, due=due,
            overdue_days=days, done_on=done, suspended_on=suspended, urges=0)))
    urges = _urges(session, [i.id for i, _ in found], as_of)
    leaders = user_names(session, {i.lead_leader_id for i, _ in found if i.lead_leader_id})
    depts = department_names(session, {i.lead_department_id for i, _ in found})
    by_dept: dict[int, list[BulletinRow]] = {}
    for issue, row in found:
        row.leader, row.urges = leaders.get(issue.lead_leader_id), urges.get(issue.id, 0)
        by_dept.setdefault(issue.lead_department_id, []).append(row)
    sections = [BulletinSection(dept_id, depts.get(dept_id, ""),
                                sorted(rows, key=lambda r: (-r.overdue_days, r.code)))
                for dept_id, rows in by_dept.items()]
    sections.sort(key=lambda s: (-s.count, -s.still_overdue, -sum(r.overdue_days for r in s.rows),
                                 s.department))
    return Bulletin(period=period, number=half_month_number(period), as_of=as_of, issued_on=today,
                    sections=sections)


# --- the same as an Excel workbook ------------------------------------------------------------

DEADLINE_NAMES = {"accept_due": "限期签收", "reply_due": "限期回复", "complete_due": "限期办结"}
BULLETIN_COLUMNS = (
    Column("序号", 6, "int"), Column("承办单位", 18), Column("编号", 16), Column("问题", 40, "wrap"),
    Column("主抓领导", 10), Column("责任人", 10), Column("超过的时限", 10), Column("时限", 12, "date"),
    Column("超期工作日", 10, "int"), Column("期末情况", 20, "wrap"), Column("已催办次数", 10, "int"),
)
COUNT_COLUMNS = (Column("排序", 6, "int"), Column("承办单位", 20), Column("超期问题", 10, "int"),
                 Column("期末仍超期", 12, "int"))


def row_outcome(row: BulletinRow) -> str:
    """What had become of an overdue issue by the end of the half-month, in the bulletin's words."""
    if row.done_on is not None:
        return f"{row.done_on.isoformat()} {'签收' if row.due_key == 'accept_due' else '答复'}（超期）"
    if row.suspended_on is not None:
        return f"{row.suspended_on.isoformat()} {'提请上级' if row.status == Status.ESCALATED else '挂账'}"
    return "期末仍超期"


def bulletin_workbook(bulletin: Bulletin) -> bytes:
    """The bulletin as .xlsx: every overdue issue on one sheet, the count per department on
    another, in the order of the printed bulletin."""
    wb = Workbook()
    ws = wb.active
    ws.title = "督查通报"
    period = f"统计时段：{bulletin.period.start.isoformat()}至{bulletin.as_of.isoformat()}"
    rows = [(n, section.department, r.code, r.title, r.leader or "", r.responsible_person or "",
             DEADLINE_NAMES[r.due_key], r.due, r.overdue_days, row_outcome(r), r.urges)
            for n, (section, r) in enumerate(((s, r) for s in bulletin.sections for r in s.rows), 1)]
    write_table(ws, BULLETIN_COLUMNS, rows, title=bulletin.title,
                note=f"{period}；超期问题{bulletin.total}件，期末仍超期{bulletin.still_overdue}件")
    counts = wb.create_sheet("分单位统计")
    write_table(counts, COUNT_COLUMNS,
                [(n, s.department, s.count, s.still_overdue) for n, s in enumerate(bulletin.sections, 1)],
                title=bulletin.title, note=period)
    return workbook_bytes(wb)
