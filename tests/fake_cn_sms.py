"""Local stand-ins for Aliyun SMS (dysmsapi) and Tencent Cloud SMS, spoken to by their real SDKs.

    with FakeAliyun(templates={"SMS_1001": ("code", "title")}) as fake:
        sender = AliyunSender(fake.access_key_id, fake.access_key_secret, "某县营商办",
                              lookup, endpoint=fake.base_url)

Each checks the request's signature as the provider does (Aliyun ACS3-HMAC-SHA256, Tencent Cloud
TC3-HMAC-SHA256) and answers as the provider does: success, a number configured as invalid,
throttling for the first N calls to a number, a template whose variables do not match the
approved ones, a server error for the first N calls to a flaky number, and a slow answer
(sent, but answered after `slow_seconds`) for a number in `slow`. Every request is recorded.
"""
import hashlib
import hmac
import json
import threading
import time
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timezone
from http.server import BaseHTTPRequestHandler
from urllib.parse import parse_qsl, quote, urlsplit

from .local_server import LocalServer


@dataclass
class Seen:
    action: str
    authorized: bool
    fields: dict
    status: int
    answer: dict
    message_id: str | None = None
    delay: float = 0.0


@dataclass
class _Fake(LocalServer):
    templates: dict[str, tuple[str, ...]] = field(default_factory=dict)  # approved: code → variables
    invalid: set[str] = field(default_factory=set)                       # 11-digit numbers
    flaky: dict[str, int] = field(default_factory=dict)                  # number → server errors to give
    throttled: dict[str, int] = field(default_factory=dict)              # number → throttles to give
    slow: set[str] = field(default_factory=set)
    slow_seconds: float = 2.0
    sign_name: str = "某县营商办"
    content_type: str = "application/json;charset=utf-8"
    requests: list[Seen] = field(default_factory=list)
    # Receipts waiting to be pulled (Tencent) or found by query (Aliyun): message id → (ok, code).
    fates: dict[str, tuple[bool, str]] = field(default_factory=dict)

    def __post_init__(self):
        self._lock = threading.Lock()

    def handler_class(self):
        return _handler(self)

    def sent(self, number: str | None = None) -> list[Seen]:
        """The messages accepted, optionally only those to `number` (11 digits)."""
        return [r for r in self.requests if r.message_id and (number is None or self.number_of(r) == number)]

    def _trouble(self, number: str) -> str | None:
        if number in self.invalid:
            return "invalid"
        if self.throttled.get(number, 0) > 0:
            self.throttled[number] -= 1
            return "throttled"
        if self.flaky.get(number, 0) > 0:
            self.flaky[number] -= 1
            return "flaky"
        return None


