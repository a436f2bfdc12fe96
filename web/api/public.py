from flask import current_app
from flask_smorest import Blueprint

from service.disclosure import public

from ..context import db, today
from ..limits import limiter
from ..schemas.public import (
    PublicIssue,
    PublicListArgs,
    PublicPage,
    PublicStatsArgs,
    PublicStatsOut,
    TrackIn,
    TrackOut,
)

blp = Blueprint("public", __name__, url_prefix="/api/v1/public",
                description="公开公示（无需登录，个人信息已脱敏）")


@blp.get("/issues")
@blp.arguments(PublicListArgs, location="query")
@blp.response(200, PublicPage)
def issues(args):
    """已公示的问题（q：在标题和公示摘要中搜索，空格分隔的词须全部出现）"""
    items, next_cursor = public.list_public(
        db(), year=args["year"], channel=args["channel"], department_id=args["department_id"],
        type_=args["type"], status=args["status"], q=args["q"], limit=args["limit"], cursor=args["cursor"])
    return {"items": items, "next_cursor": next_cursor}


@blp.get("/issues/<code>")
@blp.response(200, PublicIssue)
def issue(code: str):
    """一件已公示的问题"""
    return public.get_public(db(), code)


@blp.get("/stats")
@blp.arguments(PublicStatsArgs, location="query")
@blp.response(200, PublicStatsOut)
def stats(args):
    """全部问题的汇总数字：按状态、渠道、部门，按期办结率、满意率"""
    return public.public_stats(db(), today(), args["year"])


@blp.post("/track")
# One budget per client, shared with the /track page.
@limiter.shared_limit(lambda: current_app.config["TRACK_RATE_LIMIT"], scope="track")
@blp.arguments(TrackIn)
@blp.response(200, TrackOut)
def track(body):
    """反映人凭编号和手机号后4位查询自己问题的进展"""
    return public.track(db(), body["code"], body["phone_last4"])
