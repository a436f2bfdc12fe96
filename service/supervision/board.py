"""督办推进: the supervision board — every open issue, its colour and how late it is — and the
failed SMS the supervision office must follow up by hand.

Counts and filters are SQL on the indexed `next_due` column; only the page of rows on screen
is touched in Python (to count each one's overdue working days).
"""
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import and_, case, func, or_, select
from sqlmodel import Session

from models import DEADLINE_KEYS, OPEN_STATUSES, Department, Flag, Issue, SmsStatus, Status, User
from models.permissions import Permission
from service.core.masking import mask_phone
from service.deadlines.calendar import WorkCalendar
from service.deadlines.rules import flag_for, yellow_threshold
from service.enterprises.visits import UnvisitedRow, unvisited
from service.identity import permissions as access
from service.identity.directory import list_departments, list_leaders
from service.reminders.outbox import list_outbox
from service.supervision.office_queues import QUEUES, queue_counts
from service.workflow.queries import department_names, flag_clause, user_names
from service.workflow.transition import allowed_actions
from service.workflow.visibility import co_handles, visible_to

# Issues still on someone's desk after assignment; suspended (挂账) and escalated (提请上级)
# ones are counted apart, each on its own.
BOARD_STATUSES = (Status.ASSIGNED, Status.IN_PROGRESS, Status.SUSPENDED, Status.ESCALATED, Status.REPLIED)
SUSPENDED = "suspended"  # the board's fourth "colour": clock stopped
ESCALATED = "escalated"  # and its fifth: clock stopped, waiting on a higher level
COLOURS = (Flag.RED, Flag.YELLOW, Flag.GREEN, SUSPENDED, ESCALATED)
PAGE_SIZE = 50


def _may_supervise(actor: User) -> None:
    access.require(actor, Permission.BOARD)


@dataclass
class BoardFilters:
    flag: str | None = None            # red / yellow / green / suspended / escalated
    department_id: int | None = None   # lead or co-handling department
    leader_id: int | None = None       # lead county leader
    channel: str | None = None
    overdue: bool = False


@dataclass
class BoardRow:
    issue: Issue
    flag: str | None
    overdue_days: int        # working days past the nearest open deadline; 0 when not late
    due_key: str | None      # which deadline is the nearest one (accept_due, complete_due …)
    department: str | None
    leader: str | None
    can_urge: bool


@dataclass
class Board:
    rows: list[BoardRow]
    counts: dict[str, int]   # per colour under the other filters, and "total"
    page: int
    has_next: bool
    tab_counts: dict[str, int]   # failed SMS and the office's queues
    filters: BoardFilters = field(default_factory=BoardFilters)
    departments: list[Department] = field(default_factory=list)   # to filter by
    leaders: list[User] = field(default_factory=list)
    # 县长月末回访 still to make this month, from the 25th on (service.enterprises.visits)
    unvisited: list[UnvisitedRow] = field(default_factory=list)


def _where(actor: User, filters: BoardFilters) -> list:
    """Every filter except the colour, which the counts break down."""
    clauses = [Issue.status.in_(BOARD_STATUSES), visible_to(actor)]
    if filters.department_id is not None:
        clauses.append(or_(Issue.lead_department_id == filters.department_id,
                           co_handles(filters.department_id)))
    if filters.leader_id is not None:
        clauses.append(Issue.lead_leader_id == filters.leader_id)
    if filters.channel:
        clauses.append(Issue.channel == filters.channel)
    return clauses


def _colour(flag: str, today: date, calendar: WorkCalendar):
    if flag == SUSPENDED:
        return Issue.status == Status.SUSPENDED
    if flag == ESCALATED:
        return Issue.status == Status.ESCALATED
    return and_(Issue.status.in_(OPEN_STATUSES), flag_clause(flag, today, calendar))


def board_counts(session: Session, actor: User, filters: BoardFilters, today: date,
                 calendar: WorkCalendar) -> dict[str, int]:
    """Issues per colour (and suspended, escalated) matching the filters other than colour, in one query."""
    _may_supervise(actor)
    threshold = yellow_threshold(today, calendar)
    running = Issue.status.in_(OPEN_STATUSES)

    def n(condition):
        return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)

    clauses = _where(actor, filters)
    if filters.overdue:
        clauses.append(and_(running, Issue.next_due < today))
    row = session.execute(select(
        n(and_(running, Issue.next_due < today)),
        n(and_(running, Issue.next_due.between(today, threshold))),
        n(and_(running, Issue.next_due > threshold)),
        n(Issue.status == Status.SUSPENDED),
        n(Issue.status == Status.ESCALATED),
        func.count(),
    ).where(*clauses)).one()
    red, yellow, green, suspended, escalated, total = (int(v) for v in row)
    return {"red": red, "yellow": yellow, "green": green, SUSPENDED: suspended, ESCALATED: escalated,
            "total": total}


