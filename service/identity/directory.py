"""Departments and staff users."""
from datetime import datetime

from sqlalchemy import select
from sqlmodel import Session

from models import Department, Role, User
from models.permissions import Permission
from service.core.errors import Conflict, Invalid, NotFound, require
from service.identity import login_throttle
from service.identity import permissions as access
from service.identity.passwords import check_new_password, hash_password
from service.identity.sessions import end_sessions


def _admin_only(actor: User | None) -> None:
    access.require(actor, Permission.DIRECTORY_MANAGE)


def create_department(session: Session, actor: User | None, code: str, name: str,
                      contact_phone: str | None = None, now: datetime | None = None) -> Department:
    """`actor` None: the command line. Commits."""
    _admin_only(actor)
    code, name = code.strip(), name.strip()
    if session.execute(select(Department).where(Department.code == code)).first():
        raise Conflict(f"部门编码 {code} 已存在", {"code": "已存在"}, code="duplicate")
    if session.execute(select(Department).where(Department.name == name)).first():
        raise Conflict(f"部门名称“{name}”已存在", {"name": "已存在"}, code="duplicate")
    dept = Department(code=code, name=name, contact_phone=contact_phone)
    if now:
        dept.created_at = now
    session.add(dept)
    session.commit()
    return dept


def department_by_code(session: Session, code: str) -> Department | None:
    return session.execute(select(Department).where(Department.code == code)).scalars().first()


def list_departments(session: Session) -> list[Department]:
    return list(session.execute(select(Department).order_by(Department.id)).scalars())


def create_user(session: Session, actor: User | None, *, username: str, password: str, role: str,
                display_name: str | None = None, phone: str | None = None,
                department_id: int | None = None) -> User:
    """`actor` None: the command line. Commits."""
    _admin_only(actor)
    if role not in set(Role):
        raise Invalid("角色无效", {"role": f"须为 {', '.join(Role)} 之一"})
    if role == Role.DEPARTMENT and department_id is None:
        require({"department_id": "承办部门用户必须属于一个部门"})
    if department_id is not None and session.get(Department, department_id) is None:
        require({"department_id": "部门不存在"})
    check_new_password(password, username)
    if session.execute(select(User).where(User.username == username)).first():
        raise Conflict(f"用户名 {username} 已被使用", {"username": "已存在"}, code="duplicate")
    user = User(username=username, display_name=display_name or username, phone=phone, role=role,
                department_id=department_id, password_hash=hash_password(password))
    session.add(user)
    session.commit()
    return user


def list_users(session: Session) -> list[User]:
    return list(session.execute(select(User).order_by(User.id)).scalars())


# --- what the administration pages and the meeting desk need ------------------------------------

def active_departments(session: Session) -> list[Department]:
    return list(session.execute(select(Department).where(Department.active.is_(True))
                                .order_by(Department.id)).scalars())


def list_leaders(session: Session) -> list[User]:
    """The county leaders who may host a meeting or lead an issue."""
    return list(session.execute(select(User).where(User.role == Role.LEADER, User.active.is_(True))
                                .order_by(User.id)).scalars())


def user_by_username(session: Session, username: str) -> User | None:
    return session.execute(select(User).where(User.username == username)).scalars().first()


def get_user(session: Session, user_id: int) -> User:
    user = session.get(User, user_id)
    if user is None:
        raise NotFound("用户不存在", code="user_not_found")
    return user


def get_department(session: Session, dept_id: int) -> Department:
    dept = session.get(Department, dept_id)
    if dept is None:
        raise NotFound("部门不存在", code="department_not_found")
    return dept


def set_user_active(session: Session, actor: User | None, user_id: int, active: bool) -> User:
    """Disable (his sessions end at once) or enable a user. Commits."""
    _admin_only(actor)
    user = get_user(session, user_id)
    if not active and actor is not None and user.id == actor.id:
        raise Conflict("不能停用自己的账号", code="self_disable")
    if user.active != active:
        user.active = active
        if not active:
            end_sessions(session, user)
        session.add(user)
        session.commit()
    return user


def reset_password(session: Session, actor: User | None, user_id: int, new_password: str) -> User:
    """Set a new password for a user who forgot his; his sessions end and every client's count
    of wrong answers for him is cleared. Commits."""
    _admin_only(actor)
    user = get_user(session, user_id)
    check_new_password(new_password, user.username)
    user.password_hash = hash_password(new_password)
    login_throttle.forget_account(session, user.username)
    end_sessions(session, user)
    session.add(user)
    session.commit()
    return user


def update_department(session: Session, actor: User | None, dept_id: int, name: str,
                      contact_phone: str | None) -> Department:
    """Rename a department or change its contact phone (its code stays). Commits."""
    _admin_only(actor)
    dept = get_department(session, dept_id)
    name = (name or "").strip()
    if not name:
        require({"name": "请填写部门名称"})
    clash = session.execute(select(Department).where(Department.name == name,
                                                     Department.id != dept.id)).first()
    if clash:
        raise Conflict(f"部门名称“{name}”已存在", {"name": "已存在"}, code="duplicate")
    dept.name, dept.contact_phone = name, (contact_phone or "").strip() or None
    session.add(dept)
    session.commit()
    return dept


def set_department_active(session: Session, actor: User | None, dept_id: int, active: bool) -> Department:
    """Deactivate a department (it can no longer be assigned new issues; what it holds stays
    with it) or activate it again. Commits."""
    _admin_only(actor)
    dept = get_department(session, dept_id)
    dept.active = active
    session.add(dept)
    session.commit()
    return dept
