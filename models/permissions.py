"""The permission table: every capability the service offers besides the workflow's actions, and
the roles that hold it.

The actions on an issue (交办, 签收, 回访, …) and who takes them are the workflow table in
`models.workflow`; everything else a role may or may not do is here, in one place.
`service.identity.permissions.require` enforces it, `may` asks it, and the console's menu is
built from it, so that what the menu offers and what the server allows cannot drift apart.
"""
from dataclasses import dataclass
from enum import StrEnum

from .enums import Role


class Permission(StrEnum):
    ISSUE_LIST = "issue_list"
    ISSUE_SEE_ALL = "issue_see_all"
    ISSUE_CREATE = "issue_create"
    ISSUE_EDIT = "issue_edit"
    MEETING_READ = "meeting_read"
    MEETING_ATTENDEES = "meeting_attendees"
    MEETING_MANAGE = "meeting_manage"
    DEPARTMENT_WORK = "department_work"
    BOARD = "board"
    OFFICE_QUEUES = "office_queues"
    OUTBOX_READ = "outbox_read"
    OUTBOX_RESEND = "outbox_resend"
    EVALUATION_EVIDENCE = "evaluation_evidence"
    DISCLOSURE_BATCHES = "disclosure_batches"
    SUBMISSION_PHOTOS = "submission_photos"
    ROBOTS_MANAGE = "robots_manage"
    BULLETIN_READ = "bulletin_read"
    DASHBOARD = "dashboard"
    OWN_REPORT_CARD = "own_report_card"
    LEDGER_EXPORT = "ledger_export"
    LEDGER_EXPORT_UNMASKED = "ledger_export_unmasked"
    LEDGER_IMPORT = "ledger_import"
    CALENDAR_READ = "calendar_read"
    CALENDAR_EDIT = "calendar_edit"
    POLICIES_READ = "policies_read"
    POLICIES_EDIT = "policies_edit"
    DIRECTORY_MANAGE = "directory_manage"
    CATEGORIES_MANAGE = "categories_manage"
    SMS_TEXTS_MANAGE = "sms_texts_manage"
    ENTERPRISE_READ = "enterprise_read"
    ENTERPRISE_WRITE = "enterprise_write"
    ENTERPRISE_MANAGE = "enterprise_manage"
    TOWNSHIPS_MANAGE = "townships_manage"
    LEADER_HOME = "leader_home"
    LEADER_PAGES = "leader_pages"
    VISIT_ON_BEHALF = "visit_on_behalf"
    LEADER_REPORTS = "leader_reports"
    ISSUE_CLASSES = "issue_classes"
    CONTEST_READ = "contest_read"
    CONTEST_RUN = "contest_run"
    CONTEST_PRAISE = "contest_praise"
    CONTEST_RULES = "contest_rules"
    RECHECK_READ = "recheck_read"
    RECHECK_DRAW = "recheck_draw"
    ACCOUNTABILITY_READ = "accountability_read"
    ACCOUNTABILITY_WRITE = "accountability_write"
    RATING_READ = "rating_read"
    RATING_RUN = "rating_run"


@dataclass(frozen=True)
class Grant:
    meaning: str             # what the permission allows, in the console's words
    roles: frozenset[str]    # who holds it
    refusal: str             # the message a refused request answers with


def _r(*roles: str) -> frozenset[str]:
    return frozenset(roles)


ADMIN, COORDINATOR, OPERATOR = Role.ADMIN, Role.COORDINATOR, Role.OPERATOR
SUPERVISOR, DEPARTMENT, LEADER = Role.SUPERVISOR, Role.DEPARTMENT, Role.LEADER

