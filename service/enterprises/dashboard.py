"""A county leader's home page: their red and yellow issues, the month-end visits still due,
the enterprises they 包保, and the reports (办理情况报告) awaiting their reading."""
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import select
from sqlmodel import Session

from models import Enterprise, Flag, Issue, User
from service.deadlines.calendar import WorkCalendar
from service.workflow.queries import flag_clause, is_open

from .access import require_leader_home
from .leaders import enterprise_counts, enterprises_of
from .registry import EnterpriseIssue, with_flags
from .visits import VisitRow, visit_list

SHOWN = 50


@dataclass
class LeaderDashboard:
    leader: User
    red: list[EnterpriseIssue]
    yellow: list[EnterpriseIssue]
    visits_due: list[VisitRow]
    enterprises: list[Enterprise]
    counts: dict[int, tuple[int, int]]            # enterprise id: (issues, open)
    # 未读的办理情况报告: filled by the reports feature when it records them; empty until then.
    reports: list = field(default_factory=list)


def leader_dashboard(session: Session, actor: User, *, now: datetime, today: date,
                     calendar: WorkCalendar) -> LeaderDashboard:
    require_leader_home(actor)

    def coloured(flag: str) -> list[EnterpriseIssue]:
        rows = session.execute(select(Issue).where(Issue.lead_leader_id == actor.id, is_open(session),
                                                   flag_clause(flag, today, calendar))
                               .order_by(Issue.next_due, Issue.id).limit(SHOWN)).scalars().all()
        return with_flags(list(rows), today, calendar)

    enterprises = enterprises_of(session, actor.id)
    return LeaderDashboard(actor, coloured(Flag.RED), coloured(Flag.YELLOW),
                           visit_list(session, actor, actor.id, now).due, enterprises,
                           enterprise_counts(session, enterprises))
