"""A user's own notices: the bell's count, the list, marking read. Nobody reads another's."""
from datetime import datetime

from sqlalchemy import func, select, update
from sqlmodel import Session

from models import Issue, Notice, User
from service.core.errors import NotFound
from service.core.paging import page


def unread_count(session: Session, actor: User) -> int:
    """The bell: one query."""
    return int(session.execute(select(func.count()).select_from(Notice).where(
        Notice.user_id == actor.id, Notice.read_at.is_(None))).scalar_one())


def list_notices(session: Session, actor: User, *, unread_only: bool = False, limit: int = 50,
                 cursor: str | None = None) -> tuple[list[Notice], str | None]:
    """`actor`'s notices, newest first, a page at a time."""
    stmt = select(Notice).where(Notice.user_id == actor.id)
    if unread_only:
        stmt = stmt.where(Notice.read_at.is_(None))
    return page(session, stmt, Notice.id, limit, cursor)


def issue_codes(session: Session, notices: list[Notice]) -> dict[int, str]:
    """The tracking codes of the issues the notices are about (one query)."""
    ids = {n.issue_id for n in notices if n.issue_id is not None}
    if not ids:
        return {}
    return dict(session.execute(select(Issue.id, Issue.code).where(Issue.id.in_(ids))).all())


def _own(session: Session, actor: User, notice_id: int) -> Notice:
    notice = session.get(Notice, notice_id)
    if notice is None or notice.user_id != actor.id:
        raise NotFound("没有这条通知", code="notice_not_found")
    return notice


def mark_read(session: Session, actor: User, notice_id: int, now: datetime) -> Notice:
    """Mark one of `actor`'s notices read (the first reading stays). Another user's notice is
    not found. Commits."""
    notice = _own(session, actor, notice_id)
    if notice.read_at is None:
        notice.read_at = now
        session.add(notice)
        session.commit()
    return notice


def mark_all_read(session: Session, actor: User, now: datetime) -> int:
    """全部标为已读: every unread notice of `actor`; returns how many. Commits."""
    done = session.execute(update(Notice).where(Notice.user_id == actor.id, Notice.read_at.is_(None))
                           .values(read_at=now)).rowcount
    session.commit()
    return int(done or 0)


def safe_link(notice: Notice) -> str:
    """Where opening the notice leads: a console path of ours, never another site."""
    link = notice.link or ""
    return link if link.startswith("/console/") and not link.startswith("//") else "/console/notices"

