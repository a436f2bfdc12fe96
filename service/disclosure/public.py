"""公开公示: the one public query, the public view of an issue, figures, the feed, tracking
and the public's own submissions.

Everything the public sees goes through `public_issues()` and `public_view()`; the reporter's
own text and contact never leave this module unmasked. Searching (service.disclosure.search) narrows
`public_issues()` and keeps only rows whose *masked* text matches.
"""
import time
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import case, func, literal, select
from sqlmodel import Session

from models import (
    CHANNEL_LABELS,
    ISSUE_TYPE_LABELS,
    SATISFACTION_LABELS,
    STATUS_LABELS,
    Channel,
    DeadlineJudgement,
    Department,
    Issue,
    IssueEvent,
    IssueType,
    Status,
)
from models.workflow import EVENT_LABELS, PUBLIC_STATUSES
from service.assessment.rates import rate
from service.core import text_search
from service.core.errors import NotFound
from service.core.issue_codes import canonical
from service.core.masking import is_blank, mask_name, masking_of, scrub_text, search_text
from service.core.paging import page_by_time
from service.deadlines.calendar import LOCAL_TZ
from service.disclosure import search
from service.workflow.queries import co_department_ids, department_names

# What a reporter sees of the timeline when tracking their own issue.
TRACKED_ACTIONS = ("create", "assign", "accept", "return", "plan", "plan_opinion", "proceed_plan",
                   "plan_no_objection", "request_extension", "decide_extension",
                   "suspend", "resume", "escalate", "escalation_answer",
                   "answer", "reply", "answer_on_spot", "visit", "close_off", "publish",
                   "reject", "rate_outcome")
# What anyone sees of the timeline on the public issue page: dates and steps, never notes.
PUBLIC_MILESTONES = {"create": "登记受理", "assign": "会议/集中交办", "accept": "部门签收",
                     "decide_extension": "延期审批", "suspend": "挂账", "resume": "恢复办理",
                     "escalate": "提请上级", "escalation_answer": "上级答复",
                     "answer": "答复反映人", "reply": "部门答复", "answer_on_spot": "现场答复", "visit": "回访评价",
                     "publish": "公开公示"}
# The public list's 办理状态 filter: a public status, or how the work ended.
STATUS_FILTERS = {**{s.value: STATUS_LABELS[s] for s in Status if s in PUBLIC_STATUSES},
                  "on_time": "按期办结", "late": "超期办结"}
FEED_SIZE = 50


def public_issues():
    """The only query the public pages and feeds may start from."""
    return select(Issue).where(Issue.status.in_(PUBLIC_STATUSES), Issue.disclosure == "public")


def _local(moment: datetime | None) -> str | None:
    return moment.astimezone(LOCAL_TZ).isoformat() if moment else None


def _scrub(issue: Issue, text: str | None) -> str | None:
    return scrub_text(text, **masking_of(issue))


def on_time(issue: Issue) -> bool | None:
    """办结按期 as the public reads it: late if any round was completed late (a reopening does not
    make it on time); None while not completed."""
    if issue.late_completions:
        return False
    return issue.completed_on_time


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
        "category": _scrub(issue, issue.category),
        "township": _scrub(issue, issue.township),
        "status": issue.status,
        "status_label": STATUS_LABELS[Status(issue.status)],
        "department": dept_names.get(issue.lead_department_id),
        "co_departments": [dept_names[d] for d in co_ids if d in dept_names],
        "reporter": {
            "name": mask_name(issue.reporter_name),
            "kind": issue.reporter_kind,
            "org": issue.reporter_org.strip() if issue.reporter_consent_public and not is_blank(issue.reporter_org)
            else None,
        },
        "created_at": _local(issue.created_at),
        "assigned_at": _local(issue.assigned_at),
        "replied_at": _local(issue.replied_at),
        "closed_at": _local(issue.closed_at),
        "published_at": _local(issue.published_at),
        "updated_at": _local(issue.updated_at),
        "complete_due": issue.complete_due.isoformat() if issue.complete_due else None,
        "original_complete_due": issue.original_complete_due.isoformat() if issue.original_complete_due else None,
        "on_time": on_time(issue),
        "extension_count": issue.extension_count,
        "satisfaction": issue.satisfaction,
    }


def _views(session: Session, issues: list[Issue]) -> list[dict]:
    co = co_department_ids(session, [i.id for i in issues])
    ids = {i.lead_department_id for i in issues if i.lead_department_id}
    ids |= {d for lst in co.values() for d in lst}
    names = department_names(session, ids)
    return [public_view(i, names, co[i.id]) for i in issues]


def public_views(session: Session, issues: list[Issue]) -> list[dict]:
    """`public_view` of each of `issues` (rows of `public_issues()`), departments read once."""
    return _views(session, issues)


