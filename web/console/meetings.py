"""会议交办: meetings, assigning a meeting's issues in one save, and the printable 交办单."""
import re

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from flask_login import login_required

from models import DEADLINE_KEYS, MEETING_KIND_LABELS, MeetingKind
from service.core.errors import DomainError
from service.enterprises.leaders import invited_enterprises
from service.matching.suggestions import suggest_for
from service.workflow import meeting_desk as agenda
from service.workflow import meetings

from ..context import calendar, db, now, today, workflow_options
from ..schemas.actions import MeetingAssignment
from ..schemas.common import max_lengths
from ..schemas.meetings import MeetingPatch, MeetingSchema
from .blueprint import bp
from .formdata import errors_of, load, local_datetime, or_none, typed
from .session import staff
from .ui import localtime

MEETING_FIELDS = ("kind", "title", "held_at", "host_leader_id", "attendees", "location")
ROW_FIELDS = ("issue_id", "version", "lead_leader_id", "lead_department_id", "responsible_person",
              "responsible_phone")
MAX_ROWS = 500
# What the assignment table calls each field, for the list of errors above it.
FIELD_LABELS = {
    "issue_id": _l("问题"), "version": _l("问题"), "lead_leader_id": _l("主抓领导"),
    "lead_department_id": _l("主办单位"), "co_department_ids": _l("协办单位"),
    "responsible_person": _l("责任人"), "responsible_phone": _l("责任人电话"),
    "accept_due": _l("签收时限"), "reply_due": _l("回复时限"), "complete_due": _l("办结时限"),
    "report_due": _l("报告时限"), "visit_due": _l("回访时限"),
}


@bp.context_processor
def _issue_links():
    """`issue_href(id)`: the issue page, wherever the issue pages are mounted."""
    def issue_href(issue_id: int) -> str:
        if "console.issue_page" in current_app.view_functions:
            return url_for("console.issue_page", issue_id=issue_id)
        return f"/console/issues/{issue_id}"
    return {"issue_href": issue_href}


@bp.get("/meetings", endpoint="meetings")
@login_required
def meetings_list():
    kind = request.args.get("kind") if request.args.get("kind") in set(MeetingKind) else None
    page = agenda.meeting_list(db(), staff(), today(), kind=kind, cursor=request.args.get("cursor"))
    return render_template("console/meetings/list.html", page=page, kind=kind,
                           kinds=MEETING_KIND_LABELS)


def _split_attendees(text: str) -> list[str]:
    return [a.strip() for a in re.split(r"[\n\r、，,；;]+", text or "") if a.strip()]


def _new_form(values: dict, errors: dict, meeting=None):
    leaders = [(u.id, u.display_name) for u in agenda.meeting_form(db(), staff())]
    return render_template("console/meetings/new.html", values=values, errors=errors, leaders=leaders,
                           limits=max_lengths(MeetingPatch),
                           kinds=MEETING_KIND_LABELS, meeting=meeting)


@bp.route("/meetings/new", methods=["GET", "POST"])
@login_required
def meeting_new():
    if request.method == "GET":
        return _new_form({"kind": request.args.get("kind", MeetingKind.BREAKFAST)}, {})
    values = typed(*MEETING_FIELDS)
    data = or_none({**values, "held_at": local_datetime(values["held_at"])})
    data["attendees"] = _split_attendees(values["attendees"])
    body, errors = load(MeetingSchema(), data)
    if not errors:
        try:
            meeting = meetings.create_meeting(db(), staff(), body, now())
        except DomainError as exc:
            errors = errors_of(exc)
        else:
            flash(gettext("会议已创建，请登记本次会议的问题，再统一交办。"), "success")
            return redirect(url_for("console.meeting_page", meeting_id=meeting.id))
    return _new_form(values, errors), errors.status


EDIT_FIELDS = ("title", "held_at", "host_leader_id", "attendees", "location", "note")


@bp.route("/meetings/<int:meeting_id>/edit", methods=["GET", "POST"])
@login_required
def meeting_edit(meeting_id: int):
    """修改会议信息, until the meeting's issues are assigned."""
    meeting = agenda.editable_meeting(db(), staff(), meeting_id)
    if request.method == "GET":
        values = {"kind": meeting.kind, "title": meeting.title, "held_at": localtime(meeting.held_at, "%Y-%m-%dT%H:%M"),
                  "host_leader_id": str(meeting.host_leader_id or ""), "attendees": "\n".join(meeting.attendees),
                  "location": meeting.location or ""}
        return _new_form(values, {}, meeting)
    values = typed(*EDIT_FIELDS)
    data = or_none({**values, "held_at": local_datetime(values["held_at"])})
    data["attendees"] = _split_attendees(values["attendees"])
    data["location"] = data.get("location")
    body, errors = load(MeetingPatch(), data)
    if not errors:
        try:
            meetings.update_meeting(db(), staff(), meeting_id, body, now())
        except DomainError as exc:
            errors = errors_of(exc)
        else:
            flash(gettext("会议信息已修改，修改记录已保存。"), "success")
            return redirect(url_for("console.meeting_page", meeting_id=meeting_id))
    return _new_form({**values, "kind": meeting.kind}, errors, meeting), errors.status


