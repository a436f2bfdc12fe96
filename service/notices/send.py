"""Writing notices inside the caller's unit of work.

An audience says who hears: the office (县营商办, every active coordinator), a department (its
active department users) or one user. Each notice's `key` names its cause — an event, an outbox
message, a review date — and is unique per user: written twice, it is there once.
"""
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import or_, select
from sqlalchemy.dialects import postgresql, sqlite

from models import Notice, Role, User


@dataclass(frozen=True)
class Audience:
    role: str                 # "office" | "department" | "user"
    ref: int | None = None    # the department's or the user's id


OFFICE = Audience("office")


def department(department_id: int | None) -> Audience | None:
    return Audience("department", department_id) if department_id is not None else None


def user(user_id: int | None) -> Audience | None:
    return Audience("user", user_id) if user_id is not None else None


def issue_link(issue_id: int) -> str:
    return f"/console/issues/{issue_id}"


@dataclass(frozen=True)
class Pending:
    """A notice decided inside a step, written once the step's event has its id."""
    audiences: tuple[Audience, ...]
    kind: str
    text: str


def recipients(executor, audiences: Iterable[Audience | None]) -> list[int]:
    """The active users an audience names, each once, in id order. One query."""
    wanted = [a for a in audiences if a is not None]
    conditions = []
    if OFFICE in wanted:
        conditions.append(User.role == Role.COORDINATOR)
    if depts := {a.ref for a in wanted if a.role == "department"}:
        conditions.append((User.role == Role.DEPARTMENT) & User.department_id.in_(depts))
    if users := {a.ref for a in wanted if a.role == "user"}:
        conditions.append(User.id.in_(users))
    if not conditions:
        return []
    return list(executor.execute(select(User.id).where(User.active.is_(True), or_(*conditions))
                                 .order_by(User.id)).scalars())


def _dialect(executor) -> str:
    bind = executor.get_bind() if hasattr(executor, "get_bind") else executor
    return bind.dialect.name


def notify(executor, audiences: Iterable[Audience | None], *, kind: str, text: str, key: str,
           now: datetime, issue_id: int | None = None, link: str | None = None) -> int:
    """Write one notice per user of `audiences` in the caller's transaction (a Session or a
    Connection); a user who has the notice of `key` already is skipped (the unique key decides
    a race). Returns how many users were named."""
    users = recipients(executor, audiences)
    if not users:
        return 0
    link = link or (issue_link(issue_id) if issue_id is not None else "/console/notices")
    rows = [{"user_id": uid, "kind": kind, "issue_id": issue_id, "text": text, "link": link,
             "dedupe_key": key, "created_at": now, "read_at": None} for uid in users]
    dialect = postgresql if _dialect(executor) == "postgresql" else sqlite
    executor.execute(dialect.insert(Notice).on_conflict_do_nothing(index_elements=["user_id", "dedupe_key"]), rows)
    return len(users)