def _due_key(issue: Issue) -> str | None:
    if issue.next_due is None:
        return None
    return next((k for k in DEADLINE_KEYS if getattr(issue, k) == issue.next_due), None)


def board(session: Session, actor: User, filters: BoardFilters, today: date, calendar: WorkCalendar,
          page: int = 1, page_size: int = PAGE_SIZE) -> Board:
    """One page of the board, the most urgent first: overdue (earliest deadline first), then
    nearing, then on track, and suspended issues last."""
    counts = board_counts(session, actor, filters, today, calendar)
    page = max(1, page)
    stmt = select(Issue).where(*_where(actor, filters))
    if filters.flag in COLOURS:
        stmt = stmt.where(_colour(filters.flag, today, calendar))
    if filters.overdue:
        stmt = stmt.where(Issue.status.in_(OPEN_STATUSES), Issue.next_due < today)
    stmt = stmt.order_by(Issue.next_due.is_(None), Issue.next_due, Issue.id)
    stmt = stmt.offset((page - 1) * page_size).limit(page_size + 1)
    issues = list(session.execute(stmt).scalars())
    has_next = len(issues) > page_size
    issues = issues[:page_size]
    depts = department_names(session, {i.lead_department_id for i in issues if i.lead_department_id})
    leaders = user_names(session, {i.lead_leader_id for i in issues if i.lead_leader_id})
    rows = []
    for issue in issues:
        flag = flag_for(issue.next_due, today, calendar)
        late = calendar.working_days_between(issue.next_due, today) if flag == Flag.RED else 0
        stopped = {Status.SUSPENDED: SUSPENDED, Status.ESCALATED: ESCALATED}.get(issue.status)
        rows.append(BoardRow(issue=issue, flag=stopped or flag,
                             overdue_days=max(late, 0), due_key=_due_key(issue),
                             department=depts.get(issue.lead_department_id),
                             leader=leaders.get(issue.lead_leader_id),
                             can_urge="urge" in allowed_actions(session, actor, issue)))
    return Board(rows=rows, counts=counts, page=page, has_next=has_next,
                 tab_counts=queue_counts(session), filters=filters,
                 departments=list_departments(session), leaders=list_leaders(session),
                 unvisited=unvisited(session, today))


@dataclass
class FailedSms:
    id: int
    issue_id: int | None
    issue_code: str | None
    recipient: str | None     # masked
    recipient_kind: str
    template: str
    body: str
    attempts: int
    last_error: str | None
    created_at: object
    updated_at: object


@dataclass
class FailedSmsPage:
    rows: list[FailedSms]
    next_cursor: str | None
    tab_counts: dict[str, int]


def failed_sms(session: Session, actor: User, limit: int = 50, cursor: str | None = None) -> FailedSmsPage:
    """SMS that finally failed, newest first, recipients masked: to be followed up by phone."""
    _may_supervise(actor)
    rows, next_cursor = list_outbox(session, actor, status=SmsStatus.FAILED, limit=limit, cursor=cursor)
    ids = {m.issue_id for m in rows if m.issue_id}
    codes = dict(session.execute(select(Issue.id, Issue.code).where(Issue.id.in_(ids))).all()) if ids else {}
    items = [FailedSms(id=m.id, issue_id=m.issue_id, issue_code=codes.get(m.issue_id),
                      recipient=("群机器人 #" + m.recipient_phone.split(":", 1)[-1] if m.recipient_kind == "robot"
                                 else mask_phone(m.recipient_phone)), recipient_kind=m.recipient_kind,
                      template=m.template, body=m.body, attempts=m.attempts, last_error=m.last_error,
                      created_at=m.created_at, updated_at=m.updated_at) for m in rows]
    return FailedSmsPage(items, next_cursor, queue_counts(session))


def tabs_for(actor: User) -> list[str]:
    """The board's tabs this user may open: the board and failed SMS for both offices, the
    queues for the office (县营商办) that works them."""
    return ["board", "sms", "delivery"] + (list(QUEUES) if access.may(actor, Permission.OFFICE_QUEUES) else [])
