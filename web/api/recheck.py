"""复查 and 问责: the supervision office's half-monthly sample of closed issues with its verdicts,
and the accountability records (约谈, 通报批评, 移交纪检监察机关).

The sample is read by the supervision office and the business-environment office; only the
supervision office draws it and gives verdicts (不属实 reopens the issue through the workflow).
问责 records are entered by the supervision office; a department reads its own only.
"""
from flask import send_file
from flask_smorest import Blueprint

from models import ACCOUNTABILITY_KIND_LABELS
from service.assessment.periods import Period
from service.core.errors import DomainError, require
from service.supervision import accountability
from service.supervision import recheck as recheck_service
from service.workflow.attachments import MAX_SIZE

from ..context import current_user, db, documents_dir, now, workflow_options
from ..limits import uploaded_file
from ..schemas.supervision import (
    AccountabilityArgs,
    AccountabilityIn,
    AccountabilityList,
    AccountabilityOut,
    DrawIn,
    MemberOut,
    SampleList,
    SampleOut,
    VerdictIn,
)

UPLOAD_LIMIT = MAX_SIZE + 64 * 1024  # the document and the form around it

blp = Blueprint("recheck", __name__, url_prefix="/api/v1",
                description="复查（每半月抽查已办结问题，属实/不属实）与问责记录（约谈、通报批评、移交纪检监察机关）")


def _summary(sample) -> dict:
    return {"id": sample.id, "period_start": sample.period_start, "period_end": sample.period_end,
            "label": Period(sample.period_start, sample.period_end).label, "share": sample.share,
            "pool": sample.pool, "drawn_at": sample.drawn_at}


def _member(row) -> dict:
    m = row.member
    return {"id": m.id, "issue_id": m.issue_id, "code": row.code, "title": row.title, "status": row.status,
            "department_id": m.department_id, "department_name": row.department, "reason": m.reason,
            "verdict": m.verdict, "note": m.note, "decided_at": m.decided_at}


def _sample(view) -> dict:
    return {**_summary(view.sample), "seed": view.sample.seed, "members": [_member(r) for r in view.members]}


@blp.get("/recheck/samples")
@blp.response(200, SampleList)
def samples():
    """复查样本，最近的半月在前（县委督查办、县营商办）"""
    return {"items": [_summary(s) for s in recheck_service.samples(db(), current_user())]}


@blp.post("/recheck/samples")
@blp.arguments(DrawIn)
@blp.response(201, SampleOut)
@blp.alt_response(200, schema=SampleOut, description="该半月已抽取：返回保存的样本，不重新抽取")
def draw(body):
    """抽取某半月的复查样本：该半月办结或公示的问题中，曾重办、曾超期的全部抽取，其余按比例随机抽取
    （县委督查办；该半月须已结束）"""
    share = None if body["share"] is None else body["share"] / 100
    session = db()
    sample, created = recheck_service.draw_sample(session, current_user(), body["day"], share, now())
    return _sample(recheck_service.sample_view(session, current_user(), sample.id)), 201 if created else 200


@blp.get("/recheck/samples/<id:sample_id>")
@blp.response(200, SampleOut)
def sample(sample_id: int):
    """一个复查样本及其问题和复查结论"""
    return _sample(recheck_service.sample_view(db(), current_user(), sample_id))


@blp.post("/recheck/members/<id:member_id>/verdict")
@blp.arguments(VerdictIn)
@blp.response(200, MemberOut)
def verdict(body, member_id: int):
    """复查结论：属实不改变问题；不属实须写明情况，问题重办（新一轮，通知承办单位），计入承办单位
    （县委督查办）"""
    session = db()
    member = recheck_service.decide(session, current_user(), member_id, body["verdict"], body["note"], now(),
                                    workflow_options())
    view = recheck_service.sample_view(session, current_user(), member.sample_id)
    return _member(next(r for r in view.members if r.member.id == member.id))


def _record(row) -> dict:
    r = row.record
    return {"id": r.id, "kind": r.kind, "kind_label": ACCOUNTABILITY_KIND_LABELS.get(r.kind, r.kind),
            "department_id": r.department_id, "department_name": row.department, "issue_codes": row.issue_codes,
            "document_no": r.document_no, "decided_on": r.decided_on, "note": r.note,
            "has_document": bool(r.document_stored_name), "created_at": r.created_at}


@blp.get("/accountability")
@blp.arguments(AccountabilityArgs, location="query")
@blp.response(200, AccountabilityList)
def records(args):
    """问责记录，决定日期新的在前；部门用户只看到本单位的，指定其他部门时 404"""
    start, end = args["start"], args["end"]
    if start and end and end < start:
        require({"end": "截止日期不能早于起始日期"})
    period = Period(start or Period.year(2000).start, end or Period.year(2100).end) if start or end else None
    rows = accountability.records(db(), current_user(), args["department_id"], period)
    return {"items": [_record(r) for r in rows]}


@blp.post("/accountability")
@blp.arguments(AccountabilityIn)
@blp.response(201, AccountabilityOut)
def add_record(body):
    """登记问责记录（县委督查办）；决定文书（PDF）随后以 PUT …/document 上传，或在工作台登记时上传"""
    session = db()
    record = accountability.add_record(session, current_user(), kind=body["kind"], department_id=body["department_id"],
                                       issue_codes=body["issue_codes"], document_no=body["document_no"],
                                       decided_on=body["decided_on"], note=body["note"], now=now(),
                                       storage_dir=documents_dir())
    return _record(accountability.record(session, current_user(), record.id))


@blp.get("/accountability/<id:record_id>")
@blp.response(200, AccountabilityOut)
def record(record_id: int):
    """一条问责记录；其他部门的记录对部门用户 404"""
    return _record(accountability.record(db(), current_user(), record_id))


DOCUMENT_BODY = {"required": True, "content": {"multipart/form-data": {"schema": {
    "type": "object", "required": ["file"],
    "properties": {"file": {"type": "string", "format": "binary", "description": "决定文书（PDF，≤ 10 MB）"}}}}}}


@blp.put("/accountability/<id:record_id>/document")
@blp.doc(requestBody=DOCUMENT_BODY)
@blp.response(200, AccountabilityOut)
def attach_document(record_id: int):
    """上传问责记录的决定文书（multipart：`file` 为 PDF）；已有文书的记录不能替换（409；县委督查办）"""
    upload = uploaded_file("file", UPLOAD_LIMIT, "文件超过 10 MB，请压缩后再上传", "文件超过 10 MB")
    session = db()
    try:
        accountability.attach_document(session, current_user(), record_id, upload and upload.stream,
                                       upload and upload.filename, documents_dir())
    except DomainError as exc:  # the form field is `file` here
        if "document" in exc.fields:
            exc.fields = {"file": exc.fields.pop("document"), **exc.fields}
        raise
    return _record(accountability.record(session, current_user(), record_id))


@blp.get("/accountability/<id:record_id>/document")
@blp.response(200, description="决定文书（PDF）")
def document(record_id: int):
    """下载问责记录的决定文书（PDF）"""
    found, path = accountability.open_document(db(), current_user(), record_id, documents_dir())
    return send_file(path, mimetype="application/pdf", as_attachment=True, download_name=found.document_filename,
                     max_age=0)
