"""问题收集: creating an issue, and editing its descriptive fields."""
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm.exc import StaleDataError
from sqlmodel import Session

from models import CHANNEL_LABELS, Category, Channel, Issue, IssueEvent, Meeting, MeetingKind, Status, User
from models.permissions import Permission
from models.workflow import EDIT_STATES
from service.core.errors import Invalid, StaleVersion, WrongState
from service.core.masking import is_blank, mask_phone
from service.deadlines.calendar import LOCAL_TZ
from service.enterprises.registry import resolve_for_intake
from service.enterprises.townships import check_township, township_names
from service.identity import permissions as access
from service.intake.categories import list_categories
from service.intake.codes import allocate
from service.reminders.outbox import queue_sms
from service.workflow.meetings import EVENING_TEA_AT, EVENING_TEA_DAYS, EVENING_TEA_UNTIL
from service.workflow.queries import get_visible, stale_message
from service.workflow.transition import WorkflowOptions, track_link, transition
from service.workflow.visibility import visible_to

REPORTER_FIELDS = {"name": "reporter_name", "org": "reporter_org", "phone": "reporter_phone",
                   "kind": "reporter_kind", "consent_public": "reporter_consent_public"}
DESCRIPTIVE_FIELDS = ("title", "content", "category", "type", "township", "meeting_id", "enterprise_id")

_MEETING_CHANNEL = {MeetingKind.BREAKFAST: Channel.BREAKFAST, MeetingKind.FORUM: Channel.FORUM,
                    MeetingKind.EVENING_TEA: Channel.EVENING_TEA}


# The reporter's texts that may be left out (None) but, when given, must show something: a
# name of spaces cannot be masked, shown or called back.
REPORTER_TEXTS = {"name": "反映人姓名", "org": "单位（企业）名称"}


def blank_reporter_texts(reporter: dict | None) -> dict[str, str]:
    """{key: message} for each of the reporter's name and organisation that was given but shows
    nothing (empty, spaces, invisible characters); to leave one out, give None."""
    return {key: f"{label}不能只有空格或不可见字符：请填写，或不填" for key, label in REPORTER_TEXTS.items()
            if reporter and isinstance(reporter.get(key), str) and is_blank(reporter[key])}


def _reporter(reporter: dict | None) -> dict:
    """The reporter's fields as stored: name and organisation without surrounding spaces;
    Invalid naming each one given blank."""
    blank = blank_reporter_texts(reporter)
    if blank:
        first = next(iter(blank.values()))
        raise Invalid(first, {f"reporter.{key}": message for key, message in blank.items()})
    reporter = dict(reporter or {})
    for key in REPORTER_TEXTS:
        if isinstance(reporter.get(key), str):
            reporter[key] = reporter[key].strip()
    return reporter


def _apply_reporter(issue: Issue, reporter: dict | None) -> None:
    for key, column in REPORTER_FIELDS.items():
        if reporter and key in reporter:
            setattr(issue, column, reporter[key])


def _check_category(session: Session, name: str | None, current: str | None = None) -> None:
    """An issue's category is one of the administrator's active categories, by name (the figures
    count issues by it); an edit may keep the one the issue has, even one retired since."""
    if not name or name == current:
        return
    found = session.execute(select(Category.id).where(Category.name == name, Category.active.is_(True))
                            ).first()
    if found is None:
        raise Invalid("问题类别须从类别表中选择", {"category": "不是可选的问题类别，请从列表中选择"})


def _check_meeting(session: Session, meeting_id: int | None) -> Meeting | None:
    if meeting_id is None:
        return None
    meeting = session.get(Meeting, meeting_id)
    if meeting is None:
        raise Invalid("所选会议不存在", {"meeting_id": "会议不存在"})
    return meeting


