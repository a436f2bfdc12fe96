"""Deadline policies: the administrator's rows over the built-in defaults.

For (type, channel) the administrator's row for that channel applies, else the row for the
type with no channel ("every other channel"), else the built-in default.
"""
from datetime import datetime

from sqlalchemy import select, text
from sqlmodel import Session

from models import Channel, DeadlinePolicy, IssueType, User
from models.permissions import Permission
from service.core.db import is_postgres
from service.core.errors import NotFound, require
from service.deadlines.rules import BUILTIN_POLICIES, Policy, builtin_policy
from service.identity import permissions as access

MAX_DAYS = 90
DAY_FIELDS = ("accept_days", "reply_days", "complete_days", "report_after", "visit_after")
# Besides the working days: the return-visit attempts before 销号, and 征求意见's days (None: none).
OTHER_FIELDS = ("visit_attempts", "consult_days")
MAX_ATTEMPTS = 10
MAX_CONSULT_DAYS = 15


def _row(session: Session, issue_type: str, channel: str | None) -> DeadlinePolicy | None:
    channel_clause = DeadlinePolicy.channel.is_(None) if channel is None else DeadlinePolicy.channel == channel
    return session.execute(
        select(DeadlinePolicy).where(DeadlinePolicy.issue_type == issue_type, channel_clause)
        .order_by(DeadlinePolicy.id)).scalars().first()


def policy_for(session: Session, issue_type: str, channel: str | None) -> Policy:
    """The policy that sets the default deadlines of an issue of this type and channel."""
    row = (channel is not None and _row(session, issue_type, channel)) or _row(session, issue_type, None)
    return Policy.of(row) if row else builtin_policy(issue_type, channel)


def list_policies(session: Session, actor: User | None) -> list[dict]:
    """Built-in defaults (saying whether an override shadows them) and the overrides."""
    access.require(actor, Permission.POLICIES_READ)
    rows = session.execute(select(DeadlinePolicy).order_by(DeadlinePolicy.issue_type,
                                                           DeadlinePolicy.id)).scalars().all()
    overridden = {(r.issue_type, r.channel) for r in rows}
    builtins = [{**_fields(p), "id": None, "source": "builtin",
                 # Shadowed by a row for the same channel, or by a type-wide row.
                 "in_effect": (t, c) not in overridden and (t, None) not in overridden}
                for (t, c), p in BUILTIN_POLICIES.items()]
    overrides = [{**_fields(r), "id": r.id, "source": "override", "in_effect": True,
                  "updated_at": r.updated_at, "updated_by_id": r.updated_by_id} for r in rows]
    return builtins + overrides


def _fields(policy) -> dict:
    return {"issue_type": policy.issue_type, "channel": policy.channel,
            **{k: getattr(policy, k) for k in (*DAY_FIELDS, *OTHER_FIELDS)}}


def _check(values: dict) -> None:
    problems = {}
    if values["issue_type"] not in set(IssueType):
        problems["issue_type"] = "诉求类型无效"
    if values["channel"] is not None and values["channel"] not in set(Channel):
        problems["channel"] = "来源渠道无效"
    for key in DAY_FIELDS:
        value = values[key]
        if value is None and key == "reply_days":
            continue
        if value is None or not 0 <= value <= MAX_DAYS:
            problems[key] = f"须为 0-{MAX_DAYS} 个工作日"
    if not isinstance(values["visit_attempts"], int) or not 1 <= values["visit_attempts"] <= MAX_ATTEMPTS:
        problems["visit_attempts"] = f"须为 1-{MAX_ATTEMPTS} 次"
    consult = values["consult_days"]
    if consult is not None and (not isinstance(consult, int) or not 1 <= consult <= MAX_CONSULT_DAYS):
        problems["consult_days"] = f"须为 1-{MAX_CONSULT_DAYS} 个工作日，不征求意见请留空"
    if "complete_days" not in problems and values["complete_days"] < 1:
        problems["complete_days"] = "办结时限至少 1 个工作日"
    if not problems.keys() & {"accept_days", "complete_days"} \
            and values["accept_days"] > values["complete_days"]:
        problems["accept_days"] = "签收时限不能长于办结时限"
    require(problems)


def set_policy(session: Session, actor: User | None, values: dict, now: datetime) -> DeadlinePolicy:
    """Create or replace the override for (issue_type, channel). Commits."""
    access.require(actor, Permission.POLICIES_EDIT)
    values = {"channel": None, "accept_days": 1, "reply_days": None, "report_after": 2,
              "visit_after": 5, "visit_attempts": 3, "consult_days": None, **values}
    _check(values)
    if is_postgres(session):
        # The unique constraint does not cover a NULL channel: writers of this small table
        # take turns, so two concurrent upserts cannot both insert.
        session.execute(text("LOCK TABLE deadline_policy IN SHARE ROW EXCLUSIVE MODE"))
    row = _row(session, values["issue_type"], values["channel"]) or \
        DeadlinePolicy(issue_type=values["issue_type"], channel=values["channel"],
                       complete_days=values["complete_days"])
    for key in (*DAY_FIELDS, *OTHER_FIELDS):
        setattr(row, key, values[key])
    row.updated_by_id, row.updated_at = actor.id if actor else None, now
    session.add(row)
    session.commit()
    return row


def delete_policy(session: Session, actor: User | None, policy_id: int) -> None:
    """Drop an override: the next rule down applies again. Commits."""
    access.require(actor, Permission.POLICIES_EDIT)
    row = session.get(DeadlinePolicy, policy_id)
    if row is None:
        raise NotFound("没有这条时限规则（内置规则不能删除）")
    session.delete(row)
    session.commit()
