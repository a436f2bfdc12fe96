"""重复反映: a call about an issue already on record is linked to it instead of becoming a new
issue. The caller joins the issue's reporters: they hear its outcome at the 办结答复 (the
workflow's `reply` step queues it), and the issue and the ledger show how often it was raised."""
from datetime import datetime

from sqlalchemy import select
from sqlmodel import Session

from models import Channel, Enterprise, Issue, IssueEvent, IssueRepeat, Status, User
from models.permissions import Permission
from service.core.errors import WrongState, require
from service.core.masking import is_blank
from service.core.phones import is_phone
from service.identity import permissions as access
from service.reminders.outbox import queue_sms
from service.workflow.queries import get_visible

# The outcome is already known: a caller linked now hears it at once.
ANSWERED = (Status.REPLIED, Status.CLOSED, Status.PUBLISHED)
OUTCOME_TEMPLATE = "repeat_outcome"


def link_repeat(session: Session, actor: User, issue_id: int, call: dict, now: datetime) -> IssueRepeat:
    """Link the call (`reporter`: name, phone, org; `channel`, `content`, `enterprise_id`) to
    `issue_id` as a repeat. One transaction with its timeline event; commits."""
    access.require(actor, Permission.ISSUE_CREATE)
    issue = get_visible(session, actor, issue_id)
    if issue.status == Status.REJECTED:
        raise WrongState("该问题已不予受理，不能作为重复反映关联，请登记为新问题")
    reporter = call.get("reporter") or {}
    phone = (reporter.get("phone") or "").strip()
    name, org = reporter.get("name"), reporter.get("org")
    channel = call.get("channel") or Channel.HOTLINE
    faults = {}
    if phone and not is_phone(phone):
        faults["reporter.phone"] = "请填写正确的手机号或带区号的固定电话"
    if isinstance(name, str) and name and is_blank(name):
        faults["reporter.name"] = "反映人姓名不能只有空格"
    if isinstance(org, str) and org and is_blank(org):
        faults["reporter.org"] = "单位名称不能只有空格"
    if channel not in set(Channel):
        faults["channel"] = "不在可选范围内"
    if call.get("enterprise_id") is not None and session.get(Enterprise, call["enterprise_id"]) is None:
        faults["enterprise_id"] = "企业库中没有这家企业"
    require(faults)
    repeat = IssueRepeat(issue_id=issue.id, at=now, channel=channel, reporter_name=(name or "").strip() or None,
                         reporter_phone=phone or None, reporter_org=(org or "").strip() or None,
                         enterprise_id=call.get("enterprise_id"), content=(call.get("content") or "").strip() or None,
                         created_by_id=actor.id)
    session.add(repeat)
    event = IssueEvent(issue_id=issue.id, at=now, actor_id=actor.id, action="repeat",
                       from_status=issue.status, to_status=issue.status, note=repeat.content,
                       data={"channel": channel})
    session.add(event)
    try:
        session.flush()
        if issue.status in ANSWERED and phone and phone != issue.reporter_phone:
            queue_sms(session, dedupe_key=f"event:{event.id}:reporter:{phone}", phone=phone, kind="reporter",
                      template=OUTCOME_TEMPLATE, params={"code": issue.code}, issue_id=issue.id, now=now)
        session.commit()
    except Exception:
        session.rollback()
        raise
    return repeat


def repeat_phones(session: Session, issue: Issue) -> list[str]:
    """The phones of the callers linked to `issue` as repeats, each once, oldest first."""
    phones = session.execute(select(IssueRepeat.reporter_phone).where(IssueRepeat.issue_id == issue.id,
                                                                      IssueRepeat.reporter_phone.is_not(None))
                             .order_by(IssueRepeat.id)).scalars()
    return list(dict.fromkeys(phones))
