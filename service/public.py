"""公开公示: the one public query, the public view of an issue, figures and tracking.

Everything the public sees goes through `public_issues()` and `public_view()`; the reporter's
own text and contact never leave this module unmasked.
"""
from datetime import datetime

from sqlalchemy import case, func, select
from sqlmodel import Session

from models import (
    CHANNEL_LABELS,
    ISSUE_TYPE_LABELS,
    STATUS_LABELS,
    Channel,
    Department,
    Issue,
    IssueEvent,
    IssueType,
    Status,
)
from models.workflow import PUBLIC_STATUSES, STEPS

from .calendar import LOCAL_TZ
from .errors import NotFound
from .issues import co_department_ids, department_names
from .masking import mask_name, scrub_text
from .paging import page

# What a reporter sees of the timeline when tracking their own issue.
TRACKED_ACTIONS = ("create", "assign", "accept", "return", "request_extension", "decide_extension",
                   "suspend", "resume", "reply", "answer_on_spot", "visit", "publish")


def public_issues():
    """The only query the public pages and feeds may start from."""
    return select(Issue).where(Issue.status.in_(PUBLIC_STATUSES), Issue.disclosure == "public")


def _local(moment: datetime | None) -> str | None:
    return moment.astimezone(LOCAL_TZ).isoformat() if moment else None


def _scrub(issue: Issue, text: str | None) -> str | None:
    orgs = () if issue.reporter_consent_public else (issue.reporter_org,)
    return scrub_text(text, names=(issue.reporter_name, issue.responsible_person), orgs=orgs)


def public_view(issue: Issue, dept_names: dict[int, str], co_ids: list[int]) -> dict:
    """The whitelist of what the public may read about one published issue."""
    return {
        "code": issue.code,
        "title": _scrub(issue, issue.public_title or issue.title),
        "summary": _scrub(issue, issue.public_summary),
        "result": _scrub(issue, issue.result),
        "channel": issue.channel,
        "channel_label": CHANNEL_LABELS.get(Channel(issue.channel), issue.channel),
        "type": issue.type,
        "type_label": ISSUE_TYPE_LABELS.get(IssueType(issue.type), issue.type),
        "category": issue.category,
        "township": issue.township,
        "status": issue.status,
        "status_label": STATUS_LABELS[Status(issue.status)],
        "department": dept_names.get(issue.lead_department_id),
        "co_departments": [dept_names[d] for d in co_ids if d in dept_names],
        "reporter": {
            "name": mask_name(issue.reporter_name),
            "kind": issue.reporter_kind,
            "org": issue.reporter_org if issue.reporter_consent_public else None,
        },
        "created_at": _local(issue.created_at),
        "assigned_at": _local(issue.assigned_at),
        "replied_at": _local(issue.replied_at),
        "closed_at": _local(issue.closed_at),
        "published_at": _local(issue.published_at),
        "complete_due": issue.complete_due.isoformat() if issue.complete_due else None,
        "on_time": issue.completed_on_time,
        "extension_count": issue.extension_count,
        "satisfaction": issue.satisfaction,
    }


def _views(session: Session, issues: list[Issue]) -> list[dict]:
    co = co_department_ids(session, [i.id for i in issues])
    ids = {i.lead_department_id for i in issues if i.lead_department_id}
    ids |= {d for lst in co.values() for d in lst}
    names = department_names(session, ids)
    return [public_view(i, names, co[i.id]) for i in issues]


def list_public(session: Session, *, year: int | None = None, channel: str | None = None,
                department_id: int | None = None, type_: str | None = None,
                limit: int = 50, cursor: str | None = None) -> tuple[list[dict], str | None]:
    stmt = public_issues()
    if year:
        stmt = stmt.where(Issue.year == year)
    if channel:
        stmt = stmt.where(Issue.channel == channel)
    if department_id:
        stmt = stmt.where(Issue.lead_department_id == department_id)
    if type_:
        stmt = stmt.where(Issue.type == type_)
    rows, next_cursor = page(session, stmt, Issue.id, limit, cursor)
    return _views(session, rows), next_cursor


