"""包保 and 县长月末回访 in the console: the leader's home page (dashboard), the month-end visit
list with the visit form (phone-sized screens first), the 包保 enterprises and their ledger,
and the enterprise register's pages."""
import io

from flask import abort, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import login_required

from models import ENTERPRISE_SCALE_LABELS
from service.core.errors import DomainError
from service.core.xlsx import XLSX_MIMETYPE
from service.enterprises import dashboard as leader_home
from service.enterprises import leaders, registry, visits
from service.enterprises.access import may_record_on_behalf, own_leader_id

from ..context import calendar, db, now, today, workflow_options
from .blueprint import bp
from .formdata import id_or_none, search_text
from .session import staff
from .ui import SATISFACTION_LABELS


def _int_arg(name: str) -> int | None:
    return id_or_none(request.args.get(name, "") or request.form.get(name, ""))


@bp.get("/leader")
@login_required
def leader_home_page():
    home = leader_home.leader_dashboard(db(), staff(), now=now(), today=today(), calendar=calendar())
    return render_template("console/leaders/home.html", home=home, scales=ENTERPRISE_SCALE_LABELS)


def _visit_page(leader_id: int | None, error: str | None = None, status: int = 200, form: dict | None = None):
    user = staff()
    leader_id, choices = visits.chosen_leader(db(), user, leader_id)
    if leader_id is None:
        abort(404)
    month = request.args.get("month") or None
    page = visits.visit_list(db(), user, leader_id, now(), month)
    return render_template("console/leaders/visits.html", page=page, leaders=choices, error=error,
                           form=form or {}, satisfactions=SATISFACTION_LABELS,
                           on_behalf=may_record_on_behalf(user)), status


@bp.get("/visits")
@login_required
def visit_list_page():
    return _visit_page(_int_arg("leader_id"))


@bp.post("/visits/<int:issue_id>")
@login_required
def record_visit(issue_id: int):
    user = staff()
    leader_id = None if own_leader_id(user) is not None else _int_arg("leader_id")
    body = {"satisfaction": request.form.get("satisfaction") or None, "note": request.form.get("note") or None,
            "leader_id": leader_id}
    try:
        visits.record_visit(db(), user, issue_id, body, now(), workflow_options())
    except DomainError as exc:
        if exc.status == 404:
            raise
        detail = "；".join(exc.fields.values()) if exc.fields else ""
        return _visit_page(leader_id, f"{exc.message}{('：' + detail) if detail and detail != exc.message else ''}",
                           exc.status, {"issue_id": issue_id, **body})
    return redirect(url_for("console.visit_list_page", leader_id=leader_id,
                            saved=issue_id) + f"#visit-{issue_id}")


@bp.get("/leaders/<int:leader_id>/enterprises")
@login_required
def leader_enterprises_page(leader_id: int):
    page = leaders.leader_enterprises(db(), staff(), leader_id, today=today(), calendar=calendar())
    return render_template("console/leaders/enterprises.html", page=page, scales=ENTERPRISE_SCALE_LABELS)


@bp.get("/leaders/<int:leader_id>/ledger.xlsx")
@login_required
def leader_ledger_file(leader_id: int):
    name, content = leaders.leader_ledger_xlsx(db(), staff(), leader_id, today=today(), calendar=calendar(),
                                               now=now())
    return send_file(io.BytesIO(content), mimetype=XLSX_MIMETYPE, as_attachment=True, download_name=name,
                     max_age=0)


@bp.get("/enterprises")
@login_required
def enterprise_list():
    q = search_text("q", 200, _("企业库搜索"))
    rows = registry.search(db(), staff(), q, limit=100)
    counts = registry.count_issues(db(), [e.id for e in rows])
    return render_template("console/enterprises/list.html", rows=rows, q=q, counts=counts,
                           scales=ENTERPRISE_SCALE_LABELS, title=_("企业库"))


@bp.get("/enterprises/<int:enterprise_id>")
@login_required
def enterprise_page(enterprise_id: int):
    page = registry.enterprise_page(db(), staff(), enterprise_id, today=today(), calendar=calendar())
    return render_template("console/enterprises/detail.html", page=page, scales=ENTERPRISE_SCALE_LABELS,
                           satisfactions=SATISFACTION_LABELS)
