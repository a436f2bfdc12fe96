"""Limits on what a request may carry, in one place for the API, the console, the public site,
Open311 and the webhooks alike.

- Rate limits per client (`limiter`; memory by default, Redis when REDIS_URL is set).
- The request's shape, checked before any handler runs (`check_request`):
  a JSON body must be UTF-8, nest arrays and objects at most 32 deep (told before it is parsed,
  by counting its brackets, so a body nested 100,000 deep costs milliseconds, not a stack), and hold
  no number beyond the database's integer; no text anywhere in it, in a form body or in the
  query may hold a control character (tab and line breaks apart) or an unpaired surrogate;
  a form body must be UTF-8. A broken body answers 400, a bad value 422 naming the field.
- The field rules the API schemas and the console and public forms share: text
  (service.core.text_rules: characters, one line or several, length) and record numbers that fit
  the database's integer (`MAX_INT`).

Multipart bodies carry files and are left to their handlers, which parse them with their own
size limits (the ledger import takes 10 MB); their text fields go through the forms' rules.
"""
import json
import math
import re
from collections.abc import Iterator
from itertools import accumulate
from urllib.parse import unquote_to_bytes

from flask import Flask, request
from flask_babel import gettext
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from werkzeug.exceptions import RequestEntityTooLarge
from werkzeug.routing import BaseConverter, IntegerConverter
from wtforms.validators import ValidationError

from service.core import text_rules
from service.core.errors import DomainError, Invalid, NotFound, TooLarge

limiter = Limiter(key_func=get_remote_address, default_limits=[])

MAX_JSON_DEPTH = 32
MAX_INT = 2**31 - 1          # PostgreSQL's integer, the type of every id and count we store
MIN_INT = -(2**31)
NUMBER_MESSAGE = f"数值超出范围（须在 {MIN_INT} 到 {MAX_INT} 之间）"
# A JSON integer longer than this is out of range whatever it says: it is never converted
# (Python refuses to convert more than 4,300 digits, and converting is quadratic before that).
_MAX_INT_DIGITS = 20
_OUT_OF_RANGE = float("inf")

_JSON_STRING = re.compile(r'"(?:[^"\\]|\\.)*"', re.S)
_NOT_BRACKET = re.compile(r"[^\[\]{}]+")
_DEPTH_STEP = {"[": 1, "{": 1, "]": -1, "}": -1}


class Malformed(DomainError):
    """A body that cannot be read at all: 400, as for JSON that does not parse."""

    status, code = 400, "malformed"


# --- the field rules -------------------------------------------------------------------------

def multi_line(max_len: int) -> bool:
    """Whether a text field of this size is multi-line: up to 200 characters a field is one line
    (titles, names, places, phone numbers), beyond that it is prose (content, notes, replies)."""
    return max_len > 200


def text_problem(value: str, max_len: int, lines: bool) -> str | None:
    """What service.core.text_rules finds wrong with a form's text, in the reader's language."""
    found = text_rules.problem(value, max_len, lines=lines)
    return gettext(found[0], **found[1]) if found else None


class TextRule:
    """WTForms validator for a public form's text field: `text_problem`."""

    def __init__(self, max_len: int, lines: bool | None = None):
        self.max_len = max_len
        self.lines = multi_line(max_len) if lines is None else lines

    def __call__(self, _form, field) -> None:
        found = text_problem(field.data, self.max_len, self.lines) if isinstance(field.data, str) else None
        if found:
            raise ValidationError(found)


class IssueCodeConverter(BaseConverter):
    """`<issue_code:…>`: something that reads as a tracking code (`YS2026-000243`, `ys2026-243`);
    any other text is an address that leads nowhere, with the site's ordinary 404 page."""

    regex = r"[A-Za-z]{2}[0-9]{4}-?[0-9]{1,6}"


class RecordIdConverter(IntegerConverter):
    """`<int:…>` and `<id:…>` in a route (every one names a record, and none takes arguments): a
    positive number that fits the database's integer; a larger one names no record, so 404,
    where it would otherwise reach the database."""

    def __init__(self, url_map):
        super().__init__(url_map, min=1, max=MAX_INT)


def record_id(value) -> int | None:
    """A form's choice of a record ("" for none) as an int that can name one; ValueError
    (WTForms shows it under the field) for anything else."""
    if value in (None, ""):
        return None
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise ValueError(gettext("请从列表中选择")) from None
    if not 1 <= number <= MAX_INT:
        raise ValueError(gettext("请从列表中选择"))
    return number


# --- the request's shape ---------------------------------------------------------------------

