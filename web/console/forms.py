"""The console's own form schemas (sign-in, password, two-factor code) and the hotline desk's
form. Every console form carries its CSRF token (CSRFProtect checks every POST); the issue
page's forms are the API's schemas (web/console/issue_forms.py)."""
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from marshmallow import Schema, ValidationError, fields, validates_schema
from wtforms import BooleanField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Optional, Regexp

from models import CHANNEL_LABELS, ISSUE_TYPE_LABELS, Channel, IssueType
from service.core import text_rules

from ..limits import TextRule, record_id
from ..schemas.common import PHONE_RE
from .ui import REPORTER_KIND_LABELS, SATISFACTION_LABELS

PHONE_MESSAGE = _l("请填写 11 位手机号或带区号的固定电话")


def options(pairs) -> list[SelectChoice]:
    """(value, label[, render_kw]) pairs as WTForms options."""
    return [SelectChoice(*pair) for pair in pairs]


def _text(label, max_len: int, **kw):
    return TextAreaField(label, validators=[Optional(), TextRule(max_len, lines=True)], **kw)


def _line(label, max_len: int, **kw):
    return StringField(label, validators=[Optional(), TextRule(max_len, lines=False)], **kw)


def _phone(label, **kw):
    return StringField(label, validators=[Optional(), Regexp(PHONE_RE, message=PHONE_MESSAGE)], **kw)


def _filled(message):
    """A required field: the message (in the reader's language) when it is left empty."""
    def check(value: str) -> None:
        if not value.strip():
            raise ValidationError(str(message))
    return check


def _at_most(max_len: int):
    def check(value: str) -> None:
        if len(value) > max_len:
            raise ValidationError(gettext(text_rules.TOO_LONG_MESSAGE, max=max_len, length=len(value)))
    return check


def _entered(message, max_len: int, *more) -> fields.String:
    return fields.String(load_default="", validate=[_filled(message), _at_most(max_len), *more])


class LoginBody(Schema):
    """工作人员登录."""
    username = _entered(_l("请填写用户名"), 64)
    password = _entered(_l("请填写密码"), 256)


class PasswordBody(Schema):
    """修改密码: the new one twice."""
    current_password = _entered(_l("请填写当前密码"), 256)
    new_password = fields.String(load_default="")
    confirm = fields.String(load_default="")

    @validates_schema(skip_on_field_errors=False)
    def _new_password(self, data: dict, **_kw) -> None:
        new = data["new_password"]
        errors = {}
        if not new.strip():
            errors["new_password"] = str(_l("请填写新密码"))
        elif not 8 <= len(new) <= 256:
            errors["new_password"] = str(_l("新密码至少 8 位"))
        if data["confirm"] != new:
            errors["confirm"] = str(_l("两次输入的新密码不一致"))
        if errors:
            raise ValidationError(errors)


class CodeBody(Schema):
    """A code of the authenticator app."""
    code = _entered(_l("请填写验证器 App 上的 6 位验证码"), 16)


# The labels of the sign-in forms' fields.
LABELS = {"username": _l("用户名"), "password": _l("密码"), "current_password": _l("当前密码"),
          "new_password": _l("新密码"), "confirm": _l("再次输入新密码"), "code": _l("验证码")}


class IntakeForm(FlaskForm):
    """话务登记, in the order a call goes."""

    reporter_phone = _phone(_l("来电号码"), render_kw={"autocomplete": "off", "inputmode": "tel"})
    reporter_name = _line(_l("姓名"), 64)
    reporter_org = _line(_l("单位（企业）"), 200)
    reporter_kind = SelectField(_l("反映人身份"), choices=options(REPORTER_KIND_LABELS.items()), default="enterprise")
    reporter_consent_public = BooleanField(_l("同意公开企业名称"))
    channel = SelectField(_l("来源渠道"), choices=options((c.value, CHANNEL_LABELS[c]) for c in Channel))
    meeting_id = SelectField(_l("所属会议"), coerce=record_id, validate_choice=False)
    type = SelectField(_l("诉求类型"), choices=options((t.value, ISSUE_TYPE_LABELS[t]) for t in IssueType),
                       default="help")
    category = SelectField(_l("问题类别"), validate_choice=False)
    township = _line(_l("所在镇（街道）"), 64)
    title = StringField(_l("问题标题"), validators=[DataRequired(_l("请填写问题标题")), TextRule(200, lines=False)])
    content = TextAreaField(_l("问题内容"), validators=[DataRequired(_l("请填写问题内容")), TextRule(5000, lines=True)])
    answered_on_spot = BooleanField(_l("已当场答复"))
    answer = _text(_l("答复内容"), 5000)
    satisfaction = SelectField(_l("反映人当场评价"), choices=options([("", _l("未评价（待回访）"))] + [
        (k, v) for k, v in SATISFACTION_LABELS.items() if k != "unsatisfied"]), validate_choice=False)

    def data_for_service(self) -> dict:
        def text(field):
            return (field.data or "").strip() or None
        return {
            "title": self.title.data.strip(), "content": self.content.data.strip(),
            "channel": self.channel.data, "meeting_id": self.meeting_id.data, "type": self.type.data,
            "category": self.category.data or None, "township": text(self.township),
            # name and organisation as typed: one of only spaces is refused (service.intake), not dropped
            "reporter": {"phone": text(self.reporter_phone), "name": self.reporter_name.data or None,
                         "org": self.reporter_org.data or None, "kind": self.reporter_kind.data,
                         "consent_public": bool(self.reporter_consent_public.data)},
        }

    def answer_for_service(self) -> tuple[str | None, str | None]:
        """(answer, satisfaction) when answered on the spot; (None, None) otherwise."""
        if not self.answered_on_spot.data:
            return None, None
        return (self.answer.data or "").strip(), self.satisfaction.data or None
