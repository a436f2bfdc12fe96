"""Printable reports: the half-monthly 督查通报 of overdue issues and a department's 成绩单, each
as a print-ready page and as an Excel workbook."""
from datetime import timedelta
from urllib.parse import quote

from flask import Response, render_template, request
from flask_babel import gettext
from flask_login import login_required

from models import STATUS_LABELS
from service.assessment import contest
from service.assessment import report_card as card_service
from service.assessment.periods import Period, parse_day
from service.core.errors import Invalid
from service.core.xlsx import XLSX_MIMETYPE
from service.supervision import bulletin as bulletin_service

from ..context import calendar, db, now, today
from .blueprint import bp
from .dashboard import PRESET_LABELS, chosen_period, period_args
from .session import staff
from .ui import SATISFACTION_LABELS

RECENT_HALF_MONTHS = 24


def _xlsx(content: bytes, filename: str, ascii_name: str) -> Response:
    # RFC 6266: the Chinese file name for browsers that read `filename*`, an ASCII one for the rest.
    return Response(content, mimetype=XLSX_MIMETYPE, headers={
        "Content-Disposition": f"attachment; filename={ascii_name}; filename*=UTF-8''{quote(filename)}"})


# --- 督查通报 --------------------------------------------------------------------------------

def _half_month() -> Period:
    """The half-month containing ?day= (YYYY-MM-DD), the current one without it."""
    return Period.half_month(parse_day(request.args.get("day"), "day") or today())


def _recent_half_months(current: Period) -> list[Period]:
    """The half-months to pick from: this one and the ones before, newest first."""
    out, period = [], Period.half_month(today())
    while len(out) < RECENT_HALF_MONTHS:
        out.append(period)
        period = Period.half_month(period.start - timedelta(days=1))
    if current not in out:
        out.append(current)
    return out


def _bulletin_or_error():
    try:
        period = _half_month()
        return bulletin_service.overdue_bulletin(db(), staff(), period, today(), calendar()), None
    except Invalid as exc:
        return None, exc


@bp.get("/reports/bulletin")
@login_required
def bulletin():
    bulletin_service.may_read(staff())
    found, error = _bulletin_or_error()
    period = found.period if found else Period.half_month(today())
    later = Period.half_month(period.end + timedelta(days=1))
    context = dict(bulletin=found, error=error, choices=_recent_half_months(period),
                   earlier=Period.half_month(period.start - timedelta(days=1)),
                   later=later if later.start <= today() else None,
                   deadline_names=bulletin_service.DEADLINE_NAMES)
    return render_template("console/reports/bulletin.html", **context), error.status if error else 200


@bp.get("/reports/bulletin.xlsx")
@login_required
def bulletin_xlsx():
    bulletin_service.may_read(staff())
    period = _half_month()
    found = bulletin_service.overdue_bulletin(db(), staff(), period, today(), calendar())
    return _xlsx(bulletin_service.bulletin_workbook(found), f"{found.title}.xlsx",
                 f"bulletin-{found.period.start.year}-{found.number:02d}.xlsx")


# --- 成绩单 ----------------------------------------------------------------------------------

@bp.get("/reports/departments/<int:department_id>")
@login_required
def report_card(department_id: int):
    asked, period, error = chosen_period()
    if error is not None:
        # Whose card it is is checked before the period is: the error page must not tell a
        # department that another's card exists.
        card_service.may_open(db(), staff(), department_id)
        return render_template("console/reports/card.html", card=None, asked=asked, error=error,
                               presets=PRESET_LABELS, department_id=department_id), error.status
    card = card_service.report_card(db(), staff(), department_id, period, now(), calendar())
    trend = {"trend": {"type": "line", "labels": [m.month for m in card.months], "series": [
        {"name": gettext("交办"), "data": [m.row.received for m in card.months], "color": "#0d6efd"},
        {"name": gettext("已办结"), "data": [m.row.completed for m in card.months], "color": "#20c997"},
        {"name": gettext("按期办结"), "data": [m.row.completed_on_time for m in card.months], "color": "#198754"},
    ]}}
    return render_template("console/reports/card.html", card=card, asked=asked, error=None,
                           presets=PRESET_LABELS, department_id=department_id, charts=trend,
                           red_flag=contest.red_flag(db(), now()),
                           figures=card_service.card_figures(card), satisfactions=SATISFACTION_LABELS,
                           period_args=period_args(asked, period))


@bp.get("/reports/departments/<int:department_id>.xlsx")
@login_required
def report_card_xlsx(department_id: int):
    asked, period, error = chosen_period()
    card_service.may_open(db(), staff(), department_id)
    if error is not None:
        raise error
    card = card_service.report_card(db(), staff(), department_id, period, now(), calendar())
    return _xlsx(card_service.card_workbook(card, {k: str(v) for k, v in STATUS_LABELS.items()}),
                 f"{card.title}.xlsx", f"report-card-{department_id}-{period.start}-{period.end}.xlsx")