def _hmac(key: bytes, text: str) -> bytes:
    return hmac.new(key, text.encode(), hashlib.sha256).digest()


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@dataclass
class FakeAliyun(_Fake):
    access_key_id: str = "LTAI5tFakeAccessKey0001"
    access_key_secret: str = "fake-aliyun-access-key-secret-0123"

    @staticmethod
    def number_of(seen: Seen) -> str:
        return seen.fields.get("PhoneNumbers") or seen.fields.get("PhoneNumber", "")

    def verify(self, method: str, path: str, query: list[tuple[str, str]], headers: dict, body: bytes) -> bool:
        """ACS3-HMAC-SHA256, as Aliyun checks it."""
        auth = headers.get("authorization", "")
        if not auth.startswith("ACS3-HMAC-SHA256 "):
            return False
        parts = dict(p.split("=", 1) for p in auth[len("ACS3-HMAC-SHA256 "):].split(","))
        if parts.get("Credential") != self.access_key_id:
            return False
        signed = parts.get("SignedHeaders", "").split(";")
        canonical_query = "&".join(f"{quote(k, safe='-_.~')}={quote(v, safe='-_.~')}" for k, v in sorted(query))
        canonical_headers = "".join(f"{h}:{headers.get(h, '').strip()}\n" for h in signed)
        canonical = "\n".join([method, path, canonical_query, canonical_headers, ";".join(signed),
                               headers.get("x-acs-content-sha256", _sha256(body))])
        to_sign = "ACS3-HMAC-SHA256\n" + _sha256(canonical.encode())
        expected = hmac.new(self.access_key_secret.encode(), to_sign.encode(), hashlib.sha256).hexdigest()
        return hmac.compare_digest(expected, parts.get("Signature", ""))

    def answer(self, method, path, query, headers, body) -> tuple[int, dict, Seen]:
        fields = dict(query)
        action = headers.get("x-acs-action", "")
        seen = Seen(action, self.verify(method, urlsplit(path).path, query, headers, body), fields, 0, {})
        with self._lock:
            self.requests.append(seen)
            status, answer = self._decide(seen)
            seen.status, seen.answer = status, answer
            seen.message_id = answer.get("BizId") if action == "SendSms" else None
        return status, answer, seen

    def _decide(self, seen: Seen) -> tuple[int, dict]:
        rid = uuid.uuid4().hex.upper()
        if not seen.authorized:
            return 400, {"Code": "SignatureDoesNotMatch", "RequestId": rid,
                         "Message": "Specified signature is not matched with our calculation."}
        f = seen.fields
        if seen.action == "QuerySendDetails":
            fate = self.fates.get(f.get("BizId", ""))
            dto = {"PhoneNum": f.get("PhoneNumber"), "SendStatus": 1, "ErrCode": "", "Content": ""}
            if fate is not None:
                dto.update(SendStatus=3 if fate[0] else 2, ErrCode=fate[1])
            return 200, {"Code": "OK", "Message": "OK", "RequestId": rid, "TotalCount": 1,
                         "SmsSendDetailDTOs": {"SmsSendDetailDTO": [dto]}}
        if seen.action != "SendSms":
            return 404, {"Code": "InvalidAction.NotFound", "Message": "not found", "RequestId": rid}
        number = f.get("PhoneNumbers", "")
        if f.get("SignName") != self.sign_name:
            return 200, {"Code": "isv.SMS_SIGNATURE_ILLEGAL", "Message": "签名不合法", "RequestId": rid}
        if f.get("TemplateCode") not in self.templates:
            return 200, {"Code": "isv.SMS_TEMPLATE_ILLEGAL", "Message": "模板不合法", "RequestId": rid}
        try:
            values = json.loads(f.get("TemplateParam") or "{}")
        except ValueError:
            return 200, {"Code": "isv.INVALID_JSON_PARAM", "Message": "JSON参数不合法", "RequestId": rid}
        if set(values) != set(self.templates[f["TemplateCode"]]):
            return 200, {"Code": "isv.TEMPLATE_MISSING_PARAMETERS", "Message": "模板变量缺少对应参数值",
                         "RequestId": rid}
        trouble = self._trouble(number)
        if trouble == "invalid":
            return 200, {"Code": "isv.MOBILE_NUMBER_ILLEGAL", "Message": "非法手机号", "RequestId": rid}
        if trouble == "throttled":
            return 200, {"Code": "isv.BUSINESS_LIMIT_CONTROL", "Message": "触发分钟级流控Permits:1", "RequestId": rid}
        if trouble == "flaky":
            return 503, {"Code": "ServiceUnavailable", "RequestId": rid,
                         "Message": "The request has failed due to a temporary failure of the server."}
        if number in self.slow:
            seen.delay = self.slow_seconds
        return 200, {"Code": "OK", "Message": "OK", "RequestId": rid, "BizId": f"{uuid.uuid4().int % 10**15}^0"}


