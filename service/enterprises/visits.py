"""县长月末回访: each county leader's month-end visit list and the visit's record.

A leader's list for a month (Asia/Shanghai) holds the issues they lead and those of the
meetings they hosted that were replied or closed in that month, with the reporter's name and
phone (visible to the leader: they call or meet the reporter). The leader records the visit
(satisfaction and a note), or the office records it on the leader's behalf (代为记录), which is
kept with both names. An issue still awaiting its 回访 (已答复) that the leader leads is closed
(or sent back for 重办, when not satisfied) by the visit, through the workflow's own `visit`
step; any other issue keeps its state and the visit is a line of its own on the timeline.
From the 25th of the month, the visits still to make are on the supervision board.
"""
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import and_, or_, select
from sqlmodel import Session

from models import Issue, IssueEvent, LeaderVisit, Meeting, Role, Satisfaction, Status, User
from service.core import text_rules
from service.core.errors import Conflict, Forbidden, NotFound, WrongState, require
from service.deadlines.calendar import LOCAL_TZ
from service.identity.directory import list_leaders
from service.notices.send import notify, user
from service.workflow.transition import UNSATISFIED_NOTE_MIN, WorkflowOptions, transition

from .access import leader_in_view, may_read_leader_pages, may_record_on_behalf, own_leader_id

BOARD_FROM_DAY = 25
NOTE_MAX = 1000
VISITED_STATUSES = (Status.REPLIED, Status.CLOSED, Status.PUBLISHED)


def month_of(moment: datetime) -> str:
    return moment.astimezone(LOCAL_TZ).strftime("%Y-%m")


def month_bounds(month: str) -> tuple[datetime, datetime]:
    """The first instant of the month and of the next, as aware datetimes."""
    try:
        first = date.fromisoformat(f"{month}-01")
    except ValueError:
        require({"month": "月份格式须为 YYYY-MM"})
    following = (first.replace(day=28) + timedelta(days=4)).replace(day=1)
    return (datetime.combine(first, time(), LOCAL_TZ), datetime.combine(following, time(), LOCAL_TZ))


def _in_scope(leader_id: int):
    hosted = select(Meeting.id).where(Meeting.host_leader_id == leader_id)
    return or_(Issue.lead_leader_id == leader_id, Issue.meeting_id.in_(hosted))


def _in_month(month: str):
    start, end = month_bounds(month)
    return or_(and_(Issue.replied_at >= start, Issue.replied_at < end),
               and_(Issue.closed_at >= start, Issue.closed_at < end))


@dataclass
class VisitRow:
    issue: Issue
    visit: LeaderVisit | None
    recorded_by: str | None        # who recorded it (the office's user when 代为记录)
    hosted: bool                   # on the list as an issue of a meeting the leader hosted

    @property
    def due(self) -> bool:
        return self.visit is None


@dataclass
class VisitList:
    leader: User
    month: str
    rows: list[VisitRow]

    @property
    def due(self) -> list[VisitRow]:
        return [r for r in self.rows if r.visit is None]


def _leader(session: Session, leader_id: int) -> User:
    leader = session.get(User, leader_id)
    if leader is None or leader.role != Role.LEADER:
        raise NotFound("县级领导不存在或您无权查看", code="leader_not_found")
    return leader


def chosen_leader(session: Session, actor: User, requested: int | None) -> tuple[int | None, list[User]]:
    """Whose month-end list a user sees and the leaders they may choose among: a leader always
    their own (no choice); the office and the supervision office the requested leader, else the
    first one."""
    own = own_leader_id(actor)
    if own is not None:
        return own, []
    choices = list_leaders(session)
    if requested is None and choices:
        requested = choices[0].id
    return requested, choices


def visit_list(session: Session, actor: User, leader_id: int, now: datetime, month: str | None = None) -> VisitList:
    """The leader's month-end visit list (this month unless `month`), due ones first."""
    leader_in_view(actor, leader_id)
    leader = _leader(session, leader_id)
    month = month or month_of(now)
    issues = list(session.execute(select(Issue).where(_in_scope(leader.id), _in_month(month),
                                                      Issue.status.in_(VISITED_STATUSES))
                                  .order_by(Issue.id)).scalars())
    visits = {v.issue_id: v for v in session.execute(
        select(LeaderVisit).where(LeaderVisit.leader_id == leader.id, LeaderVisit.month == month,
                                  LeaderVisit.issue_id.in_([i.id for i in issues]))).scalars()}
    names = dict(session.execute(select(User.id, User.display_name).where(
        User.id.in_({v.recorded_by_id for v in visits.values()}))).all()) if visits else {}
    rows = [VisitRow(i, visits.get(i.id), names.get(visits[i.id].recorded_by_id) if i.id in visits else None,
                     i.lead_leader_id != leader.id) for i in issues]
    rows.sort(key=lambda r: (r.visit is not None, r.issue.id))
    return VisitList(leader, month, rows)


