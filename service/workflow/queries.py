"""Reading issues: one visible issue, the filtered list with keyset pagination, the timeline."""
import re
from dataclasses import dataclass, field
from datetime import UTC, date
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Integer,
    Select,
    and_,
    bindparam,
    case,
    column,
    exists,
    func,
    literal_column,
    or_,
    select,
    table,
)
from sqlmodel import Session

from models import (
    DEADLINE_KEYS,
    DEADLINE_LABELS,
    OPEN_STATUSES,
    Department,
    Escalation,
    Evaluation,
    Flag,
    Issue,
    IssueCoDepartment,
    IssueEvent,
    Status,
    User,
)
from models.permissions import Permission
from models.workflow import STEPS
from service.core.errors import Forbidden, Invalid, NotFound
from service.core.issue_codes import PREFIX, canonical
from service.core.masking import mask_phone
from service.core.paging import NO_DATE, page, page_sorted
from service.core.text_search import TextIndex, found_in, narrow, terms
from service.deadlines.calendar import LOCAL_TZ, WorkCalendar
from service.deadlines.rules import flag_for, open_deadline_keys, yellow_threshold
from service.identity import permissions as access
from service.workflow.visibility import co_handles, visible_to


def get_visible(session: Session, user: User, issue_id: int, *, for_update: bool = False) -> Issue:
    stmt = select(Issue).where(Issue.id == issue_id, visible_to(user))
    issue = session.execute(stmt).scalars().first()
    if issue is None:
        raise NotFound("问题不存在或您无权查看", code="issue_not_found")
    return issue


# Built once (every issue shown runs it); the ids are bound as an expanding parameter.
_CO_DEPARTMENTS = (select(IssueCoDepartment.issue_id, IssueCoDepartment.department_id)
                   .where(IssueCoDepartment.issue_id.in_(bindparam("ids", expanding=True)))
                   .order_by(IssueCoDepartment.department_id))


def co_department_ids(session: Session, issue_ids: list[int]) -> dict[int, list[int]]:
    result: dict[int, list[int]] = {i: [] for i in issue_ids}
    if issue_ids:
        rows = session.execute(_CO_DEPARTMENTS, {"ids": issue_ids}).all()
        for issue_id, dept_id in rows:
            result[issue_id].append(dept_id)
    return result


@dataclass
class IssueFilters:
    status: list[str] | None = None
    channel: str | None = None
    department_id: int | None = None
    flag: str | None = None
    meeting_id: int | None = None
    q: str | None = None
    overdue: bool | None = None
    lead_leader_id: int | None = None
    due_this_week: bool | None = None   # 本周到期: open, the nearest deadline from today to Sunday
    sort: str = "created"
    direction: str = "desc"


# How the list may be ordered; "created" (the order of registration, newest first) is the default.
SORTS = ("created", "code", "next_due", "status", "department")
DIRECTIONS = ("asc", "desc")
DEFAULT_SORT, DEFAULT_DIRECTION = "created", "desc"
# The statuses in the order an issue goes through them.
STATUS_RANK = {status: rank for rank, status in enumerate(Status)}


def flag_clause(flag: str, today: date, calendar: WorkCalendar):
    """The colour as SQL on the indexed `next_due` column."""
    threshold = yellow_threshold(today, calendar)
    if flag == "red":
        return Issue.next_due < today
    if flag == "yellow":
        return Issue.next_due.between(today, threshold)
    return Issue.next_due > threshold


def is_open(session: Session):
    """The issue is in an open state (the colours apply). On SQLite the status is written
    `+issue.status`, which no index answers: SQLite has no statistics unless ANALYZE was run,
    takes `status IN (3 values)` on ix_issue_status_id for selective, and would read and sort
    every open issue (95,000 of 1,000,000) to show 50; without it, it walks the newest issues
    (or a department's, by its index) and stops at a full page."""
    if session.get_bind().dialect.name == "sqlite":
        return literal_column("+issue.status").in_([str(s) for s in OPEN_STATUSES])
    return Issue.status.in_(OPEN_STATUSES)