def create_issue(session: Session, actor: User | None, data: dict, now: datetime,
                 *, channel_default: str | None = None, commit: bool = True,
                 track_url: str | None = None) -> Issue:
    """Log a new issue in `collected` and record it on its timeline. Commits (unless
    `commit=False`, for a caller that takes a further step in the same transaction). With
    `track_url` (where the public tracks an issue) the reporter is sent the tracking code.

    `actor` is None for the public's own submissions.
    """
    access.require(actor, Permission.ISSUE_CREATE)
    meeting = _check_meeting(session, data.get("meeting_id"))
    _check_category(session, data.get("category"))
    meeting_channel = meeting and _MEETING_CHANNEL.get(meeting.kind)
    if meeting_channel and data.get("channel") and data["channel"] != meeting_channel:
        raise Invalid("问题来源渠道与所属会议不一致",
                      {"channel": f"所选会议的问题渠道应为“{CHANNEL_LABELS[meeting_channel]}”"})
    channel = data.get("channel") or meeting_channel or channel_default
    if not channel:
        raise Invalid("请选择问题来源渠道", {"channel": "必填"})
    check_township(session, data.get("township"))
    reporter = _reporter(data.get("reporter"))
    enterprise = resolve_for_intake(session, actor, data, now)
    if enterprise is not None and not reporter.get("org"):
        reporter["org"] = enterprise.name
    year = now.astimezone(LOCAL_TZ).year
    seq, code = allocate(session, year)
    issue = Issue(code=code, year=year, seq=seq, title=data["title"].strip(),
                  content=data["content"].strip(), category=data.get("category") or None,
                  type=data.get("type") or "help", channel=channel,
                  meeting_id=meeting.id if meeting else None, township=data.get("township"),
                  enterprise_id=enterprise.id if enterprise else None,
                  status=Status.COLLECTED, created_by_id=actor.id if actor else None,
                  created_at=now, updated_at=now)
    _apply_reporter(issue, reporter)
    session.add(issue)
    session.flush()
    session.add(IssueEvent(issue_id=issue.id, at=now, actor_id=issue.created_by_id, action="create",
                           to_status=Status.COLLECTED, data={"channel": channel}))
    if track_url is not None:
        queue_sms(session, dedupe_key=f"issue:{issue.id}:registered", phone=issue.reporter_phone,
                  kind="reporter", template="registered_reporter",
                  params={"code": issue.code, "track_url": track_link(track_url, issue.code)},
                  issue_id=issue.id, now=now,
                  channel=channel)
    if commit:
        session.commit()
    return issue


def may_edit(actor: User, issue: Issue) -> bool:
    """Whether `actor` may correct the issue's descriptive fields now."""
    return access.may(actor, Permission.ISSUE_EDIT) and issue.status in EDIT_STATES


@dataclass
class EditForm:
    """The console's form to correct an issue: the issue as it is, and the lists it offers."""
    issue: Issue
    categories: list[str]
    townships: list[str]


def edit_form(session: Session, actor: User, issue_id: int) -> EditForm:
    issue = get_visible(session, actor, issue_id)
    access.require(actor, Permission.ISSUE_EDIT)
    if issue.status not in EDIT_STATES:
        raise WrongState("已办结、已公示或不予受理的问题不能再修改")
    categories = [c.name for c in list_categories(session)]
    if issue.category and issue.category not in categories:
        categories.append(issue.category)  # a category since retired stays as it is
    return EditForm(issue, categories, township_names(session))


def edit_issue(session: Session, actor: User, issue_id: int, data: dict, now: datetime) -> Issue:
    """Change descriptive fields; `data["version"]` must be the version the editor saw. Commits."""
    issue = get_visible(session, actor, issue_id)
    access.require(actor, Permission.ISSUE_EDIT)
    if data.get("version") is None:
        raise Invalid("修改时须提供当前版本号 version", {"version": "必填"})
    if data["version"] != issue.version:
        raise StaleVersion(stale_message(session, issue.id, "请刷新后再改"))
    if issue.status not in EDIT_STATES:
        raise WrongState("已办结、已公示或不予受理的问题不能再修改")
    if "meeting_id" in data:
        _check_meeting(session, data["meeting_id"])
    if "category" in data:
        _check_category(session, data["category"], issue.category)
    if "township" in data:
        check_township(session, data["township"], issue.township)
    if data.get("enterprise_id") is not None and data["enterprise_id"] != issue.enterprise_id:
        resolve_for_intake(session, actor, {"enterprise_id": data["enterprise_id"]}, now)
    reporter = _reporter(data.get("reporter"))
    changes: dict[str, list] = {}
    for field in DESCRIPTIVE_FIELDS:
        if field in data and getattr(issue, field) != data[field]:
            changes[field] = [getattr(issue, field), data[field]]
            setattr(issue, field, data[field])
    for key, column in REPORTER_FIELDS.items():
        if key in reporter and getattr(issue, column) != reporter[key]:
            changes[f"reporter.{key}"] = [getattr(issue, column), reporter[key]]
            setattr(issue, column, reporter[key])
    if not changes:
        return issue
    issue.updated_at = now
    session.add(issue)
    # The timeline keeps each change, before → after; the reporter's phone only masked (the
    # timeline is read by every department the issue passes through).
    if "reporter.phone" in changes:
        changes["reporter.phone"] = [mask_phone(v) for v in changes["reporter.phone"]]
    session.add(IssueEvent(issue_id=issue.id, at=now, actor_id=actor.id, action="edit",
                           from_status=issue.status, to_status=issue.status,
                           data={"fields": list(changes), "changes": changes}))
    try:
        session.commit()
    except StaleDataError:
        session.rollback()
        raise StaleVersion(stale_message(session, issue_id, "请刷新后再改")) from None
    return issue


