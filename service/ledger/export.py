"""The ledger of a period as an Excel workbook, streamed a batch of issues at a time.

The office (coordinator) and the administrator get the reporters' names, organisations and
phones whole; the inspection office (supervisor) and county leaders get them masked, with
phone numbers and names scrubbed from the free text too. A leader's ledger holds only the
issues they lead, as everywhere else (service/workflow/visibility.py).
"""
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from openpyxl import Workbook
from sqlalchemy import func, select
from sqlmodel import Session

from models import (
    CHANNEL_LABELS,
    ESCALATION_LEVEL_LABELS,
    ISSUE_TYPE_LABELS,
    OPEN_STATUSES,
    REJECT_REASON_LABELS,
    REPORTER_KIND_LABELS,
    SATISFACTION_LABELS,
    STATUS_LABELS,
    Department,
    Enterprise,
    Escalation,
    Issue,
    IssueRepeat,
    Meeting,
    User,
)
from models.permissions import Permission
from service.assessment.periods import Period
from service.core.errors import Forbidden, NotFound
from service.core.masking import mask_name, mask_phone, scrub_text
from service.core.xlsx import workbook_bytes, write_table
from service.deadlines.calendar import LOCAL_TZ, WorkCalendar, load_calendar, local_date
from service.deadlines.rules import flag_for
from service.identity import permissions as access
from service.ledger.columns import (
    COLUMNS,
    DISCLOSURE_LABELS,
    FLAG_LABELS,
    LEDGER_MARK,
    MASKED_MARK,
    MASKED_NOTE,
    NO,
    YES,
)
from service.workflow.bulk import check_selection
from service.workflow.queries import co_department_ids, user_names
from service.workflow.visibility import visible_to

BATCH = 500
HIDDEN_ORG = "（已隐去）"


def may_export(actor: User | None) -> bool:
    return access.may(actor, Permission.LEDGER_EXPORT)


def masked_for(actor: User | None, asked: bool = False) -> bool:
    """Whether `actor`'s ledger hides reporters' data; anyone may ask for a masked one."""
    return asked or not access.may(actor, Permission.LEDGER_EXPORT_UNMASKED)


@dataclass
class _Names:
    departments: dict[int, str]
    leaders: dict[int, str]
    meetings: dict[int, tuple[str, date]]
    co: dict[int, list[int]]
    enterprise_codes: dict[int, str | None]
    repeats: dict[int, int]
    escalations: dict[int, Escalation]     # the escalation in force (the latest) of each issue


def _batches(session: Session, actor: User | None, period: Period) -> Iterator[list[Issue]]:
    """The period's issues by id, BATCH at a time (keyset: each batch costs the same)."""
    lower, upper = period.bounds
    stmt = select(Issue).where(Issue.created_at >= lower, Issue.created_at < upper)
    if actor is not None:
        stmt = stmt.where(visible_to(actor))
    last_id = 0
    while True:
        batch = list(session.execute(stmt.where(Issue.id > last_id).order_by(Issue.id).limit(BATCH))
                     .scalars())
        if not batch:
            return
        yield batch
        last_id = batch[-1].id
        if len(batch) < BATCH:
            return
        # The rows are written out; let the session forget them so memory stays flat.
        for issue in batch:
            session.expunge(issue)


def _names(session: Session, batch: list[Issue], departments: dict[int, str]) -> _Names:
    ids = [i.id for i in batch]
    meeting_ids = {i.meeting_id for i in batch if i.meeting_id}
    meetings = {}
    if meeting_ids:
        meetings = {m.id: (m.title, local_date(m.held_at)) for m in session.execute(
            select(Meeting).where(Meeting.id.in_(meeting_ids))).scalars()}
    leaders = user_names(session, {i.lead_leader_id for i in batch if i.lead_leader_id})
    enterprise_ids = {i.enterprise_id for i in batch if i.enterprise_id}
    codes = dict(session.execute(select(Enterprise.id, Enterprise.credit_code)
                                 .where(Enterprise.id.in_(enterprise_ids))).all()) if enterprise_ids else {}
    repeats = dict(session.execute(select(IssueRepeat.issue_id, func.count()).where(IssueRepeat.issue_id.in_(ids))
                                   .group_by(IssueRepeat.issue_id)).all())
    latest = select(func.max(Escalation.id)).where(Escalation.issue_id.in_(ids)).group_by(Escalation.issue_id)
    escalations = {e.issue_id: e for e in session.execute(select(Escalation).where(Escalation.id.in_(latest)))
                   .scalars()}
    return _Names(departments, leaders, meetings, co_department_ids(session, ids), codes, repeats, escalations)