@dataclass
class PublicFilters:
    """The filters of the public list; every one optional."""
    year: int | None = None
    channel: str | None = None
    department_id: int | None = None
    type: str | None = None
    status: str | None = None
    q: str | None = None

    def active(self) -> bool:
        return any(v not in (None, "") for v in vars(self).values())


def _filtered(filters: PublicFilters):
    stmt = public_issues()
    if filters.year:
        stmt = stmt.where(Issue.year == filters.year)
    if filters.channel:
        stmt = stmt.where(Issue.channel == filters.channel)
    if filters.department_id:
        stmt = stmt.where(Issue.lead_department_id == filters.department_id)
    if filters.type:
        stmt = stmt.where(Issue.type == filters.type)
    if filters.status == "on_time":
        stmt = stmt.where(Issue.completed_on_time.is_(True), Issue.late_completions == 0)
    elif filters.status == "late":
        stmt = stmt.where(Issue.late_completions > 0)
    elif filters.status:
        stmt = stmt.where(Issue.status == filters.status)
    return stmt


def _search_page(session: Session, filters: PublicFilters, limit: int,
                 cursor: str | None) -> tuple[list[Issue], str | None]:
    words = text_search.terms(filters.q)
    if not words:
        # The list: newest publication first. Search results come newest registered first.
        return page_by_time(session, _filtered(filters), Issue.published_at, Issue.id, limit, cursor)
    segments = search.plan(session, _filtered(filters), words)

    def keep(issue: Issue) -> bool:
        # The masked text decides, with every masked piece all stars: a reporter's name or
        # phone in the stored text (or the last 4 digits a masked phone shows) finds nothing.
        who = masking_of(issue)
        return text_search.matches(words, search_text(issue.public_title or issue.title, **who),
                                   search_text(issue.public_summary, **who))

    return search.filtered_page(session, segments, limit, cursor, keep)


def list_public(session: Session, *, year: int | None = None, channel: str | None = None,
                department_id: int | None = None, type_: str | None = None, status: str | None = None,
                q: str | None = None, limit: int = 50, cursor: str | None = None
                ) -> tuple[list[dict], str | None]:
    """Published issues, newest first, filtered and searched, a keyset page at a time."""
    filters = PublicFilters(year=year, channel=channel, department_id=department_id, type=type_,
                            status=status, q=q)
    rows, next_cursor = _search_page(session, filters, limit, cursor)
    return _views(session, rows), next_cursor


def filter_options(session: Session, today: date) -> dict:
    """What the public list's filters offer: years, channels, departments, types, statuses."""
    first = session.execute(select(func.min(Issue.year))).scalar() or today.year
    departments = session.execute(select(Department.id, Department.name)
                                  .where(Department.active.is_(True)).order_by(Department.id)).all()
    return {
        "years": list(range(today.year, min(first, today.year) - 1, -1)),
        "channels": [(c.value, CHANNEL_LABELS[c]) for c in Channel],
        "departments": [(i, n) for i, n in departments],
        "types": [(t.value, ISSUE_TYPE_LABELS[t]) for t in IssueType],
        "statuses": list(STATUS_FILTERS.items()),
    }


def _newest(views: list[dict]) -> str | None:
    stamps = [v["updated_at"] for v in views if v.get("updated_at")]
    return max(stamps, key=datetime.fromisoformat) if stamps else None


def public_listing(session: Session, filters: PublicFilters, today: date, *, limit: int = 20,
                   cursor: str | None = None) -> dict:
    """Everything the public list page shows: one page of issues, the next cursor, the filter
    choices, and the newest change among the issues shown (for Last-Modified)."""
    rows, next_cursor = _search_page(session, filters, limit, cursor)
    items = _views(session, rows)
    return {"items": items, "next_cursor": next_cursor, "options": filter_options(session, today),
            "terms": text_search.terms(filters.q), "last_modified": _newest(items)}


def get_public(session: Session, code: str) -> dict:
    issue = None
    wanted = canonical(code)
    if wanted is not None:
        issue = session.execute(public_issues().where(Issue.code == wanted)).scalars().first()
    if issue is None:
        raise NotFound("没有找到该公示问题", code="issue_not_found")
    return _views(session, [issue])[0]




def public_detail(session: Session, code: str) -> dict:
    """The public issue page: the public view and the dates of its steps (no notes, no names)."""
    view = get_public(session, code)
    issue_id = session.execute(public_issues().with_only_columns(Issue.id)
                               .where(Issue.code == view["code"])).scalar_one()
    events = session.execute(select(IssueEvent.at, IssueEvent.action).where(
        IssueEvent.issue_id == issue_id, IssueEvent.action.in_(tuple(PUBLIC_MILESTONES)))
        .order_by(IssueEvent.id)).all()
    view["milestones"] = [{"at": _local(at), "action": a, "label": PUBLIC_MILESTONES[a]} for at, a in events]
    view["satisfaction_label"] = SATISFACTION_LABELS.get(view["satisfaction"] or "")
    return view