@dataclass
class FakeTencent(_Fake):
    secret_id: str = "AKIDFakeTencentSecretId000000000001"
    secret_key: str = "fake-tencent-secret-key-0123456789"
    sdk_app_id: str = "1400000001"
    content_type: str = "application/json"  # as Tencent Cloud answers: its SDK reads errors only then
    replies: list[dict] = field(default_factory=list)  # waiting for PullSmsReplyStatus

    @staticmethod
    def number_of(seen: Seen) -> str:
        numbers = seen.fields.get("PhoneNumberSet") or [""]
        return numbers[0].removeprefix("+86")

    def verify(self, headers: dict, body: bytes) -> bool:
        """TC3-HMAC-SHA256, as Tencent Cloud checks it."""
        auth = headers.get("authorization", "")
        if not auth.startswith("TC3-HMAC-SHA256 "):
            return False
        parts = dict(p.strip().split("=", 1) for p in auth[len("TC3-HMAC-SHA256 "):].split(","))
        credential_scope = parts.get("Credential", "").split("/", 1)
        if credential_scope[0] != self.secret_id or len(credential_scope) != 2:
            return False
        scope = credential_scope[1]
        date, service = scope.split("/")[:2]
        signed = parts.get("SignedHeaders", "").split(";")
        canonical_headers = "".join(f"{h}:{headers.get(h, '').strip().lower()}\n" for h in signed)
        canonical = "\n".join(["POST", "/", "", canonical_headers, ";".join(signed), _sha256(body)])
        to_sign = "\n".join(["TC3-HMAC-SHA256", headers.get("x-tc-timestamp", ""), scope, _sha256(canonical.encode())])
        key = _hmac(_hmac(_hmac(("TC3" + self.secret_key).encode(), date), service), "tc3_request")
        expected = hmac.new(key, to_sign.encode(), hashlib.sha256).hexdigest()
        return hmac.compare_digest(expected, parts.get("Signature", ""))

    def answer(self, method, path, query, headers, body) -> tuple[int, dict, Seen]:
        try:
            fields = json.loads(body or b"{}")
        except ValueError:
            fields = {}
        seen = Seen(headers.get("x-tc-action", ""), self.verify(headers, body), fields, 0, {})
        with self._lock:
            self.requests.append(seen)
            status, answer = self._decide(seen)
            seen.status, seen.answer = status, answer
            statuses = answer.get("Response", {}).get("SendStatusSet") or []
            if statuses and statuses[0]["Code"] == "Ok":
                seen.message_id = statuses[0]["SerialNo"]
        return status, answer, seen

    def _decide(self, seen: Seen) -> tuple[int, dict]:
        rid = str(uuid.uuid4())

        def error(code, message):
            return 200, {"Response": {"Error": {"Code": code, "Message": message}, "RequestId": rid}}

        def one(number, code, message, serial=""):
            return 200, {"Response": {"SendStatusSet": [{
                "SerialNo": serial, "PhoneNumber": "+86" + number, "Fee": 1 if serial else 0,
                "SessionContext": seen.fields.get("SessionContext", ""), "Code": code, "Message": message,
                "IsoCode": "CN"}], "RequestId": rid}}

        if not seen.authorized:
            return error("AuthFailure.SignatureFailure", "The provided credentials could not be validated.")
        f = seen.fields
        if f.get("SmsSdkAppId") != self.sdk_app_id:
            return error("UnauthorizedOperation.SmsSdkAppIdVerifyFail", "SmsSdkAppId verify fail.")
        if seen.action == "PullSmsSendStatus":
            items = [{"UserReceiveTime": "2026-06-02 10:00:05", "CountryCode": "86", "SubscriberNumber": "",
                      "PhoneNumber": "", "SerialNo": serial, "ReportStatus": "SUCCESS" if ok else "FAIL",
                      "Description": "DELIVRD" if ok else code} for serial, (ok, code) in self.fates.items()]
            self.fates = {}
            return 200, {"Response": {"PullSmsSendStatusSet": items, "RequestId": rid}}
        if seen.action == "PullSmsReplyStatus":
            items, self.replies = self.replies, []
            return 200, {"Response": {"PullSmsReplyStatusSet": items, "RequestId": rid}}
        if seen.action != "SendSms":
            return error("InvalidAction", "not found")
        number = (f.get("PhoneNumberSet") or [""])[0].removeprefix("+86")
        if f.get("SignName") != self.sign_name:
            return one(number, "FailedOperation.SignatureIncorrectOrUnapproved", "signature incorrect")
        if f.get("TemplateId") not in self.templates:
            return one(number, "FailedOperation.TemplateIncorrectOrUnapproved", "template incorrect")
        if len(f.get("TemplateParamSet") or []) != len(self.templates[f["TemplateId"]]):
            return one(number, "FailedOperation.TemplateParamSetNotMatchApprovedTemplate",
                       "request content does not match template content")
        trouble = self._trouble(number)
        if trouble == "invalid":
            return one(number, "InvalidParameterValue.IncorrectPhoneNumber", "incorrect phone number")
        if trouble == "throttled":
            return one(number, "LimitExceeded.PhoneNumberThirtySecondLimit",
                       "30-second limit of one number exceeded")
        if trouble == "flaky":
            return error("InternalError.OtherError", "other error")
        if number in self.slow:
            seen.delay = self.slow_seconds
        return one(number, "Ok", "send success", f"2640:{uuid.uuid4().int % 10**20}")


def _handler(fake):
    class Handler(BaseHTTPRequestHandler):
        def _serve(self):
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            query = parse_qsl(urlsplit(self.path).query, keep_blank_values=True)
            headers = {k.lower(): v for k, v in self.headers.items()}
            status, payload, seen = fake.answer(self.command, self.path, query, headers, body)
            if seen.delay:
                time.sleep(seen.delay)
            data = json.dumps(payload, ensure_ascii=False).encode()
            try:
                self.send_response(status)
                self.send_header("Content-Type", fake.content_type)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)
            except (BrokenPipeError, ConnectionResetError):
                pass

        do_GET = do_POST = _serve  # noqa: N815 - http.server's naming

        def log_message(self, *args):
            pass

    return Handler


def utc_now() -> datetime:
    return datetime.now(timezone.utc)
