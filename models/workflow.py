"""The transition table of the closed loop.

Each row says which action may be taken from which states, by which roles, on which issues
(scope), with which required body fields, and where it leads. `service.workflow.transition`
is the only code that enforces it and the only code that writes `Issue.status`.
"""
from dataclasses import dataclass

from .enums import Role, Status

# Scope: which issues a role may act on, beyond seeing them.
ANY = "any"                        # every issue the actor can see
LEAD_DEPARTMENT = "lead_department"  # department users: only where their department leads
ANY_DEPARTMENT = "any_department"    # department users: lead or co-handling department
LEAD_LEADER = "lead_leader"          # leaders: only issues they lead

# Not a login role: the reporter rating by SMS reply, acting through a pseudo-user that sees
# only the issues reported from their phone (service.workflow.sms_ratings).
REPORTER = "reporter"


@dataclass(frozen=True)
class Step:
    action: str
    label: str
    from_states: frozenset[str]
    roles: frozenset[str]
    required: tuple[str, ...]
    to_states: tuple[str, ...]  # empty: the state does not change
    scope: str = ANY


def _s(*states: str) -> frozenset[str]:
    return frozenset(states)


C, A, P, S, R = Status.COLLECTED, Status.ASSIGNED, Status.IN_PROGRESS, Status.SUSPENDED, Status.REPLIED
E = Status.ESCALATED

