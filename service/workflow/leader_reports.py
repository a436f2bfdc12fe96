"""办理情况报告: what the lead departments reported to a county leader, read and unread."""
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlmodel import Session

from models import Department, Issue, IssueReport, Role, User
from models.permissions import Permission
from service.core.errors import NotFound
from service.identity import permissions as access

MAX_LISTED = 200


@dataclass
class ReportRow:
    id: int
    issue_id: int
    issue_code: str
    issue_title: str
    issue_status: str
    department: str | None
    leader_id: int | None
    at: datetime
    body: str
    read_at: datetime | None


def list_reports(session: Session, actor: User, *, unread_only: bool = False,
                 leader_id: int | None = None, limit: int = 50, report_id: int | None = None) -> list[ReportRow]:
    """Reports newest first: a leader's own (those addressed to them); the office's and the
    supervisors', every leader's or one leader's (`leader_id`)."""
    access.require(actor, Permission.LEADER_REPORTS)
    stmt = (select(IssueReport, Issue.code, Issue.title, Issue.status, Department.name)
            .join(Issue, Issue.id == IssueReport.issue_id)
            .outerjoin(Department, Department.id == IssueReport.department_id))
    if actor.role == Role.LEADER:
        stmt = stmt.where(IssueReport.leader_id == actor.id)
    elif leader_id is not None:
        stmt = stmt.where(IssueReport.leader_id == leader_id)
    if report_id is not None:
        stmt = stmt.where(IssueReport.id == report_id)
    if unread_only:
        stmt = stmt.where(IssueReport.read_at.is_(None))
    stmt = stmt.order_by(IssueReport.id.desc()).limit(max(1, min(limit, MAX_LISTED)))
    return [ReportRow(r.id, r.issue_id, code, title, status, dept, r.leader_id, r.at, r.body, r.read_at)
            for r, code, title, status, dept in session.execute(stmt)]


def unread_count(session: Session, actor: User) -> int:
    """How many reports addressed to `actor` (a leader) are unread; 0 for anyone else."""
    if actor.role != Role.LEADER:
        return 0
    return int(session.execute(select(func.count()).select_from(IssueReport).where(
        IssueReport.leader_id == actor.id, IssueReport.read_at.is_(None))).scalar_one())


def mark_read(session: Session, actor: User, report_id: int, now: datetime) -> IssueReport:
    """The leader a report is addressed to marks it read (once: the first reading stays).
    Anyone else's report is not found. Commits."""
    report = session.get(IssueReport, report_id)
    if report is None or actor.role != Role.LEADER or report.leader_id != actor.id:
        raise NotFound("没有这份办理情况报告", code="report_not_found")
    if report.read_at is None:
        report.read_at = now
        session.add(report)
        session.commit()
    return report
