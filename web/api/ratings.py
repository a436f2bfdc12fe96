"""企业评议: the office opens a round over a finished period (each enterprise that dealt with
departments in it gets an SMS link); the rounds and their results per department are read like
the contest they feed. Which enterprise said what is for the office only."""
import io

from flask import current_app, send_file
from flask_smorest import Blueprint

from service.assessment import ratings
from service.core.xlsx import XLSX_MIMETYPE

from ..context import current_user, db, fresh_calendar, now, state
from ..schemas.ratings import RemindOut, RoundDetailOut, RoundIn, RoundList

blp = Blueprint("ratings", __name__, url_prefix="/api/v1/ratings",
                description="企业评议：发起评议轮次（短信签名链接），各部门的评价数与平均分")


def _round(summary: ratings.RoundSummary) -> dict:
    r = summary.round
    return {"id": r.id, "code": ratings.round_code(r), "title": r.title, "from_": r.period_from, "to": r.period_to,
            "answer_by": r.answer_by, "opened_at": r.opened_at, "asked": summary.asked, "answered": summary.answered,
            "skipped": summary.skipped}


def _detail(d: ratings.RoundDetail) -> dict:
    return {**_round(ratings.RoundSummary(d.round, d.asked, d.answered, len(d.round.skipped or []))),
            "closed": d.closed,
            "results": [{"department_id": r.department_id, "department_name": r.name, "asked": r.asked,
                         "rated": r.rated, "average": r.average, "counts": {str(k): v for k, v in r.counts.items()}}
                        for r in d.results],
            "enterprises": [vars(x) for x in d.lines]}


@blp.get("/rounds")
@blp.response(200, RoundList)
def rounds():
    """企业评议轮次，新的在前（县营商办、县委督查办、县级领导、管理员）"""
    return {"items": [_round(s) for s in ratings.rounds(db(), current_user())]}


@blp.post("/rounds")
@blp.arguments(RoundIn)
@blp.response(201, RoundDetailOut)
def open_round(body):
    """发起一轮企业评议：区间须已结束且不与已有轮次重叠；区间内有问题交办给部门的企业库企业各收到一条
    短信链接（县营商办）"""
    session = db()
    rnd = ratings.open_round(session, current_user(), body["from_"], body["to"], body["answer_by"], body["title"],
                             now(), fresh_calendar(), state()["public_base"], current_app.config["SECRET_KEY"])
    return _detail(ratings.round_detail(session, current_user(), rnd.id, now()))


@blp.get("/rounds/<id:round_id>")
@blp.response(200, RoundDetailOut)
def round_detail(round_id: int):
    """一轮评议的结果：各部门评价数、平均分和各分值人数；县营商办另见各企业的评价"""
    return _detail(ratings.round_detail(db(), current_user(), round_id, now()))


@blp.post("/rounds/<id:round_id>/reminders")
@blp.response(200, RemindOut)
def remind(round_id: int):
    """再次发送评议链接给尚未评完的企业（评议截止前；同一企业每天至多一次；县营商办）"""
    return {"queued": ratings.remind(db(), current_user(), round_id, now(), state()["public_base"],
                                     current_app.config["SECRET_KEY"])}


@blp.get("/rounds/<id:round_id>/export.xlsx")
@blp.response(200, content_type=XLSX_MIMETYPE, description="the .xlsx workbook")
def export_round(round_id: int):
    """一轮评议的结果（Excel）；县营商办的工作簿另有各企业评价明细"""
    detail = ratings.round_detail(db(), current_user(), round_id, now())
    return send_file(io.BytesIO(ratings.round_workbook(detail)), mimetype=XLSX_MIMETYPE, as_attachment=True,
                     download_name=f"企业评议-{ratings.round_code(detail.round)}.xlsx", max_age=0)
