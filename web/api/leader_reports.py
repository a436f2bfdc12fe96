"""办理情况报告: the reports lead departments make to their county leader."""
from dataclasses import asdict

from flask_smorest import Blueprint

from service.workflow import leader_reports

from ..context import current_user, db, now
from ..schemas.leader_reports import ReportArgs, ReportList, ReportOut

blp = Blueprint("reports", __name__, url_prefix="/api/v1/reports", description="办理情况报告")


@blp.get("")
@blp.arguments(ReportArgs, location="query")
@blp.response(200, ReportList)
def reports(args):
    """办理情况报告，新的在前：县级领导看报送给本人的，县营商办、督查办看全部；`unread=true` 只列未读"""
    user = current_user()
    rows = leader_reports.list_reports(db(), user, unread_only=args["unread"], leader_id=args["leader_id"],
                                       limit=args["limit"])
    return {"unread": leader_reports.unread_count(db(), user), "items": [asdict(r) for r in rows]}


@blp.post("/<id:report_id>/read")
@blp.response(200, ReportOut)
def read(report_id: int):
    """县级领导标记一份报送给本人的报告为已读（第一次阅读的时间保留）；他人的报告为 404"""
    user = current_user()
    report = leader_reports.mark_read(db(), user, report_id, now())
    return asdict(leader_reports.list_reports(db(), user, report_id=report.id)[0])
