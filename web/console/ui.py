"""What every console page shows: the menu per role, labels, times in Asia/Shanghai, colours."""
from datetime import date, datetime

from flask import Flask
from flask_babel import gettext
from flask_babel import lazy_gettext as _l

import models as labels
from models import CHANNEL_LABELS, DEADLINE_LABELS, ISSUE_TYPE_LABELS, ROLE_LABELS, STATUS_LABELS
from models.permissions import Permission
from models.workflow import EVENT_LABELS
from service.deadlines.calendar import LOCAL_TZ
from service.identity import permissions as access

from .input_limits import maxlength

# (endpoint, label, the permissions of which any one opens it), in menu order. Who holds each
# permission is the table in models.permissions, which the pages enforce as well.
P = Permission
NAV = (
    ("console.leader_home_page", "我的首页", (P.LEADER_HOME,)),
    ("console.intake", "话务登记", (P.ISSUE_CREATE,)),
    ("console.meetings", "会议交办", (P.MEETING_MANAGE,)),
    ("console.inbox", "承办", (P.DEPARTMENT_WORK,)),
    ("console.board", "督办", (P.BOARD,)),
    ("console.issue_list", "问题", (P.ISSUE_LIST,)),
    ("console.class_list", "类案", (P.ISSUE_LIST,)),
    ("console.visit_list_page", "月末回访", (P.LEADER_HOME, P.LEADER_PAGES)),
    ("console.enterprise_list", "企业库", (P.ENTERPRISE_READ, P.LEADER_HOME)),
    ("console.township_list", "乡镇名单", (P.TOWNSHIPS_MANAGE,)),
    ("console.leader_reports_page", "办理情况报告", (P.LEADER_REPORTS,)),
    # A department opens its own report card (成绩单) from here.
    ("console.dashboard", "统计分析", (P.DASHBOARD, P.OWN_REPORT_CARD)),
    ("console.contest_index", "擂台赛", (P.CONTEST_READ,)),
    ("console.ledger_page", "问题台账", (P.LEDGER_EXPORT,)),
    ("console.admin_users", "系统管理", (P.DIRECTORY_MANAGE,)),
)


def menu_for(user) -> list[tuple[str, str]]:
    """The menu entries (endpoint, label) `user` is offered."""
    return [(endpoint, label) for endpoint, label, opens in NAV if any(access.may(user, p) for p in opens)]
FLAG_LABELS = {"red": "红色（已超期）", "yellow": "黄色（临近时限）", "green": "绿色（正常）", None: "—"}
# The domain's labels (models) in the request's language, for the forms' choices.
SATISFACTION_LABELS = {str(k): _l(v) for k, v in labels.SATISFACTION_LABELS.items()}
REJECT_REASON_LABELS = {str(k): _l(v) for k, v in labels.REJECT_REASON_LABELS.items()}
REPORTER_KIND_LABELS = {str(k): _l(v) for k, v in labels.REPORTER_KIND_LABELS.items()}
VERDICT_CHOICES = {str(k): _l(v) for k, v in labels.VERDICT_LABELS.items()}
ESCALATION_LEVEL_CHOICES = {str(k): _l(v) for k, v in labels.ESCALATION_LEVEL_LABELS.items()}
DISCLOSURE_LABELS = {"pending": _l("待定"), "public": _l("已公开"), "withheld": _l("不予公开")}
EXTENSION_STATUS_LABELS = {"pending": _l("待审批"), "approved": _l("已批准"), "refused": _l("未批准")}
MEETING_FIELD_LABELS = {"title": _l("会议名称"), "held_at": _l("会议时间"), "host_leader_id": _l("主持领导"),
                        "attendees": _l("参会人员"), "location": _l("地点")}
# The descriptive fields an edit changes (the timeline's 修改内容), by the event's key.
ISSUE_FIELD_LABELS = {"title": _l("标题"), "content": _l("问题内容"), "category": _l("问题分类"),
                      "type": _l("问题类型"),
                      "township": _l("乡镇（街道）"), "meeting_id": _l("会议"), "enterprise_id": _l("企业库中的企业"),
                      "reporter.name": _l("反映人姓名"), "reporter.org": _l("反映人单位（企业）"),
                      "reporter.phone": _l("反映人电话"), "reporter.kind": _l("反映人身份"),
                      "reporter.consent_public": _l("同意公开")}


def changed_value(key: str, value) -> str:
    """One side of an edit as the timeline shows it: labels for the words of a vocabulary."""
    if value is None or value == "":
        return gettext("（空）")
    if key == "type":
        return _t(ISSUE_TYPE_LABELS.get(value, value))
    if key == "reporter.kind":
        return str(REPORTER_KIND_LABELS.get(value, value))
    if isinstance(value, bool):
        return gettext("是") if value else gettext("否")
    return str(value)


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
        console_menu=menu_for,
        may=lambda user, permission: access.may(user, Permission(permission)),
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
        escalation_level_label=lambda value: ESCALATION_LEVEL_CHOICES.get(value, value),
        extension_status_label=lambda value: EXTENSION_STATUS_LABELS.get(value, value),
        event_label=lambda action: _t(EVENT_LABELS.get(action, action)),
        deadline_label=lambda key: _t(DEADLINE_LABELS.get(key, key)),
        meeting_field_label=lambda key: MEETING_FIELD_LABELS.get(key, key),
        issue_field_label=lambda key: ISSUE_FIELD_LABELS.get(key, key),
        changed_value=changed_value,
        maxlength=maxlength,
    )
