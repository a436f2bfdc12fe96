from flask import url_for
from flask_smorest import Blueprint

from service.disclosure import batches

from ..context import current_user, db, now
from ..schemas.disclosure import AnswerIn, BatchIn, BatchOut, ObjectionList, ObjectionOut

blp = Blueprint("disclosure", __name__, url_prefix="/api/v1", description="公示批次与异议（县营商办）")


@blp.post("/disclosure-batches")
@blp.arguments(BatchIn)
@blp.response(201, BatchOut)
def create_batch(body):
    """新建公示批次（县营商办）

    `issue_ids`：已公示的问题；或 `meeting_id`：该会议全部已公示的问题；或 `published_from`–`published_to`：
    这段日期（含两端）内发布的全部公示问题。三种方式只能选一种。公示期 `starts_on`–`ends_on`
    （含两端）。批次页面 `public_url` 公开，公示期内任何人可提出异议。"""
    batch = batches.create_batch(db(), current_user(), body, now())
    return {**batch.model_dump(), "public_url": url_for("site.batch", batch_id=batch.id)}


@blp.get("/disclosure-batches/<id:batch_id>/objections")
@blp.response(200, ObjectionList)
def list_objections(batch_id: int):
    """一个公示批次收到的全部异议（县营商办，含联系方式）"""
    return {"items": batches.objections(db(), current_user(), batch_id)}


@blp.post("/objections/<id:objection_id>/answer")
@blp.arguments(AnswerIn)
@blp.response(200, ObjectionOut)
def answer_objection(body, objection_id: int):
    """答复异议（县营商办）：每条异议答复一次，存档不改，在批次页面公布（遮盖个人信息）"""
    return batches.answer_objection(db(), current_user(), objection_id, body["answer"], now())
