"""Bulk actions on the issues ticked in the list: 催办 them all with one note (a report per
issue), 交办 collected ones to one department (all or none), or download them as the ledger."""
import io

from flask import render_template, request, send_file
from flask_babel import gettext as _
from flask_login import login_required

from service import ledger
from service.core.errors import DomainError, Invalid
from service.core.xlsx import XLSX_MIMETYPE
from service.workflow import bulk

from ..context import db, now, workflow_options
from ..schemas.actions import ActionBody, AssignBody
from .blueprint import bp
from .formdata import id_or_none, load, numbers, or_none
from .session import staff


def _selection() -> list[int]:
    """The ticked issues; a value that is not an issue id is a named error, never dropped."""
    raw = request.form.getlist("issue_ids")
    ids = [id_or_none(v) for v in raw]
    if any(i is None for i in ids):
        raise Invalid(_("选择的问题编号无效"), {"issue_ids": _("无效的问题编号")})
    if len(raw) > bulk.MAX_SELECTION:
        raise Invalid(_("一次最多选择 %(n)s 件问题，本次选了 %(m)s 件", n=bulk.MAX_SELECTION, m=len(raw)),
                      {"issue_ids": _("最多 %(n)s 件", n=bulk.MAX_SELECTION)}, code="too_many_selected")
    return [i for i in ids if i is not None]


def _back() -> str:
    """Where the list was (its filters and sort), to go back to."""
    back = request.form.get("back", "")
    return back if back.startswith("/console/issues") and "//" not in back else "/console/issues"


@bp.post("/issues/bulk/urge")
@login_required
def bulk_urge():
    try:
        ids = _selection()
        checked, errors = load(ActionBody(), {"note": request.form.get("note", "")})
        if errors:
            raise Invalid(_("请检查催办意见"), dict(errors))
        outcomes = bulk.urge_many(db(), staff(), ids, checked.get("note"), now(), workflow_options())
    except Invalid as exc:
        return render_template("console/issues/bulk_result.html", action="urge", outcomes=[], error=exc,
                               back=_back()), 422
    return render_template("console/issues/bulk_result.html", action="urge", outcomes=outcomes, error=None,
                           back=_back())


@bp.post("/issues/bulk/export")
@login_required
def bulk_export():
    user = staff()
    masked = bool(request.form.get("masked"))
    try:
        content, _count = ledger.export_selection(db(), user, _selection(), now(), masked=masked)
    except Invalid as exc:
        return render_template("console/issues/bulk_result.html", action="export", outcomes=[], error=exc,
                               back=_back()), 422
    return send_file(io.BytesIO(content), mimetype=XLSX_MIMETYPE, as_attachment=True, max_age=0,
                     download_name=ledger.selection_filename(now(), ledger.masked_for(user, masked)))


ID_FIELDS = ("lead_department_id", "lead_leader_id", "handler_user_id")
ASSIGN_FIELDS = ("lead_department_id", "lead_leader_id", "handler_user_id", "responsible_person",
                 "responsible_phone", "note")


@bp.post("/issues/bulk/assign")
@login_required
def bulk_assign():
    """First the form for the ticked issues; sent again with `confirm`, they are assigned."""
    user = staff()
    values = {name: request.form.get(name, "").strip() for name in ASSIGN_FIELDS}
    errors: dict = {}
    error = None
    try:
        ids = _selection()
        form = bulk.assign_form(db(), user, ids)
        if request.form.get("confirm"):
            body, errors = load(AssignBody(), numbers(or_none(values), *ID_FIELDS))
            if errors:
                raise Invalid(_("请检查标红的内容"), errors)
            done = bulk.assign_many(db(), user, ids, body, now(), workflow_options())
            outcomes = [bulk.BulkOutcome(i.id, i.code, True) for i in done]
            return render_template("console/issues/bulk_result.html", action="assign", outcomes=outcomes,
                                   error=None, back=_back())
    except DomainError as exc:
        if exc.status != 422:
            raise
        error, errors = exc, dict(exc.fields)
        if not request.form.get("confirm") or "form" not in locals():
            return render_template("console/issues/bulk_result.html", action="assign", outcomes=[], error=exc,
                                   back=_back()), 422
    return render_template("console/issues/bulk_assign.html", form=form, values=values, errors=errors,
                           error=error, back=_back()), 422 if error else 200
