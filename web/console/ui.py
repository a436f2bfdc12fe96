"""What every console page shows: the menu per role, labels, times in Asia/Shanghai, colours."""
from datetime import date, datetime

from flask import Flask
from flask_babel import gettext
from flask_babel import lazy_gettext as _l

from models import CHANNEL_LABELS, DEADLINE_LABELS, ISSUE_TYPE_LABELS, ROLE_LABELS, STATUS_LABELS, Role
from models.workflow import STEPS
from service.deadlines.calendar import LOCAL_TZ

# (endpoint, label, roles that see it), in menu order
NAV = (
    ("console.intake", "话务登记", {Role.OPERATOR, Role.COORDINATOR}),
    ("console.meetings", "会议交办", {Role.COORDINATOR}),
    ("console.inbox", "承办", {Role.DEPARTMENT}),
    ("console.board", "督办", {Role.SUPERVISOR, Role.COORDINATOR}),
    ("console.issue_list", "问题", set(Role)),
    # A department opens its own report card (成绩单) from here.
    ("console.dashboard", "统计分析", {Role.COORDINATOR, Role.SUPERVISOR, Role.LEADER, Role.ADMIN, Role.DEPARTMENT}),
    ("console.ledger_page", "问题台账", {Role.COORDINATOR, Role.SUPERVISOR, Role.ADMIN}),
    ("console.admin_users", "系统管理", {Role.ADMIN}),
)
FLAG_LABELS = {"red": "红色（已超期）", "yellow": "黄色（临近时限）", "green": "绿色（正常）", None: "—"}
SATISFACTION_LABELS = {"satisfied": _l("满意"), "basically": _l("基本满意"), "unsatisfied": _l("不满意")}
REJECT_REASON_LABELS = {"duplicate": _l("重复反映"), "merged": _l("合并办理"),
                        "out_of_scope": _l("不属于本县职权范围"), "other": _l("其他")}
REPORTER_KIND_LABELS = {"enterprise": _l("企业"), "person": _l("群众"), "deputy": _l("人大代表、政协委员"),
                        "supervisor": _l("营商环境义务监督员")}
VERDICT_CHOICES = {"resolved": _l("已解决"), "partial": _l("部分解决"), "unresolved": _l("未解决"),
                   "not_feasible": _l("暂不具备解决条件")}
DISCLOSURE_LABELS = {"pending": _l("待定"), "public": _l("已公开"), "withheld": _l("不予公开")}
EXTENSION_STATUS_LABELS = {"pending": _l("待审批"), "approved": _l("已批准"), "refused": _l("未批准")}
# The timeline's name for each kind of event: the workflow's steps and the other records.
EVENT_LABELS = {**{action: step.label for action, step in STEPS.items()},
                "create": _l("登记"), "edit": _l("修改内容"), "attach": _l("上传附件"),
                "import": _l("台账导入")}
MEETING_FIELD_LABELS = {"title": _l("会议名称"), "held_at": _l("会议时间"), "host_leader_id": _l("主持领导"),
                        "attendees": _l("参会人员"), "location": _l("地点")}


def localtime(moment: datetime | None, fmt: str = "%Y-%m-%d %H:%M") -> str:
    return moment.astimezone(LOCAL_TZ).strftime(fmt) if moment else ""


def localdate(day: date | datetime | None) -> str:
    if day is None:
        return ""
    if isinstance(day, datetime):
        return localtime(day, "%Y-%m-%d")
    return day.isoformat()


def _t(label):
    """A label in the request's language (the tables hold the Chinese, which is the msgid)."""
    return gettext(label) if isinstance(label, str) and label else label


def init_app(app: Flask) -> None:
    app.jinja_env.filters.update(localtime=localtime, localdate=localdate)
    app.jinja_env.globals.update(
        console_nav=NAV,
        role_label=lambda role: _t(ROLE_LABELS.get(role, role)),
        status_label=lambda status: _t(STATUS_LABELS.get(status, status)),
        channel_label=lambda channel: _t(CHANNEL_LABELS.get(channel, channel)),
        type_label=lambda type_: _t(ISSUE_TYPE_LABELS.get(type_, type_)),
        flag_label=lambda flag: _t(FLAG_LABELS.get(flag, flag)),
        satisfaction_label=lambda value: SATISFACTION_LABELS.get(value, value),
        reject_reason_label=lambda value: REJECT_REASON_LABELS.get(value, value),
        reporter_kind_label=lambda value: REPORTER_KIND_LABELS.get(value, value),
        disclosure_label=lambda value: DISCLOSURE_LABELS.get(value, value),
        verdict_label=lambda value: VERDICT_CHOICES.get(value, value),
        extension_status_label=lambda value: EXTENSION_STATUS_LABELS.get(value, value),
        event_label=lambda action: _t(EVENT_LABELS.get(action, action)),
        deadline_label=lambda key: _t(DEADLINE_LABELS.get(key, key)),
        meeting_field_label=lambda key: MEETING_FIELD_LABELS.get(key, key),
    )
