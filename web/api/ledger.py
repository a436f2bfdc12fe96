"""The Excel ledger (问题台账): download for a period, and import of an existing ledger."""
import io

from flask import jsonify, request, send_file
from flask_smorest import Blueprint
from marshmallow import Schema, fields

from service import ledger
from service.assessment import periods
from service.core.errors import Invalid
from service.core.xlsx import XLSX_MIMETYPE
from service.ledger.importer import MAX_FILE_SIZE

from ..context import current_user, db, now, today
from ..limits import uploaded_file

blp = Blueprint("ledger", __name__, url_prefix="/api/v1", description="问题台账：Excel 导出与导入")
TRUE_WORDS = frozenset({"1", "true", "yes", "on"})
FALSE_WORDS = frozenset({"", "0", "false", "no", "off"})


class LedgerArgs(Schema):
    start = fields.Date(data_key="from", load_default=None)
    end = fields.Date(data_key="to", load_default=None)
    masked = fields.Boolean(load_default=False)


class ImportRow(Schema):
    row = fields.Integer()
    code = fields.String(allow_none=True)
    title = fields.String(allow_none=True)
    ok = fields.Boolean()
    message = fields.String()


class ImportReportOut(Schema):
    dry_run = fields.Boolean()
    total = fields.Integer()
    accepted = fields.Integer()
    refused = fields.Integer()
    created = fields.Integer()
    summary = fields.String()
    rows = fields.List(fields.Nested(ImportRow))


@blp.get("/exports/ledger.xlsx")
@blp.arguments(LedgerArgs, location="query")
@blp.response(200, content_type=XLSX_MIMETYPE, description="the .xlsx workbook")
def export_ledger(args):
    """问题台账（Excel），按登记日期（北京时间，含首尾两天）；默认为今年。

    县营商办、管理员得到完整的台账；督查办、县级领导得到反映人信息脱敏的台账（县级领导只含
    本人主抓的问题）；`masked=true` 时任何人都得到脱敏台账。承办部门和话务员无权导出（403）。"""
    user = current_user()
    this_year = periods.preset_period(periods.THIS_YEAR, today())
    period = ledger.check_period(args["start"] or this_year.start, args["end"] or this_year.end)
    content, _count = ledger.export_ledger(db(), user, period, now(), masked=args["masked"])
    masked = ledger.masked_for(user, args["masked"])
    return send_file(io.BytesIO(content), mimetype=XLSX_MIMETYPE, as_attachment=True,
                     download_name=ledger.filename(period, masked), max_age=0)


def _flag(name: str) -> bool:
    raw = (request.form.get(name) or request.args.get(name) or "").strip().lower()
    if raw in TRUE_WORDS:
        return True
    if raw in FALSE_WORDS:
        return False
    raise Invalid(f"{name} 须为 true 或 false", {name: "须为 true 或 false"})


UPLOAD_BODY = {"required": True, "content": {"multipart/form-data": {"schema": {
    "type": "object", "required": ["file"],
    "properties": {"file": {"type": "string", "format": "binary", "description": "the ledger (.xlsx, ≤ 10 MB)"},
                   "dry_run": {"type": "boolean", "default": False}}}}}}


@blp.post("/imports/ledger")
@blp.doc(requestBody=UPLOAD_BODY)
@blp.response(200, ImportReportOut)
@blp.alt_response(422, description="the file cannot be read, or rows were refused (nothing imported)")
def import_ledger():
    """导入问题台账（multipart：`file` 为 .xlsx，`dry_run=true` 只检查不写入）。

    全部或全不：只要有一行不能导入，整个文件都不导入（422，附逐行报告）；试导入的报告与
    正式导入的完全一致。只有县营商办和管理员可以导入。"""
    user = current_user()
    ledger.require_importer(user)
    upload = uploaded_file("file", MAX_FILE_SIZE + 64 * 1024, "文件超过 10 MB，请拆分后分批导入", "文件超过 10 MB")
    dry_run = _flag("dry_run")
    if upload is None or not upload.filename:
        raise Invalid("请上传台账文件（字段 file）", {"file": "必填"})
    report = ledger.import_ledger(db(), upload.stream, user, now(), dry_run, filename=upload.filename)
    body = ImportReportOut().dump(report.as_dict())
    if report.refused and not dry_run:
        response = jsonify({"error": {"code": "rows_refused", "message": report.summary,
                                      "fields": {"file": report.summary}}, "report": body})
        response.status_code = 422
        return response
    return body
