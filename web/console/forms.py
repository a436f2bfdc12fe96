"""Console forms (Flask-WTF: every form carries a CSRF token)."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired, EqualTo, Length


class LoginForm(FlaskForm):
    username = StringField(_l("用户名"), validators=[DataRequired(_l("请填写用户名")), Length(max=64)])
    password = PasswordField(_l("密码"), validators=[DataRequired(_l("请填写密码")), Length(max=256)])


class PasswordForm(FlaskForm):
    current_password = PasswordField(_l("当前密码"), validators=[DataRequired(_l("请填写当前密码"))])
    new_password = PasswordField(_l("新密码"), validators=[DataRequired(_l("请填写新密码")), Length(min=8, max=256,
                                                                                   message=_l("新密码至少 8 位"))])
    confirm = PasswordField(_l("再次输入新密码"), validators=[EqualTo("new_password", _l("两次输入的新密码不一致"))])


class CodeForm(FlaskForm):
    code = StringField(_l("验证码"), validators=[DataRequired(_l("请填写验证器 App 上的 6 位验证码")), Length(max=16)])
