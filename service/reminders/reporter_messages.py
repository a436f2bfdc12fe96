"""What the reporter hears, and when: one row per kind of message to the reporter, naming the
step that sends it. The administrator may switch a kind off for a channel (e.g. no text on
registration for the breakfast meeting, where the county head answers in person); a switched-off
kind is not queued for that channel's issues. A reporter who answered TD (退订) hears nothing
more but what the office sends by hand (the rating request)."""
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlmodel import Session

from models import CHANNEL_LABELS, Channel, SmsSwitchOff, User
from models.permissions import Permission
from service.core.errors import NotFound, require
from service.identity import permissions as access


@dataclass(frozen=True)
class ReporterMessage:
    template: str
    label: str
    step: str        # the workflow step (or intake) that sends it
    when: str        # in words, for the administrator


REPORTER_MESSAGES: tuple[ReporterMessage, ...] = (
    ReporterMessage("registered_reporter", "登记回执", "create", "登记后告知编号和查询方式（各渠道，含网上反映）"),
    ReporterMessage("assigned_reporter", "交办告知", "assign", "问题交办承办单位后"),
    ReporterMessage("consult_reporter", "方案征求意见", "plan", "制定方案后请反映人同意或提意见（按渠道规则）"),
    ReporterMessage("answered_reporter", "答复", "answer", "承办单位答复反映人时"),
    ReporterMessage("replied_reporter", "办结答复及评价", "reply", "办结答复后，请反映人回复1、2、3评价"),
    ReporterMessage("extended_reporter", "延期告知", "decide_extension", "批准延期后，告知新的办结时限"),
    ReporterMessage("suspended_reporter", "挂账告知", "suspend", "挂账时，告知原因和下次告知进展的日期"),
    ReporterMessage("escalated_reporter", "提请上级告知", "escalate", "提请上级解决时，告知原因和下次告知进展的日期"),
    ReporterMessage("merged_outcome", "并案结果及评价", "reply",
                    "并入其他问题办理的，主问题办结答复后，请反映人回复1、2、3评价"),
    ReporterMessage("repeat_outcome", "重复来电结果", "reply", "来电关联为已有问题的重复反映的，该问题办结答复后"),
    ReporterMessage("closed_reporter", "办结销号", "visit", "回访满意或销号后"),
)
BY_TEMPLATE = {m.template: m for m in REPORTER_MESSAGES}
# Sent only when the office asks, to a reporter who answered TD too.
HAND_SENT = frozenset({"rating_request"})


def switched_off(session: Session, template: str, channel: str | None) -> bool:
    if channel is None or template not in BY_TEMPLATE:
        return False
    return session.get(SmsSwitchOff, (template, channel)) is not None


@dataclass(frozen=True)
class SwitchRow:
    message: ReporterMessage
    off: frozenset[str]   # the channels it is switched off for


@dataclass(frozen=True)
class SwitchTable:
    rows: list[SwitchRow]
    may_edit: bool = True   # only the administrator reaches the table at all


def switch_table(session: Session, actor: User) -> SwitchTable:
    access.require(actor, Permission.SMS_TEXTS_MANAGE)
    off: dict[str, set[str]] = {}
    for template, channel in session.execute(select(SmsSwitchOff.template, SmsSwitchOff.channel)).all():
        off.setdefault(template, set()).add(channel)
    return SwitchTable([SwitchRow(m, frozenset(off.get(m.template, ()))) for m in REPORTER_MESSAGES])


def set_switch(session: Session, actor: User, template: str, channel: str, on: bool, now: datetime) -> None:
    """Switch a kind of message to reporters on or off for one channel. Commits."""
    access.require(actor, Permission.SMS_TEXTS_MANAGE)
    if template not in BY_TEMPLATE:
        raise NotFound(f"没有名为 {template} 的反映人短信")
    if channel not in {c.value for c in Channel}:
        require({"channel": "请选择问题来源渠道：" + "、".join(f"{c}（{CHANNEL_LABELS[c]}）" for c in Channel)})
    row = session.get(SmsSwitchOff, (template, channel))
    if on and row is not None:
        session.delete(row)
    elif not on and row is None:
        session.add(SmsSwitchOff(template=template, channel=channel, by_id=actor.id, at=now))
    session.commit()


def save_switches(session: Session, actor: User, on: set[str], now: datetime) -> None:
    """The console's table at once: `on` holds "template:channel" for every box ticked; every
    other pair is switched off. Commits."""
    access.require(actor, Permission.SMS_TEXTS_MANAGE)
    pairs = {f"{m.template}:{c.value}": (m.template, c.value) for m in REPORTER_MESSAGES for c in Channel}
    if unknown := on - set(pairs):
        require({"on": f"有 {len(unknown)} 项不是反映人短信和问题来源渠道的组合，请刷新页面后重新勾选"})
    off = {pair for key, pair in pairs.items() if key not in on}
    current = {(t, c) for t, c in session.execute(select(SmsSwitchOff.template, SmsSwitchOff.channel)).all()}
    for template, channel in current - off:
        session.delete(session.get(SmsSwitchOff, (template, channel)))
    for template, channel in off - current:
        session.add(SmsSwitchOff(template=template, channel=channel, by_id=actor.id, at=now))
    session.commit()
