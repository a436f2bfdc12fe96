"""站内通知: the bell on every console page and the list of the user's own notices."""
from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext
from flask_login import login_required

from models import NOTICE_KINDS
from service.notices import inbox
from service.workflow import notice_links

from ..context import db, now
from .blueprint import bp
from .session import staff


@bp.app_template_global()
def unread_notices(user) -> int:
    """The bell's count: one query, on pages with a signed-in user."""
    return inbox.unread_count(db(), user) if user is not None else 0


@bp.get("/notices")
@login_required
def notices_page():
    unread_only = request.args.get("unread") == "1"
    rows, next_cursor = inbox.list_notices(db(), staff(), unread_only=unread_only,
                                           cursor=request.args.get("cursor") or None)
    return render_template("console/notices/index.html", rows=rows, next_cursor=next_cursor,
                           unread_only=unread_only, codes=inbox.issue_codes(db(), rows), kinds=NOTICE_KINDS)


@bp.post("/notices/<int:notice_id>/open")
@login_required
def notice_open(notice_id: int):
    """Opening a notice marks it read and goes where it points."""
    link, gone = notice_links.open_notice(db(), staff(), notice_id, now())
    if gone:
        flash(gettext("该问题已不在您的办理范围（已退单或改派给其他单位），通知已标为已读"), "warning")
    return redirect(link)


@bp.post("/notices/read-all")
@login_required
def notices_read_all():
    marked = inbox.mark_all_read(db(), staff(), now())
    flash(gettext("已将 %(n)s 条通知标为已读", n=marked), "success")
    return redirect(url_for("console.notices_page"))