def list_issues(session: Session, user: User, filters: IssueFilters, *, today: date,
                calendar: WorkCalendar, limit: int = 50, cursor: str | None = None,
                ) -> tuple[list[Issue], str | None]:
    """Newest first, `limit` at a time; the cursor makes every page cost the same."""
    stmt = select(Issue).where(visible_to(user))
    if filters.status:
        stmt = stmt.where(Issue.status.in_(filters.status))
    if filters.channel:
        stmt = stmt.where(Issue.channel == filters.channel)
    if filters.department_id is not None:
        stmt = stmt.where(or_(Issue.lead_department_id == filters.department_id,
                              co_handles(filters.department_id)))
    if filters.meeting_id is not None:
        stmt = stmt.where(Issue.meeting_id == filters.meeting_id)
    if filters.lead_leader_id is not None:
        stmt = stmt.where(Issue.lead_leader_id == filters.lead_leader_id)
    if filters.flag:
        stmt = stmt.where(is_open(session), flag_clause(filters.flag, today, calendar))
    if filters.overdue:
        stmt = stmt.where(is_open(session), Issue.next_due < today)
    if filters.due_this_week:
        sunday = today.fromordinal(today.toordinal() + 6 - today.weekday())
        stmt = stmt.where(is_open(session), Issue.next_due.between(today, sunday))
    order_column = Issue.id
    if filters.q:
        stmt, order_column = text_match(session, stmt, filters.q)
    if (filters.sort, filters.direction) != (DEFAULT_SORT, DEFAULT_DIRECTION):
        return _sorted_page(session, stmt, filters, limit, cursor)
    # PostgreSQL sorts every match of a rare term found through the trigram index: ids only
    ids_first = bool(filters.q) and session.get_bind().dialect.name == "postgresql"
    return page(session, stmt, order_column, limit, cursor, ids_first=ids_first)


def _sorted_page(session: Session, stmt: Select, filters: IssueFilters, limit: int,
                 cursor: str | None) -> tuple[list[Issue], str | None]:
    """A page in another order than the newest first: by the sort key, then by id."""
    sort, direction = filters.sort, filters.direction
    if sort not in SORTS or direction not in DIRECTIONS:
        raise Invalid("排序方式无效", {"sort" if sort not in SORTS else "dir": "无效的排序方式"})
    kind: type = int
    if sort == "created":
        key, value_of = Issue.id, lambda issue: issue.id
    elif sort == "code":
        key, value_of, kind = Issue.code, lambda issue: issue.code, str
    elif sort == "next_due":
        # a date compares as a date on both databases; the cursor keeps its ordinal
        key = func.coalesce(Issue.next_due, NO_DATE)
        value_of = lambda issue: (issue.next_due or NO_DATE).toordinal()  # noqa: E731
    elif sort == "status":
        key = case(*((Issue.status == status, rank) for status, rank in STATUS_RANK.items()), else_=len(STATUS_RANK))
        value_of = lambda issue: STATUS_RANK.get(issue.status, len(STATUS_RANK))  # noqa: E731
    else:
        # by the lead department's name; issues not yet assigned first (ascending)
        key = func.coalesce(select(Department.name).where(Department.id == Issue.lead_department_id)
                            .correlate(Issue).scalar_subquery(), "")

        def value_of(issue: Issue) -> str:
            dept = session.get(Department, issue.lead_department_id) if issue.lead_department_id else None
            return dept.name if dept else ""
        kind = str
    load = (lambda v: date.fromordinal(v)) if sort == "next_due" else None
    return page_sorted(session, stmt, key, Issue.id, limit, cursor, sort=sort, direction=direction,
                       kind=kind, value_of=value_of, load=load)


