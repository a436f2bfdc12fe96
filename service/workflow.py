"""The closed loop's one enforcer: `transition()` checks the table, applies the step, writes the
event and queues the messages in one transaction."""
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import delete, select
from sqlalchemy.orm.exc import StaleDataError
from sqlmodel import Session

from models import (
    DEADLINE_KEYS,
    STATUS_LABELS,
    Department,
    ExtensionRequest,
    ExtensionStatus,
    Issue,
    IssueCoDepartment,
    IssueEvent,
    RejectReason,
    Role,
    Satisfaction,
    Status,
    User,
)
from models.workflow import ANY_DEPARTMENT, LEAD_DEPARTMENT, LEAD_LEADER, STEPS, Step

from .calendar import WEEKDAYS, WorkCalendar, local_date
from .deadlines import default_deadlines, nearest_open_deadline
from .errors import Conflict, Forbidden, Invalid, NotFound, StaleVersion, WrongState, require
from .issues import get_visible
from .outbox import queue_sms
from .policy import policy_for

STALE_MESSAGE = "该问题刚被他人处理过，请刷新后再操作"
# Body fields whose value is a word of a vocabulary, per step: checked here for every caller
# (the API's schemas check them too; the console's forms and the SMS ratings come only here).
CHOICES: dict[str, dict[str, frozenset[str]]] = {
    "answer_on_spot": {"satisfaction": frozenset(Satisfaction)},
    "visit": {"satisfaction": frozenset(Satisfaction)},
    "reject": {"reason": frozenset(RejectReason)},
}


@dataclass(frozen=True)
class WorkflowOptions:
    """`calendar` computes deadlines; with `load_calendar` set, the calendar is read through it
    instead, and only by a step that computes a deadline."""

    calendar: WorkCalendar = WEEKDAYS
    track_url: str = "/track"
    load_calendar: Callable[[], WorkCalendar] | None = None


@dataclass
class StepContext:
    session: Session
    issue: Issue
    actor: User
    body: dict
    now: datetime
    today: date
    options: WorkflowOptions
    note: str | None = None
    data: dict = field(default_factory=dict)
    # (kind, phone, template, params) queued once the event has its id
    messages: list[tuple[str, str | None, str, dict]] = field(default_factory=list)
    _calendar: WorkCalendar | None = field(default=None, repr=False)

    @property
    def calendar(self) -> WorkCalendar:
        if self._calendar is None:
            load = self.options.load_calendar
            self._calendar = load() if load else self.options.calendar
        return self._calendar


def allowed_actions(session: Session, actor: User, issue: Issue) -> list[str]:
    """The actions `actor` may take on `issue` now, in table order."""
    return [s.action for s in STEPS.values()
            if issue.status in s.from_states and _permitted(session, s, actor, issue)]


def _permitted(session: Session, step: Step, actor: User, issue: Issue) -> bool:
    if actor.role not in step.roles:
        return False
    if actor.role == Role.DEPARTMENT:
        if issue.lead_department_id == actor.department_id and actor.department_id is not None:
            return True
        return step.scope == ANY_DEPARTMENT and _co_handles(session, issue.id, actor.department_id)
    if actor.role == Role.LEADER and step.scope == LEAD_LEADER:
        return issue.lead_leader_id == actor.id
    return True


def _co_handles(session: Session, issue_id: int, department_id: int | None) -> bool:
    return session.get(IssueCoDepartment, (issue_id, department_id)) is not None


