"""Bulk actions on a selection of the issue list (催办, 交办, Excel) and saved views of the list."""
import io

from flask import send_file
from flask_smorest import Blueprint

from service import ledger
from service.core.xlsx import XLSX_MIMETYPE
from service.workflow import bulk
from service.workflow import saved_views as views

from ..context import current_user, db, now, workflow_options
from ..schemas.bulk import (
    BulkAssignBody,
    BulkAssignOut,
    BulkExportBody,
    BulkUrgeBody,
    BulkUrgeOut,
    ViewIn,
    ViewList,
    ViewOut,
    ViewPatch,
)

blp = Blueprint("bulk", __name__, url_prefix="/api/v1", description="问题列表：批量操作与保存的视图")


@blp.post("/issues/bulk/urge")
@blp.arguments(BulkUrgeBody)
@blp.response(200, BulkUrgeOut)
def bulk_urge(body):
    """批量催办（县委督查办、县营商办）：同一条催办意见，逐件催办；不能催办的问题逐件说明原因，
    其余照常催办。一次最多 100 件（超过时 422 `too_many_selected`）。"""
    outcomes = bulk.urge_many(db(), current_user(), body["issue_ids"], body["note"], now(), workflow_options())
    done = sum(1 for o in outcomes if o.done)
    return {"done": done, "refused": len(outcomes) - done, "items": outcomes}


@blp.post("/issues/bulk/assign")
@blp.arguments(BulkAssignBody)
@blp.response(200, BulkAssignOut)
def bulk_assign(body):
    """批量交办（县营商办）：选定的待交办问题交给同一主办单位、主抓领导和责任人；全部成功或全部
    不保存，各件的问题在 `issue_ids.<序号>` 中说明。一次最多 100 件。"""
    ids = body.pop("issue_ids")
    done = bulk.assign_many(db(), current_user(), ids, body, now(), workflow_options())
    return {"assigned": [i.id for i in done]}


@blp.post("/issues/bulk/export.xlsx")
@blp.arguments(BulkExportBody)
@blp.response(200, content_type=XLSX_MIMETYPE, description="the .xlsx workbook")
def bulk_export(body):
    """选定问题的台账（Excel）：列与脱敏规则同问题台账导出；无权查看的问题 404。一次最多 100 件。"""
    user = current_user()
    content, _count = ledger.export_selection(db(), user, body["issue_ids"], now(), masked=body["masked"])
    masked = ledger.masked_for(user, body["masked"])
    return send_file(io.BytesIO(content), mimetype=XLSX_MIMETYPE, as_attachment=True,
                     download_name=ledger.selection_filename(now(), masked), max_age=0)


@blp.get("/views")
@blp.response(200, ViewList)
def list_views():
    """问题列表的视图：系统自带的“我的红色问题”“本周到期”，以及本人保存的视图"""
    return {"items": views.list_views(db(), current_user())}


@blp.post("/views")
@blp.arguments(ViewIn)
@blp.response(201, ViewOut)
def save_view(body):
    """保存视图：名称（30 字以内，本人的视图中唯一；重名 409 `view_name_taken`）和列表的筛选与排序"""
    view = views.save_view(db(), current_user(), body["name"], body["query"], now())
    return {"id": view.id, "key": f"v{view.id}", "name": view.name, "query": view.query}


@blp.get("/views/<id:view_id>")
@blp.response(200, ViewOut)
def get_view(view_id: int):
    """本人保存的一个视图（他人的视图 404）"""
    view = views.get_view(db(), current_user(), view_id)
    return {"id": view.id, "key": f"v{view.id}", "name": view.name, "query": view.query}


@blp.patch("/views/<id:view_id>")
@blp.arguments(ViewPatch)
@blp.response(200, ViewOut)
def update_view(body, view_id: int):
    """修改本人保存的视图：改名（同保存时的规则）或换成新的筛选与排序（他人的视图 404）"""
    view = views.update_view(db(), current_user(), view_id, name=body["name"], query=body["query"])
    return {"id": view.id, "key": f"v{view.id}", "name": view.name, "query": view.query}


@blp.delete("/views/<id:view_id>")
@blp.response(204)
def delete_view(view_id: int):
    """删除本人保存的视图（他人的视图 404）"""
    views.delete_view(db(), current_user(), view_id)
