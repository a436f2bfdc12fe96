"""办理情况报告: a county leader reads the reports of the lead departments; the office and the
supervisors read every leader's."""
from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext
from flask_login import login_required

from service.workflow import leader_reports

from ..context import db, now
from .blueprint import bp
from .session import staff


@bp.get("/leader-reports")
@login_required
def leader_reports_page():
    unread_only = request.args.get("unread") == "1"
    rows = leader_reports.list_reports(db(), staff(), unread_only=unread_only)
    return render_template("console/leader_reports/index.html", rows=rows, unread_only=unread_only,
                           unread=leader_reports.unread_count(db(), staff()))


@bp.post("/leader-reports/<int:report_id>/read")
@login_required
def leader_report_read(report_id: int):
    report = leader_reports.mark_read(db(), staff(), report_id, now())
    flash(gettext("已标记为已读"), "success")
    return redirect(url_for("console.leader_reports_page", unread=request.form.get("unread") or None,
                            _anchor=f"report-{report.id}"))
