"""会议交办: meetings, and assigning a meeting's issues all at once."""
from datetime import datetime, time, timedelta

from sqlalchemy import func, select, text
from sqlmodel import Session

from models import Issue, Meeting, MeetingChange, MeetingKind, Role, User
from models.permissions import Permission
from service.core.errors import DomainError, Invalid, NotFound, WrongState, require
from service.core.paging import page
from service.deadlines.calendar import LOCAL_TZ, local_date
from service.identity import permissions as access
from service.workflow.transition import WorkflowOptions, transition

# A meeting is recorded within a year of when it is held, before or after: a date outside
# that window is a typing mistake (1999-01-01), not a meeting.
MEETING_WINDOW = timedelta(days=366)
# What may be corrected on a meeting until its issues are assigned.
EDITABLE = ("title", "held_at", "host_leader_id", "attendees", "location")


def _check_held_at(held_at: datetime, now: datetime) -> None:
    low, high = local_date(now - MEETING_WINDOW), local_date(now + MEETING_WINDOW)
    if not low <= local_date(held_at) <= high:
        require({"held_at": f"会议时间须在 {low.isoformat()} 至 {high.isoformat()} 之间，请核对年份"})


def _check_host(session: Session, host: int | None) -> None:
    if host is not None:
        leader = session.get(User, host)
        if leader is None or leader.role != Role.LEADER:
            require({"host_leader_id": "主持领导须是一位县级领导"})


def create_meeting(session: Session, actor: User, data: dict, now: datetime) -> Meeting:
    access.require(actor, Permission.MEETING_MANAGE, "只有县营商办可以安排会议")
    host = data.get("host_leader_id")
    _check_host(session, host)
    _check_held_at(data["held_at"], now)
    meeting = Meeting(kind=data["kind"], title=data["title"].strip(), held_at=data["held_at"],
                      host_leader_id=host, attendees=data.get("attendees") or [],
                      location=data.get("location"), status=data.get("status") or "planned",
                      created_by_id=actor.id, created_at=now)
    session.add(meeting)
    session.commit()
    return meeting


def meeting_assigned(session: Session, meeting_id: int) -> bool:
    """Whether any issue of the meeting has been assigned (交办): from then on the meeting is a
    record of what was decided there and is no longer corrected."""
    return session.execute(select(Issue.id).where(Issue.meeting_id == meeting_id,
                                                  Issue.assigned_at.is_not(None)).limit(1)).first() is not None


def _plain(value):
    return value.isoformat() if isinstance(value, datetime) else value


def update_meeting(session: Session, actor: User, meeting_id: int, data: dict, now: datetime) -> Meeting:
    """Correct a meeting's title, time, host, attendees or place, until its issues are assigned;
    each correction is kept (MeetingChange: who, when, before and after). Commits."""
    access.require(actor, Permission.MEETING_MANAGE, "只有县营商办可以修改会议")
    meeting = get_meeting(session, meeting_id)
    if meeting_assigned(session, meeting_id):
        raise WrongState("本次会议已有问题交办，会议信息作为交办依据不能再修改", code="meeting_assigned")
    if "host_leader_id" in data:
        _check_host(session, data["host_leader_id"])
    if data.get("held_at") is not None:
        _check_held_at(data["held_at"], now)
    if "title" in data and not (data["title"] or "").strip():
        require({"title": "请填写会议名称"})
    changes = {}
    for key in EDITABLE:
        if key not in data:
            continue
        value = data[key].strip() if key == "title" else data[key]
        if key == "attendees":
            value = value or []
        if key == "held_at" and value is None:
            continue
        before = getattr(meeting, key)
        if before != value:
            changes[key] = [_plain(before), _plain(value)]
            setattr(meeting, key, value)
    if not changes:
        return meeting
    session.add(meeting)
    session.add(MeetingChange(meeting_id=meeting.id, at=now, actor_id=actor.id, changes=changes,
                              note=(data.get("note") or "").strip() or None))
    session.commit()
    return meeting