STEPS: dict[str, Step] = {s.action: s for s in (
    Step("assign", "交办", _s(C), _s(Role.COORDINATOR),
         ("lead_department_id", "lead_leader_id", "responsible_person", "responsible_phone"), (A,)),
    Step("answer_on_spot", "现场答复", _s(C), _s(Role.OPERATOR, Role.COORDINATOR),
         ("answer",), (R, Status.CLOSED)),
    Step("reject", "不予受理", _s(C), _s(Role.COORDINATOR), ("reason",), (Status.REJECTED,)),
    Step("accept", "签收", _s(A), _s(Role.DEPARTMENT), (), (P,), LEAD_DEPARTMENT),
    Step("return", "退单", _s(A), _s(Role.DEPARTMENT), ("reason",), (C,), LEAD_DEPARTMENT),
    Step("plan", "制定办理方案", _s(P), _s(Role.DEPARTMENT), ("plan",), (), LEAD_DEPARTMENT),
    # 征求意见: the reporter agrees with the plan or objects (by the signed link or an SMS reply);
    # after an objection the department revises the plan (`plan` again) or the office decides
    # to go ahead with it.
    Step("plan_opinion", "反映人对方案的意见", _s(P), _s(REPORTER), ("opinion",), ()),
    Step("proceed_plan", "按原方案推进", _s(P), _s(Role.COORDINATOR), ("reason",), ()),
    Step("progress", "报送进展", _s(P), _s(Role.DEPARTMENT, Role.COORDINATOR), ("note",), (),
         ANY_DEPARTMENT),
    Step("request_extension", "申请延期", _s(P), _s(Role.DEPARTMENT), ("complete_due", "reason"), (),
         LEAD_DEPARTMENT),
    # The first extension of an issue is decided by the office, a further one by its lead
    # leader (service.workflow.transition.extension_decider).
    Step("decide_extension", "审批延期", _s(P), _s(Role.COORDINATOR, Role.LEADER), ("approve",), (), LEAD_LEADER),
    # 重新确定办理时限: the office sets new working dates, e.g. once a deadline has passed (a
    # deadline already missed stays missed in every figure).
    Step("set_deadline", "重新确定时限", _s(A, P), _s(Role.COORDINATOR), ("deadlines", "reason"), ()),
    # 改派: the office moves an assigned or in-progress issue to another lead department (a new
    # round for it, as after a 退单); the old department is told, the deadlines stay unless new
    # ones are set in the same step (service.workflow.transition._reassign).
    Step("reassign", "改派", _s(A, P), _s(Role.COORDINATOR),
         ("lead_department_id", "responsible_person", "responsible_phone", "reason"), (A,)),
    Step("urge", "催办", _s(A, P), _s(Role.SUPERVISOR, Role.COORDINATOR), ("note",), ()),
    Step("suspend", "挂账", _s(P), _s(Role.COORDINATOR), ("reason", "review_on"), (S,)),
    Step("resume", "恢复办理", _s(S), _s(Role.COORDINATOR), (), (P,)),
    # 提请上级: beyond the county's powers, raised to the city, province or state (from the work in
    # hand, or after an evaluation found the issue 未解决). The clock stops as for 挂账; follow-ups
    # (催询) keep it there; the higher level's answer takes it back to the lead department with
    # the clock restarting as on 恢复办理 (a new round, as 重办, when it came from 未解决).
    Step("escalate", "提请上级", _s(P, Status.CLOSED), _s(Role.COORDINATOR),
         ("level", "agency", "sent_on", "reason", "review_on"), (E,)),
    Step("escalation_followup", "提请跟进", _s(E), _s(Role.COORDINATOR), ("note",), ()),
    Step("escalation_answer", "上级答复", _s(E), _s(Role.COORDINATOR), ("answer",), (P, C)),
    Step("instruct", "领导批示", _s(C, A, P, S, E, R), _s(Role.LEADER), ("note",), (), LEAD_LEADER),
    # 答复: the first answer to the reporter, possibly interim (meets 限期回复); 办结答复: the
    # result (meets 限期办结, and 限期回复 when no 答复 came first); 办理情况报告 to the lead
    # leader (meets 限期报告), also after the reply.
    Step("answer", "答复", _s(P), _s(Role.DEPARTMENT), ("answer",), (), LEAD_DEPARTMENT),
    Step("reply", "办理答复", _s(P), _s(Role.DEPARTMENT), ("result",), (R,), LEAD_DEPARTMENT),
    Step("report", "办理情况报告", _s(P, R, Status.CLOSED, Status.PUBLISHED), _s(Role.DEPARTMENT), ("report",), (),
         LEAD_DEPARTMENT),
    # The lead leader's month-end visit (县长月末回访) takes it too (service.enterprises.visits).
    Step("visit", "回访", _s(R), _s(Role.COORDINATOR, Role.LEADER, REPORTER), ("satisfaction",),
         (Status.CLOSED, P, C), LEAD_LEADER),
    # 销号: the reporter confirms by the visit above (by phone or SMS rating); when they cannot
    # be reached, each failed attempt is recorded, and after the policy's attempts the office
    # closes the issue with a reason on record.
    Step("unreached", "回访未联系上", _s(R), _s(Role.COORDINATOR), ("note",), ()),
    # The office asks the reporter to rate by SMS, by hand (it reaches one who answered TD too).
    Step("request_rating", "发送评价短信", _s(R), _s(Role.COORDINATOR), (), ()),
    Step("close_off", "销号", _s(R), _s(Role.COORDINATOR), ("reason",), (Status.CLOSED,)),
    # The reporter of an issue merged into another (重复反映) rates the main issue's 办结答复 by SMS
    # reply; the rating stays on the merged issue (and a line on the main one's timeline) and
    # never becomes the main issue's satisfaction (docs/assessment.md).
    Step("rate_outcome", "评价并案办理结果", _s(Status.REJECTED), _s(REPORTER), ("satisfaction",), ()),
    # 整改评估: the office's verdict on a closed issue, required before it is published.
    Step("evaluate", "整改评估", _s(Status.CLOSED), _s(Role.COORDINATOR), ("verdict", "evidence"), ()),
    # 重办 after an evaluation found the issue 未解决: back to the lead department in a new
    # round (or to the office for assignment when there was none). 提请上级 is the other way
    # out of 未解决 (UNRESOLVED_WAYS in service.workflow.transition).
    Step("reopen", "重办", _s(Status.CLOSED), _s(Role.COORDINATOR), ("reason",), (P, C)),
    Step("publish", "公开公示", _s(Status.CLOSED), _s(Role.COORDINATOR), ("public_summary",),
         (Status.PUBLISHED,)),
    Step("withhold", "不予公开", _s(Status.CLOSED), _s(Role.COORDINATOR), ("reason",), ()),
    # 撤回公示: a published issue leaves the public pages, the reason on the timeline.
    Step("withdraw", "撤回公示", _s(Status.PUBLISHED), _s(Role.COORDINATOR), ("reason",), (Status.CLOSED,)),
)}
# The timeline's name for each kind of event (console and API): the steps and the other records.
EVENT_LABELS = {**{action: step.label for action, step in STEPS.items()},
                "create": "登记", "edit": "修改内容", "attach": "上传附件", "import": "台账导入",
                "leader_visit": "领导回访", "plan_no_objection": "征求意见期满无异议", "repeat": "重复反映",
                "merged_rating": "并入件反映人评价"}

# Who may edit an issue's descriptive fields is `models.permissions` (ISSUE_EDIT); in which states, here.
EDIT_STATES = frozenset({C, A, P, S, E, R})

# What the public may ever see: only published issues whose disclosure is public.
PUBLIC_STATUSES = frozenset({Status.PUBLISHED})