def transition(session: Session, actor: User, issue_id: int, action: str, body: dict,
               now: datetime, options: WorkflowOptions = WorkflowOptions(), *,
               commit: bool = True, event_data: dict | None = None) -> Issue:
    """Take one workflow step. Commits (unless `commit=False`, for a caller that groups several
    steps into one transaction), or raises a DomainError having changed nothing.

    `event_data` is added to the step's event as it is written (events are never changed later).
    """
    step = STEPS.get(action)
    if step is None:
        raise NotFound(f"没有名为 {action} 的办理操作", code="unknown_action")
    issue = get_visible(session, actor, issue_id)
    if not _permitted(session, step, actor, issue):
        if actor.role in step.roles and actor.role == Role.DEPARTMENT and step.scope == LEAD_DEPARTMENT:
            raise Forbidden(f"只有主办单位可以{step.label}，协办单位请报送进展")
        raise Forbidden(f"您的角色无权{step.label}")
    if body.get("version") is not None and body["version"] != issue.version:
        raise StaleVersion(STALE_MESSAGE)
    if issue.status not in step.from_states:
        raise WrongState(f"问题当前为“{STATUS_LABELS[Status(issue.status)]}”，不能{step.label}")
    require({f: "必填" for f in step.required if body.get(f) in (None, "", [])})
    require({f: "不是可选的取值" for f, words in CHOICES.get(action, {}).items()
             if body.get(f) not in (None, "") and body[f] not in words})

    from_status = issue.status
    ctx = StepContext(session, issue, actor, body, now, local_date(now), options,
                      note=body.get("note"))
    with session.no_autoflush:  # one UPDATE per step, so `version` grows by exactly one
        to_status = _HANDLERS[action](ctx)
    if to_status is not None:
        issue.status = to_status
    issue.updated_at = now
    issue.next_due = nearest_open_deadline(issue)
    session.add(issue)
    event = IssueEvent(issue_id=issue.id, at=now, actor_id=actor.id, action=action,
                       from_status=from_status, to_status=issue.status, note=ctx.note,
                       data={**ctx.data, **(event_data or {})})
    session.add(event)
    try:
        session.flush()
        for kind, phone, template, params in ctx.messages:
            queue_sms(session, dedupe_key=f"event:{event.id}:{kind}:{phone}", phone=phone,
                      kind=kind, template=template, params=params, issue_id=issue.id, now=now)
        if commit:
            session.commit()
    except StaleDataError:
        session.rollback()
        raise StaleVersion(STALE_MESSAGE) from None
    return issue


# --- step handlers: each changes the issue and returns the new state (None: unchanged) -------

def _department(session: Session, dept_id: int, field_name: str) -> Department:
    dept = session.get(Department, dept_id)
    if dept is None or not dept.active:
        raise Invalid("所选部门不存在或已停用", {field_name: "部门不存在"})
    return dept


def _deadlines(ctx: StepContext, given: dict | None, keys=DEADLINE_KEYS) -> dict[str, date]:
    """Deadlines from the request where given, from the policy otherwise; none in the past."""
    policy = policy_for(ctx.session, ctx.issue.type, ctx.issue.channel)
    result = default_deadlines(policy, ctx.today, ctx.calendar)
    result = {k: v for k, v in result.items() if k in keys}
    result.update({k: v for k, v in (given or {}).items() if v is not None and k in keys})
    require({f"deadlines.{k}": "时限不能早于今天" for k, v in result.items() if v < ctx.today})
    if "accept_due" in result and result["accept_due"] > result["complete_due"]:
        require({"deadlines.accept_due": "签收时限不能晚于办结时限"})
    return result


def _assign(ctx: StepContext) -> str:
    s, issue, body = ctx.session, ctx.issue, ctx.body
    lead = _department(s, body["lead_department_id"], "lead_department_id")
    co_ids = list(dict.fromkeys(body.get("co_department_ids") or []))
    if lead.id in co_ids:
        require({"co_department_ids": "协办单位不能与主办单位相同"})
    co_depts = [_department(s, d, "co_department_ids") for d in co_ids]
    leader = s.get(User, body["lead_leader_id"])
    if leader is None or leader.role != Role.LEADER or not leader.active:
        require({"lead_leader_id": "请选择一位县级领导"})
    deadlines = _deadlines(ctx, body.get("deadlines"))
    issue.lead_department_id, issue.lead_leader_id = lead.id, leader.id
    issue.responsible_person = body["responsible_person"].strip()
    issue.responsible_phone = body["responsible_phone"].strip()
    for key, value in deadlines.items():
        setattr(issue, key, value)
    issue.assigned_at = ctx.now
    s.execute(delete(IssueCoDepartment).where(IssueCoDepartment.issue_id == issue.id))
    s.add_all(IssueCoDepartment(issue_id=issue.id, department_id=d.id) for d in co_depts)
    ctx.data = {"lead_department_id": lead.id, "co_department_ids": [d.id for d in co_depts],
                "lead_leader_id": leader.id,
                "deadlines": {k: v.isoformat() for k, v in deadlines.items()}}
    base = {"code": issue.code, "title": issue.title}
    ctx.messages.append(("department", issue.responsible_phone, "assigned_department",
                         {**base, "complete_due": issue.complete_due.isoformat(),
                          "accept_due": issue.accept_due.isoformat()}))
    for dept in co_depts:
        ctx.messages.append(("co_department", dept.contact_phone, "assigned_co_department",
                             {**base, "lead": lead.name}))
    ctx.messages.append(("reporter", issue.reporter_phone, "assigned_reporter",
                         {"code": issue.code, "track_url": ctx.options.track_url}))
    return Status.ASSIGNED


