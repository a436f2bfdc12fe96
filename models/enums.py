"""The vocabularies of the domain: roles, channels, states and the other closed sets."""
from enum import StrEnum


class Role(StrEnum):
    ADMIN = "admin"
    COORDINATOR = "coordinator"
    OPERATOR = "operator"
    SUPERVISOR = "supervisor"
    DEPARTMENT = "department"
    LEADER = "leader"


ROLE_LABELS = {
    Role.ADMIN: "系统管理员",
    Role.COORDINATOR: "县营商办",
    Role.OPERATOR: "话务员",
    Role.SUPERVISOR: "县委督查办",
    Role.DEPARTMENT: "承办部门",
    Role.LEADER: "县级领导",
}


class Channel(StrEnum):
    BREAKFAST = "breakfast"
    FORUM = "forum"
    EVENING_TEA = "evening_tea"
    HOTLINE = "hotline"
    MAILBOX = "mailbox"
    WINDOW = "window"
    SUPERVISOR = "supervisor"
    VISIT = "visit"
    ONLINE = "online"


CHANNEL_LABELS = {
    Channel.BREAKFAST: "服务企业早餐会",
    Channel.FORUM: "政企面对面恳谈会",
    Channel.EVENING_TEA: "“听您说”晚茶会",
    Channel.HOTLINE: "12345/营商环境热线",
    Channel.MAILBOX: "县委书记营商环境投诉举报信箱",
    Channel.WINDOW: "“办不成事”反映窗口",
    Channel.SUPERVISOR: "营商环境义务监督员",
    Channel.VISIT: "亲商助企日/包抓走访",
    Channel.ONLINE: "网上反映",
}


class MeetingKind(StrEnum):
    BREAKFAST = "breakfast"
    FORUM = "forum"
    EVENING_TEA = "evening_tea"
    OTHER = "other"


MEETING_KIND_LABELS = {
    MeetingKind.BREAKFAST: "服务企业早餐会",
    MeetingKind.FORUM: "政企面对面恳谈会",
    MeetingKind.EVENING_TEA: "“听您说”晚茶会",
    MeetingKind.OTHER: "其他会议",
}


class MeetingStatus(StrEnum):
    PLANNED = "planned"
    HELD = "held"
    CLOSED = "closed"


class IssueType(StrEnum):
    CONSULT = "consult"
    HELP = "help"
    COMPLAINT = "complaint"
    REPORT = "report"
    SUGGESTION = "suggestion"


ISSUE_TYPE_LABELS = {
    IssueType.CONSULT: "咨询",
    IssueType.HELP: "求助",
    IssueType.COMPLAINT: "投诉",
    IssueType.REPORT: "举报",
    IssueType.SUGGESTION: "建议",
}


class ReporterKind(StrEnum):
    ENTERPRISE = "enterprise"
    PERSON = "person"
    DEPUTY = "deputy"
    SUPERVISOR = "supervisor"


class Status(StrEnum):
    COLLECTED = "collected"
    ASSIGNED = "assigned"
    IN_PROGRESS = "in_progress"
    SUSPENDED = "suspended"
    ESCALATED = "escalated"  # 提请上级: waiting on the city, province or state
    REPLIED = "replied"
    CLOSED = "closed"
    PUBLISHED = "published"
    REJECTED = "rejected"


STATUS_LABELS = {
    Status.COLLECTED: "待交办",
    Status.ASSIGNED: "已交办",
    Status.IN_PROGRESS: "办理中",
    Status.SUSPENDED: "挂账",
    Status.ESCALATED: "提请中",
    Status.REPLIED: "已答复",
    Status.CLOSED: "已办结",
    Status.PUBLISHED: "已公示",
    Status.REJECTED: "不予受理",
}

# States whose clock runs: they are coloured and reminded.
OPEN_STATUSES = (Status.ASSIGNED, Status.IN_PROGRESS, Status.REPLIED)
# States whose clock stands still (挂账, 提请上级): never overdue, counted apart in every figure.
STOPPED_STATUSES = (Status.SUSPENDED, Status.ESCALATED)
# States in which the issue still needs someone's work (the clock may be stopped).
UNFINISHED_STATUSES = (
    Status.COLLECTED, Status.ASSIGNED, Status.IN_PROGRESS, Status.SUSPENDED, Status.ESCALATED, Status.REPLIED,
)


class Flag(StrEnum):
    GREEN = "green"
    YELLOW = "yellow"
    RED = "red"


class Satisfaction(StrEnum):
    SATISFIED = "satisfied"
    BASICALLY = "basically"
    UNSATISFIED = "unsatisfied"


SATISFACTION_LABELS = {
    Satisfaction.SATISFIED: "满意",
    Satisfaction.BASICALLY: "基本满意",
    Satisfaction.UNSATISFIED: "不满意",
}


class Disclosure(StrEnum):
    PENDING = "pending"
    PUBLIC = "public"
    WITHHELD = "withheld"


class Verdict(StrEnum):
    """整改评估's verdict on a closed issue."""

    RESOLVED = "resolved"
    PARTIAL = "partial"
    UNRESOLVED = "unresolved"
    NOT_FEASIBLE = "not_feasible"


