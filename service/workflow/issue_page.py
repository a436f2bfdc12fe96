"""Everything the staff see on one issue's page, read in one call: the issue, its people and
deadlines, its timeline, its files, and the steps the reader may take now."""
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import select
from sqlmodel import Session

from models import (
    OPEN_STATUSES,
    Attachment,
    DeadlineJudgement,
    Department,
    Escalation,
    Evaluation,
    ExtensionRequest,
    ExtensionStatus,
    Issue,
    IssueEvent,
    IssueRepeat,
    Meeting,
    Role,
    User,
    Verdict,
)
from models.permissions import Permission
from models.workflow import EDIT_STATES
from service.deadlines.calendar import WorkCalendar, local_date
from service.deadlines.policies import policy_for
from service.deadlines.rules import default_deadlines, flag_for
from service.identity import permissions as access
from service.workflow.attachments import attachments_of, may_attach
from service.workflow.meeting_desk import ReturnedAssignment, returned_assignments
from service.workflow.merged import MergedIssue, merged_issues
from service.workflow.queries import (
    DeadlineRow,
    co_department_ids,
    current_evaluation,
    deadline_rows,
    department_names,
    get_visible,
    overdue_days,
    user_names,
)
from service.workflow.transition import allowed_actions


@dataclass
class AssignOptions:
    """What the assignment form offers: active departments, active county leaders, and the
    deadlines the policy gives an assignment made today (editable)."""

    departments: list[Department]
    leaders: list[User]
    deadlines: dict[str, date]
    # the active staff of those departments, by department: the 责任人 and 经办人 are picked from them
    staff: dict[int, list[User]] = field(default_factory=dict)
    # returned (退单): the assignment before, its leader and co-handlers offered again, with the reason
    returned: ReturnedAssignment | None = None


@dataclass
class IssueView:
    issue: Issue
    flag: str | None
    overdue_days: int
    deadlines: list[DeadlineRow]
    lead_department: str | None
    co_departments: list[str]
    co_department_ids: list[int]
    lead_leader: str | None
    created_by: str | None
    meeting: Meeting | None
    merged_into_code: str | None
    merged: list[MergedIssue]  # the issues merged into this one, with their reporters' ratings
    events: list[IssueEvent]
    user_names: dict[int, str]
    department_names: dict[int, str]
    attachments: list[Attachment]
    can_attach: bool
    actions: list[str]
    can_edit: bool = False                  # the reader may correct its descriptive fields now
    pending_extension: ExtensionRequest | None = None
    assign: AssignOptions | None = None
    reassign: AssignOptions | None = None   # 改派: the departments and leaders offered (no deadlines)
    extensions: list[ExtensionRequest] = field(default_factory=list)
    # 按时与否: every deadline judged so far, round by round
    judgements: list[DeadlineJudgement] = field(default_factory=list)
    # 整改评估: every evaluation, oldest first, and the one in force (the current round's latest)
    evaluations: list[Evaluation] = field(default_factory=list)
    evaluation: Evaluation | None = None
    # 重复反映: the calls linked to it as repeats, oldest first
    repeats: list[IssueRepeat] = field(default_factory=list)
    # 提请上级: every escalation, oldest first (the last one is in force while 提请中)
    escalations: list[Escalation] = field(default_factory=list)