def read_meeting_changes(session: Session, actor: User, meeting_id: int) -> list[MeetingChange]:
    """The corrections of a meeting, for those who see its attendees (a correction may name them)."""
    check_attendee_reader(actor)
    get_meeting(session, meeting_id)
    return meeting_changes(session, meeting_id)


def meeting_changes(session: Session, meeting_id: int) -> list[MeetingChange]:
    return list(session.execute(select(MeetingChange).where(MeetingChange.meeting_id == meeting_id)
                                .order_by(MeetingChange.id)).scalars())


def get_meeting(session: Session, meeting_id: int) -> Meeting:
    meeting = session.get(Meeting, meeting_id)
    if meeting is None:
        raise NotFound("会议不存在", code="meeting_not_found")
    return meeting


def check_reader(actor: User) -> None:
    """Who may read meetings at all (Permission.MEETING_READ): 403 for the others,
    whatever the meeting, so that nobody learns which meetings exist."""
    access.require(actor, Permission.MEETING_READ, code="meetings_forbidden")


def shows_attendees(actor: User) -> bool:
    """Whether `actor` reads a meeting's attendee list (Permission.MEETING_ATTENDEES)."""
    return access.may(actor, Permission.MEETING_ATTENDEES)


def check_attendee_reader(actor: User) -> None:
    access.require(actor, Permission.MEETING_ATTENDEES, "只有县营商办和县委督查办可以查看参会人员和交办单",
                   code="meetings_forbidden")


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
                 now: datetime, options: WorkflowOptions, *, also_wrong: dict[int, dict[str, str]] | None = None
                 ) -> list[Issue]:
    """Assign many of the meeting's issues in one transaction: all of them, or none. Every row
    is tried (each in a savepoint), so that what is wrong with each row is told at once: Invalid
    naming `assignments.<row>.<field>`. `also_wrong` holds, by row, what the caller already found
    wrong with rows it leaves out of `assignments` (then nothing is saved either), so that the
    rows given here are still checked and every row's faults come back together."""
    access.require(actor, Permission.MEETING_MANAGE, "只有县营商办可以会议交办")
    get_meeting(session, meeting_id)
    require({"assignments": "至少交办一件问题"} if not assignments and not also_wrong else {})
    faults: dict[str, str] = {f"assignments.{i}.{k}": v for i, wrong in (also_wrong or {}).items()
                              for k, v in wrong.items()}
    seen: set[int] = set()
    done = []
    for i, body in enumerate(assignments):
        row = body.get("row", i)
        prefix = f"assignments.{row}."
        try:
            issue_id = body["issue_id"]
            issue = session.get(Issue, issue_id)
            if issue is None or issue.meeting_id != meeting_id:
                require({"issue_id": "该问题不属于本次会议"})
            if issue_id in seen:
                require({"issue_id": "同一问题在本批中出现了两次"})
            seen.add(issue_id)
            with session.begin_nested():
                done.append(transition(session, actor, issue_id, "assign", body, now, options, commit=False))
        except DomainError as exc:
            if exc.status in (401, 403):
                session.rollback()
                raise
            faults.update({prefix + k: v for k, v in exc.fields.items()} or {f"{prefix}issue_id": exc.message})
    if faults:
        session.rollback()
        rows = sorted({int(k.split(".")[1]) for k in faults})
        raise Invalid("第" + "、".join(str(r + 1) for r in rows) + "件未能交办，本批均未保存", faults)
    session.commit()
    return done


# The “听您说”晚茶会: the county head's line is open on these days of every month, from
# EVENING_TEA_AT to EVENING_TEA_UNTIL Asia/Shanghai (both minutes included).
EVENING_TEA_DAYS = (1, 15)
EVENING_TEA_AT, EVENING_TEA_UNTIL = time(19, 0), time(20, 30)


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
