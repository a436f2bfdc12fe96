"""A message that could not be delivered is the office's to follow up: it hears of it in the
console, once per message, in the same transaction that marks the message failed."""
from datetime import datetime

from sqlalchemy import select

from models import Issue
from service.core.masking import mask_phone
from service.notices.send import OFFICE, notify

RECIPIENT_KINDS = {"department": "承办单位责任人", "co_department": "协办单位", "reporter": "反映人",
                   "office": "县营商办", "leader": "主抓领导", "supervisor": "县委督查办"}
FAILED_SMS_PAGE = "/console/board/sms"


def tell_office(executor, *, msg_id: int, issue_id: int | None, recipient_kind: str, to: str,
                error: str | None, now: datetime) -> None:
    """Notify the office that message `msg_id` failed (a Session or a Connection, in its
    transaction). The number is masked: the notice is about the message, not the person."""
    code = executor.execute(select(Issue.code).where(Issue.id == issue_id)).scalar() if issue_id else None
    if to.startswith("robot:"):
        who = "部门群机器人"
    else:
        who = f"{RECIPIENT_KINDS.get(recipient_kind, '收信人')}（{mask_phone(to)}）"
    about = f"问题{code}的" if code else ""
    text = f"短信未送达：发给{who}的{about}短信发送失败。{error or ''}".rstrip()
    notify(executor, [OFFICE], kind="sms_failed", text=text, key=f"sms_failed:{msg_id}", now=now,
           issue_id=issue_id, link=FAILED_SMS_PAGE)
