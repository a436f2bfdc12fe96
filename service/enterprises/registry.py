"""The enterprise register: adding and correcting enterprises, type-ahead search, the known
caller at intake, an enterprise's page with every issue it raised, and linking old issues."""
import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import case, delete, func, or_, select
from sqlmodel import Session

from models import (
    OPEN_STATUSES,
    Enterprise,
    EnterpriseLeader,
    EnterpriseScale,
    Issue,
    IssueEvent,
    Role,
    User,
)
from service.core import text_rules
from service.core.errors import Conflict, Forbidden, Invalid, require
from service.core.masking import is_blank
from service.core.text_search import LIKE_ESCAPE, escape_like
from service.deadlines.calendar import WorkCalendar
from service.deadlines.rules import flag_for

from . import credit_code as uscc
from .access import (
    enterprise_not_found,
    may_manage,
    may_read_all,
    require_manager,
    require_reader,
    require_writer,
)
from .townships import check_township

PHONE = re.compile(r"^[0-9+\-]{5,20}$")
TEXTS = {"name": ("企业名称", 200), "industry": ("所属行业", 64), "contact_name": ("联系人", 64),
         "envoy_name": ("帮扶特派员", 64)}
PHONES = {"contact_phone": "联系电话", "envoy_phone": "帮扶特派员电话"}
FIELDS = ("name", "credit_code", "industry", "township", "scale", "contact_name", "contact_phone",
          "envoy_name", "envoy_phone")
SEARCH_LIMIT = 10


def clean(session: Session, data: dict, current: Enterprise | None = None) -> dict:
    """The enterprise's fields as stored, or Invalid naming every field at fault (Chinese)."""
    out: dict = {}
    faults: dict[str, str] = {}
    for key in FIELDS:
        if key not in data:
            continue
        value = data[key]
        if isinstance(value, str):
            value = value.strip()
        out[key] = value if value not in ("",) else None
    if current is None or "name" in out:
        if not out.get("name") or is_blank(out.get("name")):
            faults["name"] = "请填写企业名称"
    for key, (label, limit) in TEXTS.items():
        if isinstance(out.get(key), str):
            wrong = text_rules.message(out[key], limit, lines=False)
            if wrong:
                faults[key] = f"{label}：{wrong}"
    for key, label in PHONES.items():
        if out.get(key) and not PHONE.match(out[key]):
            faults[key] = f"{label}格式不正确（数字，可含 + 和 -）"
    if out.get("credit_code"):
        out["credit_code"] = uscc.normalise(out["credit_code"])
        wrong = uscc.problem(out["credit_code"])
        if wrong:
            faults["credit_code"] = wrong
    if "scale" in out:
        if out["scale"] is None:
            out["scale"] = EnterpriseScale.SME
        elif out["scale"] not in set(EnterpriseScale):
            faults["scale"] = "企业规模须为 above（规上）、sme（中小微）或 individual（个体）"
    require(faults)
    check_township(session, out.get("township"), current.township if current else None)
    _unique(session, out, current)
    return out


def _unique(session: Session, out: dict, current: Enterprise | None) -> None:
    other = [Enterprise.id != current.id] if current is not None else []
    if out.get("name"):
        found = session.execute(select(Enterprise.id).where(Enterprise.name == out["name"], *other)).first()
        if found:
            raise Conflict(f"企业“{out['name']}”已在企业库中", {"name": "企业库中已有同名企业"},
                           code="enterprise_exists")
    if out.get("credit_code"):
        found = session.execute(select(Enterprise.id).where(Enterprise.credit_code == out["credit_code"],
                                                            *other)).first()
        if found:
            raise Conflict("该统一社会信用代码已登记在另一家企业名下", {"credit_code": "已被企业库中另一家企业使用"},
                           code="credit_code_taken")


def _leaders(session: Session, ids: list) -> list[int]:
    if not isinstance(ids, list) or not all(isinstance(i, int) and not isinstance(i, bool) for i in ids):
        require({"leader_ids": "须为县级领导的编号列表"})
    ids = sorted(set(ids))
    found = set(session.execute(select(User.id).where(User.id.in_(ids), User.role == Role.LEADER,
                                                      User.active.is_(True))).scalars())
    missing = [i for i in ids if i not in found]
    if missing:
        require({"leader_ids": f"编号 {missing[0]} 不是在职的县级领导"})
    return ids


def set_leaders(session: Session, enterprise_id: int, ids: list[int]) -> None:
    session.execute(delete(EnterpriseLeader).where(EnterpriseLeader.enterprise_id == enterprise_id))
    session.add_all([EnterpriseLeader(enterprise_id=enterprise_id, leader_id=i) for i in ids])


