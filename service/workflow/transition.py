"""The closed loop's one enforcer: `transition()` checks the table, applies the step, writes the
event and queues the messages in one transaction."""
import secrets
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from sqlalchemy import delete, select
from sqlalchemy.orm.exc import StaleDataError
from sqlmodel import Session

from models import (
    DEADLINE_KEYS,
    DEADLINE_LABELS,
    JUDGED_DEADLINES,
    JUDGEMENT_FLAGS,
    OPEN_DEADLINES,
    SATISFACTION_LABELS,
    STATUS_LABELS,
    VERDICT_LABELS,
    Attachment,
    DeadlineJudgement,
    Department,
    Escalation,
    EscalationLevel,
    Evaluation,
    ExtensionRequest,
    ExtensionStatus,
    Issue,
    IssueCoDepartment,
    IssueEvent,
    IssueRepeat,
    IssueReport,
    PlanConsultation,
    RecheckMember,
    RecheckVerdict,
    RejectReason,
    Role,
    Satisfaction,
    Status,
    User,
    Verdict,
)
from models.workflow import ANY_DEPARTMENT, LEAD_DEPARTMENT, LEAD_LEADER, STEPS, Step
from service.core import idempotency, links
from service.core.errors import (
    Conflict,
    DomainError,
    Forbidden,
    Invalid,
    NotFound,
    StaleVersion,
    WrongState,
    require,
)
from service.core.phones import is_mobile, sms_refusal
from service.deadlines.calendar import LOCAL_TZ, WEEKDAYS, WorkCalendar, local_date
from service.deadlines.policies import policy_for
from service.deadlines.rules import default_deadlines, nearest_open_deadline
from service.notices import send as notice
from service.reminders.outbox import queue_sms
from service.reminders.robots import queue_robot_messages
from service.workflow.queries import current_escalation, current_evaluation, get_visible, stale_message

# A value that is none of a step's choices (a satisfaction, a reject reason …).
OFF_THE_LIST = "不是可选的取值"
# Body fields whose value is a word of a vocabulary, per step: checked here for every caller
# (the API's schemas check them too; the console's forms and the SMS ratings come only here).
CHOICES: dict[str, dict[str, frozenset[str]]] = {
    "answer_on_spot": {"satisfaction": frozenset(Satisfaction)},
    "visit": {"satisfaction": frozenset(Satisfaction)},
    "rate_outcome": {"satisfaction": frozenset(Satisfaction)},
    "reject": {"reason": frozenset(RejectReason)},
    "evaluate": {"verdict": frozenset(Verdict)},
    "escalate": {"level": frozenset(EscalationLevel)},
    "recheck": {"verdict": frozenset(RecheckVerdict)},
}


@dataclass(frozen=True)
class WorkflowOptions:
    """`calendar` computes deadlines; with `load_calendar` set, the calendar is read through it
    instead, and only by a step that computes a deadline."""

    calendar: WorkCalendar = WEEKDAYS
    track_url: str = "/track"
    public_base: str = ""                 # the public site's address, for links sent by SMS
    link_secret: str = "development"      # signs those links (the app's SECRET_KEY)
    load_calendar: Callable[[], WorkCalendar] | None = None


def track_link(track_url: str, code: str) -> str:
    """The tracking page with the code filled in: the reporter types only the phone digits."""
    return f"{track_url}{'&' if '?' in track_url else '?'}code={code}"


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
    # deadlines judged by this step, written once the event has its id
    judgements: list[DeadlineJudgement] = field(default_factory=list)
    # reports to the lead leader made by this step, written once the event has its id
    reports: list[IssueReport] = field(default_factory=list)
    # the evaluation recorded by this step (整改评估), written once the event has its id
    evaluation: Evaluation | None = None
    # the escalation opened by this step (提请上级), written once the event has its id
    escalation: Escalation | None = None
    # the console notices (站内通知) of this step, written once the event has its id
    notices: list[notice.Pending] = field(default_factory=list)
    # the department whose work-group robots post a message of this kind, where it is not the
    # lead department's ("department"): the old department told of a 改派
    robot_departments: dict[str, int] = field(default_factory=dict)
    # the 复查 sample member decided by this step, given the event's id once written
    recheck: RecheckMember | None = None
    _calendar: WorkCalendar | None = field(default=None, repr=False)

    @property
    def calendar(self) -> WorkCalendar:
        if self._calendar is None:
            load = self.options.load_calendar
            self._calendar = load() if load else self.options.calendar
        return self._calendar

    def notify(self, kind: str, text: str, *audiences: "notice.Audience | None") -> None:
        """Tell `audiences` in the console, in this step's transaction."""
        if any(a is not None for a in audiences):
            self.notices.append(notice.Pending(tuple(a for a in audiences if a is not None), kind, text))


def allowed_actions(session: Session, actor: User, issue: Issue) -> list[str]:
    """The actions `actor` may take on `issue` now, in table order."""
    return [s.action for s in STEPS.values()
            if issue.status in s.from_states and _permitted(session, s, actor, issue)
            and (s.action != "decide_extension" or extension_decider(issue) == actor.role)
            and (s.action != "recheck" or awaiting_recheck(session, issue.id))]


def awaiting_recheck(session: Session, issue_id: int) -> bool:
    """The issue is in a 复查 sample and waits for its verdict (the step is offered only then)."""
    return session.execute(select(RecheckMember.id).where(
        RecheckMember.issue_id == issue_id, RecheckMember.verdict.is_(None)).limit(1)).first() is not None


def extension_decider(issue: Issue) -> str:
    """Who decides the issue's next extension: the office the first, the lead leader (主抓县级
    领导) any further one."""
    return Role.LEADER if issue.extension_count >= 1 else Role.COORDINATOR


