"""Field types and checks shared by the API schemas (and the console forms that load them).
The rules for text and numbers are web/limits.py's and service/core/text_rules.py's."""
import re

from marshmallow import Schema, ValidationError, fields, validate

from service.core import text_rules
from service.core.phones import PHONE_PATTERN

from ..limits import MAX_INT, multi_line

PHONE_RE = re.compile(rf"^(?:{PHONE_PATTERN})$")


def check_phone(value: str) -> None:
    if not PHONE_RE.match(value or ""):
        raise ValidationError("请填写 11 位手机号或带区号的固定电话")


# The longest number PHONE_PATTERN takes: a 4-digit area code, a hyphen and 8 digits.
PHONE_MAX = 13


def Phone(**kw) -> fields.String:  # noqa: N802 - a field factory reads like a field class
    kw["metadata"] = {"maxLength": PHONE_MAX, **kw.get("metadata", {})}
    return fields.String(validate=check_phone, **kw)


def max_lengths(schema: type[Schema]) -> dict[str, int]:
    """The longest text each field of an API schema takes, by body key (`reporter.name` for a
    nested one): what the console's inputs say as `maxlength`."""
    found: dict[str, int] = {}
    for name, field in schema().fields.items():
        key = field.data_key or name
        if isinstance(field, fields.Nested) and isinstance(field.nested, type):
            found.update({f"{key}.{k}": v for k, v in max_lengths(field.nested).items()})
        elif "maxLength" in field.metadata:
            found[key] = field.metadata["maxLength"]
    return found


MAX_ID = MAX_INT  # larger numbers cannot name a record


def Id(**kw) -> fields.Integer:  # noqa: N802
    return fields.Integer(validate=validate.Range(min=1, max=MAX_ID,
                                                              error="须为有效的编号"), **kw)


def check_printable(value: str) -> None:
    """No control characters (tab and line breaks apart) and no unpaired surrogates."""
    found = text_rules.message(value or "")
    if found:
        raise ValidationError(found)


def text_check(max_len: int, lines: bool):
    def check(value: str) -> None:
        found = text_rules.message(value or "", max_len, lines=lines)
        if found:
            raise ValidationError(found)
    return check


def check_not_blank(value: str | None) -> None:
    if value is not None and not value.strip():
        raise ValidationError("不能只有空格，请填写内容")


def Text(max_len: int, required: bool = False, not_blank: bool | None = None,  # noqa: N802
         lines: bool | None = None, **kw) -> fields.String:
    """Free text, as service.core.text_rules says: no control characters (PostgreSQL refuses NUL) or
    unpaired surrogates, at most `max_len` characters, one line unless `lines` (by default, a
    field over 200 characters is multi-line). A required text, and one marked `not_blank` (an
    optional field that, when given, must say something), must hold more than spaces."""
    checks = [text_check(max_len, multi_line(max_len) if lines is None else lines)]
    if required:
        checks.insert(0, validate.Length(min=1))
    if not_blank is None:
        not_blank = required
    if not_blank:
        checks.append(check_not_blank)
    kw["metadata"] = {"maxLength": max_len, **kw.get("metadata", {})}  # for the OpenAPI document
    return fields.String(required=required, validate=checks, **kw)


def Choice(values, **kw) -> fields.String:  # noqa: N802
    return fields.String(validate=validate.OneOf([str(v) for v in values]), **kw)


class ErrorBody(Schema):
    code = fields.String()
    message = fields.String()
    fields_ = fields.Dict(data_key="fields")


class ErrorEnvelope(Schema):
    error = fields.Nested(ErrorBody)


class PageArgs(Schema):
    limit = fields.Integer(load_default=50, validate=validate.Range(min=1, max=200))
    cursor = fields.String(load_default=None, validate=validate.Length(max=100))