def add_enterprise(session: Session, actor: User, data: dict, now: datetime, *, commit: bool = True) -> Enterprise:
    """A new enterprise; the 包保 leaders (`leader_ids`) only by the office. Commits."""
    require_writer(actor)
    if data.get("leader_ids") and not may_manage(actor):
        raise Forbidden("只有县营商办可以确定包保县级领导")
    fields = clean(session, data)
    leaders = _leaders(session, data["leader_ids"]) if data.get("leader_ids") is not None else []
    row = Enterprise(**fields, created_at=now, updated_at=now)
    session.add(row)
    session.flush()
    set_leaders(session, row.id, leaders)
    if commit:
        session.commit()
    return row


def update_enterprise(session: Session, actor: User, enterprise_id: int, data: dict, now: datetime) -> Enterprise:
    require_writer(actor)
    row = get_enterprise(session, actor, enterprise_id)
    if "leader_ids" in data and not may_manage(actor):
        raise Forbidden("只有县营商办可以确定包保县级领导")
    fields = clean(session, data, row)
    # checked before anything changes, so a refused edit leaves the row as it was
    leader_ids = _leaders(session, data["leader_ids"] or []) if "leader_ids" in data else None
    for key, value in fields.items():
        setattr(row, key, value)
    if leader_ids is not None:
        set_leaders(session, row.id, leader_ids)
    row.updated_at = now
    session.add(row)
    session.commit()
    return row


def led_by(leader_id: int):
    return Enterprise.id.in_(select(EnterpriseLeader.enterprise_id).where(EnterpriseLeader.leader_id == leader_id))


def get_enterprise(session: Session, actor: User, enterprise_id: int) -> Enterprise:
    """The enterprise, if `actor` may see it: readers of the register any, a leader those they
    包保; anyone else is told it does not exist."""
    stmt = select(Enterprise).where(Enterprise.id == enterprise_id)
    if not may_read_all(actor):
        if actor.role != Role.LEADER:
            raise enterprise_not_found()
        stmt = stmt.where(led_by(actor.id))
    row = session.execute(stmt).scalars().first()
    if row is None:
        raise enterprise_not_found()
    return row


def search(session: Session, actor: User, q: str | None, *, limit: int = SEARCH_LIMIT,
           offset: int = 0) -> list[Enterprise]:
    """By a part of the name or the start of the credit code, names in order; a leader finds
    only the enterprises they 包保."""
    require_reader(actor)
    stmt = select(Enterprise)
    if actor.role == Role.LEADER:
        stmt = stmt.where(led_by(actor.id))
    q = (q or "").strip()
    if q:
        like = escape_like(q)
        stmt = stmt.where(or_(Enterprise.name.contains(like, autoescape=False, escape=LIKE_ESCAPE),
                              Enterprise.credit_code.startswith(uscc.normalise(like), escape=LIKE_ESCAPE)))
    return list(session.execute(stmt.order_by(Enterprise.name, Enterprise.id)
                                .offset(max(0, offset)).limit(max(1, min(limit, 200)))).scalars())


def leaders_of(session: Session, enterprise_ids: list[int]) -> dict[int, list[User]]:
    out: dict[int, list[User]] = {i: [] for i in enterprise_ids}
    if enterprise_ids:
        rows = session.execute(select(EnterpriseLeader.enterprise_id, User)
                               .join(User, User.id == EnterpriseLeader.leader_id)
                               .where(EnterpriseLeader.enterprise_id.in_(enterprise_ids))
                               .order_by(User.display_name)).all()
        for enterprise_id, user in rows:
            out[enterprise_id].append(user)
    return out


def resolve_for_intake(session: Session, actor: User | None, data: dict, now: datetime) -> Enterprise | None:
    """The enterprise an issue being registered links to: `enterprise_id` of one on record, or
    `enterprise` (the fields of a new one, created in the same transaction). Not committed."""
    if data.get("enterprise_id") is not None and data.get("enterprise"):
        require({"enterprise": "请选择企业库中的企业，或新建一家，二者只能选一"})
    if data.get("enterprise_id") is not None:
        row = session.get(Enterprise, data["enterprise_id"])
        if row is None:
            raise Invalid("所选企业不在企业库中", {"enterprise_id": "企业不存在"})
        return row
    if data.get("enterprise"):
        if actor is None:
            raise Forbidden("您的角色不能登记企业")
        try:
            return add_enterprise(session, actor, {k: v for k, v in data["enterprise"].items() if k in FIELDS},
                                  now, commit=False)
        except (Invalid, Conflict) as exc:
            exc.fields = {f"enterprise.{k}": v for k, v in exc.fields.items()}
            raise
    return None


@dataclass
class KnownCaller:
    """What the intake form fills in for a caller it knows (by phone)."""

    name: str | None
    org: str | None
    enterprise: Enterprise | None