# --- 话务登记: the hotline desk ----------------------------------------------------------------


def channel_for_call(moment: datetime) -> str:
    """The channel of a call taken at `moment`: the county head's line (“听您说”晚茶会) on the
    1st and 15th from 19:00 to 20:30 Asia/Shanghai, both minutes included; the hotline otherwise."""
    local = moment.astimezone(LOCAL_TZ)
    clock = local.time().replace(second=0, microsecond=0)
    if local.day in EVENING_TEA_DAYS and EVENING_TEA_AT <= clock <= EVENING_TEA_UNTIL:
        return Channel.EVENING_TEA
    return Channel.HOTLINE


def earlier_by_phone(session: Session, phone: str | None, limit: int = 10, *,
                     actor: User | None = None) -> list[Issue]:
    """The caller's earlier issues, newest first, to spot repeat callers and duplicates.
    With `actor`, only the issues that actor may see."""
    phone = (phone or "").strip()
    if not phone:
        return []
    stmt = select(Issue).where(Issue.reporter_phone == phone)
    if actor is not None:
        stmt = stmt.where(visible_to(actor))
    return list(session.execute(stmt.order_by(Issue.id.desc()).limit(max(1, min(limit, 50)))).scalars())


@dataclass
class IntakeDefaults:
    """What the intake form offers and preselects for a call taken now."""

    channel: str
    meetings: list[Meeting]
    meeting_id: int | None
    categories: list[str]


MEETINGS_OFFERED = 30


def intake_defaults(session: Session, actor: User, now: datetime, meeting_id: int | None = None) -> IntakeDefaults:
    """The channel from the clock; recent and coming meetings, today's evening-tea meeting
    preselected during its session; the active categories. `meeting_id`: the form was opened
    from that meeting's page (登记本会议的问题), so it is offered and preselected, with its channel."""
    access.require(actor, Permission.ISSUE_CREATE)
    channel = channel_for_call(now)
    meetings = list(session.execute(
        select(Meeting).where(Meeting.held_at >= now - timedelta(days=60),
                              Meeting.held_at <= now + timedelta(days=60))
        .order_by(Meeting.held_at.desc()).limit(MEETINGS_OFFERED)).scalars())
    chosen = session.get(Meeting, meeting_id) if meeting_id else None
    if chosen is not None:
        if chosen not in meetings:
            meetings.insert(0, chosen)
        return IntakeDefaults(meeting_channel(chosen) or channel, meetings, chosen.id,
                              [c.name for c in list_categories(session)])
    today = now.astimezone(LOCAL_TZ).date()
    tonight = next((m for m in meetings if m.kind == MeetingKind.EVENING_TEA
                    and m.held_at.astimezone(LOCAL_TZ).date() == today), None)
    meeting_id = tonight.id if tonight is not None and channel == Channel.EVENING_TEA else None
    return IntakeDefaults(channel, meetings, meeting_id, [c.name for c in list_categories(session)])


def meeting_channel(meeting: Meeting) -> str | None:
    """The channel a meeting's issues take (None: any)."""
    return _MEETING_CHANNEL.get(meeting.kind)


def record_call(session: Session, actor: User, data: dict, now: datetime,
                options: WorkflowOptions = WorkflowOptions(), *, answer: str | None = None,
                satisfaction: str | None = None) -> Issue:
    """Log a call; with `answer`, also record that it was answered on the spot. One transaction:
    both are saved, or neither. Commits."""
    try:
        issue = create_issue(session, actor, data, now, commit=False, track_url=options.track_url)
        if answer is not None:
            issue = transition(session, actor, issue.id, "answer_on_spot",
                               {"answer": answer, "satisfaction": satisfaction}, now, options, commit=False)
        session.commit()
    except Exception:
        session.rollback()
        raise
    return issue
