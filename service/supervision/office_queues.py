"""The office's queues (县营商办): extension requests to decide, replied issues to visit (回访),
closed issues to publish or withhold, and the preview of what the public would see."""
from dataclasses import dataclass
from datetime import datetime
from types import SimpleNamespace

from sqlalchemy import func, select
from sqlmodel import Session

from models import Disclosure, Evaluation, ExtensionRequest, ExtensionStatus, Issue, SmsMessage, SmsStatus, Status, User
from models.permissions import Permission
from service.core.errors import Invalid
from service.core.masking import doubts, masking_of
from service.core.paging import page, page_by_date
from service.disclosure.public import public_view
from service.identity import permissions as access
from service.workflow.queries import co_department_ids, current_evaluation, department_names, get_visible, user_names

QUEUES = ("extensions", "visits", "publication")


def _office_only(actor: User) -> None:
    access.require(actor, Permission.OFFICE_QUEUES)


def _awaiting_visit():
    return Issue.status == Status.REPLIED


def _awaiting_publication():
    return (Issue.status == Status.CLOSED) & (Issue.disclosure == Disclosure.PENDING)


def _pending_extension():
    return ExtensionRequest.status == ExtensionStatus.PENDING


def queue_counts(session: Session) -> dict[str, int]:
    """How many wait in each queue, and how many SMS finally failed (four COUNTs)."""
    return {
        "failed_sms": session.execute(select(func.count()).select_from(SmsMessage)
                                      .where(SmsMessage.status == SmsStatus.FAILED)).scalar_one(),
        "extensions": session.execute(select(func.count()).select_from(ExtensionRequest)
                                      .where(_pending_extension())).scalar_one(),
        "visits": session.execute(select(func.count()).select_from(Issue)
                                  .where(_awaiting_visit())).scalar_one(),
        "publication": session.execute(select(func.count()).select_from(Issue)
                                       .where(_awaiting_publication())).scalar_one(),
    }


@dataclass
class ExtensionRow:
    request: ExtensionRequest
    issue: Issue
    department: str | None
    requested_by: str | None
    can_decide: bool   # the issue is in progress (a suspended one waits until resumed)


@dataclass
class IssueRow:
    issue: Issue
    department: str | None


@dataclass
class Queue:
    kind: str
    rows: list
    next_cursor: str | None
    counts: dict[str, int]


def extension_queue(session: Session, actor: User) -> Queue:
    """Pending extension requests, oldest first."""
    _office_only(actor)
    pairs = session.execute(
        select(ExtensionRequest, Issue).join(Issue, Issue.id == ExtensionRequest.issue_id)
        .where(_pending_extension()).order_by(ExtensionRequest.requested_at, ExtensionRequest.id)
        .limit(200)).all()
    depts = department_names(session, {i.lead_department_id for _, i in pairs if i.lead_department_id})
    people = user_names(session, {r.requested_by_id for r, _ in pairs if r.requested_by_id})
    rows = [ExtensionRow(request=r, issue=i, department=depts.get(i.lead_department_id),
                         requested_by=people.get(r.requested_by_id),
                         can_decide=i.status == Status.IN_PROGRESS) for r, i in pairs]
    return Queue("extensions", rows, None, queue_counts(session))


def _issue_rows(session: Session, issues: list[Issue]) -> list[IssueRow]:
    depts = department_names(session, {i.lead_department_id for i in issues if i.lead_department_id})
    return [IssueRow(issue=i, department=depts.get(i.lead_department_id)) for i in issues]


def _issue_queue(session: Session, kind: str, where, limit: int, cursor: str | None) -> Queue:
    issues, next_cursor = page(session, select(Issue).where(where), Issue.id, limit, cursor)
    return Queue(kind, _issue_rows(session, issues), next_cursor, queue_counts(session))


def visit_queue(session: Session, actor: User, limit: int = 50, cursor: str | None = None) -> Queue:
    """Replied issues whose reporter is to be called back (回访), by the 回访 deadline: the
    overdue ones first, the longest overdue at the top."""
    _office_only(actor)
    issues, next_cursor = page_by_date(session, select(Issue).where(_awaiting_visit()), Issue.visit_due, Issue.id,
                                       limit, cursor)
    return Queue("visits", _issue_rows(session, issues), next_cursor, queue_counts(session))


def publication_queue(session: Session, actor: User, limit: int = 50, cursor: str | None = None) -> Queue:
    """Closed issues not yet published nor withheld, newest first."""
    _office_only(actor)
    return _issue_queue(session, "publication", _awaiting_publication(), limit, cursor)


@dataclass
class PublicationDraft:
    issue: Issue
    department: str | None
    co_departments: list[str]
    preview: dict
    may_publish: bool
    masked: list[str]    # fields whose text as typed had a name, phone or ID number masked
    doubts: list[str]    # what the masking could not be sure of in the public texts (service.core.masking.doubts)
    evaluation: Evaluation | None = None  # the 整改评估 in force, which publishing requires


def _preview(session: Session, issue: Issue, public_title: str | None, public_summary: str | None,
             now: datetime) -> tuple[dict, list[str], str | None]:
    # An unsaved copy: exactly what `public_view` would give once the issue is published.
    draft = SimpleNamespace(**issue.model_dump())
    draft.public_title = (public_title or "").strip() or None
    draft.public_summary = (public_summary or "").strip() or None
    draft.status, draft.disclosure, draft.published_at = Status.PUBLISHED, Disclosure.PUBLIC, now
    co = co_department_ids(session, [issue.id])[issue.id]
    names = department_names(session, {*co, *([issue.lead_department_id] if issue.lead_department_id else [])})
    return public_view(draft, names, co), [names[d] for d in co if d in names], names.get(issue.lead_department_id)


def publication_draft(session: Session, actor: User, issue_id: int, now: datetime,
                      public_title: str | None = None, public_summary: str | None = None) -> PublicationDraft:
    """An issue as the office edits its public text, with the preview of the public page.
    `public_title`/`public_summary` None: the issue's saved text."""
    _office_only(actor)
    issue = get_visible(session, actor, issue_id)
    if public_title is None:
        public_title = issue.public_title
    if public_summary is None:
        public_summary = issue.public_summary
    if len(public_summary or "") > 5000 or len(public_title or "") > 200:
        raise Invalid("公开内容过长", {"public_summary": "摘要不超过 5000 字，标题不超过 200 字"})
    preview, co_names, lead = _preview(session, issue, public_title, public_summary, now)
    typed = {"title": (public_title or "").strip() or issue.title, "summary": (public_summary or "").strip() or None}
    masked = [k for k, text in typed.items() if text != preview[k]]
    who = masking_of(issue)
    unsure = [d for text in (typed["title"], typed["summary"], issue.result) for d in doubts(text, **who)]
    return PublicationDraft(issue=issue, department=lead, co_departments=co_names, preview=preview,
                            may_publish=issue.status == Status.CLOSED, masked=masked,
                            doubts=list(dict.fromkeys(unsure)), evaluation=current_evaluation(session, issue))