# The staff view of the text search (service/core/text_search.py): the title, the content and
# the reporter's name, organisation and phone of every issue. On PostgreSQL exactly the
# expression of the trigram index of migration 0021; on SQLite its FTS5 table (external content:
# the index only, read from `issue`).
STAFF_TEXT = literal_column("(issue.title || ' ' || issue.content || ' ' || coalesce(issue.reporter_name, '')"
                            " || ' ' || coalesce(issue.reporter_org, '') || ' ' || coalesce(issue.reporter_phone, ''))")
ISSUE_TEXT = table("issue_text", column("rowid", Integer))
STAFF = TextIndex(fts=ISSUE_TEXT, fts_name="issue_text", pg_text=STAFF_TEXT,
                  short_fields=(Issue.title, Issue.content, Issue.reporter_name, Issue.reporter_org,
                                Issue.reporter_phone))
# What a staff search term is matched in, in the order the list names them.
SEARCHED_FIELDS = (("code", "编号"), ("title", "标题"), ("content", "内容"), ("reporter_name", "反映人"),
                   ("reporter_org", "单位"), ("reporter_phone", "电话"))

# What a tracking code looks like (YS2026-000123; the bench's BN codes too), and its number alone
# (000123, of any year): such a query is looked up as a code before the text search.
CODE_SHAPE = re.compile(r"[A-Za-z]{2}\d{4}-\d+")
CODE_NUMBER = re.compile(r"\d{6}")
CODE_YEAR = re.compile(PREFIX + r"(\d{4})-")


def code_ids(session: Session, term: str) -> list[int]:
    """The issues whose tracking code `term` is: a whole code in any form, or the six-digit
    number of a code of any year."""
    wanted = canonical(term) or (term if CODE_SHAPE.fullmatch(term) else None)
    if wanted is not None:
        return list(session.execute(select(Issue.id).where(Issue.code == wanted)).scalars())
    if not CODE_NUMBER.fullmatch(term):
        return []
    # the first and the last year with issues, from the ends of the code index
    ends = session.execute(select(func.min(Issue.code), func.max(Issue.code))).one()
    found = [CODE_YEAR.match(c or "") for c in ends]
    if not all(found):
        return []
    years = range(int(found[0].group(1)), int(found[1].group(1)) + 1)
    codes = [f"{PREFIX}{year}-{term}" for year in years]
    return list(session.execute(select(Issue.id).where(Issue.code.in_(codes))).scalars())


def text_match(session: Session, stmt: Select, q: str) -> tuple[Select, Any]:
    """`stmt` narrowed to the issues whose code the query is, or else to those where every term
    of the query occurs in the title, content or the reporter's name, organisation or phone;
    and the column to page the result by."""
    words = terms(q)
    if len(words) == 1:
        ids = code_ids(session, words[0])
        if ids:
            # a tracking code typed into the search box is a look-up of that issue
            return stmt.where(Issue.id.in_(ids)), Issue.id
    if not words:
        return stmt, Issue.id
    return narrow(stmt, session.get_bind().dialect.name, words, STAFF)


def matched_fields(issue: Issue, q: str | None) -> list[str]:
    """Where the query's terms were found in `issue`, as the list names them: the field, and for
    the reporter's name and organisation the value (the phone masked, its digits were typed)."""
    words = terms(q)
    out = []
    for name, label in SEARCHED_FIELDS:
        value = getattr(issue, name)
        if not any(found_in(w, value) for w in words):
            continue
        if name == "reporter_phone":
            value = mask_phone(value)
        out.append(f"{label} {value}" if name.startswith("reporter_") else label)
    return out


def timeline(session: Session, user: User, issue_id: int) -> list[tuple[IssueEvent, str | None]]:
    """The timeline, each event with its actor's display name (one statement after the check)."""
    get_visible(session, user, issue_id)
    return list(session.execute(
        select(IssueEvent, User.display_name).outerjoin(User, User.id == IssueEvent.actor_id)
        .where(IssueEvent.issue_id == issue_id).order_by(IssueEvent.id)
    ).all())


