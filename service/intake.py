"""问题收集: creating an issue, and editing its descriptive fields."""
from datetime import datetime

from sqlalchemy.orm.exc import StaleDataError
from sqlmodel import Session

from models import Channel, Issue, IssueEvent, Meeting, MeetingKind, Status, User
from models.workflow import CREATE_ROLES, EDIT_ROLES, EDIT_STATES

from .calendar import LOCAL_TZ
from .codes import allocate
from .errors import Forbidden, Invalid, StaleVersion, WrongState
from .issues import get_visible

REPORTER_FIELDS = {"name": "reporter_name", "org": "reporter_org", "phone": "reporter_phone",
                   "kind": "reporter_kind", "consent_public": "reporter_consent_public"}
DESCRIPTIVE_FIELDS = ("title", "content", "category", "type", "township", "meeting_id")

_MEETING_CHANNEL = {MeetingKind.BREAKFAST: Channel.BREAKFAST, MeetingKind.FORUM: Channel.FORUM,
                    MeetingKind.EVENING_TEA: Channel.EVENING_TEA}


def _apply_reporter(issue: Issue, reporter: dict | None) -> None:
    for key, column in REPORTER_FIELDS.items():
        if reporter and key in reporter:
            setattr(issue, column, reporter[key])


def _check_meeting(session: Session, meeting_id: int | None) -> Meeting | None:
    if meeting_id is None:
        return None
    meeting = session.get(Meeting, meeting_id)
    if meeting is None:
        raise Invalid("所选会议不存在", {"meeting_id": "会议不存在"})
    return meeting


def create_issue(session: Session, actor: User | None, data: dict, now: datetime,
                 *, channel_default: str | None = None) -> Issue:
    """Log a new issue in `collected` and record it on its timeline. Commits.

    `actor` is None for the public's own submissions.
    """
    if actor is not None and actor.role not in CREATE_ROLES:
        raise Forbidden("您的角色不能登记问题")
    meeting = _check_meeting(session, data.get("meeting_id"))
    meeting_channel = meeting and _MEETING_CHANNEL.get(meeting.kind)
    if meeting_channel and data.get("channel") and data["channel"] != meeting_channel:
        raise Invalid("问题来源渠道与所属会议不一致",
                      {"channel": f"所选会议的问题渠道应为 {meeting_channel}"})
    channel = data.get("channel") or meeting_channel or channel_default
    if not channel:
        raise Invalid("请选择问题来源渠道", {"channel": "必填"})
    year = now.astimezone(LOCAL_TZ).year
    seq, code = allocate(session, year)
    issue = Issue(code=code, year=year, seq=seq, title=data["title"].strip(),
                  content=data["content"].strip(), category=data.get("category"),
                  type=data.get("type") or "help", channel=channel,
                  meeting_id=meeting.id if meeting else None, township=data.get("township"),
                  status=Status.COLLECTED, created_by_id=actor.id if actor else None,
                  created_at=now, updated_at=now)
    _apply_reporter(issue, data.get("reporter"))
    session.add(issue)
    session.flush()
    session.add(IssueEvent(issue_id=issue.id, at=now, actor_id=issue.created_by_id, action="create",
                           to_status=Status.COLLECTED, data={"channel": channel}))
    session.commit()
    return issue


def edit_issue(session: Session, actor: User, issue_id: int, data: dict, now: datetime) -> Issue:
    """Change descriptive fields; `data["version"]` must be the version the editor saw. Commits."""
    issue = get_visible(session, actor, issue_id)
    if actor.role not in EDIT_ROLES:
        raise Forbidden("您的角色不能修改问题内容")
    if data.get("version") is None:
        raise Invalid("修改时须提供当前版本号 version", {"version": "必填"})
    if data["version"] != issue.version:
        raise StaleVersion("该问题已被他人修改，请刷新后再改")
    if issue.status not in EDIT_STATES:
        raise WrongState("已办结、已公示或不予受理的问题不能再修改")
    if "meeting_id" in data:
        _check_meeting(session, data["meeting_id"])
    changed = []
    for field in DESCRIPTIVE_FIELDS:
        if field in data and getattr(issue, field) != data[field]:
            setattr(issue, field, data[field])
            changed.append(field)
    for key, column in REPORTER_FIELDS.items():
        if key in (data.get("reporter") or {}) and getattr(issue, column) != data["reporter"][key]:
            setattr(issue, column, data["reporter"][key])
            changed.append(f"reporter.{key}")
    if not changed:
        return issue
    issue.updated_at = now
    session.add(issue)
    session.add(IssueEvent(issue_id=issue.id, at=now, actor_id=actor.id, action="edit",
                           from_status=issue.status, to_status=issue.status,
                           data={"fields": changed}))
    try:
        session.commit()
    except StaleDataError:
        session.rollback()
        raise StaleVersion("该问题已被他人修改，请刷新后再改") from None
    return issue
