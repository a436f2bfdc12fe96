"""Field types and checks shared by the API schemas."""
import re

from marshmallow import Schema, ValidationError, fields, validate

PHONE_RE = re.compile(r"^(1[3-9]\d{9}|0\d{2,3}-?\d{7,8})$")


def check_phone(value: str) -> None:
    if not PHONE_RE.match(value or ""):
        raise ValidationError("请填写 11 位手机号或带区号的固定电话")


def Phone(**kw) -> fields.String:  # noqa: N802 - a field factory reads like a field class
    return fields.String(validate=check_phone, **kw)


MAX_ID = 2**31 - 1  # PostgreSQL's integer; larger numbers cannot name a record


def Id(**kw) -> fields.Integer:  # noqa: N802
    return fields.Integer(validate=validate.Range(min=1, max=MAX_ID,
                                                              error="须为有效的编号"), **kw)


CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def check_printable(value: str) -> None:
    if CONTROL_RE.search(value or ""):
        raise ValidationError("含有不可见的控制字符，请删除后重新提交")


def check_not_blank(value: str | None) -> None:
    if value is not None and not value.strip():
        raise ValidationError("不能只有空格，请填写内容")


def Text(max_len: int, required: bool = False, not_blank: bool | None = None, **kw) -> fields.String:  # noqa: N802
    """Free text: bounded length and no control characters (PostgreSQL refuses NUL). A required
    text, and one marked `not_blank` (an optional field that, when given, must say something),
    must hold more than spaces."""
    checks = [validate.Length(min=1 if required else 0, max=max_len), check_printable]
    if not_blank is None:
        not_blank = required
    if not_blank:
        checks.append(check_not_blank)
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