def json_too_deep(text: str, limit: int = MAX_JSON_DEPTH) -> bool:
    """Whether JSON `text` nests arrays and objects more than `limit` deep, told without parsing
    it: strings are cut out, and the brackets left count the depth as they open and close (the
    parser refuses what does not pair)."""
    brackets = _NOT_BRACKET.sub("", _JSON_STRING.sub("", text))
    if len(brackets) <= 2 * limit:
        return False
    return max(accumulate(map(_DEPTH_STEP.__getitem__, brackets))) > limit


def _int_literal(digits: str) -> int | float:
    return int(digits) if len(digits) <= _MAX_INT_DIGITS else _OUT_OF_RANGE


def _no_constant(name: str):
    raise ValueError(f"{name} is not JSON")


def _name(key: str) -> str:
    """A field name as it can be shown and sent back (an unpaired surrogate cannot be encoded)."""
    return key.encode("utf-8", "backslashreplace").decode("utf-8")


def _bad_values(value, path: str) -> Iterator[tuple[str, str]]:
    """(field path, message) for every text or number in a parsed JSON value that no field may
    take; field paths as in the error envelope (`reporter.name`, `attendees.3`)."""
    if isinstance(value, str):
        found = text_rules.message(value)
        if found:
            yield path or "_body", found
    elif isinstance(value, bool) or value is None:
        return
    elif isinstance(value, (int, float)):
        if not (math.isfinite(value) and MIN_INT <= value <= MAX_INT):
            yield path or "_body", NUMBER_MESSAGE
    elif isinstance(value, dict):
        for key, item in value.items():
            if text_rules.problem(key):
                raise Malformed(f"字段名“{_name(key)}”含有控制字符或无效字符")
            yield from _bad_values(item, f"{path}.{key}" if path else key)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _bad_values(item, f"{path}.{index}" if path else str(index))


def _refuse(bad: dict[str, str]) -> None:
    if bad:
        raise Invalid("以下字段填写有误：" + "、".join(bad), bad)


def check_json_body(raw: bytes) -> None:
    """Raise Malformed (400) or Invalid (422, naming each field) for a JSON body no handler
    should see; nothing for an empty body (the handler says what is missing)."""
    if not raw.strip():
        return
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise Malformed("请求体不是有效的 UTF-8 文字") from None
    if json_too_deep(text):
        try:
            json.loads(text)  # only to tell the two apart: Python's parser stops at ~1,000 levels
        except ValueError:
            raise Malformed("请求体不是有效的 JSON") from None
        except RecursionError:
            pass
        raise Malformed(f"JSON 嵌套超过 {MAX_JSON_DEPTH} 层", code="too_deep")
    try:
        value = json.loads(text, parse_int=_int_literal, parse_constant=_no_constant)
    except ValueError:
        raise Malformed("请求体不是有效的 JSON") from None
    _refuse(dict(_bad_values(value, "")))


def _check_pairs(pairs: Iterator[tuple[str, str]], where: str) -> None:
    bad = {}
    for key, value in pairs:
        if text_rules.problem(key):
            raise Malformed(f"{where}的字段名含有控制字符或无效字符")
        found = text_rules.message(value)
        if found:
            bad.setdefault(key, found)
    _refuse(bad)


def check_form_body() -> None:
    """An url-encoded form: UTF-8 once its %-escapes are undone, and no control characters."""
    raw = request.get_data(cache=True)  # the form is still parsed from it
    try:
        unquote_to_bytes(raw.replace(b"+", b" ")).decode("utf-8")
    except UnicodeDecodeError:
        raise Malformed("表单内容不是有效的 UTF-8 文字") from None
    _check_pairs(request.form.items(multi=True), "表单")


def check_request() -> None:
    """Every request's address, query and body, before its handler. A path that leads nowhere
    is left to answer its own 404 or 405."""
    if request.routing_exception is not None:
        return
    if text_rules.problem(request.path):
        raise NotFound("没有找到")
    _check_pairs(request.args.items(multi=True), "查询参数")
    if request.is_json:
        check_json_body(request.get_data(cache=True))
    elif request.mimetype == "application/x-www-form-urlencoded":
        check_form_body()


def init_app(app: Flask) -> None:
    """Before any blueprint is registered: its routes' numbers are bounded when they are added."""
    limiter.init_app(app)
    app.url_map.converters["int"] = app.url_map.converters["id"] = RecordIdConverter
    app.url_map.converters["issue_code"] = IssueCodeConverter
    app.before_request(check_request)


def uploaded_file(field: str, limit: int, message: str, field_message: str | None = None):
    """The file `field` of a multipart request of at most `limit` bytes (the file and the form
    around it), or None when none was sent. Larger: 413 naming the field, before a byte of the
    body is read when its length is declared, else as soon as the limit is passed."""
    too_large = TooLarge(message, {field: field_message or message})
    if (request.content_length or 0) > limit:
        raise too_large
    request.max_content_length = limit
    try:
        return request.files.get(field)
    except RequestEntityTooLarge:
        raise too_large from None
