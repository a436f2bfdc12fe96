"""A local stand-in for Twilio's Messages API, spoken to by the real twilio SDK.

    with FakeTwilio(invalid={"+8613800000002"}, flaky={"+8613800000003": 1}) as fake:
        sender = TwilioSender(fake.account_sid, fake.auth_token, from_number="+15005550006",
                              api_base=fake.base_url)

Answers like Twilio: 201 with the message resource, 400 with Twilio's error JSON for a number
configured as invalid, 500 for the first N calls to a flaky number, 429 (code 20429) for the
first N calls to a rate-limited one, 401 for wrong credentials. Every request is recorded.

An unreliable provider: `failure_rate=0.5` makes half the calls fail, chosen by a seeded
random draw: half of those answer 500 (not sent), the other half are accepted and sent but
answered only after `slow_seconds` (beyond the client's timeout, the client cannot know).
"""
import base64
import json
import random
import re
import threading
import time
import uuid
from dataclasses import dataclass, field
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler
from urllib.parse import parse_qs

from .local_server import LocalServer

MESSAGES_PATH = re.compile(r"^/2010-04-01/Accounts/(AC[0-9a-f]{32})/Messages\.json$")


@dataclass
class Seen:
    method: str
    url: str
    account_sid: str | None
    authorized: bool
    form: dict[str, str]
    status: int
    sid: str | None = None
    delay: float = 0.0   # seconds the answer was held back


@dataclass
class FakeTwilio(LocalServer):
    invalid: set[str] = field(default_factory=set)
    flaky: dict[str, int] = field(default_factory=dict)          # number → 500s still to give
    rate_limited: dict[str, int] = field(default_factory=dict)   # number → 429s still to give
    account_sid: str = "AC" + "0" * 31 + "1"
    auth_token: str = "fake-auth-token-0123456789abcdef"
    requests: list[Seen] = field(default_factory=list)
    failure_rate: float = 0.0    # share of calls that fail: half 500, half accepted but slow
    slow_seconds: float = 2.0
    seed: int = 2026

    def __post_init__(self):
        self._random = random.Random(self.seed)
        self._lock = threading.Lock()

    def handler_class(self):
        return _handler(self)

    # --- what was sent --------------------------------------------------------------------

    def accepted(self, to: str | None = None) -> list[Seen]:
        """The messages answered with 201, optionally only those to `to`."""
        return [r for r in self.requests if r.status == 201 and (to is None or r.form.get("To") == to)]

    # --- the API --------------------------------------------------------------------------

    def answer(self, method: str, path: str, url: str, auth_header: str | None,
               form: dict[str, str]) -> tuple[int, dict, Seen]:
        match = MESSAGES_PATH.match(path)
        sid = match.group(1) if match else None
        authorized = auth_header == "Basic " + base64.b64encode(
            f"{self.account_sid}:{self.auth_token}".encode()).decode()
        seen = Seen(method, url, sid, authorized, form, 0)
        with self._lock:
            self.requests.append(seen)
            status, payload = self._decide(method, match, sid, authorized, form)
            if self.failure_rate and status == 201:
                draw = self._random.random()
                if draw < self.failure_rate / 2:
                    status, payload = 500, _error(20500, "Internal Server Error", 500)
                elif draw < self.failure_rate:
                    seen.delay = self.slow_seconds  # sent, but the answer comes too late
            seen.status = status
            seen.sid = payload.get("sid")
        return status, payload, seen

    def _decide(self, method, match, sid, authorized, form) -> tuple[int, dict]:
        if match is None:
            return 404, _error(20404, "The requested resource was not found", 404)
        if method != "POST":
            return 405, _error(20004, "Method not allowed", 405)
        if not authorized or sid != self.account_sid:
            return 401, _error(20003, "Authenticate", 401)
        to, body = form.get("To", ""), form.get("Body", "")
        if not to:
            return 400, _error(21604, "A 'To' phone number is required.", 400)
        if not (form.get("From") or form.get("MessagingServiceSid")):
            return 400, _error(21603, "A 'From' phone number is required.", 400)
        if not body:
            return 400, _error(21602, "Message body is required.", 400)
        if to in self.invalid:
            return 400, _error(21211, f"Invalid 'To' Phone Number: {to}", 400)
        if self.rate_limited.get(to, 0) > 0:
            self.rate_limited[to] -= 1
            return 429, _error(20429, "Too Many Requests", 429)
        if self.flaky.get(to, 0) > 0:
            self.flaky[to] -= 1
            return 500, _error(20500, "Internal Server Error", 500)
        now = formatdate(usegmt=True)
        msg_sid = "SM" + uuid.uuid4().hex
        return 201, {
            "sid": msg_sid, "account_sid": sid, "to": to, "from": form.get("From"),
            "messaging_service_sid": form.get("MessagingServiceSid"), "body": body,
            "status": "queued", "num_segments": "1", "num_media": "0", "direction": "outbound-api",
            "api_version": "2010-04-01", "price": None, "price_unit": "USD", "error_code": None,
            "error_message": None, "date_created": now, "date_updated": now, "date_sent": None,
            "uri": f"/2010-04-01/Accounts/{sid}/Messages/{msg_sid}.json", "subresource_uris": {},
        }


def _error(code: int, message: str, status: int) -> dict:
    return {"code": code, "message": message, "more_info": f"https://www.twilio.com/docs/errors/{code}",
            "status": status}


def _handler(fake: FakeTwilio):
    class Handler(BaseHTTPRequestHandler):
        def _serve(self):
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length).decode() if length else ""
            form = {k: v[-1] for k, v in parse_qs(raw, keep_blank_values=True).items()}
            url = f"http://{self.headers.get('Host', '')}{self.path}"
            status, payload, seen = fake.answer(self.command, self.path.split("?", 1)[0], url,
                                                self.headers.get("Authorization"), form)
            if seen.delay:
                time.sleep(seen.delay)
            data = json.dumps(payload).encode()
            try:
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client gave up waiting (a slow answer)

        do_GET = do_POST = do_DELETE = _serve  # noqa: N815 - http.server's naming

        def log_message(self, *args):
            pass

    return Handler