def known_caller(session: Session, phone: str | None) -> KnownCaller | None:
    """An enterprise's contact on record first; otherwise the caller's latest issue."""
    phone = (phone or "").strip()
    if not phone:
        return None
    row = session.execute(select(Enterprise).where(Enterprise.contact_phone == phone)
                          .order_by(Enterprise.id).limit(1)).scalars().first()
    if row is not None:
        return KnownCaller(row.contact_name, row.name, row)
    issue = session.execute(select(Issue).where(Issue.reporter_phone == phone)
                            .order_by(Issue.id.desc()).limit(1)).scalars().first()
    if issue is None:
        return None
    enterprise = session.get(Enterprise, issue.enterprise_id) if issue.enterprise_id else None
    return KnownCaller(issue.reporter_name, issue.reporter_org, enterprise)


@dataclass
class EnterpriseIssue:
    issue: Issue
    flag: str | None


@dataclass
class EnterprisePage:
    enterprise: Enterprise
    leaders: list[User]
    issues: list[EnterpriseIssue]        # every issue, newest first
    open_count: int
    flags: dict[str, int]                # red / yellow / green among the open ones
    satisfaction: dict[str, int]         # the ratings given
    by_year: dict[int, int] = field(default_factory=dict)


def enterprise_issues(session: Session, enterprise_ids: list[int]) -> dict[int, list[Issue]]:
    out: dict[int, list[Issue]] = {i: [] for i in enterprise_ids}
    if enterprise_ids:
        for issue in session.execute(select(Issue).where(Issue.enterprise_id.in_(enterprise_ids))
                                     .order_by(Issue.id.desc())).scalars():
            out[issue.enterprise_id].append(issue)
    return out


def with_flags(issues: list[Issue], today: date, calendar: WorkCalendar) -> list[EnterpriseIssue]:
    return [EnterpriseIssue(i, flag_for(i.next_due, today, calendar) if i.status in OPEN_STATUSES else None)
            for i in issues]


def enterprise_page(session: Session, actor: User, enterprise_id: int, *, today: date,
                    calendar: WorkCalendar) -> EnterprisePage:
    row = get_enterprise(session, actor, enterprise_id)
    rows = with_flags(enterprise_issues(session, [row.id])[row.id], today, calendar)
    open_rows = [r for r in rows if r.issue.status in OPEN_STATUSES]
    return EnterprisePage(
        row, leaders_of(session, [row.id])[row.id], rows, len(open_rows),
        dict(Counter(r.flag for r in open_rows if r.flag)),
        dict(Counter(r.issue.satisfaction for r in rows if r.issue.satisfaction)),
        dict(sorted(Counter(r.issue.year for r in rows).items(), reverse=True)))


def count_issues(session: Session, enterprise_ids: list[int]) -> dict[int, tuple[int, int]]:
    """{enterprise id: (issues, open issues)}."""
    out = {i: (0, 0) for i in enterprise_ids}
    if enterprise_ids:
        rows = session.execute(select(Issue.enterprise_id, func.count(),
                                      func.sum(case((Issue.status.in_(OPEN_STATUSES), 1), else_=0)))
                               .where(Issue.enterprise_id.in_(enterprise_ids)).group_by(Issue.enterprise_id)).all()
        for enterprise_id, total, open_ in rows:
            out[enterprise_id] = (total, int(open_ or 0))
    return out


@dataclass
class LinkReport:
    linked: list[tuple[str, str]]        # (issue code, enterprise name)
    unmatched: list[tuple[str, str]]     # (issue code, the organisation as typed)


def link_existing_issues(session: Session, actor: User | None, now: datetime, *, dry_run: bool = False) -> LinkReport:
    """Link every issue without an enterprise whose reporter's organisation is exactly an
    enterprise's name (surrounding spaces aside); list the rest that name an organisation.
    Each link is on the issue's timeline. Commits (unless `dry_run`)."""
    if actor is not None:
        require_manager(actor)
    by_name = {name: eid for eid, name in session.execute(select(Enterprise.id, Enterprise.name))}
    report = LinkReport([], [])
    issues = session.execute(select(Issue).where(Issue.enterprise_id.is_(None), Issue.reporter_org.is_not(None))
                             .order_by(Issue.id)).scalars().all()
    for issue in issues:
        org = (issue.reporter_org or "").strip()
        if not org:
            continue
        enterprise_id = by_name.get(org)
        if enterprise_id is None:
            report.unmatched.append((issue.code, org))
            continue
        report.linked.append((issue.code, org))
        if dry_run:
            continue
        issue.enterprise_id = enterprise_id
        session.add(issue)
        session.add(IssueEvent(issue_id=issue.id, at=now, actor_id=actor.id if actor else None, action="edit",
                               from_status=issue.status, to_status=issue.status,
                               note="按单位名称关联企业库", data={"fields": ["enterprise_id"],
                                                         "enterprise_id": enterprise_id}))
    if not dry_run:
        session.commit()
    return report
