"""Where a console notice leads once opened: its issue, or the notices list when the issue is no
longer one the user may see (their department returned it, or it was reassigned)."""
from datetime import datetime

from sqlalchemy import select
from sqlmodel import Session

from models import Issue, User
from service.notices import inbox
from service.workflow.visibility import visible_to


def open_notice(session: Session, actor: User, notice_id: int, now: datetime) -> tuple[str, bool]:
    """Mark `actor`'s notice read; (where it leads, whether its issue is gone from their sight),
    never a link to a 404."""
    notice = inbox.mark_read(session, actor, notice_id, now)
    link = inbox.safe_link(notice)
    if notice.issue_id is not None and link.startswith("/console/issues/"):
        seen = session.execute(select(Issue.id).where(Issue.id == notice.issue_id, visible_to(actor))).scalar()
        if seen is None:
            return "/console/notices", True
    return link, False
