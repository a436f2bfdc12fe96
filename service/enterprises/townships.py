"""The county's townships (乡镇/街道): a list the office maintains; intake picks from it.

An issue's township is text (the issues before the list keep theirs, the migration put every
one of those on the list). Once the list has an active entry, a new issue's township must be
on it; an edit may keep the township the issue already has.
"""
from sqlalchemy import func, select
from sqlmodel import Session

from models import Township, User
from service.core import text_rules
from service.core.errors import Conflict, Invalid, NotFound, require
from service.core.masking import is_blank

from .access import require_township_admin


def list_townships(session: Session, *, active_only: bool = True) -> list[Township]:
    stmt = select(Township)
    if active_only:
        stmt = stmt.where(Township.active.is_(True))
    return list(session.execute(stmt.order_by(Township.sort_order, Township.id)).scalars())


def township_names(session: Session) -> list[str]:
    return [t.name for t in list_townships(session)]


def check_township(session: Session, name: str | None, current: str | None = None) -> None:
    """Invalid naming `township` when the list is kept and `name` is not an active entry."""
    if not name or name == current:
        return
    names = township_names(session)
    if names and name not in names:
        raise Invalid("所属乡镇（街道）须从名单中选择", {"township": "不是名单中的乡镇（街道），请从列表中选择"})


def _name(data: dict) -> str:
    name = data.get("name")
    require({"name": "请填写乡镇（街道）名称"} if not isinstance(name, str) or is_blank(name) else {})
    name = name.strip()
    wrong = text_rules.message(name, 64, lines=False)
    require({"name": wrong} if wrong else {})
    return name


def add_township(session: Session, actor: User, data: dict) -> Township:
    require_township_admin(actor)
    name = _name(data)
    if session.execute(select(Township.id).where(Township.name == name)).first():
        raise Conflict(f"乡镇（街道）“{name}”已在名单中", {"name": "已存在"}, code="township_exists")
    last = session.execute(select(func.max(Township.sort_order))).scalar() or 0
    row = Township(name=name, sort_order=data.get("sort_order") or last + 1, active=True)
    session.add(row)
    session.commit()
    return row


def update_township(session: Session, actor: User, township_id: int, data: dict) -> Township:
    """Rename (only while no issue names it would be unsafe; renaming keeps old issues' text
    as it was, so it is allowed), reorder, retire (`active` false) or bring back."""
    require_township_admin(actor)
    row = session.get(Township, township_id)
    if row is None:
        raise NotFound("乡镇（街道）不存在", code="township_not_found")
    if "name" in data and data["name"] != row.name:
        name = _name(data)
        if session.execute(select(Township.id).where(Township.name == name, Township.id != row.id)).first():
            raise Conflict(f"乡镇（街道）“{name}”已在名单中", {"name": "已存在"}, code="township_exists")
        row.name = name
    if data.get("sort_order") is not None:
        row.sort_order = data["sort_order"]
    if data.get("active") is not None:
        row.active = bool(data["active"])
    session.add(row)
    session.commit()
    return row