def _answer_on_spot(ctx: StepContext) -> str:
    issue, sat = ctx.issue, ctx.body.get("satisfaction")
    if sat == Satisfaction.UNSATISFIED:
        require({"satisfaction": "当场不满意的问题请交办部门办理，不作现场答复"})
    issue.result, issue.answered_on_spot, issue.replied_at = ctx.body["answer"], True, ctx.now
    issue.completed_on_time = True
    ctx.note = ctx.note or ctx.body["answer"]
    if sat:
        issue.satisfaction, issue.closed_at = sat, ctx.now
        ctx.data = {"satisfaction": sat}
        return Status.CLOSED
    issue.visit_due = ctx.calendar.add_working_days(ctx.today, 5)
    ctx.messages.append(("reporter", issue.reporter_phone, "replied_reporter", {"code": issue.code}))
    return Status.REPLIED


def _reject(ctx: StepContext) -> str:
    issue, body = ctx.issue, ctx.body
    merged_into = body.get("merged_into")
    if body["reason"] in ("duplicate", "merged") and merged_into is None:
        require({"merged_into": "重复或合并办理的问题须注明并入哪一件"})
    if merged_into is not None:
        target = ctx.session.get(Issue, merged_into)
        if target is None or target.id == issue.id:
            require({"merged_into": "并入的问题不存在"})
        issue.merged_into_id = target.id
        ctx.data["merged_into"] = target.code
    issue.reject_reason = body["reason"]
    ctx.data["reason"] = body["reason"]
    return Status.REJECTED


def _accept(ctx: StepContext) -> str:
    ctx.issue.accepted_at = ctx.now
    ctx.issue.accepted_on_time = ctx.issue.accept_due is None or ctx.today <= ctx.issue.accept_due
    return Status.IN_PROGRESS


def _return(ctx: StepContext) -> str:
    issue = ctx.issue
    ctx.note = ctx.body["reason"]
    ctx.data = {"department_id": issue.lead_department_id}
    # Back to the office for reassignment: the department's part and the clock are cleared.
    issue.lead_department_id = issue.responsible_person = issue.responsible_phone = None
    for key in DEADLINE_KEYS:
        setattr(issue, key, None)
    ctx.session.execute(delete(IssueCoDepartment).where(IssueCoDepartment.issue_id == issue.id))
    return Status.COLLECTED


def _plan(ctx: StepContext) -> None:
    ctx.issue.plan = ctx.note = ctx.body["plan"]


def _progress(ctx: StepContext) -> None:
    if ctx.actor.department_id:
        ctx.data = {"department_id": ctx.actor.department_id}


def _pending_extension(ctx: StepContext) -> ExtensionRequest | None:
    return ctx.session.execute(select(ExtensionRequest).where(
        ExtensionRequest.issue_id == ctx.issue.id, ExtensionRequest.status == ExtensionStatus.PENDING,
    )).scalars().first()


def _request_extension(ctx: StepContext) -> None:
    issue, wanted = ctx.issue, ctx.body["complete_due"]
    if _pending_extension(ctx) is not None:
        raise Conflict("已有一份延期申请待审批", code="extension_pending")
    if issue.complete_due and wanted <= issue.complete_due:
        require({"complete_due": f"申请的办结时限须晚于现时限 {issue.complete_due.isoformat()}"})
    ctx.session.add(ExtensionRequest(issue_id=issue.id, requested_by_id=ctx.actor.id,
                                     requested_at=ctx.now, current_due=issue.complete_due,
                                     requested_due=wanted, reason=ctx.body["reason"]))
    ctx.note = ctx.body["reason"]
    ctx.data = {"from": issue.complete_due and issue.complete_due.isoformat(),
                "to": wanted.isoformat()}


def _decide_extension(ctx: StepContext) -> None:
    issue, body = ctx.issue, ctx.body
    request = _pending_extension(ctx)
    if request is None:
        raise Conflict("没有待审批的延期申请", code="no_pending_extension")
    approve = bool(body["approve"])
    new_due = body.get("complete_due") or request.requested_due
    if approve and new_due < ctx.today:
        require({"complete_due": "延期后的时限不能早于今天"})
    request.status = ExtensionStatus.APPROVED if approve else ExtensionStatus.REFUSED
    request.decided_by_id, request.decided_at, request.decision_note = ctx.actor.id, ctx.now, ctx.note
    ctx.session.add(request)
    ctx.data = {"approve": approve, "request_id": request.id}
    if approve:
        old = issue.complete_due
        shift = ctx.calendar.working_days_between(old, new_due) if old else 0
        issue.complete_due = new_due
        for key in ("report_due", "visit_due"):
            if getattr(issue, key) and shift > 0:
                setattr(issue, key, ctx.calendar.add_working_days(getattr(issue, key), shift))
        if issue.reply_due and issue.reply_due == old:
            issue.reply_due = new_due
        issue.extension_count += 1
        ctx.data.update({"from": old and old.isoformat(), "to": new_due.isoformat()})
    ctx.messages.append(("department", issue.responsible_phone, "extension_decided",
                         {"code": issue.code, "decision": "已批准" if approve else "未获批准",
                          "complete_due": issue.complete_due.isoformat() if issue.complete_due else ""}))


