"""Open311 GeoReport v2 at /open311/v2/: discovery, services, service definitions, requests
(GET with the standard filters, POST with `api_key`), single requests and tokens, each as
`.json` or `.xml`. Errors are the standard's bodies: a list of {code, description}.

POST takes the standard's form fields (`application/x-www-form-urlencoded`); it answers 200
with the new request's id (the issue's tracking code) and a token. Location is optional here:
the county's issues are not points on a map. This module parses and formats; service.disclosure.open311
decides what is shown and who may post. No session cookie is used, so CSRF does not apply
(the prefix is exempt in web.security).
"""
import re
from datetime import date, datetime, time
from xml.etree.ElementTree import Element, SubElement, tostring

from flask import Blueprint, Response, current_app, json, request
from itsdangerous import BadSignature, URLSafeSerializer
from werkzeug.exceptions import HTTPException

from service.core.errors import DomainError, Forbidden, Invalid, NotAuthenticated, NotFound
from service.deadlines.calendar import LOCAL_TZ
from service.disclosure import open311

from .context import db, now
from .limits import limiter

bp = Blueprint("open311", __name__, url_prefix="/open311/v2")

FMT = "<any(json, xml):fmt>"
SPECIFICATION = "http://wiki.open311.org/GeoReport_v2"
CHANGESET = "2026-11-23T00:00:00+08:00"  # when this endpoint's behaviour last changed
TOKEN_SALT = "open311-token"
# XML names of the items of a list field.
ITEMS = {"endpoints": "endpoint", "formats": "format", "attributes": "attribute", "values": "value"}
NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


# --- formats -----------------------------------------------------------------------------------

def _text(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return NOT_XML.sub("", str(value))


def _fill(parent: Element, data: dict) -> None:
    for key, value in data.items():
        child = SubElement(parent, key)
        if isinstance(value, list):
            for item in value:
                node = SubElement(child, ITEMS.get(key, "item"))
                if isinstance(item, dict):
                    _fill(node, item)
                else:
                    node.text = _text(item)
        elif isinstance(value, dict):
            _fill(child, value)
        elif value is not None:
            child.text = _text(value)


def _xml(root: str, item: str | None, data) -> str:
    top = Element(root)
    if item is None:
        _fill(top, data)
    else:
        for entry in data:
            _fill(SubElement(top, item), entry)
    return '<?xml version="1.0" encoding="utf-8"?>\n' + tostring(top, encoding="unicode")


def _answer(fmt: str, data, root: str, item: str | None, status: int = 200) -> Response:
    """The data in the asked format; a successful GET is cacheable (ETag, 304)."""
    if fmt == "xml":
        response = Response(_xml(root, item, data), status, mimetype="text/xml")
    else:
        response = Response(json.dumps(data, ensure_ascii=False), status, mimetype="application/json")
    if request.method in ("GET", "HEAD") and status == 200:
        response.cache_control.public = True
        response.cache_control.max_age = 60
        response.add_etag()
        response = response.make_conditional(request)
    else:
        response.headers["Cache-Control"] = "no-store"
    return response


def _error(status: int, description: str) -> Response:
    fmt = (request.view_args or {}).get("fmt") or ("xml" if request.path.endswith(".xml") else "json")
    response = _answer(fmt, [{"code": status, "description": description}], "errors", "error", status)
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.errorhandler(DomainError)
def _domain_error(exc: DomainError):
    if isinstance(exc, NotAuthenticated | Forbidden):
        return _error(403, exc.message)
    if isinstance(exc, NotFound):
        return _error(404, exc.message)
    detail = "；".join(f"{k}: {v}" for k, v in exc.fields.items())
    return _error(400, exc.message + (f"（{detail}）" if detail and isinstance(exc, Invalid) else ""))


@bp.errorhandler(HTTPException)
def _http_error(exc: HTTPException):
    messages = {404: "没有这个地址", 405: "不支持该请求方法", 413: "请求内容过大", 429: "请求过于频繁，请稍后再试"}
    status = exc.code or 500
    response = _error(status, messages.get(status, exc.description or exc.name))
    if status == 405 and getattr(exc, "valid_methods", None):
        response.headers["Allow"] = ", ".join(exc.valid_methods)
    return response


# --- parsing -----------------------------------------------------------------------------------

def _moment(name: str) -> datetime | None:
    """A W3C date-time (2026-11-01T00:00:00Z, +08:00, or a bare date meaning the county's
    midnight); a time without offset is county time."""
    raw = (request.values.get(name) or "").strip()
    if not raw:
        return None
    try:
        if len(raw) == 10:
            return datetime.combine(date.fromisoformat(raw), time(), tzinfo=LOCAL_TZ)
        moment = datetime.fromisoformat(raw.replace(" ", "+") if raw.count(":") >= 2 else raw)
    except ValueError:
        raise Invalid(f"{name} 须为 W3C 时间格式，如 2026-11-01T00:00:00+08:00", {name: "格式不对"}) from None
    return moment if moment.tzinfo else moment.replace(tzinfo=LOCAL_TZ)


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=TOKEN_SALT)