def role_may_take(actor: User, action: str) -> bool:
    """Whether `actor`'s role takes the step at all (on some issue, in some state)."""
    return actor.role in STEPS[action].roles


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
    steps into one transaction), or raises a DomainError having changed nothing: with `commit`,
    whatever the refused step had begun is rolled back here, so the caller reads the issue as
    it was.

    `event_data` is added to the step's event as it is written (events are never changed later).
    """
    try:
        return _take_step(session, actor, issue_id, action, body, now, options, commit=commit,
                          event_data=event_data)
    except DomainError:
        if commit:
            session.rollback()
        raise


def transition_once(session: Session, actor: User, issue_id: int, action: str, body: dict,
                    now: datetime, options: WorkflowOptions, *, key: str | None, fingerprint: str,
                    answer: Callable[[Issue], dict]) -> tuple[dict, bool]:
    """(answer, replayed): one workflow step sent with an optional retry-safe key
    (service.core.idempotency). The step and its answer, `answer(issue)` read in the step's own
    transaction, are committed together; a request already answered for this key gets the kept
    answer and takes no step."""
    def step() -> dict:
        return answer(_take_step(session, actor, issue_id, action, body, now, options, commit=False,
                                    event_data=None))
    return idempotency.once(session, actor, key, fingerprint, now, step)


def _take_step(session: Session, actor: User, issue_id: int, action: str, body: dict,
               now: datetime, options: WorkflowOptions, *, commit: bool, event_data: dict | None) -> Issue:
    step = STEPS.get(action)
    if step is None:
        raise NotFound(f"没有名为 {action} 的办理操作", code="unknown_action")
    try:
        issue = get_visible(session, actor, issue_id)
    except NotFound:
        _refuse_if_returned_by(session, actor, issue_id, step)
        raise
    if not _permitted(session, step, actor, issue):
        if actor.role in step.roles and actor.role == Role.DEPARTMENT and step.scope == LEAD_DEPARTMENT:
            raise Forbidden(f"只有主办单位可以{step.label}，协办单位请报送进展")
        if action == "decide_extension" and actor.role == Role.LEADER:
            raise Forbidden("只有该问题的主抓县级领导可以审批其再次延期")
        raise Forbidden(f"您的角色无权{step.label}")

    if body.get("version") is not None and body["version"] != issue.version:
        raise StaleVersion(stale_message(session, issue.id))
    if issue.status not in step.from_states:
        raise WrongState(f"问题当前为“{STATUS_LABELS[Status(issue.status)]}”，不能{step.label}")
    require({f: "必填" for f in _required(step, body) if body.get(f) in (None, "", [])})
    require({f: OFF_THE_LIST for f, words in CHOICES.get(action, {}).items()
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
    data = {**ctx.data, **(event_data or {})}
    if ctx.judgements:
        data["judged"] = {j.deadline: {"due": j.due and j.due.isoformat(), "on_time": j.on_time, "met": j.met}
                          for j in ctx.judgements}
        data["round"] = ctx.judgements[0].round_no
    event = IssueEvent(issue_id=issue.id, at=now, actor_id=actor.id, action=action,
                       from_status=from_status, to_status=issue.status, note=ctx.note, data=data)
    session.add(event)
    try:
        session.flush()
        for record in (*ctx.judgements, *ctx.reports):
            record.event_id = event.id
        session.add_all(ctx.judgements)
        session.add_all(ctx.reports)
        if ctx.evaluation is not None:
            ctx.evaluation.event_id = event.id
            session.add(ctx.evaluation)
        if ctx.escalation is not None:
            ctx.escalation.event_id = event.id
            session.add(ctx.escalation)
        if ctx.recheck is not None:
            ctx.recheck.event_id = event.id
            session.add(ctx.recheck)
        for pending in ctx.notices:
            notice.notify(session, pending.audiences, kind=pending.kind, text=pending.text,
                          key=f"event:{event.id}:{pending.kind}", now=now, issue_id=issue.id)
        for kind, phone, template, params in ctx.messages:
            queue_sms(session, dedupe_key=f"event:{event.id}:{kind}:{phone}", phone=phone,
                      kind=kind, template=template, params=params, issue_id=issue.id, now=now,
                      channel=issue.channel)
            if kind == "department" or kind in ctx.robot_departments:
                # and the department's work-group robots, mentioning the person
                queue_robot_messages(session, dedupe_key=f"event:{event.id}:{kind}",
                                     department_id=ctx.robot_departments.get(kind, issue.lead_department_id),
                                     template=template,
                                     params={**params, "issue_id": issue.id}, issue_id=issue.id, now=now,
                                     mention=phone)
        if commit:
            session.commit()
    except StaleDataError:
        session.rollback()
        raise StaleVersion(stale_message(session, issue_id)) from None
    return issue


# Filled from the handler's user record when the office picks one (交办, 改派).
FROM_HANDLER = ("responsible_person", "responsible_phone")


def _required(step: Step, body: dict) -> tuple[str, ...]:
    if body.get("handler_user_id") is not None:
        return tuple(f for f in step.required if f not in FROM_HANDLER)
    return step.required


def _refuse_if_returned_by(session: Session, actor: User, issue_id: int, step: Step) -> None:
    """A department that lost sight of the issue because it was just returned (退单, by a
    colleague a moment earlier, or by the same click sent twice) is told so, 409, rather than
    that the issue does not exist: the issue's latest assignment news is that return, naming
    the department as lead or co-handler. So is one the office reassigned the issue away from
    (改派)."""
    if actor.role != Role.DEPARTMENT or actor.department_id is None:
        return
    last = session.execute(
        select(IssueEvent.action, IssueEvent.data)
        .where(IssueEvent.issue_id == issue_id, IssueEvent.action.in_(("assign", "return", "reassign")))
        .order_by(IssueEvent.id.desc()).limit(1)).first()
    if last is None or last.action == "assign":
        return
    if last.action == "reassign":
        if actor.department_id in {last.data.get("from_department_id"), *last.data.get("from_co_department_ids", [])}:
            raise WrongState(f"该问题已由县营商办改派其他单位办理，不能再{step.label}")
        return
    departments = {last.data.get("department_id"), *last.data.get("co_department_ids", [])}
    if actor.department_id in departments:
        raise WrongState(f"该问题已退回县营商办重新交办，不能再{step.label}")


# --- lateness: judged once per round, never rewritten ---------------------------------------

def _judge(ctx: StepContext, key: str, *, met: bool = True) -> None:
    """Record the first judgement of deadline `key` in the issue's current round: on time when
    the step is taken by the due date (local), late after it; `met=False` records a deadline
    that passed unmet (always late). A deadline judged once in a round is never judged again."""
    issue = ctx.issue
    flag = JUDGEMENT_FLAGS.get(key)
    if flag and getattr(issue, flag) is not None:
        return
    if any(j.deadline == key for j in ctx.judgements):
        return
    due = getattr(issue, key)
    on_time = met and (due is None or ctx.today <= due)
    if flag:
        setattr(issue, flag, on_time)
    if key == "complete_due" and not on_time:
        issue.late_completions += 1
    ctx.judgements.append(DeadlineJudgement(
        issue_id=issue.id, round_no=issue.round_no, deadline=key, department_id=issue.lead_department_id,
        assigned_at=issue.assigned_at, due=due,
        original_due=issue.original_complete_due if key == "complete_due" else due,
        at=ctx.now, on_time=on_time, met=met))


def _record_missed(ctx: StepContext) -> None:
    """Before the clock stops or a deadline moves (挂账, 退单, 重新确定时限): every deadline of
    the issue's stage that has already passed unmet is recorded late, so no later step can
    make it look kept."""
    for key in OPEN_DEADLINES.get(ctx.issue.status, ()):
        due = getattr(ctx.issue, key)
        if key in JUDGED_DEADLINES and due is not None and due < ctx.today:
            _judge(ctx, key, met=False)


def _deadline_data(issue: Issue) -> dict[str, str | None]:
    return {k: getattr(issue, k) and getattr(issue, k).isoformat() for k in DEADLINE_KEYS}


# --- step handlers: each changes the issue and returns the new state (None: unchanged) -------

def _department(session: Session, dept_id: int, field_name: str) -> Department:
    dept = session.get(Department, dept_id)
    if dept is None or not dept.active:
        raise Invalid("所选部门不存在或已停用", {field_name: "部门不存在"})
    return dept


# No deadline is set further ahead than this (a mistyped year would otherwise be accepted).
LATEST_DEADLINE = timedelta(days=731)


def check_deadline_order(deadlines: dict[str, date | None], first_day: date, prefix: str = "deadlines.",
                         new: Iterable[str] = DEADLINE_KEYS) -> None:
    """Deadlines run in order 签收 ≤ 回复 ≤ 办结 ≤ 报告 ≤ 回访; those being set (`new`) fall
    neither before `first_day` (the day of the assignment or of the change) nor two years after
    it. Raises Invalid naming each field out of order."""
    errors = {}
    previous: tuple[str, date] | None = None
    for key in DEADLINE_KEYS:
        due = deadlines.get(key)
        if due is None:
            continue
        if key not in new:
            pass
        elif due < first_day:
            errors[prefix + key] = f"{DEADLINE_LABELS[key]}时限不能早于{first_day.isoformat()}"
        elif due > first_day + LATEST_DEADLINE:
            errors[prefix + key] = f"{DEADLINE_LABELS[key]}时限不能晚于{(first_day + LATEST_DEADLINE).isoformat()}"
        elif previous is not None and due < previous[1]:
            errors[prefix + key] = (f"{DEADLINE_LABELS[key]}时限不能早于{DEADLINE_LABELS[previous[0]]}时限"
                                    f"（{previous[1].isoformat()}）")
        previous = (key, due) if previous is None or due >= previous[1] else previous
    require(errors)


def _deadlines(ctx: StepContext, given: dict | None, keys=DEADLINE_KEYS) -> dict[str, date]:
    """Deadlines from the request where given, from the policy otherwise; in order, none before
    today (together with the issue's other deadlines, which stay)."""
    policy = policy_for(ctx.session, ctx.issue.type, ctx.issue.channel)
    given = {k: v for k, v in (given or {}).items() if v is not None and k in keys}
    check_deadline_order(given, ctx.today)  # what was typed, before anything is worked out from it
    result = {k: v for k, v in default_deadlines(policy, ctx.today, ctx.calendar, given).items() if k in keys}
    kept = {k: getattr(ctx.issue, k) for k in DEADLINE_KEYS if k not in keys}
    check_deadline_order({**kept, **result}, ctx.today, new=result)
    return result


def _named(issue: Issue) -> str:
    """An issue as a notice names it: its code and title."""
    return f"{issue.code}《{issue.title}》"


def _department_name(ctx: StepContext) -> str:
    dept = ctx.session.get(Department, ctx.issue.lead_department_id) if ctx.issue.lead_department_id else None
    return dept.name if dept else "承办单位"


RESPONSIBLE_PHONE_LABEL = "责任人电话"


def _staff_of(session: Session, user_id: int, dept: Department) -> User | None:
    """The department's active staff user `user_id`, or None."""
    user = session.get(User, user_id)
    if user is None or not user.active or user.role != Role.DEPARTMENT or user.department_id != dept.id:
        return None
    return user


def _responsible(ctx: StepContext, lead: Department) -> tuple[User | None, str, str]:
    """(handler, name, phone) of the lead department's 责任人: the picked user's name and mobile
    (the phone typed in the form when the user's record holds no mobile), or the name and phone
    typed in. The phone receives the assignment by SMS: a landline is refused, naming the field."""
    body = ctx.body
    handler = None
    if body.get("handler_user_id") is not None:
        handler = _staff_of(ctx.session, body["handler_user_id"], lead)
        if handler is None:
            require({"handler_user_id": f"责任人须是{lead.name}的在岗人员，请从该单位的人员中选择"})
        typed = (body.get("responsible_phone") or "").strip()
        person = handler.display_name
        phone = handler.phone if handler.phone and is_mobile(handler.phone) else typed
        if not phone:
            require({"responsible_phone": f"{person}的账号没有登记手机号，请填写责任人手机号"})
    else:
        person, phone = (body.get("responsible_person") or "").strip(), (body.get("responsible_phone") or "").strip()
    require({f: "必填" for f, v in (("responsible_person", person), ("responsible_phone", phone)) if not v})
    refusal = sms_refusal(phone, RESPONSIBLE_PHONE_LABEL)
    require({"responsible_phone": refusal} if refusal else {})
    return handler, person, phone


def _co_handlers(ctx: StepContext, co_depts: list[Department], given: list[int] | None,
                 kept: dict[int, int | None]) -> dict[int, int | None]:
    """Each co-handling department's handler (经办人): those named in `co_handler_ids`, each a
    staff user of one of the departments, at most one a department; without the field, those
    the departments had (`kept`)."""
    if given is None:
        return {d.id: kept.get(d.id) for d in co_depts}
    handlers: dict[int, int | None] = {d.id: None for d in co_depts}
    for user_id in dict.fromkeys(given):
        user = next((u for d in co_depts if (u := _staff_of(ctx.session, user_id, d)) is not None), None)
        if user is None:
            require({"co_handler_ids": "经办人须是所选协办单位的在岗人员"})
        if handlers[user.department_id] is not None:
            require({"co_handler_ids": "每个协办单位只能指定一名经办人"})
        handlers[user.department_id] = user.id
    return handlers


def _co_phone(session: Session, dept: Department, handler_id: int | None) -> str | None:
    """Where a co-handling department's notice goes: its handler's mobile when one is named,
    else the department's contact phone when it is a mobile; never to a landline (nothing then:
    the department sees the issue in its inbox)."""
    handler = session.get(User, handler_id) if handler_id is not None else None
    for phone in ((handler.phone if handler else None), dept.contact_phone):
        if phone and is_mobile(phone.strip()):
            return phone.strip()
    return None


def _set_co_departments(ctx: StepContext, handlers: dict[int, int | None]) -> None:
    s = ctx.session
    s.execute(delete(IssueCoDepartment).where(IssueCoDepartment.issue_id == ctx.issue.id))
    s.add_all(IssueCoDepartment(issue_id=ctx.issue.id, department_id=d, handler_user_id=h)
              for d, h in handlers.items())


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
    handler, person, phone = _responsible(ctx, lead)
    co_handlers = _co_handlers(ctx, co_depts, body.get("co_handler_ids") or [], {})
    deadlines = _deadlines(ctx, body.get("deadlines"))
    issue.lead_department_id, issue.lead_leader_id = lead.id, leader.id
    issue.responsible_person, issue.responsible_phone = person, phone
    issue.handler_user_id = handler.id if handler else None
    for key, value in deadlines.items():
        setattr(issue, key, value)
    issue.assigned_at = ctx.now
    # A new round: judged on its own; earlier rounds keep their judgements.
    issue.round_no += 1
    issue.accepted_on_time = issue.replied_on_time = issue.completed_on_time = issue.reported_on_time = None
    issue.answered_at = issue.reported_at = None
    issue.original_complete_due = issue.complete_due
    _set_co_departments(ctx, co_handlers)
    ctx.data = {"lead_department_id": lead.id, "co_department_ids": [d.id for d in co_depts],
                "lead_leader_id": leader.id, "handler_user_id": issue.handler_user_id,
                "co_handler_ids": [h for h in co_handlers.values() if h is not None],
                "deadlines": {k: v.isoformat() for k, v in deadlines.items()}}
    base = {"code": issue.code, "title": issue.title}
    ctx.messages.append(("department", issue.responsible_phone, "assigned_department",
                         {**base, "complete_due": issue.complete_due.isoformat(),
                          "accept_due": issue.accept_due.isoformat()}))
    for dept in co_depts:
        ctx.messages.append(("co_department", _co_phone(s, dept, co_handlers[dept.id]), "assigned_co_department",
                             {**base, "lead": lead.name}))
    ctx.notify("assigned", f"新交办：{_named(issue)}，请于 {issue.accept_due.isoformat()} 前签收、"
               f"{issue.complete_due.isoformat()} 前办结", notice.department(lead.id))
    if co_depts:
        ctx.notify("co_assigned", f"协办交办：{_named(issue)}，主办单位{lead.name}",
                   *(notice.department(d.id) for d in co_depts))
    ctx.messages.append(("reporter", issue.reporter_phone, "assigned_reporter",
                         {"code": issue.code, "track_url": track_link(ctx.options.track_url, issue.code)}))
    return Status.ASSIGNED


def _reassign(ctx: StepContext) -> str:
    """改派: the office moves the issue to another lead department. The old department's round
    ends as a 退单's does (whatever had already passed unmet is recorded late, against it), and
    the new department starts a new round at 已交办, with the deadlines kept unless new ones are
    given; a 限期签收 already past is renewed by the policy (the new department has yet to sign
    for it), any other kept deadline already past must be set anew."""
    s, issue, body = ctx.session, ctx.issue, ctx.body
    old_id, old_phone = issue.lead_department_id, issue.responsible_phone
    lead = _department(s, body["lead_department_id"], "lead_department_id")
    if lead.id == old_id:
        require({"lead_department_id": "改派须选择另一个主办单位"})
    old_handlers = dict(s.execute(select(IssueCoDepartment.department_id, IssueCoDepartment.handler_user_id)
                                  .where(IssueCoDepartment.issue_id == issue.id)).all())
    old_co = sorted(old_handlers)
    if body.get("co_department_ids") is None:
        co_ids = [d for d in old_co if d != lead.id]
    else:
        co_ids = list(dict.fromkeys(body["co_department_ids"]))
        if lead.id in co_ids:
            require({"co_department_ids": "协办单位不能与主办单位相同"})
    co_depts = [_department(s, d, "co_department_ids") for d in co_ids]
    leader_id = body.get("lead_leader_id") or issue.lead_leader_id
    if body.get("lead_leader_id") is not None:
        leader = s.get(User, body["lead_leader_id"])
        if leader is None or leader.role != Role.LEADER or not leader.active:
            require({"lead_leader_id": "请选择一位县级领导"})
    handler, person, phone = _responsible(ctx, lead)
    reason = body["reason"].strip()
    require({"reason": "必填"} if not reason else {})
    co_handlers = _co_handlers(ctx, co_depts, body.get("co_handler_ids"), old_handlers)
    given = {k: v for k, v in (body.get("deadlines") or {}).items() if v is not None}
    # Which deadlines this step sets: those given, a 限期签收 already past (from the policy), and
    # after a new 办结 the 报告 and 回访 the policy puts after it, unless given too.
    keys = [*given, *(("accept_due",) if issue.accept_due is None or issue.accept_due < ctx.today else ()),
            *(("report_due", "visit_due") if "complete_due" in given else ())]
    keys = tuple(dict.fromkeys(keys))
    require({f"deadlines.{k}": f"{DEADLINE_LABELS[k]}时限 {getattr(issue, k).isoformat()} 已过，改派时请重新确定"
             for k in DEADLINE_KEYS if k not in keys and getattr(issue, k) and getattr(issue, k) < ctx.today})
    deadlines = _deadlines(ctx, given, keys=keys)
    # The old department's round ends here: what had already passed stays missed, against it.
    _record_missed(ctx)
    issue.lead_department_id, issue.lead_leader_id = lead.id, leader_id
    issue.responsible_person, issue.responsible_phone = person, phone
    issue.handler_user_id = handler.id if handler else None
    for key, value in deadlines.items():
        setattr(issue, key, value)
    issue.assigned_at, issue.accepted_at = ctx.now, None
    issue.round_no += 1
    issue.accepted_on_time = issue.replied_on_time = issue.completed_on_time = issue.reported_on_time = None
    issue.answered_at = issue.reported_at = None
    issue.original_complete_due = issue.complete_due
    # What the old department had asked for or sent out is no longer waiting for an answer.
    if (pending := _pending_extension(ctx)) is not None:
        pending.status, pending.decided_by_id, pending.decided_at = ExtensionStatus.REFUSED, ctx.actor.id, ctx.now
        pending.decision_note = "问题已改派其他单位办理，延期申请不再审批"
        s.add(pending)
    for waiting in _consultations(ctx, "open"):
        waiting.outcome = "superseded"
        s.add(waiting)
    _set_co_departments(ctx, co_handlers)
    ctx.note = reason
    ctx.data = {"from_department_id": old_id, "from_co_department_ids": old_co,
                "lead_department_id": lead.id, "co_department_ids": [d.id for d in co_depts],
                "lead_leader_id": leader_id, "handler_user_id": issue.handler_user_id,
                "deadlines": _deadline_data(issue)}
    base = {"code": issue.code, "title": issue.title}
    if old_id is not None:
        ctx.robot_departments["old_department"] = old_id
        ctx.messages.append(("old_department", old_phone, "reassigned_away",
                             {**base, "lead": lead.name, "reason": ctx.note}))
    ctx.messages.append(("department", issue.responsible_phone, "assigned_department",
                         {**base, "complete_due": issue.complete_due.isoformat() if issue.complete_due else "",
                          "accept_due": issue.accept_due.isoformat() if issue.accept_due else ""}))
    for dept in co_depts:
        if dept.id not in old_co:
            ctx.messages.append(("co_department", _co_phone(s, dept, co_handlers[dept.id]), "assigned_co_department",
                                 {**base, "lead": lead.name}))
    ctx.notify("reassigned_away", f"改派：{_named(issue)}已由县营商办改派{lead.name}办理。改派理由：{reason}",
               notice.department(old_id))
    due = {k: getattr(issue, k).isoformat() if getattr(issue, k) else "未定" for k in ("accept_due", "complete_due")}
    ctx.notify("assigned", f"新交办（改派）：{_named(issue)}，请于 {due['accept_due']} 前签收、"
               f"{due['complete_due']} 前办结", notice.department(lead.id))
    if new_co := [d for d in co_depts if d.id not in old_co]:
        ctx.notify("co_assigned", f"协办交办：{_named(issue)}，主办单位{lead.name}",
                   *(notice.department(d.id) for d in new_co))
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
        # merged into an issue already answered: its reporter hears the outcome now, as the
        # reporters merged before the answer heard it then (`_reply`)
        if (target.status in OUTCOME_STANDS and target.replied_at is not None and issue.reporter_phone
                and issue.reporter_phone != target.reporter_phone):
            ctx.messages.append(("reporter", issue.reporter_phone, "merged_outcome",
                                 {"code": issue.code, "main": target.code}))
    issue.reject_reason = body["reason"]
    ctx.data["reason"] = body["reason"]
    return Status.REJECTED


def _accept(ctx: StepContext) -> str:
    ctx.issue.accepted_at = ctx.now
    _judge(ctx, "accept_due")
    return Status.IN_PROGRESS


def _return(ctx: StepContext) -> str:
    issue = ctx.issue
    ctx.note = ctx.body["reason"]
    co = ctx.session.execute(select(IssueCoDepartment.department_id)
                             .where(IssueCoDepartment.issue_id == issue.id)).scalars().all()
    ctx.data = {"department_id": issue.lead_department_id, "co_department_ids": sorted(co),
                "lead_leader_id": issue.lead_leader_id, "responsible_person": issue.responsible_person}
    ctx.notify("returned", f"{_department_name(ctx)}退单：{_named(issue)}。退单理由：{ctx.note.strip()}",
               notice.OFFICE)
    # A return is the department's answer to the assignment: it is judged against 限期签收 as an
    # acceptance would be, and whatever else had already passed stays missed.
    _judge(ctx, "accept_due")
    _record_missed(ctx)
    # Back to the office for reassignment: the department's part and the clock are cleared.
    issue.lead_department_id = issue.responsible_person = issue.responsible_phone = issue.handler_user_id = None
    for key in DEADLINE_KEYS:
        setattr(issue, key, None)
    ctx.session.execute(delete(IssueCoDepartment).where(IssueCoDepartment.issue_id == issue.id))
    return Status.COLLECTED


def _plan(ctx: StepContext) -> None:
    ctx.issue.plan = ctx.note = ctx.body["plan"]
    _consult(ctx)


CONSULT_LINK = "plan-opinion"  # the purpose the reporter's signed link is made for


def _consultations(ctx: StepContext, *outcomes: str) -> list[PlanConsultation]:
    stmt = select(PlanConsultation).where(PlanConsultation.issue_id == ctx.issue.id)
    if outcomes:
        stmt = stmt.where(PlanConsultation.outcome.in_(outcomes))
    return list(ctx.session.execute(stmt.order_by(PlanConsultation.id.desc())).scalars())


def _consult(ctx: StepContext) -> None:
    """征求意见: where the channel's policy says so, the reporter is sent the plan by a signed
    link to agree or object within the policy's working days. A revised plan replaces the one
    still waiting for an answer."""
    issue = ctx.issue
    for waiting in _consultations(ctx, "open"):
        waiting.outcome = "superseded"
        ctx.session.add(waiting)
    days = policy_for(ctx.session, issue.type, issue.channel).consult_days
    if not days or not is_mobile(issue.reporter_phone or ""):
        return
    due_on = ctx.calendar.add_working_days(ctx.today, days)
    nonce = secrets.token_urlsafe(12)
    ctx.session.add(PlanConsultation(
        issue_id=issue.id, nonce=nonce, plan=ctx.body["plan"], phone=issue.reporter_phone, sent_at=ctx.now,
        due_on=due_on, expires_at=datetime.combine(due_on + timedelta(days=1), time(0), tzinfo=LOCAL_TZ)))
    link = f"{ctx.options.public_base}/plan/{links.sign(ctx.options.link_secret, CONSULT_LINK, nonce)}"
    ctx.data = {"consult_due": due_on.isoformat()}
    ctx.messages.append(("reporter", issue.reporter_phone, "consult_reporter",
                         {"code": issue.code, "link": link, "due": due_on.isoformat()}))


def _plan_opinion(ctx: StepContext) -> None:
    issue, body = ctx.issue, ctx.body
    waiting = _consultations(ctx, "open")
    if not waiting:
        raise Conflict("该问题没有正在征求意见的办理方案", code="no_open_consultation")
    consultation = waiting[0]
    if ctx.now >= consultation.expires_at:
        raise Conflict(f"征求意见已于 {consultation.due_on.isoformat()} 截止", code="consultation_closed")
    reason = (body.get("reason") or "").strip()
    objected = body["opinion"] == "object"
    if objected and len(reason) < 2:
        require({"reason": "请写明您对办理方案的意见，承办单位将据此修改"})
    consultation.outcome = "objected" if objected else "agreed"
    consultation.reason, consultation.answered_at = reason or None, ctx.now
    consultation.via = body.get("via") or "link"
    ctx.session.add(consultation)
    ctx.note = reason if objected else (reason or "同意办理方案")
    ctx.data = {"opinion": body["opinion"], "via": consultation.via}
    if objected:
        params = {"code": issue.code, "reason": reason}
        ctx.messages.append(("department", issue.responsible_phone, "consult_objected", params))
        office = ctx.session.execute(select(User.phone).where(
            User.role == Role.COORDINATOR, User.active.is_(True), User.phone.is_not(None))).scalars()
        ctx.messages.extend(("office", phone, "consult_objected", params) for phone in dict.fromkeys(office))
        ctx.notify("plan_objected", f"反映人对{_named(issue)}的办理方案有意见：{reason}", notice.OFFICE)


def _proceed_plan(ctx: StepContext) -> None:
    """After the reporter objected, the office decides to go ahead with the plan as it is."""
    latest = _consultations(ctx)
    if not latest or latest[0].outcome != "objected" or latest[0].decided_at is not None:
        raise Conflict("没有待决定的方案异议：反映人有意见时，县营商办才需决定是否按原方案推进",
                       code="no_objection_pending")
    consultation = latest[0]
    consultation.decided_by_id, consultation.decided_at = ctx.actor.id, ctx.now
    consultation.decision = ctx.note = ctx.body["reason"].strip()
    if not consultation.decision:
        require({"reason": "必填"})
    ctx.session.add(consultation)


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
    if issue.complete_due and ctx.today > issue.complete_due:
        raise Conflict(f"办结时限 {issue.complete_due.isoformat()} 已过，不能再申请延期。如需新的办理时限，"
                       "请联系县营商办重新确定；该问题仍按超期计", code="deadline_passed")
    if issue.complete_due and wanted <= issue.complete_due:
        require({"complete_due": f"申请的办结时限须晚于现时限 {issue.complete_due.isoformat()}"})
    if wanted > ctx.today + LATEST_DEADLINE:
        require({"complete_due": f"申请的办结时限不能晚于 {(ctx.today + LATEST_DEADLINE).isoformat()}"})
    ctx.session.add(ExtensionRequest(issue_id=issue.id, requested_by_id=ctx.actor.id,
                                     requested_at=ctx.now, current_due=issue.complete_due,
                                     requested_due=wanted, reason=ctx.body["reason"]))
    ctx.note = ctx.body["reason"]
    ctx.data = {"from": issue.complete_due and issue.complete_due.isoformat(),
                "to": wanted.isoformat()}
    ctx.notify("extension_requested",
               f"{_department_name(ctx)}申请延期：{_named(issue)}，办结时限由 "
               f"{issue.complete_due.isoformat() if issue.complete_due else '未定'} 延至 {wanted.isoformat()}。"
               f"理由：{ctx.body['reason'].strip()}", notice.OFFICE)
    if extension_decider(issue) == Role.LEADER and issue.lead_leader_id:
        leader = ctx.session.get(User, issue.lead_leader_id)
        ctx.messages.append(("leader", leader.phone if leader else None, "extension_to_leader",
                             {"code": issue.code, "title": issue.title, "due": wanted.isoformat()}))


def _decide_extension(ctx: StepContext) -> None:
    issue, body = ctx.issue, ctx.body
    request = _pending_extension(ctx)
    if request is None:
        raise Conflict("没有待审批的延期申请", code="no_pending_extension")
    if extension_decider(issue) != ctx.actor.role:
        raise Forbidden("该问题已延期过一次，再次延期须由主抓县级领导审批" if issue.extension_count
                        else "首次延期由县营商办审批")
    approve = bool(body["approve"])
    if not approve and not (ctx.note or "").strip():
        require({"note": "不批准延期须写明理由，将告知承办单位"})
    new_due = body.get("complete_due") or request.requested_due
    if approve and new_due < ctx.today:
        require({"complete_due": "延期后的时限不能早于今天"})
    if approve and issue.reply_due and issue.reply_due != issue.complete_due and new_due < issue.reply_due:
        require({"complete_due": f"办结时限不能早于回复时限（{issue.reply_due.isoformat()}）"})
    request.status = ExtensionStatus.APPROVED if approve else ExtensionStatus.REFUSED
    request.decided_by_id, request.decided_at, request.decision_note = ctx.actor.id, ctx.now, ctx.note
    ctx.session.add(request)
    ctx.data = {"approve": approve, "request_id": request.id}
    if approve:
        # Asked before the deadline (request_extension refuses it after): the approved date is
        # the one on-time is judged by, the original stays beside it.
        old = issue.complete_due
        shift = ctx.calendar.working_days_between(old, new_due) if old else 0
        issue.complete_due = new_due
        for key in ("report_due", "visit_due"):
            if getattr(issue, key) and shift > 0:
                setattr(issue, key, ctx.calendar.add_working_days(getattr(issue, key), shift))
        if issue.reply_due and issue.reply_due == old:
            issue.reply_due = new_due
        issue.extension_count += 1
        ctx.data.update({"from": old and old.isoformat(), "to": new_due.isoformat(),
                         "deadlines": _deadline_data(issue)})
    ctx.messages.append(("department", issue.responsible_phone, "extension_decided",
                         {"code": issue.code, "decision": "已批准" if approve else "未获批准",
                          "complete_due": issue.complete_due.isoformat() if issue.complete_due else ""}))
    if approve:
        decided = f"已批准，办结时限改为 {issue.complete_due.isoformat()}"
    else:
        decided = f"未获批准。理由：{ctx.note.strip()}"
    ctx.notify("extension_decided", f"{_named(issue)}的延期申请{decided}",
               notice.department(issue.lead_department_id))
    if approve:
        ctx.messages.append(("reporter", issue.reporter_phone, "extended_reporter",
                             {"code": issue.code, "complete_due": issue.complete_due.isoformat()}))


def _set_deadline(ctx: StepContext) -> None:
    issue, given = ctx.issue, {k: v for k, v in (ctx.body.get("deadlines") or {}).items() if v is not None}
    if not given:
        require({"deadlines": "请填写要重新确定的时限"})
    _record_missed(ctx)
    # A new 办结 brings 报告 and 回访 after it as the policy says, unless they are given too.
    keys = tuple(dict.fromkeys((*given, *(("report_due", "visit_due") if "complete_due" in given else ()))))
    for key, value in _deadlines(ctx, given, keys=keys).items():
        setattr(issue, key, value)
    ctx.note = ctx.body["reason"]
    ctx.data = {"deadlines": _deadline_data(issue)}
    ctx.messages.append(("department", issue.responsible_phone, "deadline_set",
                         {"code": issue.code, "title": issue.title,
                          "complete_due": issue.complete_due.isoformat() if issue.complete_due else ""}))


def _urge(ctx: StepContext) -> None:
    issue = ctx.issue
    ctx.notify("urged", f"催办：{_named(issue)}。{(ctx.note or '').strip()}",
               notice.department(issue.lead_department_id))
    ctx.messages.append(("department", issue.responsible_phone, "urged",
                         {"code": issue.code, "title": issue.title, "note": ctx.note or ""}))


def _suspend(ctx: StepContext) -> str:
    review_on = ctx.body["review_on"]
    if review_on < ctx.today:
        require({"review_on": "复核日期不能早于今天"})
    # The clock stops here: what had already passed stays missed.
    _record_missed(ctx)
    ctx.issue.suspended_at, ctx.issue.review_on = ctx.now, review_on
    ctx.note = ctx.body["reason"]
    ctx.data = {"review_on": review_on.isoformat()}
    ctx.messages.append(("reporter", ctx.issue.reporter_phone, "suspended_reporter",
                         {"code": ctx.issue.code, "reason": ctx.note, "review_on": review_on.isoformat()}))
    return Status.SUSPENDED


def _resume(ctx: StepContext) -> str:
    issue = ctx.issue
    given = ctx.body.get("deadlines")
    if given:
        for key, value in _deadlines(ctx, given, keys=tuple(k for k, v in given.items() if v)).items():
            setattr(issue, key, value)
    elif issue.suspended_at is not None:
        # The clock stood still while suspended: move every deadline by the days lost.
        lost = ctx.calendar.working_days_between(local_date(issue.suspended_at), ctx.today)
        for key in DEADLINE_KEYS:
            if getattr(issue, key) and lost > 0:
                setattr(issue, key, ctx.calendar.add_working_days(getattr(issue, key), lost))
        ctx.data = {"working_days_suspended": lost}
    ctx.data["deadlines"] = _deadline_data(issue)
    issue.suspended_at = issue.review_on = None
    return Status.IN_PROGRESS


# --- 提请上级: the clock stops as for 挂账 and restarts as on 恢复办理 ---------------------------

def _text(ctx: StepContext, name: str) -> str:
    value = (ctx.body.get(name) or "").strip()
    if not value:
        require({name: "必填"})
    return value


def _escalate(ctx: StepContext) -> str:
    issue, body = ctx.issue, ctx.body
    if issue.status == Status.CLOSED:
        evaluation = current_evaluation(ctx.session, issue)
        if evaluation is None or evaluation.verdict != Verdict.UNRESOLVED:
            raise Conflict("只有整改评估为“未解决”的已办结问题可以提请上级，请先作整改评估",
                           code="not_unresolved")
        # No longer settled, as on 重办: the visit and the closing belong to the failed round.
        issue.satisfaction = issue.closed_at = None
    agency, reason = _text(ctx, "agency"), _text(ctx, "reason")
    sent_on, review_on = body["sent_on"], body["review_on"]
    if sent_on > ctx.today:
        require({"sent_on": "报送日期不能晚于今天"})
    if review_on < ctx.today:
        require({"review_on": "复核日期不能早于今天"})
    document_no = (body.get("document_no") or "").strip() or None
    # The clock stops here: what had already passed stays missed.
    _record_missed(ctx)
    issue.suspended_at, issue.review_on = ctx.now, review_on
    ctx.note = reason
    ctx.data = {"level": body["level"], "agency": agency, "document_no": document_no,
                "sent_on": sent_on.isoformat(), "review_on": review_on.isoformat(), "from": issue.status}
    ctx.escalation = Escalation(
        issue_id=issue.id, from_status=issue.status, level=body["level"], agency=agency,
        document_no=document_no, reason=reason, sent_on=sent_on, review_on=review_on,
        followups=[], by_id=ctx.actor.id, at=ctx.now)
    ctx.messages.append(("reporter", issue.reporter_phone, "escalated_reporter",
                         {"code": issue.code, "reason": reason, "review_on": review_on.isoformat()}))
    return Status.ESCALATED


def _escalation_in_force(ctx: StepContext) -> Escalation:
    escalation = current_escalation(ctx.session, ctx.issue.id)
    if escalation is None or escalation.answered_at is not None:
        raise Conflict("该问题没有待上级答复的提请记录", code="no_escalation")
    return escalation


def _escalation_day(ctx: StepContext, escalation: Escalation, key: str, label: str) -> date:
    """The day a follow-up or the answer came (`key`, today when not given): not in the future,
    not before the escalation was sent."""
    on = ctx.body.get(key) or ctx.today
    if on > ctx.today:
        require({key: f"{label}不能晚于今天"})
    if on < escalation.sent_on:
        require({key: f"{label}不能早于报送日期 {escalation.sent_on.isoformat()}"})
    return on


def _escalation_followup(ctx: StepContext) -> None:
    escalation = _escalation_in_force(ctx)
    note = _text(ctx, "note")
    on = _escalation_day(ctx, escalation, "followed_on", "跟进日期")
    review_on = ctx.body.get("review_on")
    if review_on is not None:
        if review_on < ctx.today:
            require({"review_on": "复核日期不能早于今天"})
        escalation.review_on = ctx.issue.review_on = review_on
    entry = {"on": on.isoformat(), "note": note, "review_on": review_on and review_on.isoformat()}
    escalation.followups = [*escalation.followups, entry]  # a new list: the JSON column is rewritten
    ctx.session.add(escalation)
    ctx.note = note
    ctx.data = {"escalation_id": escalation.id, "followed_on": entry["on"], "review_on": entry["review_on"]}


def _escalation_answer(ctx: StepContext) -> str:
    """The higher level's answer is recorded and the issue goes back to the lead department: from
    the work in hand as on 恢复办理 (every deadline moves by the working days spent waiting,
    unless new ones are given); from an evaluation found 未解决 in a new round, as on 重办."""
    issue, escalation = ctx.issue, _escalation_in_force(ctx)
    answer = _text(ctx, "answer")
    on = _escalation_day(ctx, escalation, "answered_on", "答复日期")
    escalation.answer, escalation.answered_on, escalation.answered_at = answer, on, ctx.now
    ctx.session.add(escalation)
    ctx.note = answer
    if escalation.from_status == Status.CLOSED:
        issue.suspended_at = issue.review_on = None
        if issue.lead_department_id is None:
            issue.answered_on_spot = False
            issue.reopen_count += 1
            to_status = Status.COLLECTED
        else:
            to_status = _reopen_round(ctx)
    else:
        to_status = _resume(ctx)
    ctx.data.update({"escalation_id": escalation.id, "answered_on": on.isoformat()})
    return to_status


def _instruct(ctx: StepContext) -> None:
    ctx.notify("instructed", f"{ctx.actor.display_name}批示：{_named(ctx.issue)}。{(ctx.note or '').strip()}",
               notice.department(ctx.issue.lead_department_id))


def _answer(ctx: StepContext) -> None:
    issue, answer = ctx.issue, ctx.body["answer"].strip()
    if not answer:
        require({"answer": "必填"})
    first = issue.answered_at is None
    issue.answered_at = issue.answered_at or ctx.now
    _judge(ctx, "reply_due")
    ctx.note = answer
    ctx.data = {"first": first}
    ctx.messages.append(("reporter", issue.reporter_phone, "answered_reporter",
                         {"code": issue.code, "answer": answer}))


def _report(ctx: StepContext) -> None:
    issue, text = ctx.issue, ctx.body["report"].strip()
    if not text:
        require({"report": "必填"})
    _judge(ctx, "report_due")
    issue.reported_at = ctx.now
    ctx.note = text
    ctx.data = {"leader_id": issue.lead_leader_id}
    ctx.notify("reported", f"{_department_name(ctx)}报送办理情况报告：{_named(issue)}。{text}",
               notice.user(issue.lead_leader_id))
    ctx.reports.append(IssueReport(issue_id=issue.id, leader_id=issue.lead_leader_id,
                                   department_id=issue.lead_department_id, author_id=ctx.actor.id,
                                   at=ctx.now, body=text))


def _reply(ctx: StepContext) -> str:
    issue = ctx.issue
    issue.result, issue.replied_at = ctx.body["result"], ctx.now
    issue.answered_at = issue.answered_at or ctx.now
    _judge(ctx, "reply_due")
    _judge(ctx, "complete_due")
    ctx.note = ctx.note or ctx.body["result"]
    ctx.messages.append(("reporter", issue.reporter_phone, "replied_reporter", {"code": issue.code}))
    # Those whose reports were merged into this one hear its outcome too.
    merged = ctx.session.execute(select(Issue.code, Issue.reporter_phone).where(
        Issue.merged_into_id == issue.id).order_by(Issue.id)).all()
    told = {issue.reporter_phone}
    for code, phone in merged:  # each number once, about its first merged issue
        if phone and phone not in told:
            told.add(phone)
            ctx.messages.append(("reporter", phone, "merged_outcome", {"code": code, "main": issue.code}))
    # And the callers linked to it as repeats (重复反映, service.matching.repeats).
    repeats = ctx.session.execute(select(IssueRepeat.reporter_phone).where(
        IssueRepeat.issue_id == issue.id, IssueRepeat.reporter_phone.is_not(None)).order_by(IssueRepeat.id)).scalars()
    for phone in repeats:
        if phone not in told:
            told.add(phone)
            ctx.messages.append(("reporter", phone, "repeat_outcome", {"code": issue.code}))
    return Status.REPLIED


# The main issue's outcome stands (a merged reporter may rate it) in these states; a 重办 takes
# it back until the next 办结答复.
OUTCOME_STANDS = frozenset({Status.REPLIED, Status.CLOSED, Status.PUBLISHED})


def _rate_outcome(ctx: StepContext) -> None:
    """A merged issue's reporter rates the main issue's 办结答复. The rating is theirs: it is kept
    on the merged issue's timeline and shown on the main issue (a line on its timeline too, so
    a 不满意 is in front of the office), and it is never the main issue's own satisfaction."""
    issue, sat = ctx.issue, ctx.body["satisfaction"]
    main = ctx.session.get(Issue, issue.merged_into_id) if issue.merged_into_id else None
    if main is None:
        raise WrongState("该问题未并入其他问题办理，无需评价办理结果")
    if main.status not in OUTCOME_STANDS or main.replied_at is None:
        raise WrongState(f"主问题{main.code}尚未办结答复，暂不能评价")
    label = SATISFACTION_LABELS[sat]
    ctx.note = ctx.note or f"反映人评价主问题{main.code}的办理结果：{label}"
    ctx.data = {"satisfaction": sat, "main": main.code, "main_round": main.round_no}
    ctx.session.add(IssueEvent(
        issue_id=main.id, at=ctx.now, actor_id=ctx.actor.id, action="merged_rating",
        from_status=main.status, to_status=main.status,
        note=f"并入本件的{issue.code}反映人评价：{label}",
        data={"satisfaction": sat, "merged": issue.code, "merged_id": issue.id, "round": main.round_no,
              **({"via": ctx.body["via"]} if ctx.body.get("via") else {})}))


# 不满意 goes back to the department with the reporter's reason: long enough to say something.
UNSATISFIED_NOTE_MIN = 4


def _visit(ctx: StepContext) -> str:
    issue, sat = ctx.issue, ctx.body["satisfaction"]
    if sat == Satisfaction.UNSATISFIED and len((ctx.note or "").strip()) < UNSATISFIED_NOTE_MIN:
        require({"note": f"不满意时请写明反映人不满意的原因（至少{UNSATISFIED_NOTE_MIN}个字），将转告承办单位重办"})
    if issue.lead_department_id is not None:
        _judge(ctx, "visit_due")
    issue.satisfaction = sat
    ctx.data = {"satisfaction": sat}
    if sat != Satisfaction.UNSATISFIED:
        return _close(ctx)
    if issue.lead_department_id is None:
        # Answered on the spot but not settled: the office now assigns it like any other.
        issue.answered_on_spot = False
        return Status.COLLECTED
    return _reopen_round(ctx)


def _reopen_round(ctx: StepContext) -> str:
    """重办: back to the lead department in a new round with new deadlines; the last round's
    judgements stay as they are and the reopening counts against the department."""
    issue = ctx.issue
    keys = ("reply_due", "complete_due", "report_due", "visit_due")
    deadlines = _deadlines(ctx, ctx.body.get("deadlines"), keys=keys)
    # The round ends here: a report owed and already past its deadline stays missed.
    if issue.report_due is not None and issue.report_due < ctx.today:
        _judge(ctx, "report_due", met=False)
    issue.reopen_count += 1
    issue.round_no += 1
    issue.replied_on_time = issue.completed_on_time = issue.reported_on_time = None
    issue.answered_at = issue.reported_at = None
    for key, value in deadlines.items():
        setattr(issue, key, value)
    issue.original_complete_due = issue.complete_due
    ctx.data.update({"department_id": issue.lead_department_id, "deadlines": _deadline_data(issue)})
    ctx.notify("reopened", f"重办：{_named(issue)}，办结时限 {issue.complete_due.isoformat()}。"
               f"重办原因：{ctx.note.strip()}", notice.department(issue.lead_department_id))
    ctx.messages.append(("department", issue.responsible_phone, "reopened",
                         {"code": issue.code, "title": issue.title, "note": ctx.note.strip(),
                          "complete_due": issue.complete_due.isoformat()}))
    return Status.IN_PROGRESS


def _attempts_this_round(ctx: StepContext) -> int:
    """Failed return-visit attempts since the issue's latest reply."""
    events = ctx.session.execute(select(IssueEvent.action).where(
        IssueEvent.issue_id == ctx.issue.id, IssueEvent.action.in_(("reply", "answer_on_spot", "unreached")))
        .order_by(IssueEvent.id)).scalars().all()
    count = 0
    for action in events:
        count = count + 1 if action == "unreached" else 0
    return count


def _unreached(ctx: StepContext) -> None:
    ctx.data = {"attempt": _attempts_this_round(ctx) + 1}


def _close_off(ctx: StepContext) -> str:
    issue = ctx.issue
    reason = ctx.body["reason"].strip()
    if not reason:
        require({"reason": "必填"})
    needed = policy_for(ctx.session, issue.type, issue.channel).visit_attempts
    attempts = _attempts_this_round(ctx)
    if attempts < needed:
        raise Conflict(f"销号前须回访反映人至少 {needed} 次未联系上（现 {attempts} 次）；联系上的请记录回访评价",
                       code="reporter_not_tried")
    if issue.lead_department_id is not None:
        _judge(ctx, "visit_due")
    ctx.note = reason
    ctx.data = {"attempts": attempts}
    return _close(ctx)


def _close(ctx: StepContext) -> str:
    """办结销号: the reporter hears that the issue is closed."""
    ctx.issue.closed_at = ctx.now
    ctx.messages.append(("reporter", ctx.issue.reporter_phone, "closed_reporter", {"code": ctx.issue.code}))
    return Status.CLOSED


def _request_rating(ctx: StepContext) -> None:
    """The office asks the reporter by hand to rate the reply (also one who answered TD)."""
    if not is_mobile(ctx.issue.reporter_phone or ""):
        raise Conflict("该问题没有反映人的手机号，不能发送评价短信，请电话回访", code="no_reporter_mobile")
    ctx.messages.append(("reporter", ctx.issue.reporter_phone, "rating_request", {"code": ctx.issue.code}))


# The ways out of an evaluation found 未解决 (the issue cannot be published as it stands):
# 重办, or 提请上级 when it is beyond the county's powers.
UNRESOLVED_WAYS = ("reopen", "escalate")


def _evaluate(ctx: StepContext) -> None:
    issue, body = ctx.issue, ctx.body
    evidence = (body.get("evidence") or "").strip()
    if not evidence:
        require({"evidence": "请写明评估依据"})
    ids = list(dict.fromkeys(body.get("attachment_ids") or []))
    if ids:
        found = set(ctx.session.execute(select(Attachment.id).where(
            Attachment.id.in_(ids), Attachment.issue_id == issue.id)).scalars())
        if missing := [i for i in ids if i not in found]:
            require({"attachment_ids": f"附件 {', '.join(map(str, missing))} 不是本问题的附件"})
    on = body.get("evaluated_on") or ctx.today
    if on > ctx.today:
        require({"evaluated_on": "评估日期不能晚于今天"})
    if issue.closed_at is not None and on < local_date(issue.closed_at):
        require({"evaluated_on": f"评估日期不能早于办结日期 {local_date(issue.closed_at).isoformat()}"})
    ctx.data = {"verdict": body["verdict"], "evaluated_on": on.isoformat(), "attachment_ids": ids}
    ctx.note = evidence
    ctx.evaluation = Evaluation(issue_id=issue.id, round_no=issue.round_no, verdict=body["verdict"],
                                evidence=evidence, attachment_ids=ids, evaluator_id=ctx.actor.id,
                                evaluated_on=on, at=ctx.now)


def _reopen(ctx: StepContext) -> str:
    issue = ctx.issue
    evaluation = current_evaluation(ctx.session, issue)
    if evaluation is None or evaluation.verdict != Verdict.UNRESOLVED:
        raise Conflict("只有整改评估为“未解决”的问题可以重办，请先作整改评估", code="not_unresolved")
    ctx.note = ctx.body["reason"]
    ctx.data = {"evaluation_id": evaluation.id}
    # No longer settled: the return visit's rating and the closing belong to the round that
    # failed; the new round is visited and closed again.
    issue.satisfaction = issue.closed_at = None
    if issue.lead_department_id is None:
        # Answered on the spot, never assigned: the office now assigns it like any other.
        issue.answered_on_spot = False
        issue.reopen_count += 1
        return Status.COLLECTED
    return _reopen_round(ctx)


# 不属实 goes back to the department with what the re-inspection found: long enough to say something.
RECHECK_NOTE_MIN = 4


def _recheck(ctx: StepContext) -> str | None:
    """复查: the verdict on an issue of a sample waiting for one. 属实 changes nothing but the
    sample; 不属实 reopens the issue as 重办 does (a new round, the department told) and is
    counted against the department leading it now."""
    issue, verdict = ctx.issue, ctx.body["verdict"]
    waiting = select(RecheckMember).where(RecheckMember.issue_id == issue.id, RecheckMember.verdict.is_(None))
    if ctx.body.get("member_id") is not None:  # a sample's page names its member
        waiting = waiting.where(RecheckMember.id == ctx.body["member_id"])
    member = ctx.session.execute(waiting.order_by(RecheckMember.id.desc()).limit(1)).scalars().first()
    if member is None:
        raise Conflict("该问题不在待复查的抽样中（或已复查），请先抽取该半月的复查样本", code="not_in_sample")
    note = (ctx.body.get("note") or "").strip()
    if verdict == RecheckVerdict.FALSE and len(note) < RECHECK_NOTE_MIN:
        require({"note": f"复查不属实时请写明核查情况（至少{RECHECK_NOTE_MIN}个字），将转告承办单位重办"})
    member.verdict, member.note = verdict, note or None
    member.decided_by_id, member.decided_at = ctx.actor.id, ctx.now
    ctx.recheck = member
    ctx.note = note or "复查属实"
    ctx.data = {"verdict": verdict, "sample_id": member.sample_id, "member_id": member.id}
    if verdict == RecheckVerdict.TRUE:
        return None
    member.department_id = issue.lead_department_id
    if issue.status == Status.PUBLISHED:
        # Off the public pages until it is settled, evaluated and published again.
        ctx.data["published_at"] = issue.published_at and issue.published_at.isoformat()
        issue.disclosure = "pending"
    issue.satisfaction = issue.closed_at = None
    if issue.lead_department_id is None:
        issue.answered_on_spot = False
        issue.reopen_count += 1
        return Status.COLLECTED
    return _reopen_round(ctx)


def _publish(ctx: StepContext) -> str:
    issue = ctx.issue
    evaluation = current_evaluation(ctx.session, issue)
    if evaluation is None:
        raise Conflict("公示前须先作整改评估（评估结论、评估依据），该问题尚未评估", code="evaluation_missing")
    if evaluation.verdict == Verdict.UNRESOLVED:
        raise Conflict(f"整改评估结论为“{VERDICT_LABELS[Verdict.UNRESOLVED]}”，不能公示，请重办",
                       code="evaluation_unresolved")
    ctx.data = {"evaluation_id": evaluation.id, "verdict": evaluation.verdict}
    issue.public_summary = ctx.body["public_summary"].strip()
    issue.public_title = (ctx.body.get("public_title") or "").strip() or None
    issue.disclosure, issue.published_at, issue.withhold_reason = "public", ctx.now, None
    return Status.PUBLISHED


def _withhold(ctx: StepContext) -> None:
    ctx.issue.disclosure, ctx.issue.withhold_reason = "withheld", ctx.body["reason"]
    ctx.note = ctx.body["reason"]


def _withdraw(ctx: StepContext) -> str:
    issue = ctx.issue
    ctx.note = ctx.body["reason"]
    ctx.data = {"published_at": issue.published_at and issue.published_at.isoformat()}
    issue.disclosure, issue.withhold_reason = "withheld", ctx.body["reason"]
    return Status.CLOSED


_HANDLERS: dict[str, Callable[[StepContext], str | None]] = {
    "assign": _assign, "answer_on_spot": _answer_on_spot, "reject": _reject, "accept": _accept,
    "return": _return, "plan": _plan, "plan_opinion": _plan_opinion, "proceed_plan": _proceed_plan,
    "progress": _progress,
    "request_extension": _request_extension, "decide_extension": _decide_extension,
    "set_deadline": _set_deadline, "reassign": _reassign, "urge": _urge, "suspend": _suspend, "resume": _resume,
    "escalate": _escalate, "escalation_followup": _escalation_followup,
    "escalation_answer": _escalation_answer,
    "instruct": _instruct, "answer": _answer, "reply": _reply, "report": _report, "visit": _visit,
    "unreached": _unreached, "close_off": _close_off, "request_rating": _request_rating,
    "rate_outcome": _rate_outcome,
    "evaluate": _evaluate, "reopen": _reopen, "recheck": _recheck, "publish": _publish, "withhold": _withhold,
    "withdraw": _withdraw,
}
assert set(_HANDLERS) == set(STEPS), "every step of the table has exactly one handler"
