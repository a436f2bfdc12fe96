"""Structured logs: one JSON object per line, a request id on every line of a request, and
personal data and credentials masked in anything logged, exceptions included.

    {"time": "...", "level": "INFO", "logger": "ys.access", "message": "GET /api/v1/issues 200",
     "request_id": "...", "method": "GET", "path": "/api/v1/issues", "status": 200,
     "duration_ms": 12.3, "user_id": 7}

The request id is the caller's `X-Request-ID` when it looks like one (a proxy's or another
service's, so one id follows a request across systems), otherwise a new one; it is echoed in
the response's `X-Request-ID`.
"""
import json
import logging
import re
import sys
import time
import uuid
from datetime import datetime

from flask import Flask, g, has_request_context, request

from service.core.masking import scrub_text
from service.deadlines.calendar import LOCAL_TZ

access_log = logging.getLogger("ys.access")

REQUEST_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:-]{7,127}")
REQUEST_FIELDS = ("request_id", "method", "path", "status", "duration_ms", "user_id")

# What a database error's text may carry of the data (mostly PostgreSQL's, through psycopg):
# the failing row or key (DETAIL), a parameter's value (CONTEXT, or quoted in the message), the
# statement's line with a literal written into it (LINE), and the literals of the statement
# SQLAlchemy appends ([SQL: …]; its parameters are hidden by the engine, service.core.db).
_DATABASE_MASKS = (
    (re.compile(r"(?m)^(\s*)(DETAIL|CONTEXT|HINT|QUERY|WHERE|LINE \d+):.*$"), r"\1\2: ***"),
    (re.compile(r"(?m)^\[parameters: .*$"), "[parameters: ***]"),
    (re.compile(r"(?i)(invalid input (?:syntax|value) for (?:type|enum) [\w ]+: )\"[^\"\n]*\""), r'\1"***"'),
)
_SQL_BLOCK = re.compile(r"\[SQL: .*?\](?=\n\[|\n\(Background|\s*$)", re.S)
_SQL_LITERAL = re.compile(r"'(?:[^']|'')*'")

# What must never reach a log line, and what stands in for it (besides the personal numbers,
# e-mail addresses and chat ids service.core.masking finds: 13812345678 → 138****5678, as on the
# public pages).
_MASKS = (
    # bearer tokens, in headers or quoted anywhere
    (re.compile(r"(?i)(bearer\s+)[A-Za-z0-9._~+/=-]+"), r"\1***"),
    # phone/token/password/api_key values in query strings and form bodies
    (re.compile(r"(?i)([?&;](?:phone|mobile|token|api_key|access_token|password|code_last4)=)[^&\s\"']*"),
     r"\1***"),
    # a signed link is the key to a reporter's 征求意见 or an enterprise's 企业评议 page
    (_SIGNED_LINK := re.compile(r"(/(?:plan|rate)/)[A-Za-z0-9._~-]+"), r"\1***"),
    # password=..., "password": "...", auth_token: ... in messages and reprs
    (re.compile(r"(?i)([\"']?(?:password|passwd|pwd|secret|secret_key|auth_token|api_key|token)[\"']?"
                r"\s*[:=]\s*[\"']?)[^\s\"',&;}]+"), r"\1***"),
)


def mask(text: str) -> str:
    """`text` with phone and ID numbers, e-mail addresses, the data quoted in database errors,
    bearer tokens, passwords and secret query values masked."""
    text = scrub_text(text) or text
    for pattern, replacement in _DATABASE_MASKS:
        text = pattern.sub(replacement, text)
    text = _SQL_BLOCK.sub(lambda m: _SQL_LITERAL.sub("'***'", m.group()), text)
    for pattern, replacement in _MASKS:
        text = pattern.sub(replacement, text)
    return text


class MaskingFilter(logging.Filter):
    """Masks a record's message and its exception text before any handler formats it.

    The traceback is rendered here and dropped from the record, so no handler (ours or one
    added later, such as gunicorn's) can print the unmasked values it may hold.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except (TypeError, ValueError):  # arguments that do not fit the message
            message = f"{record.msg!s} {record.args!r}"
        record.msg = mask(message)
        record.args = None
        if record.exc_info:
            record.exc_text = mask(logging.Formatter().formatException(record.exc_info))
            record.exc_info = None
        elif record.exc_text:
            record.exc_text = mask(record.exc_text)
        if record.stack_info:
            record.stack_info = mask(record.stack_info)
        return True


# Characters some log readers take for the end of a line; json.dumps leaves them as they are.
_LINE_SEPARATORS = str.maketrans({"\x85": "\\u0085", "\u2028": "\\u2028", "\u2029": "\\u2029"})


def _writable(text: str) -> str:
    """`text` as any UTF-8 stream takes it: an unpaired surrogate (which has no UTF-8 form) is
    written as its escape, `\\ud800`."""
    return text.encode("utf-8", "backslashreplace").decode("utf-8")


def stamp(record: logging.LogRecord) -> str:
    """When the record was made, in the county's time with its offset: the zone the scheduler's
    own lines (next run at …) and every date in the service use."""
    return datetime.fromtimestamp(record.created, LOCAL_TZ).isoformat(timespec="milliseconds")


class TextFormatter(logging.Formatter):
    """`make run`'s readable lines, stamped like the JSON ones."""

    def formatTime(self, record: logging.LogRecord, datefmt: str | None = None) -> str:  # noqa: N802
        return stamp(record)