def record_visit(session: Session, actor: User, issue_id: int, body: dict, now: datetime,
                 options: WorkflowOptions = WorkflowOptions()) -> LeaderVisit:
    """Record the leader's month-end visit of one issue on this month's list. A leader records
    their own; the office records one on a leader's behalf (`leader_id`, 代为记录). Commits."""
    if actor.role == Role.LEADER:
        if body.get("leader_id") not in (None, actor.id):
            raise NotFound("县级领导不存在或您无权查看", code="leader_not_found")
        leader, on_behalf = actor, False
    elif may_record_on_behalf(actor):
        if body.get("leader_id") is None:
            require({"leader_id": "代为记录时请选择回访的县级领导"})
        leader = session.get(User, body["leader_id"])
        if leader is None or leader.role != Role.LEADER:
            require({"leader_id": "不是县级领导"})
        on_behalf = True
    elif may_read_leader_pages(actor):
        raise Forbidden("县委督查办不能记录回访")
    else:
        raise NotFound("问题不存在或您无权查看", code="issue_not_found")
    month = month_of(now)
    issue = session.execute(select(Issue).where(Issue.id == issue_id, _in_scope(leader.id))).scalars().first()
    if issue is None:
        raise NotFound("问题不存在或您无权查看", code="issue_not_found")
    if issue.status not in VISITED_STATUSES or not session.execute(
            select(Issue.id).where(Issue.id == issue.id, _in_month(month))).first():
        raise WrongState("该问题不在本月回访名单中（本月答复或办结的问题才需回访）")
    satisfaction, note = body.get("satisfaction"), (body.get("note") or "").strip() or None
    wrong = text_rules.message(note, NOTE_MAX) if note else None
    require({"note": wrong} if wrong else {})
    require({"satisfaction": "必填"} if not satisfaction else {})
    require({"satisfaction": "须为 satisfied（满意）、basically（基本满意）或 unsatisfied（不满意）"}
            if satisfaction not in set(Satisfaction) else {})
    if satisfaction == Satisfaction.UNSATISFIED and len(note or "") < UNSATISFIED_NOTE_MIN:
        require({"note": f"不满意时请写明反映人不满意的原因（至少{UNSATISFIED_NOTE_MIN}个字）"})
    if session.execute(select(LeaderVisit.id).where(LeaderVisit.issue_id == issue.id,
                                                   LeaderVisit.leader_id == leader.id,
                                                   LeaderVisit.month == month)).first():
        raise Conflict("本月已记录过该问题的回访", code="already_visited")
    data = {"leader_visit": {"leader_id": leader.id, "leader": leader.display_name,
                             "recorded_by_id": actor.id, "recorded_by": actor.display_name,
                             "on_behalf": on_behalf, "month": month}}
    try:
        if issue.status == Status.REPLIED and issue.lead_leader_id == leader.id:
            transition(session, actor, issue.id, "visit", {"satisfaction": satisfaction, "note": note}, now,
                       options, commit=False, event_data=data)
        else:
            session.add(IssueEvent(issue_id=issue.id, at=now, actor_id=actor.id, action="leader_visit",
                                   from_status=issue.status, to_status=issue.status, note=note,
                                   data={**data, "satisfaction": satisfaction}))
        visit = LeaderVisit(issue_id=issue.id, leader_id=leader.id, recorded_by_id=actor.id, on_behalf=on_behalf,
                            month=month, satisfaction=satisfaction, note=note, at=now)
        session.add(visit)
        session.commit()
    except Exception:
        session.rollback()
        raise
    return visit


@dataclass
class UnvisitedRow:
    leader: User
    issue: Issue


def unvisited(session: Session, today: date) -> list[UnvisitedRow]:
    """From the 25th of the month (`today`, the county's date): every leader's visits still to
    make this month (the supervision board shows them). Empty before the 25th."""
    if today.day < BOARD_FROM_DAY:
        return []
    month = today.strftime("%Y-%m")
    out = []
    for leader in session.execute(select(User).where(User.role == Role.LEADER, User.active.is_(True))
                                  .order_by(User.display_name, User.id)).scalars():
        visited = select(LeaderVisit.issue_id).where(LeaderVisit.leader_id == leader.id, LeaderVisit.month == month)
        for issue in session.execute(select(Issue).where(_in_scope(leader.id), _in_month(month),
                                                         Issue.status.in_(VISITED_STATUSES),
                                                         Issue.id.not_in(visited)).order_by(Issue.id)).scalars():
            out.append(UnvisitedRow(leader, issue))
    return out


def notice_unvisited(session: Session, now: datetime) -> int:
    """From the 25th, each leader hears in the console of every issue still to visit this month:
    once per (leader, issue, month). Commits; returns how many visits were told of."""
    today = now.astimezone(LOCAL_TZ).date()
    rows = unvisited(session, today)
    month = today.strftime("%Y-%m")
    for row in rows:
        issue = row.issue
        notify(session, [user(row.leader.id)], kind="visits_due", issue_id=issue.id, now=now,
               key=f"visits_due:{issue.id}:{month}",
               text=f"月末回访待办：{issue.code}《{issue.title}》本月已答复或办结，请于月底前回访反映人")
    session.commit()
    return len(rows)
