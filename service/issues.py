"""Reading issues: one visible issue, the filtered list with keyset pagination, the timeline."""
from dataclasses import dataclass
from datetime import date

from sqlalchemy import or_, select
from sqlmodel import Session

from models import OPEN_STATUSES, Department, Issue, IssueCoDepartment, IssueEvent, User

from .access import co_handles, visible_to
from .calendar import WorkCalendar
from .deadlines import yellow_threshold
from .errors import NotFound
from .paging import page


def get_visible(session: Session, user: User, issue_id: int, *, for_update: bool = False) -> Issue:
    stmt = select(Issue).where(Issue.id == issue_id, visible_to(user))
    issue = session.execute(stmt).scalars().first()
    if issue is None:
        raise NotFound("问题不存在或您无权查看", code="issue_not_found")
    return issue


def co_department_ids(session: Session, issue_ids: list[int]) -> dict[int, list[int]]:
    result: dict[int, list[int]] = {i: [] for i in issue_ids}
    if issue_ids:
        rows = session.execute(
            select(IssueCoDepartment.issue_id, IssueCoDepartment.department_id)
            .where(IssueCoDepartment.issue_id.in_(issue_ids))
            .order_by(IssueCoDepartment.department_id)
        ).all()
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


def flag_clause(flag: str, today: date, calendar: WorkCalendar):
    """The colour as SQL on the indexed `next_due` column."""
    threshold = yellow_threshold(today, calendar)
    if flag == "red":
        return Issue.next_due < today
    if flag == "yellow":
        return Issue.next_due.between(today, threshold)
    return Issue.next_due > threshold


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
        stmt = stmt.where(Issue.status.in_(OPEN_STATUSES), flag_clause(filters.flag, today, calendar))
    if filters.overdue:
        stmt = stmt.where(Issue.status.in_(OPEN_STATUSES), Issue.next_due < today)
    if filters.q:
        pattern = "%" + filters.q.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        stmt = stmt.where(or_(Issue.title.like(pattern, escape="\\"),
                              Issue.content.like(pattern, escape="\\"),
                              Issue.code == filters.q.strip()))
    return page(session, stmt, Issue.id, limit, cursor)


def events(session: Session, user: User, issue_id: int) -> list[IssueEvent]:
    get_visible(session, user, issue_id)
    return list(session.execute(
        select(IssueEvent).where(IssueEvent.issue_id == issue_id).order_by(IssueEvent.id)
    ).scalars())


def department_names(session: Session, ids: set[int]) -> dict[int, str]:
    if not ids:
        return {}
    return dict(session.execute(select(Department.id, Department.name)
                                .where(Department.id.in_(ids))).all())


def user_names(session: Session, ids: set[int]) -> dict[int, str]:
    if not ids:
        return {}
    return dict(session.execute(select(User.id, User.display_name).where(User.id.in_(ids))).all())
