"""What every console page shows: the menu per role, labels, times in Asia/Shanghai, colours."""
from datetime import date, datetime

from flask import Flask

from models import CHANNEL_LABELS, ISSUE_TYPE_LABELS, ROLE_LABELS, STATUS_LABELS, Role
from service.calendar import LOCAL_TZ

# (endpoint, label, roles that see it), in menu order
NAV = (
    ("console.intake", "话务登记", {Role.OPERATOR, Role.COORDINATOR}),
    ("console.meetings", "会议交办", {Role.COORDINATOR}),
    ("console.inbox", "承办", {Role.DEPARTMENT}),
    ("console.board", "督办", {Role.SUPERVISOR, Role.COORDINATOR}),
    ("console.issue_list", "问题", set(Role)),
    ("console.admin_users", "系统管理", {Role.ADMIN}),
)
FLAG_LABELS = {"red": "红色（已超期）", "yellow": "黄色（临近时限）", "green": "绿色（正常）", None: "—"}


def localtime(moment: datetime | None, fmt: str = "%Y-%m-%d %H:%M") -> str:
    return moment.astimezone(LOCAL_TZ).strftime(fmt) if moment else ""


def localdate(day: date | datetime | None) -> str:
    if day is None:
        return ""
    if isinstance(day, datetime):
        return localtime(day, "%Y-%m-%d")
    return day.isoformat()


def init_app(app: Flask) -> None:
    app.jinja_env.filters.update(localtime=localtime, localdate=localdate)
    app.jinja_env.globals.update(
        console_nav=NAV,
        role_label=lambda role: ROLE_LABELS.get(role, role),
        status_label=lambda status: STATUS_LABELS.get(status, status),
        channel_label=lambda channel: CHANNEL_LABELS.get(channel, channel),
        type_label=lambda type_: ISSUE_TYPE_LABELS.get(type_, type_),
        flag_label=lambda flag: FLAG_LABELS.get(flag, flag),
    )
