"""The SMS sender interface and the senders that need no provider."""
import itertools
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Protocol


class SendError(Exception):
    """A provider refused or failed; `retryable` says whether trying again may help.
    `throttled`: the provider said "not so fast": the message waits a minute and the try does
    not count towards giving up (a busy group robot never loses a message)."""

    def __init__(self, message: str, retryable: bool = True, throttled: bool = False):
        super().__init__(message)
        self.retryable = retryable or throttled
        self.throttled = throttled


class SmsSender(Protocol):
    """One method per message. `to` is the number as stored (usually an 11-digit mobile); each
    sender puts it into the form its provider wants (+86 for Twilio).

    `body` is the rendered text, for providers that send free text (Twilio, the console).
    `template` (a key of notifications.messages.TEMPLATES) and `params` are there for
    providers that only send pre-approved templates, as Aliyun (dysmsapi SendSms:
    TemplateCode + TemplateParam JSON) and Tencent Cloud (SendSms: TemplateId +
    TemplateParamSet, a list in the template's order) do in mainland China: such a sender
    maps the key to its approved template id and passes `params` in the form its provider
    wants, ignoring `body`.
    """

    name: str

    def send(self, to: str, template: str, params: dict, body: str) -> str:
        """Send one message; return the provider's message id or raise SendError."""


class ConsoleSender:
    """Logs each message instead of sending it, the embedded default: one JSON log line (the
    application's log) with the message's id, template and issue code and the recipient masked
    by `mask_recipient`; never the text, which may carry a reporter's words or a name. The text
    stays in the outbox, where the office reads it (通知记录)."""

    name = "console"

    def __init__(self, mask_recipient: Callable[[str], str | None], logger: logging.Logger | None = None):
        self.mask_recipient = mask_recipient
        self.log = logger or logging.getLogger("ys.sms")
        self._ids = itertools.count(1)

    def send(self, to: str, template: str, params: dict, body: str) -> str:
        msg_id = f"console-{next(self._ids)}"
        self.log.info("短信 %s 发往 %s：模板 %s，问题 %s", msg_id, self.mask_recipient(to) or "****", template,
                      params.get("code") or "—")
        return msg_id


@dataclass
class RecordingSender:
    """Keeps every message in memory; tests read `sent`. `fail_with` makes sends fail."""

    name: str = "recording"
    sent: list[dict] = field(default_factory=list)
    fail_with: SendError | None = None

    def send(self, to: str, template: str, params: dict, body: str) -> str:
        if self.fail_with is not None:
            raise self.fail_with
        self.sent.append({"to": to, "template": template, "params": params, "body": body})
        return f"rec-{len(self.sent)}"