def feed(session: Session) -> dict:
    """The newest published issues, newest publication first, for the Atom feed."""
    rows = list(session.execute(
        public_issues().where(Issue.published_at.is_not(None))
        .order_by(Issue.published_at.desc(), Issue.id.desc()).limit(FEED_SIZE)).scalars())
    items = _views(session, rows)
    return {"items": items, "updated": items[0]["published_at"] if items else None}


# --- figures ---------------------------------------------------------------------------------

def _grouped(session: Session, years: tuple[int, ...] | None):
    """One aggregate over the issues of `years` (None: all), grouped finely enough for every
    figure; the ix_issue_figures index answers it alone."""
    stmt = select(
        Issue.year, Issue.status, Issue.channel, Issue.lead_department_id, func.count(),
        func.sum(case((Issue.status.in_((Status.REPLIED, Status.CLOSED, Status.PUBLISHED)), 1), else_=0)),
        func.sum(case((Issue.satisfaction.is_not(None), 1), else_=0)),
        func.sum(case((Issue.satisfaction.in_(("satisfied", "basically")), 1), else_=0)),
    ).group_by(Issue.year, Issue.status, Issue.channel, Issue.lead_department_id)
    if years is not None:
        stmt = stmt.where(Issue.year.in_(years))
    return session.execute(stmt).all()


def _completion_judgements(session: Session, years: tuple[int, ...] | None,
                           today: date) -> dict[tuple[int, int], list[int]]:
    """按期办结 as the assessment counts it (docs/assessment.md), per (year, department):
    [judged, on time] — every round's recorded 办结 judgement, plus each issue still on a
    department's desk past its 限期办结 (late, though nothing is recorded yet)."""
    out: dict[tuple[int, int], list[int]] = defaultdict(lambda: [0, 0])
    recorded = select(Issue.year, DeadlineJudgement.department_id, func.count(),
                      func.sum(case((DeadlineJudgement.on_time.is_(True), 1), else_=0))
                      ).join(Issue, Issue.id == DeadlineJudgement.issue_id).where(
        DeadlineJudgement.deadline == "complete_due", DeadlineJudgement.department_id.is_not(None),
    ).group_by(Issue.year, DeadlineJudgement.department_id)
    missed = select(Issue.year, Issue.lead_department_id, func.count(), literal(0)).where(
        Issue.status.in_((Status.ASSIGNED, Status.IN_PROGRESS)), Issue.complete_due < today,
        Issue.completed_on_time.is_(None), Issue.lead_department_id.is_not(None),
    ).group_by(Issue.year, Issue.lead_department_id)
    if years is not None:
        recorded, missed = recorded.where(Issue.year.in_(years)), missed.where(Issue.year.in_(years))
    for stmt in (recorded, missed):
        for year, dept, judged, on_time in session.execute(stmt):
            row = out[(year, dept)]
            row[0], row[1] = row[0] + int(judged), row[1] + int(on_time or 0)
    return out


def _rollup(rows, judgements: dict[tuple[int, int], list[int]], year: int | None, names: dict[int, str]) -> dict:
    by_status: dict[str, int] = defaultdict(int)
    by_channel: dict[str, int] = defaultdict(int)
    depts: dict[int, list[int]] = defaultdict(lambda: [0, 0, 0, 0, 0])
    total = completed = rated = satisfied = 0
    for _y, status, channel, dept, n, d, r, s in rows:
        n, d, r, s = (int(v or 0) for v in (n, d, r, s))
        by_status[status] += n
        by_channel[channel] += n
        total, completed, rated, satisfied = total + n, completed + d, rated + r, satisfied + s
        if dept is not None:
            row = depts[dept]
            row[0] += n
            row[1] += n if status in (Status.CLOSED, Status.PUBLISHED) else 0
            row[2], row[3], row[4] = row[2] + d, row[3] + r, row[4] + s
    timely: dict[int, list[int]] = {}
    for (y, dept), (judged, on_time) in judgements.items():
        if year is None or y == year:
            row = timely.setdefault(dept, [0, 0])
            row[0], row[1] = row[0] + judged, row[1] + on_time
    judged = sum(v[0] for v in timely.values())
    on_time = sum(v[1] for v in timely.values())
    by_department = sorted(
        ({"department": names.get(dept, str(dept)), "total": t, "closed": c, "completed": d,
          "on_time_rate": rate(*reversed(timely.get(dept, [0, 0]))), "satisfaction_rate": rate(s, r)}
         for dept, (t, c, d, r, s) in depts.items()),
        key=lambda row: (-row["total"], row["department"]))
    return {
        "year": year,
        "total": total,
        "by_status": {s.value: by_status.get(s.value, 0) for s in Status},
        "by_channel": {c.value: by_channel.get(c.value, 0) for c in Channel},
        "by_department": by_department,
        "completed": completed,
        "judged": judged,
        "on_time": on_time,
        "on_time_rate": rate(on_time, judged),
        "rated": rated,
        "satisfied": satisfied,
        "satisfaction_rate": rate(satisfied, rated),
    }


