"""SMS wordings an administrator may change. The built-in text applies where there is none."""
import re
from datetime import datetime

from sqlalchemy import Engine, select
from sqlmodel import Session

from models import SmsProviderTemplate, SmsTemplate, User
from models.permissions import Permission
from notifications.messages import PART, TEMPLATES, placeholders, sample_render, segments, template_placeholders
from notifications.template_sms import ProviderTemplate, TemplateLookup
from service.core.errors import NotFound, require
from service.identity import permissions as access

MAX_LENGTH = 300
# Providers that send only approved templates, and what they call them.
PROVIDERS = {"aliyun": "阿里云短信", "tencent": "腾讯云短信"}
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
    parts = segments("字" * length)
    return (f"按常见内容估算约 {length} 字，超过一条短信的 {SEGMENT} 字，将分成多条发送并多计费用"
            f"（长短信每条 {PART} 字，约 {parts} 条）。")


def list_templates(session: Session, actor: User | None = None) -> list[dict]:
    """Every template: built-in text, override, placeholders, a typical rendering, and the
    provider templates (code and values) recorded for it."""
    _admin_only(actor)
    overrides = dict(session.execute(select(SmsTemplate.key, SmsTemplate.body)).all())
    approved: dict[str, dict] = {}
    for row in session.execute(select(SmsProviderTemplate)).scalars():
        approved.setdefault(row.key, {})[row.provider] = _provider_view(row)
    names = template_placeholders()
    return [{**_view(key, overrides.get(key), names[key]), "providers": approved.get(key, {})} for key in TEMPLATES]


# --- templates approved by a provider ------------------------------------------------------------

def _provider_view(row: SmsProviderTemplate) -> dict:
    return {"provider": row.provider, "key": row.key, "template_code": row.template_code,
            "params": split_names(row.params)}


def split_names(text: str) -> list[str]:
    return [n.strip() for n in (text or "").replace("，", ",").split(",") if n.strip()]


def provider_template(session: Session, provider: str, key: str) -> ProviderTemplate | None:
    """The template `provider` approved for the message kind `key`, or None."""
    row = session.get(SmsProviderTemplate, (provider, key))
    return ProviderTemplate(row.template_code, tuple(split_names(row.params))) if row else None


def template_book(engine: Engine, provider: str) -> TemplateLookup:
    """A look-up for a provider's sender: read when each message goes, so an administrator's
    change applies to the next message without a restart."""
    def lookup(key: str) -> ProviderTemplate | None:
        with Session(engine) as session:
            return provider_template(session, provider, key)
    return lookup


def set_provider_template(session: Session, actor: User | None, provider: str, key: str,
                          template_code: str, params, now: datetime) -> dict:
    """Record the provider's template for `key`: its code and the values it takes, each one
    the message kind provides (else the template could never be filled). Commits."""
    _admin_only(actor)
    _known(key)
    if provider not in PROVIDERS:
        raise NotFound(f"没有名为 {provider} 的短信服务商")
    code = (template_code or "").strip()
    names = split_names(params) if isinstance(params, str) else [str(p).strip() for p in params or [] if str(p).strip()]
    allowed = placeholders(TEMPLATES[key])
    problems = {}
    if not code:
        problems["template_code"] = "模板编号不能为空"
    elif not re.fullmatch(r"[A-Za-z0-9_\-]{1,64}", code):
        problems["template_code"] = "模板编号只能由字母、数字、下划线组成，不超过 64 位"
    unknown = [n for n in names if n not in allowed]
    if unknown:
        problems["params"] = ("该类短信不提供这些参数：" + "、".join(unknown) + "；可用："
                              + "、".join(allowed))
    elif len(set(names)) != len(names):
        problems["params"] = "参数不能重复"
    elif "code" not in names:
        problems["params"] = "模板须包含问题编号 code，以便收信人查找问题"
    if problems:
        require(problems)
    row = session.get(SmsProviderTemplate, (provider, key)) or SmsProviderTemplate(
        provider=provider, key=key, template_code=code)
    row.template_code, row.params = code, ",".join(names)
    row.updated_by_id, row.updated_at = (actor.id if actor else None), now
    session.add(row)
    session.commit()
    return _provider_view(row)


def clear_provider_template(session: Session, actor: User | None, provider: str, key: str) -> None:
    """Forget the provider's template for `key`: that kind is no longer sent through it. Commits."""
    _admin_only(actor)
    _known(key)
    row = session.get(SmsProviderTemplate, (provider, key))
    if row is not None:
        session.delete(row)
        session.commit()


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