def _post_limit() -> str:
    return current_app.config["OPEN311_POST_RATE_LIMIT"]


# --- routes ------------------------------------------------------------------------------------

@bp.get(f"/discovery.{FMT}")
def discovery(fmt: str):
    base = current_app.config["PUBLIC_BASE_URL"].rstrip("/")
    data = {
        "changeset": CHANGESET,
        "contact": current_app.config["OPEN311_CONTACT"],
        "key_service": "api_key 即本系统用户的访问令牌（POST /api/v1/auth/token），向县营商办申请可登记问题的账号",
        "endpoints": [{"specification": SPECIFICATION, "url": f"{base}/open311/v2", "changeset": CHANGESET,
                       "type": "production", "formats": ["application/json", "text/xml"]}],
    }
    return _answer(fmt, data, "discovery", None)


@bp.get(f"/services.{FMT}")
def services(fmt: str):
    return _answer(fmt, open311.services(db()), "services", "service")


@bp.get(f"/services/<service_code>.{FMT}")
def service_definition(service_code: str, fmt: str):
    return _answer(fmt, open311.service_definition(db(), service_code), "service_definition", None)


@bp.get(f"/requests.{FMT}")
def requests(fmt: str):
    found = open311.requests(
        db(), now(), service_request_id=request.args.get("service_request_id"),
        service_code=request.args.get("service_code"), start=_moment("start_date"),
        end=_moment("end_date"), status=request.args.get("status"))
    return _answer(fmt, found, "service_requests", "request")


@bp.post(f"/requests.{FMT}")
@limiter.limit(_post_limit)
def create_request(fmt: str):
    fields = {k: v for k, v in request.values.items() if k != "api_key"}
    issue = open311.submit(db(), request.values.get("api_key"), fields, now())
    token = _serializer().dumps(issue.code)
    return _answer(fmt, [{"service_request_id": issue.code, "token": token,
                          "service_notice": "已受理，县营商办将在交办后短信告知办理单位和时限",
                          "account_id": None}], "service_requests", "request")


@bp.get(f"/requests/<service_request_id>.{FMT}")
def one_request(service_request_id: str, fmt: str):
    return _answer(fmt, [open311.request(db(), service_request_id)], "service_requests", "request")


@bp.get(f"/tokens/<token>.{FMT}")
def token(token: str, fmt: str):
    try:
        code = _serializer().loads(token)
    except BadSignature:
        return _error(404, "没有这个 token")
    return _answer(fmt, [{"service_request_id": code, "token": token}], "service_requests", "request")


@bp.route("/<path:anything>", methods=["GET", "POST"])
def unknown(anything: str):
    return _error(404, "没有这个地址")
