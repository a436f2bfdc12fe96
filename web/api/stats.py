"""考核与统计: the department ranking (三率) and the channel/meeting summary.

Both are published county figures (月度通报, 季度擂台赛), so every staff role reads them,
department users and leaders included; they carry no personal data.
"""
from dataclasses import asdict

from flask_smorest import Blueprint

from models import CHANNEL_LABELS
from service.assessment import channels
from service.assessment import rates as assessment

from ..context import calendar, current_user, db, now, today
from ..schemas.stats import DepartmentsOut, PeriodArgs, SummaryOut

blp = Blueprint("stats", __name__, url_prefix="/api/v1/stats",
                description="考核与统计：部门三率与排名、渠道与会议、工作报告用语")


def _period(args) -> assessment.Period:
    current_user()
    return assessment.parse_period(args["from_"], args["to"], today())


def _period_out(period: assessment.Period) -> dict:
    return {"from_": period.start, "to": period.end, "label": period.label, "shape": period.shape}


@blp.get("/departments")
@blp.arguments(PeriodArgs, location="query")
@blp.response(200, DepartmentsOut)
def departments(args):
    """各部门签收及时率、回复及时率、按期办结率、满意率，得分与排名（区间省略时为本月至今）"""
    period = _period(args)
    rows = assessment.department_assessment(db(), period, now())
    return {"period": _period_out(period), "weights": assessment.WEIGHTS, "penalties": assessment.PENALTIES,
            "items": [asdict(r) for r in rows]}


@blp.get("/summary")
@blp.arguments(PeriodArgs, location="query")
@blp.response(200, SummaryOut)
def summary(args):
    """按渠道、按会议的收集与办结情况，热点类别与乡镇，月度走势，当前三色，以及工作报告用语"""
    period = _period(args)
    session, moment = db(), now()
    figures = channels.channel_figures(session, period, moment)
    categories, townships = channels.hot_spots(session, period)
    out = asdict(figures)
    out["monthly_trend"] = out.pop("months")
    for row in out["channels"]:
        row["label"] = CHANNEL_LABELS.get(row["channel"], row["channel"])
    out.update(
        period=_period_out(period),
        hot_categories=[{"name": n, "count": c} for n, c in categories],
        hot_townships=[{"name": n, "count": c} for n, c in townships],
        flags_now=assessment.flags_now(session, moment, calendar()),
        sentence=channels.summary_sentence(period, figures),
    )
    return out
