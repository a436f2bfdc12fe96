"""会议交办 as the office works it: the meetings list, a meeting's desk (its issues with the
deadlines their policy proposes), the batch assignment, and the printable assignment sheet."""
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import select
from sqlmodel import Session

from models import Department, Issue, IssueEvent, Meeting, MeetingChange, Status, User
from models.permissions import Permission
from service.core.masking import mask_name, scrub_text
from service.deadlines.calendar import WorkCalendar, calendar_warnings
from service.deadlines.policies import policy_for
from service.deadlines.rules import Policy, default_deadlines, flag_for
from service.identity import permissions as access
from service.identity.directory import active_departments, list_leaders
from service.workflow.meetings import (
    assign_batch,
    check_attendee_reader,
    get_meeting,
    issue_counts,
    list_meetings,
    meeting_assigned,
    meeting_changes,
)
from service.workflow.queries import co_department_ids, department_names, user_names
from service.workflow.transition import WorkflowOptions

MAX_ISSUES = 500


def _office_only(actor: User) -> None:
    access.require(actor, Permission.MEETING_MANAGE)


@dataclass
class MeetingList:
    meetings: list[Meeting]
    issue_counts: dict[int, int]
    hosts: dict[int, str]
    next_cursor: str | None
    warnings: list[str]
    leaders: list[User]


def meeting_list(session: Session, actor: User, today: date, kind: str | None = None,
                 cursor: str | None = None, limit: int = 30) -> MeetingList:
    """Meetings newest first, with their issue counts, and the calendar warnings of today."""
    _office_only(actor)
    rows, next_cursor = list_meetings(session, kind, limit, cursor)
    hosts = user_names(session, {m.host_leader_id for m in rows if m.host_leader_id})
    return MeetingList(meetings=rows, issue_counts=issue_counts(session, [m.id for m in rows]),
                       hosts=hosts, next_cursor=next_cursor, warnings=calendar_warnings(session, today, actor),
                       leaders=list_leaders(session))


@dataclass
class ReturnedAssignment:
    """An issue's assignment as it was before its department returned it (退单): offered again
    in the meeting's table, beside the department's reason."""
    department_id: int | None
    co_department_ids: list[int]
    lead_leader_id: int | None
    responsible_person: str | None
    reason: str | None
    returned_at: datetime


def returned_assignments(session: Session, issue_ids: list[int]) -> dict[int, ReturnedAssignment]:
    """For each of `issue_ids` whose latest assignment news is a 退单: what was assigned then."""
    if not issue_ids:
        return {}
    events = session.execute(select(IssueEvent).where(
        IssueEvent.issue_id.in_(issue_ids), IssueEvent.action.in_(("assign", "return", "reassign")))
        .order_by(IssueEvent.issue_id, IssueEvent.id)).scalars()
    latest: dict[int, IssueEvent] = {}
    leaders: dict[int, int | None] = {}
    for event in events:
        latest[event.issue_id] = event
        if event.action != "return":
            leaders[event.issue_id] = event.data.get("lead_leader_id")
    found = {}
    for issue_id, event in latest.items():
        if event.action != "return":
            continue
        d = event.data
        found[issue_id] = ReturnedAssignment(
            department_id=d.get("department_id"), co_department_ids=list(d.get("co_department_ids") or []),
            # a return recorded before it kept the leader: the one of the assignment before it
            lead_leader_id=d.get("lead_leader_id") or leaders.get(issue_id),
            responsible_person=d.get("responsible_person"), reason=event.note, returned_at=event.at)
    return found


@dataclass
class AssignmentRow:
    issue: Issue
    deadlines: dict[str, date]   # proposed by the issue's deadline policy, assigned today
    policy: Policy
    returned: ReturnedAssignment | None = None   # returned (退单): the assignment before, offered again


@dataclass
class MeetingDesk:
    meeting: Meeting
    host: str | None
    to_assign: list[AssignmentRow]       # issues still waiting for assignment (collected)
    others: list[Issue]                  # the meeting's issues past that point
    flags: dict[int, str | None]
    departments: list[Department]
    leaders: list[User]
    names: dict[int, str]                # department names of the issues shown
    people: dict[int, str]               # leader names
    co_ids: dict[int, list[int]]
    default_leader_id: int | None        # the host, proposed as every issue's lead leader
    warnings: list[str] = field(default_factory=list)
    editable: bool = False               # its details may still be corrected (nothing assigned yet)
    changes: list[MeetingChange] = field(default_factory=list)


