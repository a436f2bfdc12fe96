"""企业库 in the console: 新建企业 and 修改企业 (checked by the API's schemas and saved by the
same service functions), and 导入企业名单 in two steps like the ledger's: the uploaded file is
checked (a dry run) and reported row by row, then the "confirm" button imports exactly that
file, all rows or none."""
import io
from pathlib import Path

from flask import current_app, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import login_required

from models import ENTERPRISE_SCALE_LABELS, EnterpriseScale
from service.core.errors import DomainError, Invalid
from service.core.xlsx import XLSX_MIMETYPE
from service.enterprises import editing, importer, registry
from service.enterprises.access import require_manager
from service.ledger.uploads import UPLOAD_TTL, discard_upload, keep_upload, load_upload

from ..context import db, now
from ..schemas.enterprises import EnterpriseIn, EnterprisePatch
from ..security import csrf
from .blueprint import bp
from .formdata import FormErrors, errors_of, load, or_none, typed
from .session import staff

FORM_FIELDS = registry.FIELDS
UPLOAD_LIMIT = importer.MAX_FILE_SIZE + 64 * 1024  # the file and the form around it


def _values_of(form: editing.EnterpriseForm) -> dict:
    row = form.enterprise
    values = {key: (getattr(row, key) or "") for key in FORM_FIELDS} if row else {"scale": EnterpriseScale.SME}
    values["leader_ids"] = [str(u.id) for u in form.leaders]
    return values


def _form_page(form: editing.EnterpriseForm, values: dict, errors: dict, status: int = 200):
    return render_template("console/enterprises/form.html", form=form, values=values, errors=errors,
                           scales=ENTERPRISE_SCALE_LABELS, townships=[(t, t) for t in form.townships]), status


def _typed() -> tuple[dict, dict]:
    """What the user typed (shown again after a refusal) and the body for the schema. The 包保
    leaders are sent only by the form that shows them (the office's): a form without them
    leaves them as they are, as the API's PATCH does."""
    values = typed(*FORM_FIELDS)
    data = or_none(values)
    if "leaders_shown" in request.form or "leader_ids" in request.form:
        values["leader_ids"] = request.form.getlist("leader_ids")
        data["leader_ids"] = [v.strip() for v in values["leader_ids"]]
    return values, data


def _by_field(errors: FormErrors) -> FormErrors:
    """A list field's message under the field's own name ("leader_ids.0" → "leader_ids")."""
    out = FormErrors({}, errors.status)
    for key, message in errors.items():
        out.setdefault(key.split(".")[0], message)
    return out


@bp.route("/enterprises/new", methods=["GET", "POST"])
@login_required
def enterprise_new():
    form = editing.enterprise_form(db(), staff())
    if request.method == "GET":
        return _form_page(form, _values_of(form), {})
    values, data = _typed()
    body, errors = load(EnterpriseIn(), data)
    if not errors:
        try:
            row = registry.add_enterprise(db(), staff(), body, now())
        except DomainError as exc:
            errors = errors_of(exc)
        else:
            flash(_("已保存：%(name)s", name=row.name), "success")
            return redirect(url_for("console.enterprise_page", enterprise_id=row.id))
    return _form_page(form, values, _by_field(errors), errors.status)


@bp.route("/enterprises/<int:enterprise_id>/edit", methods=["GET", "POST"])
@login_required
def enterprise_edit(enterprise_id: int):
    form = editing.enterprise_form(db(), staff(), enterprise_id)
    if request.method == "GET":
        return _form_page(form, _values_of(form), {})
    values, data = _typed()
    data["name"] = values["name"]  # an emptied name is refused as empty, not as "null"
    body, errors = load(EnterprisePatch(), data)
    if not errors:
        try:
            registry.update_enterprise(db(), staff(), enterprise_id, body, now())
        except DomainError as exc:
            errors = errors_of(exc)
        else:
            flash(_("已保存"), "success")
            return redirect(url_for("console.enterprise_page", enterprise_id=enterprise_id))
    return _form_page(form, values, _by_field(errors), errors.status)


# --- 导入企业名单 ------------------------------------------------------------------------------

def _uploads() -> Path:
    base = current_app.config["LEDGER_UPLOADS_DIR"] or Path(current_app.instance_path) / "ledger_uploads"
    return Path(base) / "enterprises"


def _import_page(status: int = 200, *, report=None, token: str | None = None, upload_error: str | None = None,
                 filename: str | None = None):
    require_manager(staff())
    return render_template("console/enterprises/import.html", report=report, token=token,
                           upload_error=upload_error, filename=filename,
                           ttl_hours=int(UPLOAD_TTL.total_seconds() // 3600)), status


@bp.get("/enterprises/import")
@login_required
def enterprise_import_page():
    return _import_page()


@bp.get("/enterprises/import/template.xlsx")
@login_required
def enterprise_import_template():
    require_manager(staff())
    return send_file(io.BytesIO(importer.template_xlsx()), mimetype=XLSX_MIMETYPE, as_attachment=True,
                     download_name=importer.TEMPLATE_NAME, max_age=0)


@bp.post("/enterprises/import")
@csrf.exempt  # checked below, once the upload limit is raised (the app-wide limit is 1 MB)
@login_required
def enterprise_import_check():
    """Step one: check the uploaded file (dry run) and keep it for step two."""
    user = staff()
    require_manager(user)
    if (request.content_length or 0) > UPLOAD_LIMIT:
        return _import_page(413, upload_error=_("文件超过 10 MB，请拆分后分批导入"))
    request.max_content_length = UPLOAD_LIMIT
    csrf.protect()
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        return _import_page(422, upload_error=_("请选择要导入的企业名单文件（.xlsx）"))
    data = upload.read(importer.MAX_FILE_SIZE + 1)
    try:
        report = importer.import_enterprises(db(), data, user, now(), dry_run=True)
    except DomainError as exc:
        if exc.status != 422:
            raise
        return _import_page(422, upload_error=exc.message, filename=upload.filename)
    token = None if report.refused or not report.planned else keep_upload(_uploads(), user.id, upload.filename,
                                                                          data, now())
    return _import_page(422 if report.refused else 200, report=report, token=token, filename=upload.filename)


@bp.post("/enterprises/import/<token>")
@login_required
def enterprise_import_confirm(token: str):
    """Step two: import the file that step one checked, all rows or none."""
    user = staff()
    require_manager(user)
    try:
        kept = load_upload(_uploads(), token, user.id, now())
    except Invalid as exc:
        return _import_page(410, upload_error=exc.message)
    report = importer.import_enterprises(db(), kept.data, user, now(), dry_run=False)
    if report.refused:
        # The register changed since the dry run (someone added the same name): nothing was
        # imported; the report says which rows.
        return _import_page(409, report=report, filename=kept.filename)
    discard_upload(_uploads(), token)
    flash(_("已从“%(name)s”导入企业名单：新建 %(created)s 家，更新 %(updated)s 家。",
            name=kept.filename, created=report.created, updated=report.updated), "success")
    return redirect(url_for("console.enterprise_list"))
