"""统计分析: the dashboard of one period — trend, channels, departments, colours now, hot
spots and the ranking (三率) — each chart drawn by static/dashboard.js from a JSON block, each
with its table underneath, which is what prints and what works without JavaScript."""
from flask import redirect, render_template, request, url_for
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from flask_login import login_required

from models import CHANNEL_LABELS
from models.permissions import Permission
from service.assessment import contest
from service.assessment import dashboard as dashboard_service
from service.assessment.periods import Period
from service.assessment.rates import PENALTIES
from service.core.errors import Invalid
from service.identity import permissions as access

from ..context import calendar, db, now, today
from .blueprint import bp
from .session import staff

PRESET_LABELS = {"this_month": _l("本月"), "last_month": _l("上月"), "this_quarter": _l("本季度"),
                 "this_year": _l("本年"), "custom": _l("自定义")}
# The console's colours (static/console.css): Bootstrap's, so charts and dots agree.
COLOURS = {"blue": "#0d6efd", "green": "#198754", "red": "#dc3545", "yellow": "#ffc107",
           "grey": "#ced4da", "teal": "#20c997", "indigo": "#6610f2"}


def chosen_period() -> tuple[dict, Period | None, Invalid | None]:
    """The period picked on the page (?preset=, ?from=, ?to=): (what was asked, the period or
    None, the error naming the field at fault)."""
    asked = {k: request.args.get(k, "").strip() for k in ("preset", "from", "to")}
    try:
        period = dashboard_service.pick_period(asked["preset"] or None, asked["from"] or None,
                                               asked["to"] or None, today())
    except Invalid as exc:
        return asked, None, exc
    asked["preset"] = asked["preset"] or ("custom" if asked["from"] or asked["to"] else "this_month")
    return asked, period, None


def period_args(asked: dict, period: Period) -> dict:
    """The query that picks the same period on another page (a preset, or its dates)."""
    if asked["preset"] == "custom":
        return {"preset": "custom", "from": period.start.isoformat(), "to": period.end.isoformat()}
    return {"preset": asked["preset"]}


def _series(name: str, data: list, colour: str) -> dict:
    return {"name": name, "data": data, "color": COLOURS[colour]}


def charts(board: dashboard_service.Dashboard) -> dict:
    """What dashboard.js draws: per chart its kind, labels and series (the tables show the same)."""
    ranked = [r for r in board.departments if r.received or r.overdue_now]
    flags = (("red", _l("红色（已超期）"), "red"), ("yellow", _l("黄色（临近时限）"), "yellow"),
             ("green", _l("绿色（正常）"), "green"), ("suspended", _l("挂账"), "grey"),
             ("escalated", _l("提请中"), "grey"))
    return {
        "trend": {"type": "line", "labels": [m.month for m in board.trend], "series": [
            _series(gettext("收集"), [m.collected for m in board.trend], "blue"),
            _series(gettext("已办结"), [m.resolved for m in board.trend], "green")]},
        "channels": {"type": "hbar", "labels": [gettext(CHANNEL_LABELS.get(c.channel, c.channel))
                                               for c in board.figures.channels],
                     "series": [_series(gettext("收集"), [c.collected for c in board.figures.channels], "blue"),
                                _series(gettext("已办结"), [c.resolved for c in board.figures.channels], "green")]},
        "departments": {"type": "hbar", "labels": [r.department_name for r in ranked], "series": [
            _series(gettext("交办"), [r.received for r in ranked], "blue"),
            _series(gettext("按期办结"), [r.completed_on_time for r in ranked], "green"),
            _series(gettext("当前超期"), [r.overdue_now for r in ranked], "red")]},
        "flags": {"type": "pie", "labels": [str(label) for _, label, _ in flags], "series": [
            {"name": gettext("在办问题"), "data": [board.flags.get(k, 0) for k, _, _ in flags],
             "colors": [COLOURS[c] for _, _, c in flags]}]},
        "categories": {"type": "hbar", "labels": [n for n, _ in board.categories],
                       "series": [_series(gettext("问题数"), [c for _, c in board.categories], "indigo")]},
        "townships": {"type": "hbar", "labels": [n for n, _ in board.townships],
                      "series": [_series(gettext("问题数"), [c for _, c in board.townships], "teal")]},
    }


@bp.get("/dashboard")
@login_required
def dashboard():
    me = staff()
    if access.may(me, Permission.OWN_REPORT_CARD):
        # A department's view of the assessment is its own report card.
        return redirect(url_for("console.report_card", department_id=me.department_id,
                                **request.args.to_dict()))
    dashboard_service.may_see(me)
    asked, period, error = chosen_period()
    if error is not None:
        return render_template("console/dashboard/index.html", asked=asked, error=error, board=None,
                               presets=PRESET_LABELS), error.status
    board = dashboard_service.dashboard(db(), me, period, now(), calendar())
    return render_template("console/dashboard/index.html", asked=asked, error=None, board=board,
                           charts=charts(board), presets=PRESET_LABELS, penalties=PENALTIES,
                           red_flag=contest.red_flag(db(), now()),
                           period_args=period_args(asked, period))
