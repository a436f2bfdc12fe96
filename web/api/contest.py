"""季度擂台赛: a quarter's stored points, computing it, the rules, 一事一表扬 and the 流动红旗.

Read like the bulletin (offices, leaders, administrators); the office computes and records
praises; the administrator sets the rules. The figures carry no personal data.
"""
from flask_smorest import Blueprint

from models.permissions import Permission
from service.assessment import contest
from service.core.errors import NotFound
from service.identity import permissions as access

from ..context import current_user, db, now
from ..schemas.contest import (
    ComputeIn,
    ContestResultOut,
    PraiseIn,
    PraiseList,
    PraiseOut,
    QuarterArgs,
    RedFlagOut,
    RulesIn,
    RulesOut,
)

blp = Blueprint("contest", __name__, url_prefix="/api/v1/contest",
                description="季度擂台赛：积分规则、季度积分（保存时连同规则）、一事一表扬、流动红旗")


def _out(result) -> dict:
    top, bottom = contest.podium(result)
    top_ids, bottom_ids = {r["department_id"] for r in top}, {r["department_id"] for r in bottom}
    return {"year": result.year, "quarter": result.quarter, "title": contest.notice_title(result.year, result.quarter),
            "computed_at": result.computed_at, "rules": result.rules,
            "items": [{**row, "top3": row["department_id"] in top_ids, "bottom3": row["department_id"] in bottom_ids}
                      for row in result.table]}


@blp.get("/quarter")
@blp.arguments(QuarterArgs, location="query")
@blp.response(200, ContestResultOut)
def quarter(args):
    """某季度保存的积分表及计算时的规则；尚未计算时 404（县营商办、县委督查办、县级领导、管理员）"""
    result = contest.quarter_result(db(), current_user(), args["year"], args["quarter"])
    if result is None:
        raise NotFound(f"{args['year']}年第{args['quarter']}季度尚未计算")
    return _out(result)


@blp.post("/quarter")
@blp.arguments(ComputeIn)
@blp.response(201, ContestResultOut)
def compute(body):
    """按现行规则计算并保存已结束的季度；已保存的季度须 recompute=true 才重新计算（县营商办）"""
    return _out(contest.run_quarter(db(), current_user(), body["year"], body["quarter"], now(), body["recompute"]))


@blp.get("/rules")
@blp.response(200, RulesOut)
def rules():
    """现行积分规则（查看擂台赛者可读）"""
    access.require(current_user(), Permission.CONTEST_READ)
    return contest.rules_in_force(db())


@blp.put("/rules")
@blp.arguments(RulesIn)
@blp.response(200, RulesOut)
def set_rules(body):
    """修改积分规则：权重、扣分、表扬加分；只影响此后的计算（系统管理员）"""
    return contest.set_rules(db(), current_user(), body, now())


@blp.get("/praises")
@blp.arguments(QuarterArgs, location="query")
@blp.response(200, PraiseList)
def praises(args):
    """某季度的一事一表扬记录"""
    return {"items": contest.praises_of(db(), current_user(), args["year"], args["quarter"])}


@blp.post("/praises")
@blp.arguments(PraiseIn)
@blp.response(201, PraiseOut)
def add_praise(body):
    """登记一事一表扬，加分取现行规则；该季度已保存时 409（县营商办）"""
    session = db()
    praise = contest.add_praise(session, current_user(), body["department_id"], body["issue_id"], body["day"],
                                body["note"], now())
    return next(p for p in contest.praises_of(session, None, *contest.quarter_of(praise.day)) if p["id"] == praise.id)


@blp.delete("/praises/<id:praise_id>")
@blp.response(204)
def remove_praise(praise_id: int):
    """删除一条表扬记录（该季度保存前；县营商办）"""
    contest.remove_praise(db(), current_user(), praise_id)


@blp.get("/red-flag")
@blp.response(200, RedFlagOut)
def red_flag():
    """上一个完整月份的流动红旗：按现行规则该月积分最高的部门（并列时均列出）；该月无可评的部门时
    department_ids 为空（所有工作人员）"""
    current_user()
    flag = contest.red_flag(db(), now())
    if flag is None:
        return {"month": contest.last_month(now()).label, "department_ids": [], "names": [], "points": None}
    return {"month": flag.month.label, "department_ids": sorted(flag.department_ids), "names": list(flag.names),
            "points": flag.points}
