"""Departments' group robots (企业微信, 钉钉): what the administrator keeps, and the messages they
post, queued in the SMS outbox (its claims, retries and failed list) addressed `robot:<id>`.

Each robot takes about 20 messages a minute. Its messages are given send times at least
`SPACING` apart when they are queued, so however many arrive at once they go out spread, none
dropped, and several dispatchers together never post faster than that.
"""
import re
from datetime import datetime, timedelta

from sqlalchemy import Engine, func, select
from sqlmodel import Session

from models import Department, DepartmentRobot, SmsMessage, SmsStatus, User
from models.permissions import Permission
from notifications.messages import TEMPLATES, render
from notifications.robots import KINDS, PER_MINUTE, Card, Robot, card, mask_url
from service.core import text_rules
from service.core.errors import NotFound, require
from service.identity import permissions as access
from service.reminders.outbox import first_allowed
from service.reminders.sms_texts import template_text

SPACING = timedelta(seconds=60 / PER_MINUTE)
HOSTS = {"wecom": "qyapi.weixin.qq.com", "dingtalk": "oapi.dingtalk.com"}
# Messages a department's robot may post: those addressed to the department.
ROBOT_TEMPLATES = ("assigned_department", "consult_objected", "urged", "extension_decided", "deadline_set", "reopened",
                   "reassigned_away", "due_soon", "due_today", "overdue")


def _admin_only(actor: User | None) -> None:
    access.require(actor, Permission.ROBOTS_MANAGE)


def view(robot: DepartmentRobot) -> dict:
    """A robot as the admin pages and the API show it: the address masked, the secret never."""
    return {"id": robot.id, "department_id": robot.department_id, "kind": robot.kind, "name": robot.name,
            "webhook_url": mask_url(robot.webhook_url), "signed": bool(robot.secret),
            "templates": [t for t in robot.templates.split(",") if t], "active": robot.active}


def list_robots(session: Session, actor: User | None, department_id: int | None = None) -> list[dict]:
    _admin_only(actor)
    stmt = select(DepartmentRobot).order_by(DepartmentRobot.department_id, DepartmentRobot.id)
    if department_id is not None:
        stmt = stmt.where(DepartmentRobot.department_id == department_id)
    return [view(r) for r in session.execute(stmt).scalars()]


def save_robot(session: Session, actor: User | None, now: datetime, *, department_id: int, kind: str,
               name: str, webhook_url: str | None, secret: str | None, templates, active: bool = True,
               robot_id: int | None = None) -> dict:
    """Add a robot, or change one (`robot_id`): an empty address or secret keeps the one stored,
    so the page never has to show them. Commits."""
    _admin_only(actor)
    robot = session.get(DepartmentRobot, robot_id) if robot_id is not None else None
    if robot_id is not None and robot is None:
        raise NotFound("没有这个群机器人")
    if session.get(Department, department_id) is None:
        require({"department_id": "没有这个部门"})
    names = [t.strip() for t in (templates.split(",") if isinstance(templates, str) else templates or [])
             if t and t.strip()]
    url = (webhook_url or "").strip()
    problems = {}
    if kind not in KINDS:
        problems["kind"] = "只能是企业微信（wecom）或钉钉（dingtalk）"
    if not (name or "").strip():
        problems["name"] = "名称不能为空"
    elif text_rules.problem(name.strip(), 64, lines=False):
        problems["name"] = text_rules.message(name.strip(), 64, lines=False)
    if url or robot is None:
        pattern = rf"https://{re.escape(HOSTS.get(kind, ''))}/\S+\?\S*(key|access_token)=[\w\-]+\S*"
        if not url:
            problems["webhook_url"] = "请填写机器人的 Webhook 地址"
        elif kind in HOSTS and not re.fullmatch(pattern, url):
            problems["webhook_url"] = f"须为 https://{HOSTS[kind]}/… 且带有机器人密钥的地址"
        elif len(url) > 500:
            problems["webhook_url"] = "地址过长"
    unknown = [t for t in names if t not in ROBOT_TEMPLATES]
    if unknown:
        problems["templates"] = "这些消息不能发到部门群：" + "、".join(unknown)
    if secret and (len(secret.strip()) > 200 or not secret.strip().startswith("SEC")) and kind == "dingtalk":
        problems["secret"] = "钉钉加签密钥以 SEC 开头"
    if secret and kind == "wecom":
        problems["secret"] = "企业微信群机器人没有加签密钥"
    require(problems)
    robot = robot or DepartmentRobot(department_id=department_id, kind=kind, name=name, webhook_url=url)
    robot.department_id, robot.kind, robot.name = department_id, kind, name.strip()
    if url:
        robot.webhook_url = url
    if secret:
        robot.secret = secret.strip()
    robot.templates, robot.active = ",".join(dict.fromkeys(names)), bool(active)
    robot.updated_by_id, robot.updated_at = (actor.id if actor else None), now
    session.add(robot)
    session.commit()
    return view(robot)


