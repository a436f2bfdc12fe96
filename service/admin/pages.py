"""What the administration pages read: one call per page, each saying who may open it, who may
change it, and carrying the calendar warnings that every administration page shows."""
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select
from sqlmodel import Session

from models import Category, User
from models.permissions import Permission
from service.core.errors import Conflict
from service.deadlines import calendar as work_calendar
from service.deadlines import policies as policy
from service.identity import permissions as access
from service.identity.directory import list_departments, list_users
from service.intake import categories
from service.reminders import robots
from service.reminders import sms_texts as templates

# Sections of the administration pages, in menu order: the permission that opens each, and the
# one that changes it.
SECTIONS = {
    "users": (Permission.DIRECTORY_MANAGE, Permission.DIRECTORY_MANAGE),
    "departments": (Permission.DIRECTORY_MANAGE, Permission.DIRECTORY_MANAGE),
    "categories": (Permission.CATEGORIES_MANAGE, Permission.CATEGORIES_MANAGE),
    "policies": (Permission.POLICIES_READ, Permission.POLICIES_EDIT),
    "calendar": (Permission.CALENDAR_READ, Permission.CALENDAR_EDIT),
    "templates": (Permission.SMS_TEXTS_MANAGE, Permission.SMS_TEXTS_MANAGE),
    "robots": (Permission.ROBOTS_MANAGE, Permission.ROBOTS_MANAGE),
}


@dataclass
class AdminPage:
    section: str
    sections: list[str]          # the sections this user may open, in menu order
    may_edit: bool
    warnings: list[str]
    items: list = field(default_factory=list)
    extra: dict = field(default_factory=dict)


def _allowed(actor: User, section: str) -> None:
    access.require(actor, SECTIONS[section][0], "只有系统管理员可以进入该设置页面")


def _page(session: Session, actor: User, section: str, today: date, **kw) -> AdminPage:
    return AdminPage(section=section, sections=[s for s, (opens, _) in SECTIONS.items() if access.may(actor, opens)],
                     may_edit=access.may(actor, SECTIONS[section][1]),
                     warnings=work_calendar.calendar_warnings(session, today, actor), **kw)


def users_page(session: Session, actor: User, today: date) -> AdminPage:
    _allowed(actor, "users")
    depts = list_departments(session)
    return _page(session, actor, "users", today, items=list_users(session),
                 extra={"departments": depts, "dept_names": {d.id: d.name for d in depts}})


def departments_page(session: Session, actor: User, today: date) -> AdminPage:
    _allowed(actor, "departments")
    return _page(session, actor, "departments", today, items=list_departments(session))


def categories_page(session: Session, actor: User, today: date) -> AdminPage:
    _allowed(actor, "categories")
    return _page(session, actor, "categories", today,
                 items=categories.list_categories(session, include_inactive=True))


def policies_page(session: Session, actor: User, today: date) -> AdminPage:
    _allowed(actor, "policies")
    return _page(session, actor, "policies", today, items=policy.list_policies(session, actor))


def calendar_page(session: Session, actor: User, year: int | None, today: date) -> AdminPage:
    """One year of the calendar; without `year`, the first year the warnings are about (so the
    administrator lands where the work is), else this year."""
    _allowed(actor, "calendar")
    if year is None:
        known = work_calendar.known_years(session)
        wanted = [today.year] + ([today.year + 1] if today.month >= 11 else [])
        year = next((y for y in wanted if y not in known), today.year)
    overview = work_calendar.year_overview(session, actor, year, today)
    return _page(session, actor, "calendar", today, extra=overview, items=overview["overrides"])


def templates_page(session: Session, actor: User, today: date) -> AdminPage:
    _allowed(actor, "templates")
    return _page(session, actor, "templates", today, items=templates.list_templates(session, actor))


def robots_page(session: Session, actor: User, today: date) -> AdminPage:
    """Each department's group robots (addresses masked), and what a robot may post."""
    _allowed(actor, "robots")
    depts = list_departments(session)
    return _page(session, actor, "robots", today, items=robots.list_robots(session, actor),
                 extra={"departments": depts, "dept_names": {d.id: d.name for d in depts},
                        "templates": robots.ROBOT_TEMPLATES})


def add_category(session: Session, actor: User, *, code: str, **values) -> Category:
    """A new category; unlike `save_category`, an existing code is refused, not overwritten."""
    if session.execute(select(Category.id).where(Category.code == code.strip())).first():
        raise Conflict(f"类别编码 {code} 已存在", {"code": "已存在"}, code="duplicate")
    return categories.save_category(session, actor, code=code, **values)