VERDICT_LABELS = {
    Verdict.RESOLVED: "已解决",
    Verdict.PARTIAL: "部分解决",
    Verdict.UNRESOLVED: "未解决",
    Verdict.NOT_FEASIBLE: "暂不具备解决条件",
}


class EscalationLevel(StrEnum):
    """提请上级: the level an issue beyond the county's powers is raised to."""

    CITY = "city"
    PROVINCE = "province"
    STATE = "state"


ESCALATION_LEVEL_LABELS = {
    EscalationLevel.CITY: "市级",
    EscalationLevel.PROVINCE: "省级",
    EscalationLevel.STATE: "国家",
}


class RejectReason(StrEnum):
    DUPLICATE = "duplicate"
    MERGED = "merged"
    OUT_OF_SCOPE = "out_of_scope"
    OTHER = "other"


# The Chinese names the console, the public pages, the SMS, the ledger and the API show.
REPORTER_KIND_LABELS = {
    ReporterKind.ENTERPRISE: "企业",
    ReporterKind.PERSON: "群众",
    ReporterKind.DEPUTY: "人大代表、政协委员",
    ReporterKind.SUPERVISOR: "营商环境义务监督员",
}
SATISFACTION_LABELS = {
    Satisfaction.SATISFIED: "满意",
    Satisfaction.BASICALLY: "基本满意",
    Satisfaction.UNSATISFIED: "不满意",
}
REJECT_REASON_LABELS = {
    RejectReason.DUPLICATE: "重复反映",
    RejectReason.MERGED: "合并办理",
    RejectReason.OUT_OF_SCOPE: "不属于本县职权范围",
    RejectReason.OTHER: "其他",
}


class ExtensionStatus(StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    REFUSED = "refused"


class SmsStatus(StrEnum):
    PENDING = "pending"
    SENDING = "sending"
    SENT = "sent"
    DELIVERED = "delivered"
    FAILED = "failed"


DEADLINE_KEYS = ("accept_due", "reply_due", "complete_due", "report_due", "visit_due")
DEADLINE_LABELS = {"accept_due": "签收", "reply_due": "回复", "complete_due": "办结",
                   "report_due": "报告", "visit_due": "回访"}
# The deadlines whose keeping is judged (按时与否, docs/assessment.md): 签收 by accepting (or
# returning) the issue, 回复 by the first 答复 or 办结答复, 办结 by the 办结答复, 报告 by the
# 办理情况报告 to the lead leader, 回访 by the visit. A judgement is recorded once per round
# (models.DeadlineJudgement).
JUDGED_DEADLINES = ("accept_due", "reply_due", "complete_due", "report_due", "visit_due")
# The issue's columns holding the current round's judgement of the department's deadlines.
JUDGEMENT_FLAGS = {"accept_due": "accepted_on_time", "reply_due": "replied_on_time",
                   "complete_due": "completed_on_time", "report_due": "reported_on_time"}
# The deadlines still to be met in each state whose clock runs.
OPEN_DEADLINES = {
    Status.ASSIGNED: ("accept_due", "reply_due", "complete_due"),
    Status.IN_PROGRESS: ("reply_due", "complete_due", "report_due"),
    Status.REPLIED: ("visit_due",),
}


class EnterpriseScale(StrEnum):
    ABOVE = "above"  # 规模以上
    SME = "sme"
    INDIVIDUAL = "individual"


ENTERPRISE_SCALE_LABELS = {
    EnterpriseScale.ABOVE: "规上企业",
    EnterpriseScale.SME: "中小微企业",
    EnterpriseScale.INDIVIDUAL: "个体工商户",
}


class RecheckVerdict(StrEnum):
    """复查: the supervision office's finding on a closed issue it re-inspected."""

    TRUE = "true"      # 属实: the department's reply and the closing stand
    FALSE = "false"    # 不属实: the issue is reopened and counted against the department


RECHECK_VERDICT_LABELS = {RecheckVerdict.TRUE: "属实", RecheckVerdict.FALSE: "不属实"}


class RecheckReason(StrEnum):
    """Why an issue is in a 复查 sample."""

    REOPENED = "reopened"   # reopened at least once: always drawn
    LATE = "late"           # a deadline judged late: always drawn
    DRAWN = "drawn"         # drawn at random from the rest


RECHECK_REASON_LABELS = {RecheckReason.REOPENED: "曾重办", RecheckReason.LATE: "曾超期",
                         RecheckReason.DRAWN: "随机抽取"}


class AccountabilityKind(StrEnum):
    """问责: what the accountability decision was."""

    TALK = "talk"                # 约谈
    CRITICISM = "criticism"      # 通报批评
    REFERRAL = "referral"        # 移交纪检监察机关


ACCOUNTABILITY_KIND_LABELS = {AccountabilityKind.TALK: "约谈", AccountabilityKind.CRITICISM: "通报批评",
                              AccountabilityKind.REFERRAL: "移交纪检监察机关"}
