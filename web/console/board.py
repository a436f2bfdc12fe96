"""督办: the supervision board (colours, lateness, urging), failed SMS, and the office's queues —
extension decisions, return visits (回访) and publication with a preview of the public page."""
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from flask_login import login_required
from marshmallow import Schema

from models import CHANNEL_LABELS, Channel
from service.core.errors import DomainError
from service.reminders.outbox import resend
from service.supervision import board as supervision
from service.supervision import office_queues as queues
from service.supervision.delivery_report import delivery_report
from service.supervision.office_queues import queue_counts
from service.workflow.transition import transition

from ..context import calendar, db, now, today, workflow_options
from ..schemas.actions import ExtensionDecisionBody, PublishBody, ReasonBody, VisitBody
from .blueprint import bp
from .formdata import FormErrors, back_to, errors_of, load, or_none, typed
from .session import staff
from .ui import SATISFACTION_LABELS

TABS = (
    ("board", "console.board", _l("督办台"), None),
    ("sms", "console.board_sms", _l("短信发送失败"), "failed_sms"),
    ("delivery", "console.board_delivery", _l("送达统计"), None),
    ("extensions", "console.board_extensions", _l("延期审批"), "extensions"),
    ("visits", "console.board_visits", _l("回访"), "visits"),
    ("publication", "console.board_publication", _l("公开公示"), "publication"),
)
COLOUR_LABELS = {"red": _l("红色 已超期"), "yellow": _l("黄色 临近时限"), "green": _l("绿色 正常"),
                 "suspended": _l("挂账"), "escalated": _l("提请中")}
DELIVERY_CHANNELS = {"sms": _l("短信"), "robot": _l("群机器人")}
RECIPIENT_KIND_LABELS = {"robot": _l("部门群机器人"), "department": _l("承办单位责任人"),
                         "co_department": _l("协办单位"),
                         "reporter": _l("反映人"), "office": _l("县营商办"), "leader": _l("主抓领导"),
                         "supervisor": _l("县委督查办")}


def _render(template: str, **context):
    return render_template(f"console/board/{template}.html", tabs=TABS, my_tabs=supervision.tabs_for(staff()),
                           satisfactions=SATISFACTION_LABELS, recipient_kinds=RECIPIENT_KIND_LABELS,
                           today_date=today(), **context)


# --- the board ----------------------------------------------------------------------------------

def _int(name: str) -> int | None:
    text = request.args.get(name, "")
    return int(text) if text.isascii() and text.isdigit() and len(text) < 10 else None


def _filters() -> supervision.BoardFilters:
    flag = request.args.get("flag")
    channel = request.args.get("channel")
    return supervision.BoardFilters(
        flag=flag if flag in supervision.COLOURS else None,
        department_id=_int("department_id"), leader_id=_int("leader_id"),
        channel=channel if channel in set(Channel) else None,
        overdue=request.args.get("overdue") == "1")


@bp.get("/board")
@login_required
def board():
    filters = _filters()
    result = supervision.board(db(), staff(), filters, today(), calendar(), page=_int("page") or 1)
    return _render("board", board=result, f=filters, colours=COLOUR_LABELS, channels=CHANNEL_LABELS,
                   here=request.full_path.rstrip("?"))


@bp.get("/board/sms")
@login_required
def board_sms():
    return _render("sms", sms=supervision.failed_sms(db(), staff(), cursor=request.args.get("cursor")),
                   tab="sms")


@bp.get("/board/delivery")
@login_required
def board_delivery():
    end = _day("end") or today()
    start = _day("start") or end - timedelta(days=29)
    report = delivery_report(db(), staff(), start, end)
    return _render("delivery", report=report, tab="delivery", counts=queue_counts(db()),
                   channel_labels=DELIVERY_CHANNELS)


@bp.post("/board/delivery/resend/<int:msg_id>")
@login_required
def board_delivery_resend(msg_id: int):
    try:
        resend(db(), staff(), msg_id, now())
    except DomainError as exc:
        if exc.status in (403, 404):
            raise
        flash(exc.message, "warning")
    else:
        flash(gettext("已重新排队发送（一条新消息）"), "success")
    return redirect(back_to(url_for("console.board_delivery"), "/console/board/delivery"))


def _day(name: str) -> date | None:
    try:
        return date.fromisoformat(request.args.get(name, ""))
    except ValueError:
        return None


# --- the office's queues ------------------------------------------------------------------------

@bp.get("/board/extensions")
@login_required
def board_extensions():
    return _render("extensions", queue=queues.extension_queue(db(), staff()), tab="extensions")


@bp.get("/board/visits")
@login_required
def board_visits():
    return _render("visits", queue=queues.visit_queue(db(), staff(), cursor=request.args.get("cursor")),
                   tab="visits")


@bp.get("/board/publication")
@login_required
def board_publication():
    return _render("publication", queue=queues.publication_queue(db(), staff(), cursor=request.args.get("cursor")),
                   tab="publication")


def _editor(issue_id: int, values: dict | None = None, errors: dict | None = None, status: int = 200):
    values = values or {}
    draft = queues.publication_draft(db(), staff(), issue_id, now(), values.get("public_title"),
                                     values.get("public_summary"))
    return _render("publish", draft=draft, values=values, errors=errors or {}, tab="publication"), status


