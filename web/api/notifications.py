from flask_smorest import Blueprint

from service.core.masking import mask_phone
from service.reminders.outbox import list_outbox

from ..context import current_user, db
from ..schemas.public import NotificationArgs, NotificationPage

blp = Blueprint("notifications", __name__, url_prefix="/api/v1/notifications",
                description="短信发件箱")


@blp.get("")
@blp.arguments(NotificationArgs, location="query")
@blp.response(200, NotificationPage)
def outbox(args):
    """短信发送记录（县营商办、督查办、管理员）；收信号码脱敏"""
    user = current_user()
    rows, next_cursor = list_outbox(db(), user, issue_id=args["issue_id"], status=args["status"],
                                    limit=args["limit"], cursor=args["cursor"])
    items = [{**m.model_dump(), "recipient": mask_phone(m.recipient_phone)} for m in rows]
    return {"items": items, "next_cursor": next_cursor}