def delete_robot(session: Session, actor: User | None, robot_id: int) -> None:
    """Remove a robot; its messages still queued fail visibly. Commits."""
    _admin_only(actor)
    robot = session.get(DepartmentRobot, robot_id)
    if robot is None:
        raise NotFound("没有这个群机器人")
    session.delete(robot)
    session.commit()


# --- posting ------------------------------------------------------------------------------------

def departments_with_robots(session: Session) -> set[int]:
    return set(session.execute(select(DepartmentRobot.department_id).where(DepartmentRobot.active.is_(True))).scalars())


def queue_robot_messages(session: Session, *, dedupe_key: str, department_id: int | None, template: str,
                         params: dict, issue_id: int | None, now: datetime, mention: str | None = None) -> int:
    """Queue the message for each active robot of the department that takes `template`, in the
    caller's transaction, each at the robot's next free slot. The number queued."""
    if department_id is None:
        return 0
    robots = session.execute(select(DepartmentRobot).where(
        DepartmentRobot.department_id == department_id, DepartmentRobot.active.is_(True))).scalars().all()
    queued = 0
    for robot in robots:
        if template not in robot.templates.split(","):
            continue
        to = f"robot:{robot.id}"
        session.flush()
        last = session.execute(select(func.max(SmsMessage.next_attempt_at)).where(
            SmsMessage.recipient_phone == to,
            SmsMessage.status.in_((SmsStatus.PENDING, SmsStatus.SENDING)))).scalar()
        slot = first_allowed(now)
        if last is not None and last + SPACING > slot:
            slot = last + SPACING
        values = {**params, "mention": mention} if mention else dict(params)
        session.add(SmsMessage(dedupe_key=f"{dedupe_key}:robot:{robot.id}", issue_id=issue_id, recipient_phone=to,
                               recipient_kind="robot", template=template, params=values,
                               body=render(template, params, template_text(session, template)),
                               status=SmsStatus.PENDING, next_attempt_at=slot, created_at=now, updated_at=now))
        queued += 1
    return queued


def robot_book(engine: Engine):
    """The robot for an outbox address, read as each message goes (None: removed or off)."""
    def lookup(robot_id: int) -> Robot | None:
        with Session(engine) as session:
            robot = session.get(DepartmentRobot, robot_id)
            if robot is None or not robot.active:
                return None
            return Robot(robot.kind, robot.webhook_url, robot.secret)
    return lookup


def card_maker(engine: Engine, console_base: str):
    """The card of an outbox message: code, title, colour, deadline, text and console link."""
    def make(template: str, params: dict, body: str) -> Card:
        colour, deadline, issue_id = None, params.get("complete_due") or params.get("due"), params.get("issue_id")
        if template in ("overdue", "escalation"):
            colour = "red"
        elif template in ("due_soon", "due_today"):
            colour = "yellow"
        link = f"{console_base.rstrip('/')}/console/issues/{issue_id}" if issue_id else None
        text = body or TEMPLATES.get(template, "")
        return card(str(params.get("code") or ""), str(params.get("title") or ""), text, colour=colour,
                    deadline=deadline, link=link, mobiles=(params["mention"],) if params.get("mention") else ())
    return make