P = Permission
PERMISSIONS: dict[Permission, Grant] = {
    # Everyone lists issues; which ones is `service.workflow.visibility`.
    P.ISSUE_LIST: Grant("查看问题列表", _r(*Role), "您的角色无权查看问题"),
    # Department users and leaders see only their own issues; these roles see every one.
    P.ISSUE_SEE_ALL: Grant("查看全部问题", _r(ADMIN, COORDINATOR, OPERATOR, SUPERVISOR), "您的角色无权查看全部问题"),
    P.ISSUE_CREATE: Grant("登记问题", _r(OPERATOR, COORDINATOR, SUPERVISOR), "您的角色不能登记问题"),
    P.ISSUE_EDIT: Grant("修改问题内容", _r(OPERATOR, COORDINATOR), "您的角色不能修改问题内容"),
    # Those who register issues at a meeting and pick it from the list, and the office read
    # meetings. Department users, leaders and administrators do not: they meet a meeting only
    # as the title on an issue they may see.
    P.MEETING_READ: Grant("查看会议", _r(OPERATOR, COORDINATOR, SUPERVISOR), "您的角色无权查看会议"),
    # The attendee list: the meeting desk and the printed 交办单.
    P.MEETING_ATTENDEES: Grant("查看参会人员", _r(COORDINATOR, SUPERVISOR), "您的角色无权查看参会人员"),
    P.MEETING_MANAGE: Grant("安排会议和会议交办", _r(COORDINATOR), "只有县营商办可以安排会议和会议交办"),
    P.DEPARTMENT_WORK: Grant("承办本单位的问题", _r(DEPARTMENT), "承办页面只对承办部门开放"),
    P.BOARD: Grant("督办台", _r(SUPERVISOR, COORDINATOR), "只有县委督查办和县营商办可以查看督办台"),
    P.OFFICE_QUEUES: Grant("延期审批、回访和公开公示", _r(COORDINATOR), "只有县营商办处理延期审批、回访和公开公示"),
    P.OUTBOX_READ: Grant("查看短信发送记录", _r(ADMIN, COORDINATOR, SUPERVISOR), "您的角色无权查看短信发送记录"),
    # a failed message queued again as a new one (the delivery report's resend)
    P.OUTBOX_RESEND: Grant("重发失败的短信", _r(ADMIN, COORDINATOR, SUPERVISOR), "您的角色无权重发短信"),
    # 整改评估: the office adds its evidence to a closed issue before it is published
    P.EVALUATION_EVIDENCE: Grant("为整改评估上传证明材料", _r(COORDINATOR), "只有县营商办可以为整改评估上传证明材料"),
    # 公示批次: gathering published issues for a 公示期, reading and answering objections in full
    P.DISCLOSURE_BATCHES: Grant("管理公示批次和答复异议", _r(COORDINATOR), "只有县营商办可以管理公示批次和答复异议"),
    # 网上反映's photos: shown on the public issue page only once the office makes them public
    P.SUBMISSION_PHOTOS: Grant("公开或不公开群众上传的照片", _r(COORDINATOR),
                               "只有县营商办可以决定群众上传的照片是否公开"),
    P.BULLETIN_READ: Grant("查阅督查通报", _r(COORDINATOR, SUPERVISOR, LEADER, ADMIN),
                           "督查通报仅供县营商办、县委督查办和县级领导查阅"),
    P.DASHBOARD: Grant("统计分析", _r(COORDINATOR, SUPERVISOR, LEADER, ADMIN),
                       "统计分析仅供县营商办、县委督查办、县级领导和管理员查看"),
    # A department's view of the assessment: its own report card (成绩单), nobody else's.
    P.OWN_REPORT_CARD: Grant("查看本单位成绩单", _r(DEPARTMENT), "您的角色无权查看单位成绩单"),
    P.LEDGER_EXPORT: Grant("导出问题台账", _r(ADMIN, COORDINATOR, SUPERVISOR, LEADER), "您的角色不能使用问题台账"),
    # Everyone else who may export gets the reporters' data masked.
    P.LEDGER_EXPORT_UNMASKED: Grant("导出不隐去个人信息的台账", _r(ADMIN, COORDINATOR),
                                    "您的角色只能导出隐去个人信息的台账"),
    P.LEDGER_IMPORT: Grant("导入问题台账", _r(ADMIN, COORDINATOR), "只有县营商办和系统管理员可以导入问题台账"),
    P.CALENDAR_READ: Grant("查看节假日安排", _r(ADMIN, COORDINATOR), "只有系统管理员和县营商办可以查看节假日安排"),
    P.CALENDAR_EDIT: Grant("维护节假日安排", _r(ADMIN), "只有系统管理员可以维护节假日安排"),
    P.POLICIES_READ: Grant("查看时限规则", _r(ADMIN, COORDINATOR), "只有系统管理员和县营商办可以查看时限规则"),
    P.POLICIES_EDIT: Grant("修改时限规则", _r(ADMIN), "只有系统管理员可以修改时限规则"),
    # Departments, users and their two-factor logins; who holds it must log in with a second factor.
    P.DIRECTORY_MANAGE: Grant("维护部门和用户", _r(ADMIN), "只有系统管理员可以维护部门和用户"),
    P.CATEGORIES_MANAGE: Grant("维护问题类别", _r(ADMIN), "只有系统管理员可以维护问题类别"),
    P.SMS_TEXTS_MANAGE: Grant("维护短信模板", _r(ADMIN), "只有系统管理员可以维护短信模板"),
    # departments' 企业微信 / 钉钉 group robots (their addresses and secrets)
    P.ROBOTS_MANAGE: Grant("维护群机器人", _r(ADMIN), "只有系统管理员可以维护群机器人"),
    # 企业库 (service.enterprises): the register; a leader reads the enterprises they 包保 (scope).
    P.ENTERPRISE_READ: Grant("查看企业库", _r(ADMIN, COORDINATOR, OPERATOR, SUPERVISOR), "您的角色不能查看企业库"),
    # the operator creates one inline at intake
    P.ENTERPRISE_WRITE: Grant("登记和修改企业", _r(COORDINATOR, OPERATOR), "您的角色不能登记或修改企业信息"),
    # 包保 leaders, the import of the enterprise list, linking old issues
    P.ENTERPRISE_MANAGE: Grant("管理企业库（包保领导、导入）", _r(ADMIN, COORDINATOR),
                               "只有县营商办和系统管理员可以管理企业库"),
    P.TOWNSHIPS_MANAGE: Grant("维护乡镇（街道）名单", _r(ADMIN, COORDINATOR),
                              "只有县营商办和系统管理员可以维护乡镇（街道）名单"),
    # A leader's own home page, 包保 page and month-end visit list
    P.LEADER_HOME: Grant("县级领导首页", _r(LEADER), "这是县级领导的首页"),
    # Any leader's 包保 page, visit list and 双包一解 ledger
    P.LEADER_PAGES: Grant("查看县级领导的包保企业和回访", _r(COORDINATOR, SUPERVISOR), "县级领导不存在或您无权查看"),
    P.VISIT_ON_BEHALF: Grant("代县级领导记录回访", _r(COORDINATOR), "只有县营商办可以代县级领导记录回访"),
    # 办理情况报告: a leader reads and marks those addressed to them; the office and the
    # supervisors read every leader's.
    P.LEADER_REPORTS: Grant("查看办理情况报告", _r(LEADER, COORDINATOR, SUPERVISOR),
                            "只有县级领导、县营商办和督查办可以查看办理情况报告"),
    # 类案: grouping similar issues under one lead department and leader (service.matching.classes)
    P.ISSUE_CLASSES: Grant("归并类案", _r(COORDINATOR), "只有县营商办可以归并类案"),
    # 季度擂台赛 (service.assessment.contest): read like the bulletin; the office computes and
    # stores a quarter and enters 一事一表扬; the administrator sets the rules.
    P.CONTEST_READ: Grant("查看擂台赛", _r(COORDINATOR, SUPERVISOR, LEADER, ADMIN),
                          "擂台赛积分仅供县营商办、县委督查办、县级领导和管理员查阅"),
    P.CONTEST_RUN: Grant("计算并保存擂台赛季度积分", _r(COORDINATOR), "只有县营商办可以计算擂台赛积分"),
    P.CONTEST_PRAISE: Grant("登记一事一表扬", _r(COORDINATOR), "只有县营商办可以登记一事一表扬"),
    P.CONTEST_RULES: Grant("修改擂台赛积分规则", _r(ADMIN), "只有系统管理员可以修改擂台赛积分规则"),
    # 复查 (service.supervision.recheck): the supervision office draws the half-monthly sample of
    # closed issues and gives each its verdict (the workflow step `recheck`); the office reads it.
    P.RECHECK_READ: Grant("查看复查抽样", _r(SUPERVISOR, COORDINATOR), "只有县委督查办和县营商办可以查看复查抽样"),
    P.RECHECK_DRAW: Grant("抽取复查样本", _r(SUPERVISOR), "只有县委督查办可以抽取复查样本"),
    # 问责 (service.supervision.accountability): the supervision office enters the records; a
    # department reads its own (scope), the others every department's.
    P.ACCOUNTABILITY_READ: Grant("查看问责记录", _r(SUPERVISOR, COORDINATOR, LEADER, ADMIN, DEPARTMENT),
                                 "您的角色无权查看问责记录"),
    P.ACCOUNTABILITY_WRITE: Grant("登记问责记录", _r(SUPERVISOR), "只有县委督查办可以登记问责记录"),
    # 企业评议 (service.assessment.ratings): read like the contest it feeds; the office opens a
    # round and sees which enterprise said what. A department sees its own figures on its 成绩单.
    P.RATING_READ: Grant("查看企业评议结果", _r(COORDINATOR, SUPERVISOR, LEADER, ADMIN),
                         "企业评议结果仅供县营商办、县委督查办、县级领导和管理员查阅"),
    P.RATING_RUN: Grant("发起企业评议", _r(COORDINATOR), "只有县营商办可以发起企业评议"),
}