def department_names(session: Session, ids: set[int]) -> dict[int, str]:
    if not ids:
        return {}
    return dict(session.execute(select(Department.id, Department.name)
                                .where(Department.id.in_(ids))).all())


def user_names(session: Session, ids: set[int]) -> dict[int, str]:
    if not ids:
        return {}
    return dict(session.execute(select(User.id, User.display_name).where(User.id.in_(ids))).all())


# --- what the console lists show -------------------------------------------------------------

@dataclass
class IssueRow:
    """One line of a staff list: the issue with its colour and lateness worked out."""

    issue: Issue
    flag: str | None
    overdue_days: int          # working days past the nearest open deadline; 0 when not late
    lead_department: str | None
    co_handling: bool = False  # for a department user: it co-handles rather than leads
    matched: list[str] = field(default_factory=list)  # where a search's terms were found


def overdue_days(next_due: date | None, today: date, calendar: WorkCalendar) -> int:
    """Working days by which the nearest open deadline has passed (0 when it has not)."""
    if next_due is None or next_due >= today:
        return 0
    return max(1, calendar.working_days_between(next_due, today))


def _rows(session: Session, issues: list[Issue], today: date, calendar: WorkCalendar,
          department_id: int | None = None) -> list[IssueRow]:
    names = department_names(session, {i.lead_department_id for i in issues if i.lead_department_id})
    rows = []
    for issue in issues:
        flag = flag_for(issue.next_due, today, calendar) if issue.status in OPEN_STATUSES else None
        rows.append(IssueRow(issue, flag, overdue_days(issue.next_due, today, calendar) if flag else 0,
                             names.get(issue.lead_department_id),
                             department_id is not None and issue.lead_department_id != department_id))
    return rows


@dataclass
class IssueListPage:
    rows: list[IssueRow]
    next_cursor: str | None
    departments: list[Department]   # to filter by


def list_page(session: Session, user: User, filters: IssueFilters, *, today: date,
              calendar: WorkCalendar, limit: int = 50, cursor: str | None = None) -> IssueListPage:
    """One page of `list_issues`, each issue with its colour, lateness and lead department."""
    issues, next_cursor = list_issues(session, user, filters, today=today, calendar=calendar,
                                      limit=limit, cursor=cursor)
    departments = list(session.execute(select(Department).order_by(Department.id)).scalars())
    rows = _rows(session, issues, today, calendar)
    for row in rows:
        row.matched = matched_fields(row.issue, filters.q)
    return IssueListPage(rows, next_cursor, departments)


# The department's work in hand: what it must accept, handle or wait on (挂账).
INBOX_STATUSES = (Status.ASSIGNED, Status.IN_PROGRESS, Status.SUSPENDED, Status.ESCALATED)
INBOX_LIMIT = 500


@dataclass
class Inbox:
    rows: list[IssueRow]
    counts: dict[str, int]     # red / yellow / green / none (suspended: no clock)
    replied: int               # answered, waiting for the office's return visit
    mine: bool = False         # only the issues the user handles (我的), else the department's (全部)
    mine_open: int = 0         # how many open issues the user handles


def handled_by(user: User) -> ColumnElement[bool]:
    """The issues `user` is the named handler of: the lead department's 责任人, or his
    department's 经办人 as a co-handler."""
    return or_(Issue.handler_user_id == user.id, exists(select(IssueCoDepartment.issue_id).where(
        IssueCoDepartment.issue_id == Issue.id, IssueCoDepartment.department_id == user.department_id,
        IssueCoDepartment.handler_user_id == user.id)))