def meeting_desk(session: Session, actor: User, meeting_id: int, today: date,
                 calendar: WorkCalendar) -> MeetingDesk:
    """A meeting and its issues, those to assign with the deadlines their policy proposes."""
    _office_only(actor)
    meeting = get_meeting(session, meeting_id)
    issues = list(session.execute(select(Issue).where(Issue.meeting_id == meeting_id)
                                  .order_by(Issue.id).limit(MAX_ISSUES)).scalars())
    policies: dict[tuple[str, str], Policy] = {}
    to_assign, others = [], []
    for issue in issues:
        if issue.status == Status.COLLECTED:
            key = (issue.type, issue.channel)
            if key not in policies:
                policies[key] = policy_for(session, issue.type, issue.channel)
            to_assign.append(AssignmentRow(issue, default_deadlines(policies[key], today, calendar),
                                           policies[key]))
        else:
            others.append(issue)
    returned = returned_assignments(session, [row.issue.id for row in to_assign])
    for row in to_assign:
        row.returned = returned.get(row.issue.id)
    co = co_department_ids(session, [i.id for i in others])
    dept_ids = {i.lead_department_id for i in others if i.lead_department_id} | {d for v in co.values() for d in v} \
        | {r.department_id for r in returned.values() if r.department_id}
    changes = meeting_changes(session, meeting_id)
    people = user_names(session, {i.lead_leader_id for i in others if i.lead_leader_id}
                        | ({meeting.host_leader_id} if meeting.host_leader_id else set())
                        | {c.actor_id for c in changes if c.actor_id})
    return MeetingDesk(
        meeting=meeting, host=people.get(meeting.host_leader_id), to_assign=to_assign, others=others,
        flags={i.id: flag_for(i.next_due, today, calendar) for i in others},
        departments=active_departments(session), leaders=list_leaders(session),
        names=department_names(session, dept_ids), people=people, co_ids=co,
        default_leader_id=meeting.host_leader_id, warnings=calendar_warnings(session, today, actor),
        editable=not meeting_assigned(session, meeting_id),
        changes=changes)


def editable_meeting(session: Session, actor: User, meeting_id: int) -> Meeting:
    """The meeting whose details the office is about to correct."""
    _office_only(actor)
    return get_meeting(session, meeting_id)


def assign_meeting(session: Session, actor: User, meeting_id: int, assignments: list[dict],
                   now: datetime, options: WorkflowOptions,
                   also_wrong: dict[int, dict[str, str]] | None = None) -> list[Issue]:
    """Assign the meeting's issues in one transaction, all or none. Every row is checked and
    every row's faults are named at once (`also_wrong`: what the form already found wrong with
    the rows left out, by row; each assignment's `row` says which row of the table it is).
    Commits."""
    _office_only(actor)
    return assign_batch(session, actor, meeting_id, assignments, now, options, also_wrong=also_wrong)


@dataclass
class SheetRow:
    issue: Issue
    reporter: str | None           # masked name only
    leader: str | None
    lead_department: str | None
    co_departments: list[str]
    content: str | None = None     # the problem as raised, the reporter's name and phones masked
    plan: str | None = None        # the lead department's plan, once there is one


def _sheet_text(issue: Issue, text: str | None) -> str | None:
    """The sheet shows the reporter masked: so does the text it carries."""
    orgs = () if issue.reporter_consent_public else (issue.reporter_org,)
    return scrub_text(text, names=(issue.reporter_name,), orgs=orgs)


@dataclass
class AssignmentSheet:
    meeting: Meeting
    host: str | None
    rows: list[SheetRow]
    waiting: int                   # issues of the meeting not assigned yet


def assignment_sheet(session: Session, actor: User, meeting_id: int) -> AssignmentSheet:
    """交办单: what was assigned at the meeting, to be printed, signed and handed out."""
    check_attendee_reader(actor)  # the sheet shows the attendees
    meeting = get_meeting(session, meeting_id)
    issues = list(session.execute(select(Issue).where(Issue.meeting_id == meeting_id)
                                  .order_by(Issue.id).limit(MAX_ISSUES)).scalars())
    assigned = [i for i in issues if i.lead_department_id is not None and i.status != Status.REJECTED]
    co = co_department_ids(session, [i.id for i in assigned])
    names = department_names(session, {i.lead_department_id for i in assigned}
                             | {d for v in co.values() for d in v})
    people = user_names(session, {i.lead_leader_id for i in assigned if i.lead_leader_id}
                        | ({meeting.host_leader_id} if meeting.host_leader_id else set()))
    rows = [SheetRow(issue=i, reporter=mask_name(i.reporter_name), leader=people.get(i.lead_leader_id),
                     lead_department=names.get(i.lead_department_id),
                     co_departments=[names[d] for d in co[i.id] if d in names],
                     content=_sheet_text(i, i.content), plan=_sheet_text(i, i.plan)) for i in assigned]
    waiting = sum(1 for i in issues if i.status == Status.COLLECTED)
    return AssignmentSheet(meeting=meeting, host=people.get(meeting.host_leader_id), rows=rows,
                           waiting=waiting)


def meeting_form(session: Session, actor: User) -> list[User]:
    """The leaders a new meeting's host is chosen from."""
    _office_only(actor)
    return list_leaders(session)
