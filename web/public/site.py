"""The public site's blueprint, its error pages, its template filters and the answer helpers
(cacheable, private) its page modules share."""
import re
from datetime import datetime

from flask import Blueprint, make_response, render_template, request
from flask_wtf.csrf import CSRFError

from service.core.errors import DomainError

bp = Blueprint("site", __name__)


def cached(body: str, *, last_modified: str | None = None, max_age: int = 60,
           mimetype: str = "text/html"):
    """A public, cacheable answer: ETag of the body, Last-Modified from the data, and 304 when
    the client already has it."""
    response = make_response(body)
    response.mimetype = mimetype
    response.cache_control.public = True
    response.cache_control.max_age = max_age
    if last_modified:
        response.last_modified = datetime.fromisoformat(last_modified)
    response.add_etag()
    return response.make_conditional(request)


def private(response):
    """Form pages carry a CSRF token tied to the visitor's session: never stored by a cache."""
    response = make_response(response)
    response.headers["Cache-Control"] = "no-store"
    return response


def _day(value: str | None) -> str:
    return value[:10] if value else ""


def _minute(value: str | None) -> str:
    return value[:16].replace("T", " ") if value else ""


NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _xml_safe(value: str | None) -> str:
    """Text without the characters XML 1.0 forbids (escaping is the template's autoescape)."""
    return NOT_XML.sub("", str(value or ""))


def _percent(rate: float | None) -> str:
    return "—" if rate is None else f"{rate * 100:.1f}%"


@bp.errorhandler(DomainError)
def _domain_error(exc: DomainError):
    status = exc.status if exc.status in (400, 403, 404, 422) else 400
    return private((render_template("public/error.html", status=status, message=exc.message), status))


@bp.errorhandler(CSRFError)
def _stale_form(_exc):
    return private((render_template("public/error.html", status=400,
                                    message="页面已过期，请返回上一页刷新后重新提交。"), 400))


@bp.errorhandler(413)
def _too_large(_exc):
    # only the online submission takes files: up to 3 photos of 10 MB each
    message = "提交的内容过大：最多 3 张照片，每张不超过 10 MB。请压缩照片后重新提交。"
    return private((render_template("public/error.html", status=413, message=message), 413))


@bp.errorhandler(429)
def _too_many(_exc):
    return private((render_template("public/error.html", status=429,
                                    message="操作过于频繁，请稍后再试。"), 429))


FILTERS = {"pub_day": _day, "pub_minute": _minute, "pub_percent": _percent, "xml_safe": _xml_safe}
