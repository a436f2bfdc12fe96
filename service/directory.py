"""Departments and staff users."""
from datetime import datetime

from sqlalchemy import select
from sqlmodel import Session

from models import Department, Role, User

from .auth import hash_password
from .errors import Conflict, Forbidden, Invalid, require


def _admin_only(actor: User | None) -> None:
    if actor is not None and actor.role != Role.ADMIN:
        raise Forbidden("只有系统管理员可以维护部门和用户")


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
    if len(password) < 8:
        require({"password": "密码至少 8 位"})
    if session.execute(select(User).where(User.username == username)).first():
        raise Conflict(f"用户名 {username} 已被使用", {"username": "已存在"}, code="duplicate")
    user = User(username=username, display_name=display_name or username, phone=phone, role=role,
                department_id=department_id, password_hash=hash_password(password))
    session.add(user)
    session.commit()
    return user


def list_users(session: Session) -> list[User]:
    return list(session.execute(select(User).order_by(User.id)).scalars())