def _yes_no(value: bool | None) -> str | None:
    return None if value is None else (YES if value else NO)


def _escalation(escalation: Escalation | None) -> dict[str, Any]:
    if escalation is None:
        return {"escalation_level": None, "escalation_agency": None, "escalation_document_no": None,
                "escalation_sent_on": None}
    return {"escalation_level": ESCALATION_LEVEL_LABELS.get(escalation.level, escalation.level),
            "escalation_agency": escalation.agency, "escalation_document_no": escalation.document_no,
            "escalation_sent_on": escalation.sent_on}


def _values(issue: Issue, names: _Names, masked: bool, today: date, calendar: WorkCalendar) -> dict[str, Any]:
    meeting = names.meetings.get(issue.meeting_id) if issue.meeting_id else None
    flag = flag_for(issue.next_due, today, calendar) if issue.status in OPEN_STATUSES else None

    def text(value: str | None) -> str | None:
        if not masked:
            return value
        return scrub_text(value, names=(issue.reporter_name,), orgs=(issue.reporter_org,))

    org = issue.reporter_org
    if masked and org and not issue.reporter_consent_public:
        org = HIDDEN_ORG
    return {
        "code": issue.code,
        "created_at": issue.created_at,
        "channel": CHANNEL_LABELS.get(issue.channel, issue.channel),
        "meeting_title": meeting[0] if meeting else None,
        "meeting_date": meeting[1] if meeting else None,
        "reporter_name": mask_name(issue.reporter_name) if masked else issue.reporter_name,
        "reporter_kind": REPORTER_KIND_LABELS.get(issue.reporter_kind, issue.reporter_kind),
        "reporter_org": org,
        "reporter_phone": mask_phone(issue.reporter_phone) if masked else issue.reporter_phone,
        # the code names the enterprise: hidden with its name in a masked ledger
        "enterprise_code": None if masked and not issue.reporter_consent_public
        else names.enterprise_codes.get(issue.enterprise_id),
        "reporter_consent_public": YES if issue.reporter_consent_public else NO,
        "type": ISSUE_TYPE_LABELS.get(issue.type, issue.type),
        "category": issue.category,
        "township": issue.township,
        "title": text(issue.title),
        "content": text(issue.content),
        "lead_leader": names.leaders.get(issue.lead_leader_id),
        "lead_department": names.departments.get(issue.lead_department_id),
        "co_departments": "、".join(names.departments[d] for d in names.co.get(issue.id, [])
                                   if d in names.departments) or None,
        "responsible_person": issue.responsible_person,
        "responsible_phone": issue.responsible_phone,
        "plan": text(issue.plan),
        "accept_due": issue.accept_due,
        "reply_due": issue.reply_due,
        "complete_due": issue.complete_due,
        "original_complete_due": issue.original_complete_due,
        "report_due": issue.report_due,
        "visit_due": issue.visit_due,
        "assigned_at": issue.assigned_at,
        "accepted_at": issue.accepted_at,
        "answered_at": issue.answered_at,
        "replied_at": issue.replied_at,
        "reported_at": issue.reported_at,
        "closed_at": issue.closed_at,
        "published_at": issue.published_at,
        "suspended_at": issue.suspended_at,
        "review_on": issue.review_on,
        **_escalation(names.escalations.get(issue.id)),
        "status": STATUS_LABELS.get(issue.status, issue.status),
        "reject_reason": REJECT_REASON_LABELS.get(issue.reject_reason, issue.reject_reason)
        if issue.reject_reason else None,
        "flag": FLAG_LABELS.get(flag) if flag else None,
        "accepted_on_time": _yes_no(issue.accepted_on_time),
        "replied_on_time": _yes_no(issue.replied_on_time),
        "completed_on_time": _yes_no(issue.completed_on_time),
        "reported_on_time": _yes_no(issue.reported_on_time),
        "late_completions": issue.late_completions,
        "round_no": issue.round_no,
        "answered_on_spot": YES if issue.answered_on_spot else NO,
        "result": text(issue.result),
        "satisfaction": SATISFACTION_LABELS.get(issue.satisfaction, issue.satisfaction)
        if issue.satisfaction else None,
        "extension_count": issue.extension_count,
        "reopen_count": issue.reopen_count,
        "repeats": names.repeats.get(issue.id, 0),
        "disclosure": DISCLOSURE_LABELS.get(issue.disclosure, issue.disclosure),
        "withhold_reason": text(issue.withhold_reason),
        "public_title": text(issue.public_title),
        "public_summary": text(issue.public_summary),
    }


