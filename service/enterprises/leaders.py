"""包保: a county leader's enterprises and their issues, the leader's 双包一解 问题台账 (Excel),
and the open issues of the enterprises invited to a meeting (breakfast-meeting preparation)."""
from dataclasses import dataclass
from datetime import date, datetime

from openpyxl import Workbook
from sqlalchemy import select
from sqlmodel import Session

from models import (
    OPEN_STATUSES,
    SATISFACTION_LABELS,
    STATUS_LABELS,
    Department,
    Enterprise,
    EnterpriseLeader,
    Meeting,
    Role,
    User,
)
from service.core.errors import NotFound
from service.core.xlsx import Column, workbook_bytes, write_table
from service.deadlines.calendar import WorkCalendar

from .access import leader_in_view, require_meeting_attendees
from .registry import EnterpriseIssue, count_issues, enterprise_issues, with_flags

FLAG_WORDS = {"red": "红", "yellow": "黄", "green": "绿"}


def get_leader(session: Session, actor: User, leader_id: int) -> User:
    leader_in_view(actor, leader_id)
    leader = session.get(User, leader_id)
    if leader is None or leader.role != Role.LEADER:
        raise NotFound("县级领导不存在或您无权查看", code="leader_not_found")
    return leader


@dataclass
class LeaderEnterprise:
    enterprise: Enterprise
    issues: list[EnterpriseIssue]     # newest first
    open_count: int


@dataclass
class LeaderEnterprises:
    leader: User
    enterprises: list[LeaderEnterprise]


def enterprises_of(session: Session, leader_id: int) -> list[Enterprise]:
    stmt = (select(Enterprise).join(EnterpriseLeader, EnterpriseLeader.enterprise_id == Enterprise.id)
            .where(EnterpriseLeader.leader_id == leader_id).order_by(Enterprise.name))
    return list(session.execute(stmt).scalars())


def leader_enterprises(session: Session, actor: User, leader_id: int, *, today: date,
                       calendar: WorkCalendar) -> LeaderEnterprises:
    """The enterprises a leader 包保, each with every issue it raised (open ones first counted)."""
    leader = get_leader(session, actor, leader_id)
    rows = enterprises_of(session, leader.id)
    issues = enterprise_issues(session, [e.id for e in rows])
    out = []
    for enterprise in rows:
        flagged = with_flags(issues[enterprise.id], today, calendar)
        out.append(LeaderEnterprise(enterprise, flagged, sum(1 for r in flagged if r.issue.status in OPEN_STATUSES)))
    return LeaderEnterprises(leader, out)


LEDGER_COLUMNS = (
    Column("序号", 6, "int"), Column("企业名称", 26, "wrap"), Column("统一社会信用代码", 22),
    Column("问题编号", 16), Column("反映时间", 12, "date"), Column("问题标题", 30, "wrap"),
    Column("主办单位", 14), Column("状态", 10), Column("办结时限", 12, "date"), Column("督办颜色", 8),
    Column("办理结果", 36, "wrap"), Column("满意度", 10),
)


def leader_ledger_xlsx(session: Session, actor: User, leader_id: int, *, today: date,
                       calendar: WorkCalendar, now: datetime) -> tuple[str, bytes]:
    """双包一解 问题台账 of a leader: every issue of the enterprises they 包保, one row each; every
    text cell is written as text (never a formula). (file name, bytes)."""
    page = leader_enterprises(session, actor, leader_id, today=today, calendar=calendar)
    departments = dict(session.execute(select(Department.id, Department.name)).all())
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("双包一解问题台账")

    def rows():
        n = 0
        for item in page.enterprises:
            for entry in item.issues:
                issue = entry.issue
                n += 1
                yield (n, item.enterprise.name, item.enterprise.credit_code or "", issue.code, issue.created_at,
                       issue.title, departments.get(issue.lead_department_id, ""),
                       STATUS_LABELS.get(issue.status, issue.status), issue.complete_due,
                       FLAG_WORDS.get(entry.flag or "", ""), issue.result or "",
                       SATISFACTION_LABELS.get(issue.satisfaction, "") if issue.satisfaction else "")

    write_table(ws, LEDGER_COLUMNS, rows(), title=f"{page.leader.display_name} 双包一解问题台账",
                note=f"包保企业 {len(page.enterprises)} 家；导出于 {today.isoformat()}")
    return f"双包一解问题台账-{page.leader.display_name}-{today.isoformat()}.xlsx", workbook_bytes(wb)


@dataclass
class InvitedEnterprise:
    enterprise: Enterprise
    open_issues: list[EnterpriseIssue]


def invited_enterprises(session: Session, actor: User, meeting_id: int, *, today: date,
                        calendar: WorkCalendar) -> list[InvitedEnterprise]:
    """The enterprises on record among a meeting's attendees (by exact name), each with its
    open issues: what the office prepares before a breakfast meeting."""
    require_meeting_attendees(actor)
    meeting = session.get(Meeting, meeting_id)
    if meeting is None:
        raise NotFound("会议不存在或您无权查看", code="meeting_not_found")
    names = [a.strip() for a in meeting.attendees or [] if isinstance(a, str) and a.strip()]
    if not names:
        return []
    rows = list(session.execute(select(Enterprise).where(Enterprise.name.in_(names))).scalars())
    order = {name: i for i, name in enumerate(names)}
    rows.sort(key=lambda e: order[e.name])
    issues = enterprise_issues(session, [e.id for e in rows])
    return [InvitedEnterprise(e, with_flags([i for i in issues[e.id] if i.status in OPEN_STATUSES], today, calendar))
            for e in rows]


def enterprise_counts(session: Session, enterprises: list[Enterprise]) -> dict[int, tuple[int, int]]:
    return count_issues(session, [e.id for e in enterprises])
