from marshmallow import Schema, fields, validate

from models import Role

from .common import Choice, Id, Phone, Text


class TokenIn(Schema):
    username = Text(64, required=True)
    password = Text(256, required=True)
    otp = Text(16, load_default=None, allow_none=True, metadata={
        "description": "两步验证码（验证器 App 上的 6 位数字）：开启了两步验证的账号必填"})


class TokenOut(Schema):
    token = fields.String()
    expires_at = fields.AwareDateTime()


class DepartmentSchema(Schema):
    id = fields.Integer(dump_only=True)
    code = fields.String(required=True, validate=validate.Regexp(r"^[A-Za-z0-9_-]{1,32}$",
                                                                 error="编码只能用字母、数字、- 和 _"))
    name = Text(64, required=True)
    contact_phone = Phone(load_default=None, allow_none=True)
    active = fields.Boolean(dump_only=True)


class DepartmentList(Schema):
    items = fields.List(fields.Nested(DepartmentSchema))


class UserSchema(Schema):
    id = fields.Integer(dump_only=True)
    username = fields.String(required=True, validate=validate.Regexp(
        r"^[A-Za-z0-9_.-]{2,64}$", error="用户名为 2-64 位字母、数字或 ._-"))
    display_name = Text(64, load_default=None)
    phone = Phone(load_default=None, allow_none=True)
    role = Choice(list(Role), required=True)
    department_id = Id(load_default=None, allow_none=True)
    password = fields.String(required=True, load_only=True, validate=validate.Length(min=8, max=256))
    active = fields.Boolean(dump_only=True)


class UserList(Schema):
    items = fields.List(fields.Nested(UserSchema))
