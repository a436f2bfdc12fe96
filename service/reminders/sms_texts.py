"""SMS wordings an administrator may change. The built-in text applies where there is none."""
from datetime import datetime

from sqlalchemy import select
from sqlmodel import Session

from models import SmsTemplate, User
from models.permissions import Permission
from notifications.messages import TEMPLATES, placeholders, sample_render, template_placeholders
from service.core.errors import NotFound, require
from service.identity import permissions as access

MAX_LENGTH = 300
SEGMENT = 70  # characters of one SMS in Chinese (UCS-2)


def template_text(session: Session, key: str) -> str | None:
    """The administrator's wording of `key`, or None for the built-in one."""
    row = session.get(SmsTemplate, key)
    return row.body if row else None


def _admin_only(actor: User | None) -> None:
    access.require(actor, Permission.SMS_TEXTS_MANAGE)


def _known(key: str) -> None:
    if key not in TEMPLATES:
        raise NotFound(f"没有名为 {key} 的短信模板")


def _view(key: str, override: str | None, names: list[str]) -> dict:
    sample = sample_render(key, override)
    return {"key": key, "builtin": TEMPLATES[key], "override": override, "placeholders": names,
            "sample": sample, "length": len(sample),
            "warning": _length_warning(len(sample))}


def _length_warning(length: int) -> str | None:
    if length <= SEGMENT:
        return None
    return f"按常见内容估算约 {length} 字，超过一条短信的 {SEGMENT} 字，将分成多条发送并多计费用。"


def list_templates(session: Session, actor: User | None = None) -> list[dict]:
    """Every template: built-in text, override, placeholders and a typical rendering."""
    _admin_only(actor)
    overrides = dict(session.execute(select(SmsTemplate.key, SmsTemplate.body)).all())
    names = template_placeholders()
    return [_view(key, overrides.get(key), names[key]) for key in TEMPLATES]


def _check_body(key: str, body: str, allowed: list[str]) -> None:
    if not body:
        require({"body": "短信内容不能为空"})
    if len(body) > MAX_LENGTH:
        require({"body": f"短信内容不能超过 {MAX_LENGTH} 字（现 {len(body)} 字）"})
    try:
        used = placeholders(body)
    except ValueError as exc:
        require({"body": f"占位符写法有误（{exc}）：只能写 {{名称}}，单独的花括号请写成 {{{{ 或 }}}}"})
    unknown = [n for n in used if n not in allowed]
    if unknown:
        require({"body": "不认识的占位符：" + "、".join(f"{{{n}}}" for n in unknown)
                 + "；可用：" + "、".join(f"{{{n}}}" for n in allowed)})
    if "code" not in used:
        require({"body": "短信须包含问题编号 {code}，以便收信人查找问题"})


def set_template(session: Session, actor: User | None, key: str, body: str, now: datetime) -> dict:
    """Use `body` as the wording of `key` from now on. Commits. The answer says when a typical
    rendering no longer fits one SMS."""
    _admin_only(actor)
    _known(key)
    body = (body or "").strip()
    allowed = placeholders(TEMPLATES[key])
    _check_body(key, body, allowed)
    row = session.get(SmsTemplate, key) or SmsTemplate(key=key, body=body)
    row.body, row.updated_by_id, row.updated_at = body, actor.id if actor else None, now
    session.add(row)
    session.commit()
    return _view(key, body, allowed)


def reset_template(session: Session, actor: User | None, key: str) -> dict:
    """Back to the built-in wording. Commits."""
    _admin_only(actor)
    _known(key)
    row = session.get(SmsTemplate, key)
    if row is not None:
        session.delete(row)
        session.commit()
    return _view(key, None, placeholders(TEMPLATES[key]))
