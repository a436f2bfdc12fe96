"""乡镇（街道）名单: the township list intake picks from (县营商办, 系统管理员)."""
from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_required

from service.core.errors import DomainError
from service.enterprises import townships
from service.enterprises.access import require_township_admin

from ..context import db
from .blueprint import bp
from .session import staff


def _page(error: str | None = None, status: int = 200, values: dict | None = None):
    require_township_admin(staff())
    return render_template("console/enterprises/townships.html", rows=townships.list_townships(db(), active_only=False),
                           error=error, values=values or {}), status


@bp.get("/townships")
@login_required
def township_list():
    return _page()


@bp.post("/townships")
@login_required
def township_save():
    form = request.form
    row_id = form.get("id", "")
    sort = form.get("sort_order", "").strip()
    body = {"name": form.get("name", "")}
    if sort:
        if not (sort.isascii() and sort.isdigit()) or len(sort) > 6:
            return _page(_("排序须为数字"), 422, dict(form))
        body["sort_order"] = int(sort)
    if row_id and not (row_id.isascii() and row_id.isdigit() and len(row_id) < 10):
        return _page(_("乡镇（街道）不存在"), 404, dict(form))
    try:
        if row_id:
            body["active"] = form.get("active") == "1"
            row = townships.update_township(db(), staff(), int(row_id), body)
        else:
            row = townships.add_township(db(), staff(), body)
    except DomainError as exc:
        if exc.status in (403, 404):
            raise
        return _page(exc.message, exc.status, dict(form))
    flash(_("已保存 %(name)s", name=row.name), "success")
    return redirect(url_for("console.township_list"))