def department_inbox(session: Session, user: User, *, today: date, calendar: WorkCalendar,
                     mine: bool = False) -> Inbox:
    """承办: the open issues the user's department leads or co-handles (with `mine`, only those
    the user is the named handler of), the most urgent first — red, then yellow, then green,
    each by nearest deadline; suspended ones (no clock) last."""
    access.require(user, Permission.DEPARTMENT_WORK)
    if user.department_id is None:
        raise Forbidden("承办页面只对承办部门开放")
    ours = or_(Issue.lead_department_id == user.department_id, co_handles(user.department_id))
    scope = and_(ours, handled_by(user)) if mine else ours
    issues = list(session.execute(
        select(Issue).where(scope, Issue.status.in_(INBOX_STATUSES))
        .order_by(Issue.next_due.is_(None), Issue.next_due, Issue.id).limit(INBOX_LIMIT)
    ).scalars())
    rows = _rows(session, issues, today, calendar, user.department_id)
    rank = {Flag.RED: 0, Flag.YELLOW: 1, Flag.GREEN: 2, None: 3}
    rows.sort(key=lambda r: (rank[r.flag], r.issue.next_due or date.max, r.issue.id))
    counts = {"red": 0, "yellow": 0, "green": 0, "none": 0}
    for row in rows:
        counts[row.flag or "none"] += 1
    replied = session.execute(select(func.count()).select_from(Issue).where(
        scope, Issue.status == Status.REPLIED)).scalar_one()
    mine_open = session.execute(select(func.count()).select_from(Issue).where(
        ours, handled_by(user), Issue.status.in_(INBOX_STATUSES))).scalar_one()
    return Inbox(rows, counts, replied, mine, mine_open)


@dataclass
class DeadlineRow:
    key: str
    label: str
    due: date | None
    flag: str | None   # colour while the deadline is still to be met; None once past that stage


def deadline_rows(issue: Issue, today: date, calendar: WorkCalendar) -> list[DeadlineRow]:
    """The five deadlines; those still to be met in the issue's state carry their colour."""
    still_open = open_deadline_keys(issue) if issue.status in set(Status) else ()
    return [DeadlineRow(key, DEADLINE_LABELS[key], getattr(issue, key),
                        flag_for(getattr(issue, key), today, calendar) if key in still_open else None)
            for key in DEADLINE_KEYS]


def id_for_code(session: Session, code: str) -> int | None:
    """The id of the issue with tracking code `code` (any case, leading zeros or not), or None."""
    wanted = canonical(code)
    if wanted is None:
        return None
    return session.execute(select(Issue.id).where(Issue.code == wanted)).scalar()


def current_evaluation(session: Session, issue: Issue) -> Evaluation | None:
    """The evaluation in force: the latest of the issue's current round (a 重办 starts a new
    round, which needs its own)."""
    return session.execute(select(Evaluation).where(
        Evaluation.issue_id == issue.id, Evaluation.round_no == issue.round_no,
    ).order_by(Evaluation.id.desc()).limit(1)).scalars().first()


def current_escalation(session: Session, issue_id: int) -> Escalation | None:
    """The issue's latest escalation (提请上级), answered or not."""
    return session.execute(select(Escalation).where(Escalation.issue_id == issue_id)
                           .order_by(Escalation.id.desc()).limit(1)).scalars().first()


def stale_message(session: Session, issue_id: int, ending: str = "请刷新后再操作") -> str:
    """The 409 words for an edit made on an old version: who changed the issue last, and when
    (local time), so the person knows whom to ask before doing it again."""
    row = session.execute(select(IssueEvent.at, IssueEvent.action, User.display_name)
                          .outerjoin(User, User.id == IssueEvent.actor_id)
                          .where(IssueEvent.issue_id == issue_id)
                          .order_by(IssueEvent.id.desc()).limit(1)).first()
    if row is None:
        return f"该问题刚被他人处理过，{ending}"
    at, action, name = row
    when = (at if at.tzinfo else at.replace(tzinfo=UTC)).astimezone(LOCAL_TZ).strftime("%m月%d日 %H:%M")
    step = STEPS[action].label if action in STEPS else {"edit": "修改", "create": "登记"}.get(action, "处理")
    return f"该问题已由{name or '系统'}于{when}{step}，{ending}"
