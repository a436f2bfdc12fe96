"""复查 and 问责: the supervision office's half-monthly sample of closed issues with a verdict form
per issue, and the accountability records with their form (the decision document uploaded as
a PDF)."""
from flask import flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext
from flask_login import login_required

from models import ACCOUNTABILITY_KIND_LABELS, RECHECK_REASON_LABELS, RECHECK_VERDICT_LABELS
from models.permissions import Permission
from service.core.errors import DomainError
from service.identity import permissions as access
from service.supervision import accountability
from service.supervision import recheck as recheck_service
from service.workflow.attachments import MAX_SIZE

from ..context import db, documents_dir, now, today, workflow_options
from ..schemas.supervision import AccountabilityIn, DrawIn, VerdictIn
from ..security import csrf
from .blueprint import bp
from .formdata import FormErrors, errors_of, id_or_none, load, or_none, typed
from .session import staff

UPLOAD_LIMIT = MAX_SIZE + 64 * 1024  # the document and the form around it


def _recheck_page(sample_id: int | None = None, errors: FormErrors | None = None, values: dict | None = None,
                  member_errors: dict | None = None, status: int = 200):
    session, me = db(), staff()
    samples = recheck_service.samples(session, me)
    chosen = sample_id if sample_id is not None else (samples[0].id if samples else None)
    view = recheck_service.sample_view(session, me, chosen) if chosen is not None else None
    return render_template("console/recheck/index.html", samples=samples, view=view, errors=errors or FormErrors(),
                           values=values or {"day": "", "share": "20"}, member_errors=member_errors or {},
                           may_draw=access.may(me, Permission.RECHECK_DRAW),
                           reason_labels=RECHECK_REASON_LABELS, verdict_labels=RECHECK_VERDICT_LABELS,
                           default_day=today()), status


@bp.get("/recheck")
@login_required
def recheck_page():
    return _recheck_page(id_or_none(request.args.get("sample")) if request.args.get("sample") else None)


@bp.post("/recheck/draw")
@login_required
def recheck_draw():
    access.require(staff(), Permission.RECHECK_DRAW)
    values = typed("day", "share")
    body, errors = load(DrawIn(), or_none(values))
    if not errors:
        try:
            sample, created = recheck_service.draw_sample(
                db(), staff(), body["day"], None if body["share"] is None else body["share"] / 100, now())
        except DomainError as exc:
            errors = errors_of(exc)
        else:
            flash(gettext("已抽取复查样本") if created else gettext("该半月已抽取过，以下是保存的样本（不重新抽取）"),
                  "success" if created else "info")
            return redirect(url_for("console.recheck_page", sample=sample.id))
    return _recheck_page(errors=errors, values=values, status=errors.status)


@bp.post("/recheck/members/<int:member_id>")
@login_required
def recheck_verdict(member_id: int):
    values = typed("verdict", "note")
    body, errors = load(VerdictIn(), or_none(values))
    sample_id = id_or_none(request.form.get("sample"))
    if not errors:
        try:
            member = recheck_service.decide(db(), staff(), member_id, body["verdict"], body["note"], now(),
                                            workflow_options())
        except DomainError as exc:
            errors = errors_of(exc)
        else:
            flash(gettext("复查结论已记录：%(v)s", v=gettext(RECHECK_VERDICT_LABELS[member.verdict])), "success")
            return redirect(url_for("console.recheck_page", sample=member.sample_id) + f"#member-{member.id}")
    return _recheck_page(sample_id, member_errors={member_id: (errors, values)}, status=errors.status)


# --- 问责 ---------------------------------------------------------------------------------------

def _accountability_page(errors: FormErrors | None = None, values: dict | None = None, status: int = 200):
    session, me = db(), staff()
    rows = accountability.records(session, me)
    may_write = access.may(me, Permission.ACCOUNTABILITY_WRITE)
    return render_template("console/recheck/accountability.html", rows=rows, errors=errors or FormErrors(),
                           values=values or {"decided_on": today().isoformat()}, may_write=may_write,
                           departments=accountability.departments(session) if may_write else [],
                           kind_labels=ACCOUNTABILITY_KIND_LABELS), status


@bp.get("/accountability")
@login_required
def accountability_page():
    return _accountability_page()


@bp.post("/accountability")
@csrf.exempt  # checked below, once the upload limit is raised (the app-wide limit is 1 MB)
@login_required
def accountability_add():
    request.max_content_length = UPLOAD_LIMIT
    csrf.protect()
    access.require(staff(), Permission.ACCOUNTABILITY_WRITE)
    values = typed("kind", "department_id", "issue_codes", "document_no", "decided_on", "note")
    data = or_none(values)
    if data.get("department_id") is not None:
        data["department_id"] = id_or_none(data["department_id"]) or data["department_id"]
    data["issue_codes"] = [c for c in (values["issue_codes"].replace("，", ",").replace("、", ",")
                                       .replace("\n", ",").split(",")) if c.strip()]
    body, errors = load(AccountabilityIn(), data)
    if not errors:
        upload = request.files.get("document")
        # a FileStorage without a file name is false: content sent without one is still looked at
        stream, name = (upload.stream, upload.filename) if upload is not None else (None, None)
        try:
            accountability.add_record(db(), staff(), kind=body["kind"], department_id=body["department_id"],
                                      issue_codes=body["issue_codes"], document_no=body["document_no"],
                                      decided_on=body["decided_on"], note=body["note"], now=now(),
                                      storage_dir=documents_dir(), document=stream, document_name=name)
        except DomainError as exc:
            errors = errors_of(exc)
        else:
            flash(gettext("问责记录已登记"), "success")
            return redirect(url_for("console.accountability_page"))
    return _accountability_page(errors, values, errors.status)


@bp.get("/accountability/<int:record_id>/document")
@login_required
def accountability_document(record_id: int):
    found, path = accountability.open_document(db(), staff(), record_id, documents_dir())
    return send_file(path, mimetype="application/pdf", as_attachment=True, download_name=found.document_filename,
                     max_age=0)