def _desk(meeting_id: int, rows: dict | None = None, errors: dict | None = None, message: str | None = None):
    desk = agenda.meeting_desk(db(), staff(), meeting_id, today(), calendar())
    # 会前准备: the invited enterprises on record and their open issues
    invited = invited_enterprises(db(), staff(), meeting_id, today=today(), calendar=calendar())
    return render_template("console/meetings/page.html", desk=desk, rows=rows or {}, errors=errors or {},
                           message=message, kinds=MEETING_KIND_LABELS, deadline_keys=DEADLINE_KEYS,
                           field_labels=FIELD_LABELS, invited=invited, limits=max_lengths(MeetingAssignment),
                           suggestions=suggest_for(db(), [row.issue for row in desk.to_assign]))


@bp.get("/meetings/<int:meeting_id>")
@login_required
def meeting_page(meeting_id: int):
    return _desk(meeting_id)


def _typed_rows() -> list[dict]:
    """The assignment table as typed, row by row."""
    rows = []
    for i in range(MAX_ROWS):
        prefix = f"rows-{i}-"
        if prefix + "issue_id" not in request.form:
            break
        row = {k: request.form.get(prefix + k, "").strip() for k in ROW_FIELDS + DEADLINE_KEYS}
        row["co_department_ids"] = request.form.getlist(prefix + "co_department_ids")
        row["include"] = request.form.get(prefix + "include") == "1"
        rows.append(row)
    return rows


def _body(row: dict) -> dict:
    body = or_none({k: row[k] for k in ROW_FIELDS})
    body["co_department_ids"] = [d for d in row["co_department_ids"] if d]
    body["deadlines"] = {k: row[k] for k in DEADLINE_KEYS if row[k]}
    return body


def _field(key: str) -> str:
    """An error's field as the table names it: `deadlines.accept_due` is the `accept_due` box."""
    return key.removeprefix("deadlines.")


@bp.post("/meetings/<int:meeting_id>/assign")
@login_required
def meeting_assign(meeting_id: int):
    """Every ticked row is checked, the form's shapes here and the workflow's rules in the
    service, and every row's faults come back at once; nothing is saved while any row is wrong."""
    rows = _typed_rows()
    chosen = [r for r in rows if r["include"]]
    by_issue = {r["issue_id"]: r for r in rows}
    if not chosen:
        return _desk(meeting_id, by_issue, {}, gettext("请至少勾选一件要交办的问题")), 422
    wrong: dict[int, dict[str, str]] = {}
    assignments = []
    for n, row in enumerate(chosen):
        body, problems = load(MeetingAssignment(), _body(row))
        if problems:
            wrong[n] = dict(problems)
        else:
            assignments.append({**body, "row": n})
    try:
        done = agenda.assign_meeting(db(), staff(), meeting_id, assignments, now(), workflow_options(),
                                     also_wrong=wrong)
    except DomainError as exc:
        if exc.status in (401, 403, 404):
            raise
        errors: dict[str, dict[str, str]] = {}
        for key, text in exc.fields.items():
            parts = key.split(".", 2)
            if parts[0] == "assignments" and len(parts) == 3 and parts[1].isdigit() \
                    and int(parts[1]) < len(chosen):
                errors.setdefault(chosen[int(parts[1])]["issue_id"], {})[_field(parts[2])] = text
        message = gettext("本批均未保存：%(n)s 行有误，请按红色提示修改后再保存。", n=len(errors)) if errors \
            else exc.message
        return _desk(meeting_id, by_issue, errors, message), exc.status
    flash(gettext("已交办 %(n)s 件问题，已通知承办单位和反映人。", n=len(done)), "success")
    return redirect(url_for("console.meeting_page", meeting_id=meeting_id))


@bp.get("/meetings/<int:meeting_id>/sheet")
@login_required
def meeting_sheet(meeting_id: int):
    sheet = agenda.assignment_sheet(db(), staff(), meeting_id)
    return render_template("console/meetings/sheet.html", sheet=sheet, kinds=MEETING_KIND_LABELS,
                           printed_on=today())
