"""The public's two forms (Flask-WTF: each carries a CSRF token tied to the visitor's session)."""
from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, RadioField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional, Regexp

from models import ISSUE_TYPE_LABELS
from service.core.phones import MOBILE_PATTERN

from ..limits import TextRule


class TrackForm(FlaskForm):
    code = StringField("问题编号", validators=[
        DataRequired("请填写问题编号"),
        Regexp(r"^\s*[A-Za-z0-9-]{4,20}\s*$", message="编号格式不对，应形如 YS2026-000123")])
    phone_last4 = StringField("手机号后4位", validators=[
        DataRequired("请填写手机号后4位"), Regexp(r"^[0-9]{4}$", message="请填写手机号后4位数字")])


class OpinionForm(FlaskForm):
    opinion = RadioField("您对办理方案的意见",
                         choices=[SelectChoice("agree", "同意"), SelectChoice("object", "有意见")],
                         validators=[DataRequired("请选择“同意”或“有意见”")])
    reason = TextAreaField("意见（选择“有意见”时必填）", validators=[Optional(), TextRule(500, lines=True)])


class RatingForm(FlaskForm):
    """企业评议: the scores and comments are per department (score_<id>, comment_<id>), read by
    the page's handler; the form carries the CSRF token."""


class SubmitForm(FlaskForm):
    title = StringField("标题", validators=[DataRequired("请用一句话概括问题"), Length(4, 60, "请填写 4-60 个字"),
                                                         TextRule(60, lines=False)])
    content = TextAreaField("具体情况", validators=[DataRequired("请写明具体情况"),
                                                    Length(10, 2000, "请填写 10-2000 个字"),
                                                    TextRule(2000, lines=True)])
    category = SelectField("问题类别", choices=[], validate_choice=False)
    type = SelectField("诉求类型", choices=[SelectChoice(t.value, label) for t, label in ISSUE_TYPE_LABELS.items()],
                       default="help")
    township = StringField("所在乡镇/园区", validators=[Optional(), TextRule(32, lines=False)])
    name = StringField("姓名（选填）", validators=[Optional(), TextRule(32, lines=False)])
    org = StringField("企业名称（选填）", validators=[Optional(), TextRule(100, lines=False)])
    consent_public = BooleanField("同意在公示中显示企业名称")
    phone = StringField("手机号", validators=[
        DataRequired("请填写手机号：查询进度和接收短信都要用到"),
        Regexp(rf"^\s*(?:{MOBILE_PATTERN})\s*$", message="请填写 11 位手机号")])
    challenge = HiddenField()
    answer = StringField("验证题", validators=[DataRequired("请回答验证题"), Length(max=4)])


class ObjectionForm(FlaskForm):
    """异议 on a 公示批次 (the rules are service.disclosure.batches')."""

    issue_code = StringField("针对的问题编号（选填）", validators=[Optional(), TextRule(20, lines=False)])
    content = TextAreaField("异议内容", validators=[Optional(), TextRule(2000, lines=True)])
    name = StringField("姓名（选填）", validators=[Optional(), TextRule(64, lines=False)])
    phone = StringField("手机号", validators=[Optional(), TextRule(20, lines=False)])