def get_public(session: Session, code: str) -> dict:
    issue = None
    if code.isascii() and code.replace("-", "").isalnum():
        issue = session.execute(public_issues().where(Issue.code == code)).scalars().first()
    if issue is None:
        raise NotFound("没有找到该公示问题", code="issue_not_found")
    return _views(session, [issue])[0]


def public_stats(session: Session, year: int | None = None) -> dict:
    """Figures over all issues (not only published ones), by SQL aggregates."""
    where = [Issue.year == year] if year else []
    by_status = dict(session.execute(select(Issue.status, func.count()).where(*where)
                                     .group_by(Issue.status)).all())
    by_channel = dict(session.execute(select(Issue.channel, func.count()).where(*where)
                                      .group_by(Issue.channel)).all())
    done = Issue.completed_on_time.is_not(None)
    rated = Issue.satisfaction.is_not(None)
    totals = session.execute(select(
        func.count(),
        func.sum(case((done, 1), else_=0)),
        func.sum(case((Issue.completed_on_time.is_(True), 1), else_=0)),
        func.sum(case((rated, 1), else_=0)),
        func.sum(case((Issue.satisfaction.in_(("satisfied", "basically")), 1), else_=0)),
    ).where(*where)).one()
    dept_rows = session.execute(
        select(Department.name, func.count(Issue.id),
               func.sum(case((Issue.status.in_((Status.CLOSED, Status.PUBLISHED)), 1), else_=0)))
        .join(Issue, Issue.lead_department_id == Department.id).where(*where)
        .group_by(Department.name).order_by(func.count(Issue.id).desc())
    ).all()
    total, completed, on_time, rated_n, satisfied = (int(v or 0) for v in totals)
    return {
        "year": year,
        "total": total,
        "by_status": {s.value: by_status.get(s.value, 0) for s in Status},
        "by_channel": {c.value: by_channel.get(c.value, 0) for c in Channel},
        "by_department": [{"department": n, "total": t, "closed": int(c or 0)} for n, t, c in dept_rows],
        "completed": completed,
        "on_time_rate": round(on_time / completed, 4) if completed else None,
        "satisfaction_rate": round(satisfied / rated_n, 4) if rated_n else None,
    }


def track(session: Session, code: str, phone_last4: str) -> dict:
    """A reporter's view of their own issue; one answer for a wrong code or wrong digits."""
    issue = session.execute(select(Issue).where(Issue.code == code.strip().upper())).scalars().first()
    phone = "".join(ch for ch in (issue.reporter_phone or "") if ch.isdigit()) if issue else ""
    if issue is None or len(phone) < 4 or phone[-4:] != phone_last4:
        raise NotFound("编号或手机号后4位不正确，请核对后再查", code="track_not_found")
    names = department_names(session, {issue.lead_department_id} if issue.lead_department_id else set())
    events = session.execute(select(IssueEvent.at, IssueEvent.action).where(
        IssueEvent.issue_id == issue.id, IssueEvent.action.in_(TRACKED_ACTIONS)).order_by(IssueEvent.id)).all()
    labels = {k: s.label for k, s in STEPS.items()} | {"create": "登记受理"}
    return {
        "code": issue.code,
        "title": _scrub(issue, issue.title),
        "status": issue.status,
        "status_label": STATUS_LABELS[Status(issue.status)],
        "department": names.get(issue.lead_department_id),
        "created_at": _local(issue.created_at),
        "complete_due": issue.complete_due.isoformat() if issue.complete_due else None,
        "replied_at": _local(issue.replied_at),
        "result": _scrub(issue, issue.result),
        "satisfaction": issue.satisfaction,
        "timeline": [{"at": _local(at), "action": a, "label": labels.get(a, a)} for at, a in events],
    }
