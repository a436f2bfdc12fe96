"""Plain HTML forms on console pages, checked by the same marshmallow schemas as the JSON API,
so a field means and accepts the same thing on both. Every form still carries its CSRF token
(CSRFProtect checks every POST)."""
from datetime import datetime

from flask import request
from marshmallow import Schema, ValidationError

from service.core.errors import DomainError, Invalid
from service.deadlines.calendar import LOCAL_TZ

from ..errors import flatten_messages
from ..limits import text_problem


def flatten(messages) -> dict[str, str]:
    """marshmallow's nested messages → {"field.sub": "first message"}; whole-form ones under _form."""
    return flatten_messages(messages, root="_form")


class FormErrors(dict):
    """Errors by field, and the status to answer with: 422, or a domain error's own (409 …)."""

    def __init__(self, errors: dict | None = None, status: int = 422):
        super().__init__(errors or {})
        self.status = status


def load(schema: Schema, data: dict) -> tuple[dict, FormErrors]:
    """(the loaded values, no errors) or ({}, the errors by field)."""
    try:
        return schema.load(data), FormErrors()
    except ValidationError as exc:
        return {}, FormErrors(flatten(exc.messages))


def typed(*names: str) -> dict:
    """What the user typed into these fields, stripped; "" for a field left empty."""
    return {name: request.form.get(name, "").strip() for name in names}


def or_none(data: dict) -> dict:
    """Empty fields become None (the schemas' "not given")."""
    return {k: (None if v in ("", None) else v) for k, v in data.items()}


def id_or_none(text: str | None) -> int | None:
    """An id typed or carried in a form or address: ASCII digits that fit a database integer
    ("²" and "١" are digits to str.isdigit, and int() reads them)."""
    text = (text or "").strip()
    return int(text) if text.isascii() and text.isdigit() and len(text) < 10 else None


def numbers(data: dict, *names: str) -> dict:
    """Whole numbers typed into these fields as ints (strict schemas take no strings)."""
    out = dict(data)
    for name in names:
        text = out.get(name)
        digits = text.strip().lstrip("-") if isinstance(text, str) else ""
        if digits.isascii() and digits.isdigit() and len(text.strip()) < 10:  # "²" is a digit to str.isdigit
            out[name] = int(text.strip())
    return out


def local_datetime(text: str | None) -> str | None:
    """An <input type=datetime-local> value, taken as Asia/Shanghai, as ISO 8601 with offset."""
    if not text:
        return None
    try:
        return datetime.fromisoformat(text).replace(tzinfo=LOCAL_TZ).isoformat()
    except ValueError:
        return text  # the schema names the field


def errors_of(exc: DomainError) -> FormErrors:
    """A domain error as errors by field, and its message under "_form" for the top of the
    form. Not allowed or not found is no form error: it goes on to the error page."""
    if exc.status in (401, 403, 404):
        raise exc
    return FormErrors({"_form": exc.message, **exc.fields}, exc.status)


def back_to(default: str, allowed_prefix: str) -> str:
    """The page to return to after a POST: the form's `next` when it is one of ours."""
    target = request.form.get("next") or ""
    if target.startswith(allowed_prefix) and "//" not in target and "\\" not in target:
        return target
    return default


def search_text(name: str, max_len: int, label: str) -> str:
    """A search box's text from the query string, stripped. One longer than the API takes is
    refused (422, naming the box), never cut: a cut term would find something else."""
    value = (request.args.get(name) or "").strip()
    found = text_problem(value, max_len, lines=False)
    if found:
        raise Invalid(f"{label}：{found}", {name: found})
    return value