def issue_view(session: Session, user: User, issue_id: int, *, now: datetime,
               calendar: WorkCalendar) -> IssueView:
    """The issue page of `issue_id` as `user` may see it (NotFound when they may not)."""
    issue = get_visible(session, user, issue_id)
    today = local_date(now)
    events = list(session.execute(select(IssueEvent).where(IssueEvent.issue_id == issue.id)
                                  .order_by(IssueEvent.id)).scalars())
    co_ids = co_department_ids(session, [issue.id])[issue.id]
    dept_ids = {d for d in (issue.lead_department_id, *co_ids) if d}
    people = {p for p in (issue.lead_leader_id, issue.created_by_id) if p}
    for event in events:
        people |= {p for p in (event.actor_id, event.data.get("lead_leader_id"), event.data.get("leader_id")) if p}
        dept_ids |= {d for d in (event.data.get("lead_department_id"), event.data.get("department_id"),
                                 event.data.get("from_department_id"),
                                 *event.data.get("co_department_ids", ())) if isinstance(d, int)}
    extensions = list(session.execute(select(ExtensionRequest).where(ExtensionRequest.issue_id == issue.id)
                                      .order_by(ExtensionRequest.id)).scalars())
    people |= {e.requested_by_id for e in extensions if e.requested_by_id}
    names, depts = user_names(session, people), department_names(session, dept_ids)
    pending = next((e for e in extensions if e.status == ExtensionStatus.PENDING), None)
    # An extension is decided only while one is pending, and asked for only while none is.
    actions = [a for a in allowed_actions(session, user, issue)
               if not (a == "decide_extension" and pending is None)
               and not (a == "request_extension" and pending is not None)]
    evaluation = current_evaluation(session, issue)
    # 重办, and 提请上级 of a closed issue, are offered only once the evaluation in force found
    # the issue 未解决.
    unresolved = evaluation is not None and evaluation.verdict == Verdict.UNRESOLVED
    actions = [a for a in actions if a != "reopen" or unresolved]
    actions = [a for a in actions if a != "escalate" or issue.status != "closed" or unresolved]
    evaluations = list(session.execute(select(Evaluation).where(Evaluation.issue_id == issue.id)
                                       .order_by(Evaluation.id)).scalars())
    people |= {e.evaluator_id for e in evaluations if e.evaluator_id}
    names = user_names(session, people)
    merged_into = session.get(Issue, issue.merged_into_id) if issue.merged_into_id else None
    flag = flag_for(issue.next_due, today, calendar) if issue.status in OPEN_STATUSES else None
    return IssueView(
        issue=issue, flag=flag, overdue_days=overdue_days(issue.next_due, today, calendar) if flag else 0,
        deadlines=deadline_rows(issue, today, calendar), lead_department=depts.get(issue.lead_department_id),
        co_departments=[depts[d] for d in co_ids if d in depts], co_department_ids=list(co_ids),
        lead_leader=names.get(issue.lead_leader_id), created_by=names.get(issue.created_by_id),
        meeting=session.get(Meeting, issue.meeting_id) if issue.meeting_id else None,
        merged_into_code=merged_into.code if merged_into else None,
        merged=merged_issues(session, issue.id),
        events=events, user_names=names, department_names=depts,
        attachments=attachments_of(session, issue.id), can_attach=may_attach(issue.status, user), actions=actions,
        can_edit=access.may(user, Permission.ISSUE_EDIT) and issue.status in EDIT_STATES,
        pending_extension=pending,
        assign=_assign_options(session, issue, today, calendar) if "assign" in actions else None,
        reassign=_reassign_options(session) if "reassign" in actions else None,
        extensions=extensions,
        judgements=list(session.execute(select(DeadlineJudgement).where(DeadlineJudgement.issue_id == issue.id)
                                         .order_by(DeadlineJudgement.round_no, DeadlineJudgement.id)).scalars()),
        evaluations=evaluations, evaluation=evaluation,
        repeats=list(session.execute(select(IssueRepeat).where(IssueRepeat.issue_id == issue.id)
                                     .order_by(IssueRepeat.id)).scalars()),
        escalations=list(session.execute(select(Escalation).where(Escalation.issue_id == issue.id)
                                         .order_by(Escalation.id)).scalars()),
    )


def _assign_options(session: Session, issue: Issue, today: date, calendar: WorkCalendar) -> AssignOptions:
    deadlines = default_deadlines(policy_for(session, issue.type, issue.channel), today, calendar)
    return AssignOptions(**{**vars(_reassign_options(session)), "deadlines": deadlines,
                            "returned": returned_assignments(session, [issue.id]).get(issue.id)})


def assign_choices(session: Session) -> AssignOptions:
    """The departments, leaders and staff an assignment may name (no deadlines: the policy's)."""
    return _reassign_options(session)


def _reassign_options(session: Session) -> AssignOptions:
    departments = list(session.execute(select(Department).where(Department.active.is_(True))
                                       .order_by(Department.id)).scalars())
    leaders = list(session.execute(select(User).where(User.role == Role.LEADER, User.active.is_(True))
                                   .order_by(User.id)).scalars())
    staff: dict[int, list[User]] = {d.id: [] for d in departments}
    for user in session.execute(select(User).where(User.role == Role.DEPARTMENT, User.active.is_(True),
                                                   User.department_id.in_(list(staff)))
                                .order_by(User.department_id, User.id)).scalars():
        staff[user.department_id].append(user)
    return AssignOptions(departments, leaders, {}, staff)
