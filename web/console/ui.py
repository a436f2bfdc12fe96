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

# (group, endpoint, label, the permissions of which any one opens it), in menu order; a group's
# entries stand together and open from one heading (a heading with one entry for the user is
# that entry itself). Who holds each permission is the table in models.permissions, which the
# pages enforce as well.
P = Permission
NAV = (
    (None, "console.leader_home_page", "我的首页", (P.LEADER_HOME,)),
    (None, "console.intake", "话务登记", (P.ISSUE_CREATE,)),
    (None, "console.meetings", "会议交办", (P.MEETING_MANAGE,)),
    (None, "console.inbox", "承办", (P.DEPARTMENT_WORK,)),
    ("问题", "console.issue_list", "问题", (P.ISSUE_LIST,)),
    ("问题", "console.class_list", "类案", (P.ISSUE_LIST,)),
    ("问题", "console.ledger_page", "问题台账", (P.LEDGER_EXPORT,)),
    ("督查督办", "console.board", "督办", (P.BOARD,)),
    ("督查督办", "console.recheck_page", "复查", (P.RECHECK_READ,)),
    ("督查督办", "console.accountability_page", "问责", (P.ACCOUNTABILITY_READ,)),
    ("督查督办", "console.leader_reports_page", "办理情况报告", (P.LEADER_REPORTS,)),
    ("企业", "console.enterprise_list", "企业库", (P.ENTERPRISE_READ, P.LEADER_HOME)),
    ("企业", "console.visit_list_page", "月末回访", (P.LEADER_HOME, P.LEADER_PAGES)),
    ("企业", "console.township_list", "乡镇名单", (P.TOWNSHIPS_MANAGE,)),
    # A department opens its own report card (成绩单) from here.
    ("考核公示", "console.dashboard", "统计分析", (P.DASHBOARD, P.OWN_REPORT_CARD)),
    ("考核公示", "console.contest_index", "擂台赛", (P.CONTEST_READ,)),
    ("考核公示", "console.ratings_index", "企业评议", (P.RATING_READ,)),
    ("考核公示", "console.batch_list", "公示批次", (P.DISCLOSURE_BATCHES,)),
    (None, "console.admin_users", "系统管理", (P.DIRECTORY_MANAGE,)),
)


def menu_for(user) -> list[tuple[str, str]]:
    """The menu entries (endpoint, label) `user` is offered, in order."""
    return [(endpoint, label) for _, endpoint, label, opens in NAV if any(access.may(user, p) for p in opens)]


def menu_groups(user) -> list[tuple[str | None, list[tuple[str, str]]]]:
    """`menu_for` as the bar shows it: (heading, its entries); a heading None, or one that holds
    a single entry for `user`, is shown as that entry."""
    offered = set(menu_for(user))
    out: list[tuple[str | None, list[tuple[str, str]]]] = []
    for group, endpoint, label, _ in NAV:
        if (endpoint, label) not in offered:
            continue
        if group is not None and out and out[-1][0] == group:
            out[-1][1].append((endpoint, label))
        else:
            out.append((group, [(endpoint, label)]))
    return [(group if len(entries) > 1 else None, entries) for group, entries in out]


FLAG_LABELS = {"red": "红色（已超期）", "yellow": "黄色（临近时限）", "green": "绿色（正常）", None: "—"}
# The domain's labels (models) in the request's language, for the forms' choices.
SATISFACTION_LABELS = {str(k): _l(v) for k, v in labels.SATISFACTION_LABELS.items()}
REJECT_REASON_LABELS = {str(k): _l(v) for k, v in labels.REJECT_REASON_LABELS.items()}
REPORTER_KIND_LABELS = {str(k): _l(v) for k, v in labels.REPORTER_KIND_LABELS.items()}
VERDICT_CHOICES = {str(k): _l(v) for k, v in labels.VERDICT_LABELS.items()}
RECHECK_VERDICT_CHOICES = {str(k): _l(v) for k, v in labels.RECHECK_VERDICT_LABELS.items()}
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
        console_menu=menu_for, console_menu_groups=menu_groups,
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
