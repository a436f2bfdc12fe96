"""Every error leaves as the envelope {"error": {"code", "message", "fields"}}."""
import logging

from flask import Flask, g, jsonify, render_template, request
from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.exceptions import HTTPException

from service.core.errors import DomainError

log = logging.getLogger(__name__)

HTTP_CODES = {
    400: ("malformed", "请求格式有误"),
    401: ("not_authenticated", "请先登录"),
    403: ("forbidden", "无权访问"),
    404: ("not_found", "没有找到"),
    405: ("method_not_allowed", "不支持该请求方法"),
    409: ("conflict", "与当前状态冲突"),
    413: ("too_large", "请求内容过大"),
    415: ("unsupported_media_type", "请以 application/json 提交"),
    422: ("invalid", "填写的内容有误"),
    429: ("too_many_requests", "请求过于频繁，请稍后再试"),
    503: ("unavailable", "服务暂时不可用，请稍后再试"),
}


def envelope(status: int, code: str, message: str, fields: dict | None = None, headers=None):
    response = jsonify({"error": {"code": code, "message": message, "fields": fields or {}}})
    response.status_code = status
    for key, value in (headers or {}).items():
        response.headers[key] = value
    return response


def flatten_messages(messages, prefix: str = "", root: str = "_body") -> dict[str, str]:
    """webargs/marshmallow messages → {"field.sub": "first message, in Chinese"}; messages about
    the whole input go under `root`."""
    flat: dict[str, str] = {}
    if isinstance(messages, dict):
        for key, value in messages.items():
            name = "" if key == "_schema" else str(key)
            flat.update(flatten_messages(value, f"{prefix}.{name}" if prefix and name else prefix or name, root))
    elif isinstance(messages, list) and messages and all(isinstance(m, str) for m in messages):
        flat[prefix or root] = _translate(messages[0])
    elif isinstance(messages, list):
        for item in messages:
            flat.update(flatten_messages(item, prefix, root))
    else:
        flat[prefix or root] = _translate(str(messages))
    return flat


_MESSAGES = {
    "Missing data for required field.": "必填",
    "Unknown field.": "不认识的字段",
    "Not a valid integer.": "须为整数",
    "Not a valid string.": "须为文字",
    "Not a valid boolean.": "须为 true 或 false",
    "Not a valid date.": "日期格式须为 YYYY-MM-DD",
    "Not a valid datetime.": "时间格式须为带时区的 ISO 8601",
    "Not a valid list.": "须为列表",
    "Field may not be null.": "不能为空",
    "Invalid input type.": "类型不对",
}


def _translate(message: str) -> str:
    if message in _MESSAGES:
        return _MESSAGES[message]
    if message.startswith("Must be one of"):
        return "取值须为：" + message.split(":", 1)[-1].strip().rstrip(".")
    if message.startswith("Length must be between") or message.startswith("Shorter than"):
        return "长度不符合要求（" + message + "）"
    return message


def register(app: Flask) -> None:
    @app.errorhandler(DomainError)
    def _domain(exc: DomainError):
        retry_after = getattr(exc, "retry_after", None)
        return envelope(exc.status, exc.code, exc.message, exc.fields,
                        headers={"Retry-After": str(retry_after)} if retry_after else None)

    @app.errorhandler(StaleDataError)
    def _stale(_exc):
        return envelope(409, "stale_version", "该记录刚被他人修改，请刷新后再试")

    @app.errorhandler(OperationalError)
    def _db_down(exc):
        log.error("database unavailable: %s", exc.__class__.__name__)
        if _wants_page():
            g.database_down = True  # the page must not look the user up (web/console/session.py)
            body, status = _page_error(503)
            return body, status, {"Retry-After": "5"}
        return envelope(503, *HTTP_CODES[503], headers={"Retry-After": "5"})

    @app.errorhandler(IntegrityError)
    def _integrity(_exc):
        log.warning("integrity error turned into 409")
        return envelope(409, "conflict", "与已有记录冲突（可能刚被他人创建），请刷新后再试")

    @app.errorhandler(DBAPIError)
    def _db_error(exc):
        log.exception("database error")
        return envelope(500, "internal", "服务器内部错误，已记录，请稍后再试")

    @app.errorhandler(Exception)
    def _unexpected(exc):
        if isinstance(exc, HTTPException):
            return http_error(exc)
        log.exception("unhandled error")
        return envelope(500, "internal", "服务器内部错误，已记录，请稍后再试")


MACHINE_PREFIXES = ("/api/", "/open311/", "/webhooks/", "/healthz", "/readyz", "/metrics")
PAGE_MESSAGES = {404: "您要找的页面不存在，请检查网址。", 405: "这个页面不支持这种操作。",
                 503: "系统暂时无法读取数据，请稍后刷新重试。"}


def _wants_page() -> bool:
    """A person's browser on a page (not a machine path): answer with a page, not JSON."""
    return not request.path.startswith(MACHINE_PREFIXES) and request.accept_mimetypes.accept_html


def _page_error(status: int):
    """A person's browser asking for a page that is not there gets a page, not JSON."""
    message = PAGE_MESSAGES.get(status, HTTP_CODES.get(status, ("", "出错了"))[1])
    if request.path.startswith("/console"):
        return render_template("console/error.html", title=HTTP_CODES.get(status, ("", "出错了"))[1],
                               message=message), status
    return render_template("public/error.html", status=status, message=message), status


def http_error(exc: HTTPException):
    status = exc.code or 500
    if status in PAGE_MESSAGES and _wants_page():
        return _page_error(status)
    code, message = HTTP_CODES.get(status, ("error", exc.name))
    fields = {}
    data = getattr(exc, "data", None) or {}
    if status in (400, 422) and "messages" in data:
        by_location = data["messages"]
        merged = {}
        for location_messages in by_location.values():
            merged.update(flatten_messages(location_messages))
        fields = merged
        if status == 400 or "_body" in fields and "JSON" in fields.get("_body", ""):
            status, code, message = 400, "malformed", "请求体不是有效的 JSON"
            fields = {}
        else:
            message = "以下字段填写有误：" + "、".join(fields) if fields else message
    headers = {}
    if status == 405 and getattr(exc, "valid_methods", None):
        headers["Allow"] = ", ".join(exc.valid_methods)
    return envelope(status, code, message, fields, headers)
