"""The public form's challenge, with no third party: a small sum, signed with the app's secret
key together with the moment it was asked. The answer must be right, and the form may come
back neither sooner than a person could fill it in (SUBMIT_MIN_SECONDS) nor after an hour.
Replays within the hour are bounded by the per-client rate limit on the form.
"""
import secrets
import time

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

SALT = "public-submit-challenge"
MAX_AGE = 3600


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=SALT)


def ask() -> tuple[str, str]:
    """A question for the page and the signed token that goes with it in a hidden field."""
    a, b = secrets.randbelow(9) + 1, secrets.randbelow(9) + 1
    return f"{a} + {b} = ?", _serializer().dumps({"a": a, "b": b, "n": secrets.token_hex(4)})


def check(token: str | None, answer: str | None) -> str | None:
    """None when the challenge is met, else what to tell the person."""
    try:
        data, signed_at = _serializer().loads(token or "", max_age=MAX_AGE, return_timestamp=True)
    except SignatureExpired:
        return "页面停留太久，验证题已失效，请重新作答"
    except BadSignature:
        return "验证题无效，请刷新页面后重新作答"
    waited = time.time() - signed_at.timestamp()
    if waited < current_app.config["SUBMIT_MIN_SECONDS"]:
        return "提交得太快了，请核对内容后再提交"
    try:
        right = int(data["a"]) + int(data["b"])
    except (KeyError, TypeError, ValueError):
        return "验证题无效，请刷新页面后重新作答"
    if (answer or "").strip() != str(right):
        return "验证题答案不正确"
    return None
