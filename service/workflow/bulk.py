"""Bulk actions on a selection of the issue list: 催办 each issue (each on its own, a report per
issue), 交办 all collected issues to one department in one go (all or none, like the meeting
table), and the selection's ledger as Excel (service/ledger/export.py)."""
from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session

from models import Issue, User
from service.core.errors import DomainError, Forbidden, Invalid, require
from service.workflow.issue_page import AssignOptions, assign_choices
from service.workflow.queries import get_visible
from service.workflow.transition import WorkflowOptions, role_may_take, transition

MAX_SELECTION = 100
NOTE_MAX = 2000


@dataclass
class BulkOutcome:
    """What became of one issue of the selection: done, or refused and why."""

    issue_id: int
    code: str | None       # None: not found, or not visible to the user
    done: bool
    reason: str | None = None


def check_selection(issue_ids: list[int]) -> list[int]:
    """The selected ids, each once, in the order given; at least one and at most MAX_SELECTION."""
    unique = list(dict.fromkeys(issue_ids))
    require({"issue_ids": "请至少选择一件问题"} if not unique else {})
    if len(unique) > MAX_SELECTION:
        raise Invalid(f"一次最多选择 {MAX_SELECTION} 件问题，本次选了 {len(unique)} 件",
                      {"issue_ids": f"最多 {MAX_SELECTION} 件"}, code="too_many_selected")
    return unique


def may_take(actor: User, action: str) -> bool:
    return role_may_take(actor, action)


@dataclass
class AssignForm:
    """The ticked issues to assign, and what the form offers (departments, leaders, their staff)."""

    issues: list[Issue]
    options: AssignOptions


def assign_form(session: Session, actor: User, issue_ids: list[int]) -> AssignForm:
    """The form of 批量交办 for the ticked issues (an issue the user may not see: NotFound)."""
    if not may_take(actor, "assign"):
        raise Forbidden("只有县营商办可以交办")
    ids = check_selection(issue_ids)
    return AssignForm([get_visible(session, actor, i) for i in ids], assign_choices(session))


def urge_many(session: Session, actor: User, issue_ids: list[int], note: str | None, now: datetime,
              options: WorkflowOptions) -> list[BulkOutcome]:
    """催办 every selected issue with one note, each through the workflow on its own: an issue the
    user may not urge (its state, or not visible to him) is refused in its row, the others are
    urged. Nothing is refused as a whole except a selection or note that is wrong."""
    if not may_take(actor, "urge"):
        raise Forbidden("您的角色不能催办")
    ids = check_selection(issue_ids)
    note = (note or "").strip()
    require({"note": "请填写催办意见"} if not note else {})
    if len(note) > NOTE_MAX:
        raise Invalid("催办意见过长", {"note": f"最多 {NOTE_MAX} 字"})
    outcomes = []
    for issue_id in ids:
        try:
            issue = transition(session, actor, issue_id, "urge", {"note": note}, now, options)
        except DomainError as exc:
            if exc.status == 401:
                raise
            outcomes.append(BulkOutcome(issue_id, _visible_code(session, actor, issue_id), False,
                                        _reason(exc)))
        else:
            outcomes.append(BulkOutcome(issue_id, issue.code, True))
    return outcomes


def assign_many(session: Session, actor: User, issue_ids: list[int], body: dict, now: datetime,
                options: WorkflowOptions) -> list[Issue]:
    """交办 every selected (collected) issue to the same departments, leader and responsible
    person, in one transaction: all of them, or none. Every issue is tried (each in a
    savepoint) so that what is wrong with each is told at once: Invalid naming
    `issue_ids.<n>` for an issue, or the form's own field when the form itself is wrong."""
    if not may_take(actor, "assign"):
        raise Forbidden("只有县营商办可以交办")
    ids = check_selection(issue_ids)
    faults: dict[str, str] = {}
    shared: dict[str, str] = {}
    done = []
    for n, issue_id in enumerate(ids):
        try:
            with session.begin_nested():
                done.append(transition(session, actor, issue_id, "assign", dict(body), now, options,
                                       commit=False))
        except DomainError as exc:
            if exc.status in (401, 403):
                session.rollback()
                raise
            # a fault of a field is the form's (the same for every issue); one without, the issue's
            form_faults = {k: v for k, v in exc.fields.items() if k != "version"}
            shared.update(form_faults)
            if not form_faults:
                code = _visible_code(session, actor, issue_id)
                faults[f"issue_ids.{n}"] = f"{code or issue_id}：{_reason(exc)}"
    if faults or shared:
        session.rollback()
        message = "表单有误，未交办" if shared else "第" + "、".join(
            str(int(k.split(".")[1]) + 1) for k in faults) + "件未能交办，本批均未保存"
        raise Invalid(message, {**shared, **faults})
    session.commit()
    return done


def _visible_code(session: Session, actor: User, issue_id: int) -> str | None:
    try:
        return get_visible(session, actor, issue_id).code
    except DomainError:
        return None


def _reason(exc: DomainError) -> str:
    fields = [v for k, v in exc.fields.items() if k != "version"]
    return exc.message + (f"（{'；'.join(fields)}）" if fields and fields[0] != exc.message else "")
