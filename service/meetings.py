"""会议交办: meetings, and assigning a meeting's issues all at once."""
from datetime import datetime, time, timedelta

from sqlalchemy import func, select, text
from sqlmodel import Session

from models import Issue, Meeting, MeetingKind, Role, User
from models.workflow import ATTENDEE_ROLES, MEETING_READ_ROLES, MEETING_ROLES

from .calendar import LOCAL_TZ, local_date
from .errors import DomainError, Forbidden, NotFound, require
from .paging import page
from .workflow import WorkflowOptions, transition


def create_meeting(session: Session, actor: User, data: dict, now: datetime) -> Meeting:
    if actor.role not in MEETING_ROLES:
        raise Forbidden("只有县营商办可以安排会议")
    host = data.get("host_leader_id")
    if host is not None:
        leader = session.get(User, host)
        if leader is None or leader.role != Role.LEADER:
            require({"host_leader_id": "主持领导须是一位县级领导"})
    meeting = Meeting(kind=data["kind"], title=data["title"].strip(), held_at=data["held_at"],
                      host_leader_id=host, attendees=data.get("attendees") or [],
                      location=data.get("location"), status=data.get("status") or "planned",
                      created_by_id=actor.id, created_at=now)
    session.add(meeting)
    session.commit()
    return meeting


def get_meeting(session: Session, meeting_id: int) -> Meeting:
    meeting = session.get(Meeting, meeting_id)
    if meeting is None:
        raise NotFound("会议不存在", code="meeting_not_found")
    return meeting


def check_reader(actor: User) -> None:
    """Who may read meetings at all (models.workflow.MEETING_READ_ROLES): 403 for the others,
    whatever the meeting, so that nobody learns which meetings exist."""
    if actor.role not in MEETING_READ_ROLES:
        raise Forbidden("您的角色无权查看会议", code="meetings_forbidden")


def shows_attendees(actor: User) -> bool:
    """Whether `actor` reads a meeting's attendee list (models.workflow.ATTENDEE_ROLES)."""
    return actor.role in ATTENDEE_ROLES


def check_attendee_reader(actor: User) -> None:
    if not shows_attendees(actor):
        raise Forbidden("只有县营商办和县委督查办可以查看参会人员和交办单", code="meetings_forbidden")


def read_meeting(session: Session, actor: User, meeting_id: int) -> Meeting:
    """One meeting, for a reader of meetings (the caller leaves out the attendees for those
    who may not see them)."""
    check_reader(actor)
    return get_meeting(session, meeting_id)


def read_meetings(session: Session, actor: User, kind: str | None = None, limit: int = 50,
                  cursor: str | None = None) -> tuple[list[Meeting], str | None]:
    check_reader(actor)
    return list_meetings(session, kind, limit, cursor)


def list_meetings(session: Session, kind: str | None = None, limit: int = 50,
                  cursor: str | None = None) -> tuple[list[Meeting], str | None]:
    stmt = select(Meeting)
    if kind:
        stmt = stmt.where(Meeting.kind == kind)
    return page(session, stmt, Meeting.id, limit, cursor)


def issue_counts(session: Session, meeting_ids: list[int]) -> dict[int, int]:
    if not meeting_ids:
        return {}
    return dict(session.execute(select(Issue.meeting_id, func.count()).where(
        Issue.meeting_id.in_(meeting_ids)).group_by(Issue.meeting_id)).all())


def assign_batch(session: Session, actor: User, meeting_id: int, assignments: list[dict],
                 now: datetime, options: WorkflowOptions) -> list[Issue]:
    """Assign many of the meeting's issues in one transaction: all of them, or none."""
    if actor.role not in MEETING_ROLES:
        raise Forbidden("只有县营商办可以会议交办")
    get_meeting(session, meeting_id)
    require({"assignments": "至少交办一件问题"} if not assignments else {})
    seen: set[int] = set()
    done = []
    try:
        for i, body in enumerate(assignments):
            issue_id = body["issue_id"]
            issue = session.get(Issue, issue_id)
            if issue is None or issue.meeting_id != meeting_id:
                require({f"assignments.{i}.issue_id": "该问题不属于本次会议"})
            if issue_id in seen:
                require({f"assignments.{i}.issue_id": "同一问题在本批中出现了两次"})
            seen.add(issue_id)
            done.append(transition(session, actor, issue_id, "assign", body, now, options,
                                   commit=False))
    except DomainError as exc:
        session.rollback()
        prefix = f"assignments.{i}."
        if not any(k.startswith("assignments.") for k in exc.fields):
            exc.fields = {prefix + k: v for k, v in exc.fields.items()} or {f"{prefix}issue_id": exc.message}
        exc.message = f"第{i + 1}件未能交办（{exc.message}），本批均未保存"
        raise
    session.commit()
    return done


EVENING_TEA_DAYS = (1, 15)
EVENING_TEA_AT = time(19, 0)


def ensure_evening_tea_meetings(session: Session, now: datetime, days_ahead: int = 20) -> list[Meeting]:
    """Create the “听您说”晚茶会 of the 1st and 15th ahead that do not exist yet. Commits.

    Safe to run from several schedulers: on PostgreSQL a transaction lock serialises the
    check-and-create; on SQLite the write transaction does.
    """
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(7301001)"))
    today = local_date(now)
    created = []
    for offset in range(days_ahead + 1):
        day = today + timedelta(days=offset)
        if day.day not in EVENING_TEA_DAYS:
            continue
        start = datetime.combine(day, time(0), tzinfo=LOCAL_TZ)
        exists = session.execute(select(Meeting.id).where(
            Meeting.kind == MeetingKind.EVENING_TEA, Meeting.held_at >= start,
            Meeting.held_at < start + timedelta(days=1))).first()
        if exists:
            continue
        meeting = Meeting(kind=MeetingKind.EVENING_TEA, title=f"{day.year}年{day.month}月{day.day}日“听您说”晚茶会",
                          held_at=datetime.combine(day, EVENING_TEA_AT, tzinfo=LOCAL_TZ),
                          location="县长专线", status="planned", created_at=now)
        session.add(meeting)
        created.append(meeting)
    session.commit()
    return created
