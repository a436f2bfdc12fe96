"""Who sees which issues: one rule, used by every list, read and action."""
from sqlalchemy import ColumnElement, exists, or_, select, true

from models import Issue, IssueCoDepartment, Role, User
from models.permissions import Permission
from models.workflow import REPORTER
from service.identity import permissions as access


def co_handles(department_id: int | None) -> ColumnElement[bool]:
    return exists(select(IssueCoDepartment.issue_id).where(
        IssueCoDepartment.issue_id == Issue.id,
        IssueCoDepartment.department_id == department_id,
    ))


def visible_to(user: User) -> ColumnElement[bool]:
    """A WHERE clause selecting the issues `user` may see."""
    if access.may(user, Permission.ISSUE_SEE_ALL):
        return true()
    if user.role == Role.DEPARTMENT and user.department_id is not None:
        return or_(Issue.lead_department_id == user.department_id, co_handles(user.department_id))
    if user.role == Role.LEADER:
        return Issue.lead_leader_id == user.id
    if user.role == REPORTER and user.phone:
        return Issue.reporter_phone == user.phone
    return Issue.id.is_(None)  # nothing


def reporter_actor(phone: str) -> User:
    """The reporter as the workflow's actor (their SMS rating, their opinion on a plan): never
    saved, it sees only the issues raised from their phone."""
    return User(id=None, username="reporter", display_name="反映人", role=REPORTER, phone=phone,
                password_hash="")