class JsonFormatter(logging.Formatter):
    """One JSON object per line, whatever the message holds (line breaks, control characters,
    unpaired surrogates); the current request's fields are added when there is one."""

    def format(self, record: logging.LogRecord) -> str:
        try:
            return self._format(record)
        except Exception as exc:  # a log line must never be lost, nor break the line format
            return json.dumps({
                "time": stamp(record),
                "level": record.levelname, "logger": record.name,
                "message": f"(this record could not be written: {type(exc).__name__})"})

    def _format(self, record: logging.LogRecord) -> str:
        data = {
            "time": stamp(record),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        if has_request_context():
            data["request_id"] = g.get("request_id")
            data["method"] = request.method
            data["path"] = _SIGNED_LINK.sub(r"\1***", request.path)
            user_id = _user_id()
            if user_id is not None:
                data["user_id"] = user_id
        for key in REQUEST_FIELDS:
            value = getattr(record, key, None)
            if value is not None:
                data[key] = value
        if record.exc_info:
            data["exception"] = self.formatException(record.exc_info)
        elif record.exc_text:
            data["exception"] = record.exc_text
        # Every text masked once more: values passed as `extra` never went through the filter.
        line = json.dumps({k: _writable(mask(v)) if isinstance(v, str) else v for k, v in data.items()},
                          ensure_ascii=False, default=lambda value: _writable(mask(str(value))))
        return line.translate(_LINE_SEPARATORS)


class _StderrHandler(logging.StreamHandler):
    """Writes to whatever sys.stderr is at the time (pytest and gunicorn both replace it)."""

    def __init__(self):
        super().__init__()

    @property
    def stream(self):
        return sys.stderr

    @stream.setter
    def stream(self, _value):
        pass


def configure(level: str = "INFO", fmt: str = "json") -> None:
    """Send every logger's records through one masking handler on the root logger; once per
    process however many apps are created."""
    root = logging.getLogger()
    handler = next((h for h in root.handlers if getattr(h, "_ys", False)), None)
    if handler is None:
        handler = _StderrHandler()
        handler._ys = True
        handler.addFilter(MaskingFilter())
        root.addHandler(handler)
    handler.setFormatter(JsonFormatter() if fmt == "json" else TextFormatter(
        "%(asctime)s %(levelname)s %(name)s %(message)s"))
    root.setLevel(level.upper())
    # Werkzeug's development server prints its own access line; ours carries more.
    logging.getLogger("werkzeug").setLevel(logging.WARNING)


def _user_id() -> int | None:
    """The caller, if this request already knows it (never loaded here just for the log)."""
    user = g.get("user") or g.get("_login_user")
    user_id = getattr(user, "id", None)
    return user_id if isinstance(user_id, int) else None


def new_request_id() -> str:
    """A fresh request id, one the log's masking leaves as it is: a random hex string now and
    then holds a run of digits that reads as a phone number, and would be logged masked, so
    the id in the log would not be the one the caller got."""
    while True:
        candidate = uuid.uuid4().hex
        if mask(candidate) == candidate:
            return candidate


def init_app(app: Flask) -> None:
    configure(app.config["LOG_LEVEL"], app.config["LOG_FORMAT"])

    @app.before_request
    def _start():
        given = request.headers.get("X-Request-ID", "")
        g.request_id = given if REQUEST_ID.fullmatch(given) else new_request_id()
        g.request_started = time.perf_counter()

    @app.after_request
    def _finish(response):
        request_id = g.get("request_id")
        if request_id:
            response.headers["X-Request-ID"] = request_id
        started = g.get("request_started")
        if started is not None:
            duration = round((time.perf_counter() - started) * 1000, 1)
            access_log.info("%s %s %s", request.method, request.path, response.status_code,
                            extra={"status": response.status_code, "duration_ms": duration})
        return response