@bp.get("/board/publication/<int:issue_id>")
@login_required
def board_publication_edit(issue_id: int):
    return _editor(issue_id)


@bp.post("/board/publication/<int:issue_id>/preview")
@login_required
def board_publication_preview(issue_id: int):
    """The public page as it would be, for the text as typed (htmx swaps it in)."""
    values = typed("public_title", "public_summary")
    try:
        draft = queues.publication_draft(db(), staff(), issue_id, now(), values["public_title"],
                                         values["public_summary"])
    except DomainError as exc:
        return render_template("console/board/_preview_error.html", message=exc.message), exc.status
    return render_template("console/board/_preview.html", preview=draft.preview, masked=draft.masked,
                           doubts=draft.doubts)


# --- the steps taken from the board and the queues ----------------------------------------------
# Each is one workflow step: a form checked by the API's schema, one transition(), and either a
# message and the way back, or the page again with the form's errors.

def _urge_refused(_issue_id: int, _values: dict, errors: FormErrors):
    # The board has one urge form per row: the answer comes back as a message above it.
    why = gettext("请写明催办要求") if "note" in errors else errors.get("_form") or "；".join(errors.values())
    flash(gettext("催办未发出：%(why)s", why=why), "danger")
    return redirect(_board_back())


def _board_back() -> str:
    return back_to(url_for("console.board"), "/console/board")


def _queue_refused(queue: str):
    def refused(issue_id: int, values: dict, errors: FormErrors):
        rows = queues.extension_queue(db(), staff()) if queue == "extensions" else queues.visit_queue(db(), staff())
        return _render(queue, queue=rows, tab=queue, failed=issue_id, values=values, errors=errors), errors.status
    return refused


def _withhold_refused(issue_id: int, values: dict, errors: FormErrors):
    # The page has two forms: the withhold form's fields are named apart.
    named = FormErrors({("withhold_" + k if k != "_form" else k): v for k, v in errors.items()}, errors.status)
    return _editor(issue_id, {"withhold_reason": values["reason"]}, named, named.status)


def _visited(issue) -> str:
    if issue.status == "closed":
        return gettext("已记录 %(code)s 的回访：问题已办结，可在“公开公示”中发布", code=issue.code)
    return gettext("已记录 %(code)s 的回访：反映人不满意，问题已退回重办", code=issue.code)


@dataclass(frozen=True)
class BoardStep:
    """A workflow step taken on a board page: its form fields (stripped; `raw` as sent), the
    schema that checks them, the message once done, where to go then, and the answer to a
    refused form."""
    action: str
    rule: str
    fields: tuple[str, ...]
    schema: Callable[[], Schema]
    done: Callable[..., str]
    back: Callable[[], str]
    refused: Callable[[int, dict, FormErrors], object]
    raw: tuple[str, ...] = ()


BOARD_STEPS = {
    "board_urge": BoardStep(
        "urge", "/board/urge/<int:issue_id>", ("note", "version"), lambda: ReasonBody(only=("note", "version")),
        lambda issue, _body: gettext("已催办 %(code)s，短信已排队发给责任人", code=issue.code),
        _board_back, _urge_refused),
    "board_extension_decide": BoardStep(
        "decide_extension", "/board/extensions/<int:issue_id>", ("note", "complete_due", "version"),
        ExtensionDecisionBody,
        lambda issue, body: gettext("%(code)s 的延期申请已批准", code=issue.code) if body["approve"]
        else gettext("%(code)s 的延期申请未批准", code=issue.code),
        lambda: url_for("console.board_extensions"), _queue_refused("extensions"), raw=("approve",)),
    "board_visit": BoardStep(
        "visit", "/board/visits/<int:issue_id>", ("satisfaction", "note", "version"), VisitBody,
        lambda issue, _body: _visited(issue), lambda: url_for("console.board_visits"), _queue_refused("visits")),
    "board_publish": BoardStep(
        "publish", "/board/publication/<int:issue_id>/publish", ("public_title", "public_summary", "version"),
        PublishBody, lambda issue, _body: gettext("%(code)s 已公开公示", code=issue.code),
        lambda: url_for("console.board_publication"),
        lambda issue_id, values, errors: _editor(issue_id, values, errors, errors.status)),
    "board_withhold": BoardStep(
        "withhold", "/board/publication/<int:issue_id>/withhold", ("reason", "version"), ReasonBody,
        lambda issue, _body: gettext("%(code)s 不予公开，理由已记录", code=issue.code),
        lambda: url_for("console.board_publication"), _withhold_refused),
}


@login_required
def board_step(issue_id: int, step_name: str):
    step = BOARD_STEPS[step_name]
    values = typed(*step.fields) | {name: request.form.get(name, "") for name in step.raw}
    body, errors = load(step.schema(), or_none(values))
    if not errors:
        try:
            issue = transition(db(), staff(), issue_id, step.action, body, now(), workflow_options())
        except DomainError as exc:
            errors = errors_of(exc)
        else:
            flash(step.done(issue, body), "success")
            return redirect(step.back())
    return step.refused(issue_id, values, errors)


for _endpoint, _step in BOARD_STEPS.items():
    bp.add_url_rule(_step.rule, _endpoint, board_step, methods=["POST"], defaults={"step_name": _endpoint})
