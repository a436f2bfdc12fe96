"""站内通知: the caller's own notices (the console's bell), read and marked read."""
from flask_smorest import Blueprint

from models import NOTICE_KINDS
from service.notices import inbox

from ..context import current_user, db, now
from ..schemas.notices import NoticeArgs, NoticeOut, NoticePage, ReadAllOut

blp = Blueprint("notices", __name__, url_prefix="/api/v1/notices", description="站内通知")


def notice_dicts(notices, codes: dict[int, str]) -> list[dict]:
    return [{**n.model_dump(), "kind_label": NOTICE_KINDS.get(n.kind, n.kind),
             "issue_code": codes.get(n.issue_id)} for n in notices]


@blp.get("")
@blp.arguments(NoticeArgs, location="query")
@blp.response(200, NoticePage)
def notices(args):
    """本人的站内通知，新的在前；`unread=true` 只列未读"""
    user = current_user()
    rows, next_cursor = inbox.list_notices(db(), user, unread_only=args["unread"], limit=args["limit"],
                                           cursor=args["cursor"])
    return {"unread": inbox.unread_count(db(), user), "items": notice_dicts(rows, inbox.issue_codes(db(), rows)),
            "next_cursor": next_cursor}


@blp.post("/<id:notice_id>/read")
@blp.response(200, NoticeOut)
def read(notice_id: int):
    """标记本人的一条通知为已读（第一次阅读的时间保留）；他人的通知为 404"""
    notice = inbox.mark_read(db(), current_user(), notice_id, now())
    return notice_dicts([notice], inbox.issue_codes(db(), [notice]))[0]


@blp.post("/read-all")
@blp.response(200, ReadAllOut)
def read_all():
    """全部标为已读"""
    user = current_user()
    return {"marked": inbox.mark_all_read(db(), user, now()), "unread": inbox.unread_count(db(), user)}