def _urge(ctx: StepContext) -> None:
    issue = ctx.issue
    ctx.messages.append(("department", issue.responsible_phone, "urged",
                         {"code": issue.code, "title": issue.title, "note": ctx.note or ""}))


def _suspend(ctx: StepContext) -> str:
    review_on = ctx.body["review_on"]
    if review_on < ctx.today:
        require({"review_on": "复核日期不能早于今天"})
    ctx.issue.suspended_at, ctx.issue.review_on = ctx.now, review_on
    ctx.note = ctx.body["reason"]
    ctx.data = {"review_on": review_on.isoformat()}
    return Status.SUSPENDED


def _resume(ctx: StepContext) -> str:
    issue = ctx.issue
    given = ctx.body.get("deadlines")
    if given:
        for key, value in _deadlines(ctx, given, keys=tuple(given)).items():
            setattr(issue, key, value)
    elif issue.suspended_at is not None:
        # The clock stood still while suspended: move every deadline by the days lost.
        lost = ctx.calendar.working_days_between(local_date(issue.suspended_at), ctx.today)
        for key in DEADLINE_KEYS:
            if getattr(issue, key) and lost > 0:
                setattr(issue, key, ctx.calendar.add_working_days(getattr(issue, key), lost))
        ctx.data = {"working_days_suspended": lost}
    issue.suspended_at = issue.review_on = None
    return Status.IN_PROGRESS


def _instruct(ctx: StepContext) -> None:
    return None


def _reply(ctx: StepContext) -> str:
    issue = ctx.issue
    issue.result, issue.replied_at = ctx.body["result"], ctx.now
    issue.completed_on_time = issue.complete_due is None or ctx.today <= issue.complete_due
    ctx.note = ctx.note or ctx.body["result"]
    ctx.messages.append(("reporter", issue.reporter_phone, "replied_reporter", {"code": issue.code}))
    return Status.REPLIED


def _visit(ctx: StepContext) -> str:
    issue, sat = ctx.issue, ctx.body["satisfaction"]
    issue.satisfaction = sat
    ctx.data = {"satisfaction": sat}
    if sat != Satisfaction.UNSATISFIED:
        issue.closed_at = ctx.now
        return Status.CLOSED
    issue.reopen_count += 1
    issue.completed_on_time = None  # 重办: judged again at the next reply
    if issue.lead_department_id is None:
        # Answered on the spot but not settled: the office now assigns it like any other.
        issue.answered_on_spot = False
        return Status.COLLECTED
    keys = ("reply_due", "complete_due", "report_due", "visit_due")
    for key, value in _deadlines(ctx, ctx.body.get("deadlines"), keys=keys).items():
        setattr(issue, key, value)
    return Status.IN_PROGRESS


def _publish(ctx: StepContext) -> str:
    issue = ctx.issue
    issue.public_summary = ctx.body["public_summary"].strip()
    issue.public_title = (ctx.body.get("public_title") or "").strip() or None
    issue.disclosure, issue.published_at, issue.withhold_reason = "public", ctx.now, None
    return Status.PUBLISHED


def _withhold(ctx: StepContext) -> None:
    ctx.issue.disclosure, ctx.issue.withhold_reason = "withheld", ctx.body["reason"]
    ctx.note = ctx.body["reason"]


_HANDLERS: dict[str, Callable[[StepContext], str | None]] = {
    "assign": _assign, "answer_on_spot": _answer_on_spot, "reject": _reject, "accept": _accept,
    "return": _return, "plan": _plan, "progress": _progress,
    "request_extension": _request_extension, "decide_extension": _decide_extension,
    "urge": _urge, "suspend": _suspend, "resume": _resume, "instruct": _instruct,
    "reply": _reply, "visit": _visit, "publish": _publish, "withhold": _withhold,
}
assert set(_HANDLERS) == set(STEPS), "every step of the table has exactly one handler"
