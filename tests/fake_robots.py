"""A local stand-in for 企业微信 群机器人 and 钉钉 自定义机器人 webhooks.

    with FakeRobots(dingtalk_secrets={"tok1": "SEC..."}) as fake:
        sender = RobotSender(lookup, cards, api_base=fake.base_url, clock=...)

WeCom: POST /cgi-bin/webhook/send?key=K; DingTalk: POST /robot/send?access_token=T, with
`timestamp` and `sign` in signed mode (checked: HMAC-SHA256 over "timestamp\\nsecret", base64,
URL-encoded, within an hour). Each robot takes at most PER_MINUTE posts in any 60 seconds
(DingTalk: by the request's timestamp, so tests may run on a simulated clock; WeCom: by the
time of arrival) and answers 130101 / 45009 beyond. Every post is recorded.
"""
import base64
import hashlib
import hmac
import json
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler
from time import time
from urllib.parse import parse_qs, urlsplit

from .local_server import LocalServer

PER_MINUTE = 20


@dataclass
class Post:
    kind: str
    robot: str
    payload: dict
    errcode: int
    at: float


@dataclass
class FakeRobots(LocalServer):
    dingtalk_secrets: dict[str, str] = field(default_factory=dict)   # access_token → secret
    posts: list[Post] = field(default_factory=list)
    flaky: dict[str, int] = field(default_factory=dict)              # robot → 500s still to give
    busy: dict[str, int] = field(default_factory=dict)               # robot → "too fast" still to give

    def __post_init__(self):
        self._lock = threading.Lock()

    def handler_class(self):
        return _handler(self)

    def accepted(self, robot: str | None = None) -> list[Post]:
        return [p for p in self.posts if p.errcode == 0 and (robot is None or p.robot == robot)]

    def answer(self, path: str, query: dict, payload: dict) -> tuple[int, dict]:
        with self._lock:
            if path == "/cgi-bin/webhook/send":
                kind, robot, now = "wecom", query.get("key", ""), time()
                if not robot:
                    return 200, self._log(kind, robot, payload, 93000, now, "invalid webhook url")
            elif path == "/robot/send":
                kind, robot = "dingtalk", query.get("access_token", "")
                now = time()
                secret = self.dingtalk_secrets.get(robot)
                if secret:
                    stamp, sign = query.get("timestamp", ""), query.get("sign", "")
                    expected = base64.b64encode(hmac.new(secret.encode(), f"{stamp}\n{secret}".encode(),
                                                         hashlib.sha256).digest()).decode()
                    if not stamp.isdigit() or not hmac.compare_digest(sign, expected):
                        return 200, self._log(kind, robot, payload, 310000, now, "sign not match")
                    now = int(stamp) / 1000
            else:
                return 404, {"errcode": 404, "errmsg": "not found"}
            if self.flaky.get(robot, 0) > 0:
                self.flaky[robot] -= 1
                return 500, {"errcode": -1, "errmsg": "system busy"}
            recent = [p for p in self.accepted(robot) if now - 60 < p.at <= now]
            if self.busy.get(robot, 0) > 0:
                self.busy[robot] -= 1
                recent = [None] * PER_MINUTE
            if len(recent) >= PER_MINUTE:
                code = 130101 if kind == "dingtalk" else 45009
                return 200, self._log(kind, robot, payload, code, now, "send too fast")
            return 200, self._log(kind, robot, payload, 0, now, "ok")

    def _log(self, kind, robot, payload, code, at, message) -> dict:
        self.posts.append(Post(kind, robot, payload, code, at))
        return {"errcode": code, "errmsg": message}


def _handler(fake: FakeRobots):
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802 - http.server's naming
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length) if length else b""
            try:
                payload = json.loads(raw or b"{}")
            except ValueError:
                payload = {}
            parts = urlsplit(self.path)
            query = {k: v[-1] for k, v in parse_qs(parts.query).items()}
            status, answer = fake.answer(parts.path, query, payload)
            data = json.dumps(answer).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args):
            pass

    return Handler
