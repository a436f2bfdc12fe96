"""问题台账: download the Excel ledger of a period; import an existing ledger in two steps.

Import: the uploaded file is checked (a dry run) and the report shown row by row; the file is
kept under the instance folder for its uploader for two hours, and the "import" button imports
exactly that file. All or nothing: a file with any refused row is not imported at all.
"""
import io
from datetime import date
from pathlib import Path

from flask import current_app, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import login_required

from service import ledger
from service.assessment import periods
from service.core.errors import DomainError, Forbidden, Invalid
from service.core.xlsx import XLSX_MIMETYPE
from service.ledger.importer import MAX_FILE_SIZE
from service.ledger.uploads import UPLOAD_TTL, discard_upload, keep_upload, load_upload

from ..context import db, now, today
from ..security import csrf
from .blueprint import bp
from .session import staff

UPLOAD_LIMIT = MAX_FILE_SIZE + 64 * 1024  # the file and the form around it
PRESETS = ("month", "quarter", "year", "custom")
PRESET_NAMES = {"month": periods.THIS_MONTH, "quarter": periods.THIS_QUARTER, "year": periods.THIS_YEAR}


def _uploads() -> Path:
    return Path(current_app.config["LEDGER_UPLOADS_DIR"] or Path(current_app.instance_path) / "ledger_uploads")


def preset_period(preset: str, day: date) -> tuple[date, date]:
    """This month, quarter or year so far (the assessment's presets)."""
    period = periods.preset_period(PRESET_NAMES[preset], day)
    return period.start, period.end


def _date_arg(name: str, errors: dict) -> date | None:
    try:
        return periods.parse_day(request.args.get(name), name)
    except Invalid as exc:
        errors.update(exc.fields)
        return None


def _page(status: int = 200, *, errors: dict | None = None, chosen: dict | None = None,
          report=None, token: str | None = None, upload_error: str | None = None, filename: str | None = None):
    user = staff()
    day = today()
    chosen = chosen or {"period": "month", "from": "", "to": ""}
    presets = {key: preset_period(key, day) for key in PRESETS[:3]}
    return render_template("console/ledger/page.html", chosen=chosen, errors=errors or {}, presets=presets,
                           may_import=ledger.may_import(user), masked_always=ledger.masked_for(user),
                           report=report, token=token, upload_error=upload_error, filename=filename,
                           ttl_hours=int(UPLOAD_TTL.total_seconds() // 3600)), status


def _may_use_page() -> None:
    if not ledger.may_export(staff()):
        raise Forbidden(_("您的角色不能使用问题台账"))


@bp.get("/ledger")
@login_required
def ledger_page():
    _may_use_page()
    return _page()


@bp.get("/ledger/export")
@login_required
def ledger_export():
    _may_use_page()
    user = staff()
    preset = request.args.get("period") if request.args.get("period") in PRESETS else "custom"
    chosen = {"period": preset, "from": request.args.get("from", ""), "to": request.args.get("to", ""),
              "masked": bool(request.args.get("masked"))}
    errors: dict = {}
    if preset == "custom":
        start, end = _date_arg("from", errors), _date_arg("to", errors)
    else:
        start, end = preset_period(preset, today())
    try:
        if errors:
            raise Invalid(_("请检查日期"), errors)
        period = ledger.check_period(start, end)
        content, _count = ledger.export_ledger(db(), user, period, now(), masked=chosen["masked"])
    except Invalid as exc:
        return _page(422, errors=exc.fields, chosen=chosen)
    masked = ledger.masked_for(user, chosen["masked"])
    return send_file(io.BytesIO(content), mimetype=XLSX_MIMETYPE, as_attachment=True,
                     download_name=ledger.filename(period, masked), max_age=0)


@bp.post("/ledger/import")
@csrf.exempt  # checked below, once the upload limit is raised (the app-wide limit is 1 MB)
@login_required
def ledger_check():
    """Step one: check the uploaded file (dry run) and keep it for step two."""
    user = staff()
    ledger.require_importer(user)
    if (request.content_length or 0) > UPLOAD_LIMIT:
        return _page(413, upload_error=_("文件超过 10 MB，请拆分后分批导入"))
    request.max_content_length = UPLOAD_LIMIT
    csrf.protect()
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        return _page(422, upload_error=_("请选择要导入的台账文件（.xlsx）"))
    data = upload.read(MAX_FILE_SIZE + 1)
    try:
        report = ledger.import_ledger(db(), data, user, now(), dry_run=True, filename=upload.filename)
    except DomainError as exc:
        if exc.status != 422:
            raise
        return _page(422, upload_error=exc.fields.get("file", exc.message), filename=upload.filename)
    token = None if report.refused or not report.rows else keep_upload(_uploads(), user.id, upload.filename,
                                                                       data, now())
    return _page(422 if report.refused else 200, report=report, token=token, filename=upload.filename)


@bp.post("/ledger/import/<token>")
@login_required
def ledger_import(token: str):
    """Step two: import the file that step one checked."""
    user = staff()
    ledger.require_importer(user)
    try:
        kept = load_upload(_uploads(), token, user.id, now())
    except Invalid as exc:
        return _page(410, upload_error=exc.message)
    report = ledger.import_ledger(db(), kept.data, user, now(), dry_run=False, filename=kept.filename)
    if report.refused:
        # The database changed since the dry run (someone registered the same code): nothing
        # was imported; the report says which rows.
        return _page(409, report=report, filename=kept.filename)
    discard_upload(_uploads(), token)
    flash(_("已从“%(name)s”导入 %(n)s 件问题，每件的时间线上都记有“由台账导入”。",
            name=kept.filename, n=report.created), "success")
    return redirect(url_for("console.ledger_page"))
