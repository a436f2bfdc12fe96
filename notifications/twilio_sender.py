"""Twilio: the SMS sender, and the two helpers its webhooks need (signature check, TwiML reply).

The only module of ours that imports twilio. With `api_base` set, every request the SDK makes
goes to that address instead of api.twilio.com, so tests and staging talk to a local fake
through the real SDK.
"""
import logging
import re
from urllib.parse import urlsplit

import requests
from twilio.base.exceptions import TwilioException, TwilioRestException, TwilioServiceException
from twilio.http.http_client import TwilioHttpClient
from twilio.request_validator import RequestValidator, get_signature_algorithm
from twilio.rest import Client
from twilio.twiml.messaging_response import MessagingResponse

from .sender import SendError

log = logging.getLogger(__name__)

# Refusals worth naming in the outbox; every other 4xx is refused too, just less eloquently.
REFUSALS = {
    21211: "号码无效",
    21408: "未开通发往该地区的短信权限",
    21610: "对方已退订（回复过 STOP）",
    21614: "号码不是手机号，无法接收短信",
}
RATE_LIMITED = 20429


class _RedirectingHttpClient(TwilioHttpClient):
    """Sends what the SDK addresses to *.twilio.com to `api_base` instead."""

    def __init__(self, api_base: str, **kwargs):
        super().__init__(**kwargs)
        self.api_base = api_base.rstrip("/")

    def request(self, method, url, *args, **kwargs):
        parts = urlsplit(url)
        host = parts.hostname or ""
        if host == "twilio.com" or host.endswith(".twilio.com"):
            url = self.api_base + parts.path + (f"?{parts.query}" if parts.query else "")
        return super().request(method, url, *args, **kwargs)


def e164(phone: str) -> str | None:
    """An E.164 number for `phone`: +86 for a Chinese mobile or landline; None if unrecognised."""
    raw = re.sub(r"[\s\-()]", "", phone or "")
    if re.fullmatch(r"\+[1-9]\d{6,14}", raw):
        return raw
    if raw.startswith("00"):
        return e164("+" + raw[2:])
    if re.fullmatch(r"1[3-9]\d{9}", raw):
        return "+86" + raw
    if re.fullmatch(r"861[3-9]\d{9}", raw):
        return "+" + raw
    if re.fullmatch(r"0[1-9]\d{8,10}", raw):  # landline with area code: the 0 is the trunk prefix
        return "+86" + raw[1:]
    return None


class TwilioSender:
    """`SmsSender` through Twilio's Messages API."""

    name = "twilio"

    def __init__(self, account_sid: str, auth_token: str, *, from_number: str | None = None,
                 messaging_service_sid: str | None = None, api_base: str | None = None,
                 status_callback: str | None = None, timeout: float = 10):
        if not (from_number or messaging_service_sid):
            raise ValueError("from_number or messaging_service_sid is required")
        self.from_number = from_number
        self.messaging_service_sid = messaging_service_sid
        self.status_callback = status_callback
        http_client = (_RedirectingHttpClient(api_base, timeout=timeout) if api_base
                       else TwilioHttpClient(timeout=timeout))
        self.client = Client(account_sid, auth_token, http_client=http_client)

    def send(self, to: str, template: str, params: dict, body: str) -> str:
        number = e164(to)
        if number is None:
            raise SendError("号码格式无法识别，未提交 Twilio", retryable=False)
        fields: dict = {"to": number, "body": body}
        if self.messaging_service_sid:
            fields["messaging_service_sid"] = self.messaging_service_sid
        else:
            fields["from_"] = self.from_number
        if self.status_callback:
            fields["status_callback"] = self.status_callback
        try:
            message = self.client.messages.create(**fields)
        except (TwilioRestException, TwilioServiceException) as exc:
            raise _send_error(exc.status, exc.code) from None
        except requests.ConnectTimeout:
            raise SendError("连接 Twilio 超时", retryable=True) from None
        except requests.Timeout:
            # The request reached Twilio but no answer came back: it may have been sent, and a
            # retry could send it twice. Give up visibly; staff check and resend by hand.
            raise SendError("Twilio 答复超时：短信可能已发出，为免重复未自动重试，请核对后手动重发",
                            retryable=False) from None
        except requests.RequestException as exc:
            raise SendError(f"无法连接 Twilio（{exc.__class__.__name__}）", retryable=True) from None
        except TwilioException as exc:
            raise SendError(f"Twilio 出错：{exc}", retryable=True) from None
        return message.sid


def _send_error(status: int | None, code: int | None) -> SendError:
    status = int(status or 0)
    label = f"Twilio {code}" if code and code != status else "Twilio"
    if status == 429 or code == RATE_LIMITED:
        return SendError(f"{label}：发送过于频繁，稍后重试（HTTP {status}）", retryable=True)
    if status >= 500 or status == 0:
        return SendError(f"{label}：服务暂时不可用（HTTP {status}）", retryable=True)
    reason = REFUSALS.get(code or 0, "请求被拒绝")
    return SendError(f"{label}：{reason}（HTTP {status}）", retryable=False)


def signature_is_valid(auth_token: str, url: str, params, signature: str | None,
                       settings_header: str | None = None) -> bool:
    """Whether `signature` (X-Twilio-Signature) signs `url` and `params` with `auth_token`.

    `url` must be the public address Twilio called, not the one a proxy forwarded to us.
    """
    if not auth_token or not signature:
        return False
    algorithm = get_signature_algorithm(settings_header)
    return RequestValidator(auth_token).validate(url, params, signature, algorithm)


def messaging_twiml(text: str | None) -> str:
    """A TwiML answer to an inbound text: reply with `text`, or with nothing."""
    response = MessagingResponse()
    if text:
        response.message(text)
    return str(response)
