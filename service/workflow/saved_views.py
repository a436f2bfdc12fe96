"""Saved views of the issue list: a user's own filters and sort under a name, and two views
every user has (我的红色问题, 本周到期), each within what the user may see."""
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from models import SavedView, User
from service.core import text_rules
from service.core.errors import Conflict, Invalid, NotFound, require

NAME_MAX = 30
VIEWS_MAX = 50
# What a view keeps: the list's filters and its sort, as the address names them.
QUERY_KEYS = ("status", "channel", "flag", "department", "q", "overdue", "due_this_week", "sort", "dir")
VALUE_MAX = 100


@dataclass
class View:
    id: int | None          # None: a built-in view, which cannot be deleted
    key: str                # "red", "week", or "v<id>"
    name: str
    query: dict[str, str]


BUILT_IN = (
    View(None, "red", "我的红色问题", {"flag": "red"}),
    View(None, "week", "本周到期", {"due_this_week": "1", "sort": "next_due", "dir": "asc"}),
)


def clean_query(query: dict) -> dict[str, str]:
    """The view's filters: only the list's own keys, each a short text; empty ones left out."""
    out = {}
    for key in QUERY_KEYS:
        value = query.get(key)
        if value is None or value == "" or value is False:
            continue
        value = "1" if value is True else str(value)
        wrong = text_rules.message(value, VALUE_MAX, lines=False)
        if wrong:
            raise Invalid("视图的筛选条件有误", {f"query.{key}": wrong})
        out[key] = value
    return out


def list_views(session: Session, user: User) -> list[View]:
    own = session.execute(select(SavedView).where(SavedView.user_id == user.id)
                          .order_by(SavedView.name, SavedView.id)).scalars()
    return [*BUILT_IN, *(View(v.id, f"v{v.id}", v.name, dict(v.query)) for v in own)]


def _check_name(name: str | None) -> str:
    name = (name or "").strip()
    require({"name": "请填写视图名称"} if not name else {})
    if len(name) > NAME_MAX:
        raise Invalid(f"视图名称最多 {NAME_MAX} 个字", {"name": f"最多 {NAME_MAX} 个字"})
    if name in {v.name for v in BUILT_IN}:
        raise Conflict(f"“{name}”是系统自带的视图，请换一个名称", {"name": "与系统视图同名"},
                       code="view_name_taken")
    return name


def _name_taken(name: str) -> Conflict:
    return Conflict(f"您已有名为“{name}”的视图", {"name": "名称已被使用"}, code="view_name_taken")


def save_view(session: Session, user: User, name: str | None, query: dict, now: datetime) -> SavedView:
    name = _check_name(name)
    cleaned = clean_query(query)
    owned = session.execute(select(SavedView.name).where(SavedView.user_id == user.id)).scalars().all()
    if name in owned:
        raise _name_taken(name)
    if len(owned) >= VIEWS_MAX:
        raise Invalid(f"每人最多保存 {VIEWS_MAX} 个视图，请先删除不用的", {"name": f"最多 {VIEWS_MAX} 个视图"},
                      code="too_many_views")
    view = SavedView(user_id=user.id, name=name, query=cleaned, created_at=now)
    session.add(view)
    try:
        session.commit()
    except IntegrityError:  # the same name saved twice at once
        session.rollback()
        raise Conflict(f"您已有名为“{name}”的视图", {"name": "名称已被使用"}, code="view_name_taken") from None
    return view


def get_view(session: Session, user: User, view_id: int) -> SavedView:
    """The user's own view; another user's is as absent as one that does not exist."""
    view = session.get(SavedView, view_id)
    if view is None or view.user_id != user.id:
        raise NotFound("视图不存在", code="view_not_found")
    return view


def update_view(session: Session, user: User, view_id: int, *, name: str | None = None,
                query: dict | None = None) -> SavedView:
    """Rename the user's own view, or give it other filters (what is not given stays)."""
    view = get_view(session, user, view_id)
    if name is not None:
        name = _check_name(name)
        taken = session.execute(select(SavedView.id).where(
            SavedView.user_id == user.id, SavedView.name == name, SavedView.id != view.id)).first()
        if taken:
            raise _name_taken(name)
        view.name = name
    if query is not None:
        view.query = clean_query(query)
    try:
        session.commit()
    except IntegrityError:  # the same name given twice at once
        session.rollback()
        raise _name_taken(name or "") from None
    return view


def delete_view(session: Session, user: User, view_id: int) -> str:
    """Delete the user's own view; its name, to say what was deleted."""
    view = get_view(session, user, view_id)
    name = view.name
    session.delete(view)
    session.commit()
    return name
