"""Group robots: 企业微信 群机器人 and 钉钉 自定义机器人, posting Markdown cards to a work group.

A robot's webhook address holds its key (WeCom `key=`, DingTalk `access_token=`): whoever has it
can post to the group. It is a secret: never written to a log or an error, shown masked.
DingTalk's signed mode adds `timestamp` and `sign`: HMAC-SHA256 over "timestamp\\nsecret" with
the secret, base64, URL-encoded.
"""
import base64
import hashlib
import hmac
import time
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import quote_plus, urlsplit

import requests

from .sender import SendError

KINDS = {"wecom": "企业微信群机器人", "dingtalk": "钉钉群机器人"}
# Both services allow about 20 messages a minute per robot; the outbox spreads them.
PER_MINUTE = 20
# Answers (errcode) that say "too many, later": WeCom 45009, DingTalk 130101 / 410100.
THROTTLED = {45009, 130101, 410100}
# DingTalk 310000: signature, keyword or IP not allowed; WeCom 93000: invalid webhook URL;
# 300001 / 400101 / 93004: the robot is gone or stopped.
REFUSALS = {310000: "签名、关键词或 IP 校验未通过（请核对加签密钥）", 93000: "机器人地址无效",
            300001: "机器人不存在或已停用", 400101: "机器人不存在或已停用", 93004: "机器人已被停用"}
COLOUR_LABELS = {"red": "红色（已超期）", "yellow": "黄色（临近时限）", "green": "绿色", "grey": "—"}
COLOURS = {"red": "#d9363e", "yellow": "#d48806", "green": "#389e0d", "grey": "#8c8c8c"}


@dataclass(frozen=True)
class Robot:
    kind: str          # "wecom" | "dingtalk"
    url: str
    secret: str | None = None


@dataclass(frozen=True)
class Card:
    title: str
    markdown: str
    mobiles: tuple[str, ...] = ()


def mask_url(url: str | None) -> str:
    """A robot address as the admin pages show it: host and path, the key reduced to its last
    four characters."""
    if not url:
        return ""
    parts = urlsplit(url)
    key = parts.query.split("=", 1)[-1] if parts.query else ""
    tail = key[-4:] if len(key) > 8 else ""
    base = f"{parts.scheme}://{parts.netloc}{parts.path}"
    return f"{base}?…{tail}" if parts.query else base


def dingtalk_sign(secret: str, timestamp_ms: int) -> str:
    digest = hmac.new(secret.encode(), f"{timestamp_ms}\n{secret}".encode(), hashlib.sha256).digest()
    return quote_plus(base64.b64encode(digest).decode())


def card(code: str, title: str, text: str, *, colour: str | None = None, deadline: str | None = None,
         link: str | None = None, mobiles: tuple[str, ...] = ()) -> Card:
    """The Markdown card of one message: the code and title as heading, the colour, the
    deadline, the text, a console link, and the mentions."""
    lines = [f"### {code} {title}".strip()]
    if colour:
        label = COLOUR_LABELS.get(colour, colour)
        lines.append(f'> 状态：<font color="{COLOURS.get(colour, "#8c8c8c")}">{label}</font>')
    if deadline:
        lines.append(f"> 时限：{deadline}")
    lines.append("")
    lines.append(text)
    if link:
        lines.append("")
        lines.append(f"[在督办系统中查看]({link})")
    return Card(f"{code} {title}".strip()[:60], "\n".join(lines), tuple(m for m in mobiles if m))


class RobotSender:
    """`SmsSender` for outbox rows addressed `robot:<id>`: `robots(id)` gives the robot (None:
    removed or switched off, the message fails for good) and `cards(template, params, body)` the
    card."""

    name = "robot"

    def __init__(self, robots: Callable[[int], Robot | None], cards: Callable[[str, dict, str], Card],
                 timeout: float = 5, clock: Callable[[], float] = time.time, api_base: str | None = None):
        self.robots, self.cards, self.timeout, self.clock = robots, cards, timeout, clock
        self.api_base = api_base.rstrip("/") if api_base else None
        self.http = requests.Session()

    def send(self, to: str, template: str, params: dict, body: str) -> str:
        try:
            robot_id = int(to.split(":", 1)[1])
        except (IndexError, ValueError):
            raise SendError("群机器人地址无效", retryable=False) from None
        robot = self.robots(robot_id)
        if robot is None:
            raise SendError("群机器人已删除或停用，未发送", retryable=False)
        message = self.cards(template, params, body)
        url, payload = self._request(robot, message)
        if self.api_base:  # a staging fake instead of the services' hosts
            parts = urlsplit(url)
            url = self.api_base + parts.path + (f"?{parts.query}" if parts.query else "")
        label = KINDS.get(robot.kind, "群机器人")
        try:
            resp = self.http.post(url, json=payload, timeout=self.timeout)
        except requests.ConnectTimeout:
            raise SendError(f"连接{label}超时", retryable=True) from None
        except requests.Timeout:
            raise SendError(f"{label}答复超时：消息可能已发出，为免重复未自动重试", retryable=False) from None
        except requests.RequestException as exc:  # the message names no address: it holds the key
            raise SendError(f"无法连接{label}（{exc.__class__.__name__}）", retryable=True) from None
        if resp.status_code >= 500 or resp.status_code == 429:
            raise SendError(f"{label}：服务暂时不可用（HTTP {resp.status_code}）", retryable=True)
        try:
            answer = resp.json()
        except ValueError:
            raise SendError(f"{label}：答复无法识别（HTTP {resp.status_code}）", retryable=False) from None
        code = int(answer.get("errcode", -1)) if isinstance(answer, dict) else -1
        if code == 0:
            return f"{robot.kind}-{robot_id}-{int(self.clock() * 1000)}"
        if code in THROTTLED:
            raise SendError(f"{label} {code}：发送过于频繁，稍后重试", throttled=True)
        if code == -1 and resp.status_code < 400:
            raise SendError(f"{label}：服务暂时不可用", retryable=True)
        raise SendError(f"{label} {code}：{REFUSALS.get(code, '请求被拒绝')}", retryable=False)

    def _request(self, robot: Robot, message: Card) -> tuple[str, dict]:
        if robot.kind == "dingtalk":
            url = robot.url
            if robot.secret:
                stamp = int(self.clock() * 1000)
                url += ("&" if "?" in url else "?") + f"timestamp={stamp}&sign={dingtalk_sign(robot.secret, stamp)}"
            mentions = "".join(f" @{m}" for m in message.mobiles)
            return url, {"msgtype": "markdown",
                         "markdown": {"title": message.title, "text": message.markdown + mentions},
                         "at": {"atMobiles": list(message.mobiles), "isAtAll": False}}
        # WeCom: a Markdown message cannot mention by mobile; the mobiles are named in the card,
        # and `mentioned_mobile_list` is read by the services that accept it.
        mentions = "".join(f" @{m}" for m in message.mobiles)
        return robot.url, {"msgtype": "markdown", "markdown": {"content": message.markdown + mentions,
                                                               "mentioned_mobile_list": list(message.mobiles)}}


class RoutingSender:
    """Outbox rows addressed `robot:<id>` go to the robots, every other to the SMS sender."""

    def __init__(self, sms, robots: RobotSender):
        self.sms, self.robot_sender = sms, robots
        self.name = sms.name

    def send(self, to: str, template: str, params: dict, body: str) -> str:
        if to.startswith("robot:"):
            return self.robot_sender.send(to, template, params, body)
        return self.sms.send(to, template, params, body)

    def __getattr__(self, item):  # pull_receipts and the like belong to the SMS sender
        return getattr(self.sms, item)
