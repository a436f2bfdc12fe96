"""What the mainland providers (Aliyun, Tencent Cloud) have in common: they send only templates
approved beforehand, under a registered signature (短信签名), and their SDKs hide the network
error that decides whether a failed call may be tried again."""
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

import requests

from .sender import SendError


@dataclass(frozen=True)
class ProviderTemplate:
    """One message kind as approved by a provider: its template code (Aliyun `SMS_123456789`,
    Tencent Cloud a number) and the names of the kind's values the template takes, in the
    template's order (Tencent Cloud passes them by position, Aliyun by name)."""

    code: str
    params: tuple[str, ...]


# The message kind's key → its approved template, or None when the administrator has not given one.
TemplateLookup = Callable[[str], ProviderTemplate | None]


@dataclass(frozen=True)
class Receipt:
    """What a provider says became of one message: `status` in the outbox's words (delivered,
    undelivered), the provider's error code and its explanation when it failed."""

    provider_id: str
    status: str
    error_code: str | None = None
    reason: str | None = None
    at: datetime | None = None


@dataclass(frozen=True)
class Reply:
    """A text a reporter sent back (上行短信)."""

    phone: str
    text: str
    provider_id: str | None = None


def mainland_mobile(phone: str) -> str | None:
    """The 11-digit mainland mobile in `phone` (+86, 0086 and 86 prefixes, spaces and dashes
    allowed), or None: the template providers here send to mainland mobiles only."""
    raw = re.sub(r"[\s\-()]", "", phone or "")
    raw = re.sub(r"^(\+86|0086|86)(?=1\d{10}$)", "", raw)
    return raw if re.fullmatch(r"1[3-9]\d{9}", raw) else None


def template_values(template: ProviderTemplate, params: dict) -> list[str]:
    """The values `template` takes, in its order, from the message's `params`. A name the
    message does not carry refuses the message (the template would be rejected anyway)."""
    missing = [name for name in template.params if params.get(name) is None]
    if missing:
        raise SendError("模板参数与短信内容不符：缺少 " + "、".join(missing), retryable=False)
    return [str(params[name]) for name in template.params]


def template_for(lookup: TemplateLookup, provider: str, key: str) -> ProviderTemplate:
    template = lookup(key)
    if template is None or not template.code:
        raise SendError(f"未配置{provider}短信模板（{key}），请系统管理员在“短信模板”中填写模板编号",
                        retryable=False)
    return template


def network_failure(exc: BaseException, provider: str) -> SendError | None:
    """The SendError for a network failure somewhere in `exc`'s chain, or None if there is none.

    A connection that was never made may be tried again; a request that went out and got no
    answer may have been sent: trying again could send it twice, so it fails visibly instead."""
    seen: set[int] = set()
    stack: list[BaseException | None] = [exc]
    while stack:
        current = stack.pop()
        if current is None or id(current) in seen:
            continue
        seen.add(id(current))
        if isinstance(current, requests.ConnectTimeout):
            return SendError(f"连接{provider}超时", retryable=True)
        if isinstance(current, requests.Timeout):
            return SendError(f"{provider}答复超时：短信可能已发出，为免重复未自动重试，请核对后手动重发",
                             retryable=False)
        if isinstance(current, requests.ConnectionError):
            return SendError(f"无法连接{provider}（{current.__class__.__name__}）", retryable=True)
        stack.extend([current.__cause__, current.__context__, getattr(current, "inner_exception", None),
                      getattr(current, "ex", None)])
    return None