def ledger_rows(session: Session, actor: User | None, period: Period, now: datetime, *,
                masked: bool) -> Iterator[list[Any]]:
    """The ledger's rows in column order, oldest issue first; a handful of queries per batch."""
    today = local_date(now)
    calendar = load_calendar(session)
    departments = dict(session.execute(select(Department.id, Department.name)).all())
    for batch in _batches(session, actor, period):
        names = _names(session, batch, departments)
        for issue in batch:
            values = _values(issue, names, masked, today, calendar)
            yield [values[c.key] for c in COLUMNS]


def ledger_title(period: Period) -> str:
    return f"营商环境问题台账（{period.label}）"


def write_ledger(session: Session, actor: User | None, period: Period, now: datetime, *,
                 masked: bool = False) -> tuple[Workbook, int]:
    """The workbook (write-only, not yet saved) and the number of issues in it."""
    if not may_export(actor):
        raise Forbidden("您的角色不能导出问题台账")
    masked = masked_for(actor, masked)
    wb = Workbook(write_only=True)
    wb.properties.title = ledger_title(period)
    wb.properties.keywords = f"{LEDGER_MARK} {MASKED_MARK}" if masked else LEDGER_MARK
    ws = wb.create_sheet("问题台账")
    stamp = now.astimezone(LOCAL_TZ).strftime("%Y-%m-%d %H:%M")
    who = actor.display_name if actor is not None else "命令行"
    note = f"登记时间 {period.label}；{who} 于 {stamp} 导出。"
    if masked:
        note += MASKED_NOTE
    count = write_table(ws, [c.column for c in COLUMNS],
                        ledger_rows(session, actor, period, now, masked=masked),
                        title=ledger_title(period), note=note)
    return wb, count


def export_ledger(session: Session, actor: User | None, period: Period, now: datetime, *,
                  masked: bool = False) -> tuple[bytes, int]:
    """The .xlsx file of the period's ledger and its number of issues. `actor` None: the
    command line, which sees every issue."""
    wb, count = write_ledger(session, actor, period, now, masked=masked)
    return workbook_bytes(wb), count


def export_selection(session: Session, actor: User, issue_ids: list[int], now: datetime, *,
                     masked: bool = False) -> tuple[bytes, int]:
    """The .xlsx of the issues chosen on the list, in the order chosen: the ledger's columns and
    its masking for `actor`. An issue `actor` may not see answers NotFound, as everywhere."""
    if not may_export(actor):
        raise Forbidden("您的角色不能导出问题台账")
    ids = check_selection(issue_ids)
    masked = masked_for(actor, masked)
    found = {i.id: i for i in session.execute(select(Issue).where(Issue.id.in_(ids), visible_to(actor))).scalars()}
    missing = [i for i in ids if i not in found]
    if missing:
        raise NotFound("问题不存在或您无权查看", code="issue_not_found")
    batch = [found[i] for i in ids]
    today = local_date(now)
    calendar = load_calendar(session)
    names = _names(session, batch, dict(session.execute(select(Department.id, Department.name)).all()))
    rows = ([_values(issue, names, masked, today, calendar)[c.key] for c in COLUMNS] for issue in batch)
    wb = Workbook(write_only=True)
    wb.properties.title = SELECTION_TITLE
    wb.properties.keywords = f"{LEDGER_MARK} {MASKED_MARK}" if masked else LEDGER_MARK
    ws = wb.create_sheet("问题台账")
    stamp = now.astimezone(LOCAL_TZ).strftime("%Y-%m-%d %H:%M")
    note = f"问题列表中选定的 {len(batch)} 件问题；{actor.display_name} 于 {stamp} 导出。"
    if masked:
        note += MASKED_NOTE
    count = write_table(ws, [c.column for c in COLUMNS], rows, title=SELECTION_TITLE, note=note)
    return workbook_bytes(wb), count


SELECTION_TITLE = "营商环境问题台账（选定问题）"


def selection_filename(now: datetime, masked: bool) -> str:
    return f"问题台账_选定_{now.astimezone(LOCAL_TZ):%Y%m%d%H%M}{'_脱敏' if masked else ''}.xlsx"


def filename(period: Period, masked: bool) -> str:
    return f"问题台账_{period.start:%Y%m%d}-{period.end:%Y%m%d}{'_脱敏' if masked else ''}.xlsx"