def public_stats(session: Session, today: date, year: int | None = None) -> dict:
    """Figures over all issues (not only published ones), by SQL aggregates."""
    years = (year,) if year else None
    rows = _grouped(session, years)
    judgements = _completion_judgements(session, years, today)
    names = department_names(session, {r[3] for r in rows if r[3] is not None} | {d for _, d in judgements})
    return _rollup(rows, judgements, year, names)


# The figures page's aggregate reads every issue of two years. It is kept per process and
# reused while nothing has changed: every change to an issue either adds an issue or appends an
# event, so the two largest ids tell (both read from primary keys, at no cost). FIGURES_MAX_AGE
# bounds how long a change made behind the workflow's back (plain SQL) can go unseen.
FIGURES_MAX_AGE = 300.0
_figures_kept: dict[tuple, tuple[float, tuple, dict]] = {}


def forget_figures() -> None:
    """Drop the kept figures (a database emptied behind the service's back)."""
    _figures_kept.clear()


def _fingerprint(session: Session) -> tuple:
    return tuple(session.execute(select(select(func.max(Issue.id)).scalar_subquery(),
                                        select(func.max(IssueEvent.id)).scalar_subquery())).one())


def public_figures(session: Session, today: date, *, clock=time.monotonic) -> dict:
    """The figures page: this year's and last year's figures from one aggregate query."""
    years = (today.year, today.year - 1)
    # today is in the key: an issue left unfinished becomes late when its deadline passes.
    key, mark, now = (str(session.get_bind().url), today), _fingerprint(session), clock()
    kept = _figures_kept.get(key)
    if kept and kept[1] == mark and now - kept[0] < FIGURES_MAX_AGE:
        return kept[2]
    rows = _grouped(session, years)
    judgements = _completion_judgements(session, years, today)
    names = department_names(session, {r[3] for r in rows if r[3] is not None} | {d for _, d in judgements})
    out = {"years": [_rollup([r for r in rows if r[0] == y], judgements, y, names) for y in years]}
    out["status_labels"] = {s.value: STATUS_LABELS[s] for s in Status}
    out["channel_labels"] = {c.value: CHANNEL_LABELS[c] for c in Channel}
    _figures_kept[key] = (now, mark, out)
    return out


def track(session: Session, code: str, phone_last4: str) -> dict:
    """A reporter's view of their own issue; one answer for a wrong code or wrong digits."""
    wanted = canonical(code)
    issue = session.execute(select(Issue).where(Issue.code == wanted)).scalars().first() if wanted else None
    phone = "".join(ch for ch in (issue.reporter_phone or "") if ch.isdigit()) if issue else ""
    if issue is None or len(phone) < 4 or phone[-4:] != phone_last4:
        raise NotFound("编号或手机号后4位不正确，请核对后再查", code="track_not_found")
    names = department_names(session, {issue.lead_department_id} if issue.lead_department_id else set())
    events = session.execute(select(IssueEvent.at, IssueEvent.action).where(
        IssueEvent.issue_id == issue.id, IssueEvent.action.in_(TRACKED_ACTIONS)).order_by(IssueEvent.id)).all()
    labels = EVENT_LABELS | {"create": "登记受理"}
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
        "plan": _scrub(issue, issue.plan),
        "satisfaction": issue.satisfaction,
        "timeline": [{"at": _local(at), "action": a, "label": labels.get(a, a)} for at, a in events],
        "merged_into": _merged_into(session, issue),
    }


def _merged_into(session: Session, issue: Issue) -> dict | None:
    """For an issue merged into another: the main issue's code (the reporter was told it by SMS)
    and, once the main issue is published, its outcome as the public page shows it."""
    if issue.merged_into_id is None:
        return None
    main = session.get(Issue, issue.merged_into_id)
    if main is None:
        return None
    published = session.execute(public_issues().with_only_columns(Issue.id)
                                .where(Issue.id == main.id)).first() is not None
    view = _views(session, [main])[0] if published else {}
    return {"code": main.code, "published": published,
            **{k: view.get(k) for k in ("title", "summary", "result", "department", "replied_at", "on_time")}}
