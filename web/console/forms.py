"""Console forms (Flask-WTF: every form carries a CSRF token)."""
from flask_wtf import FlaskForm
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired, EqualTo, Length


class LoginForm(FlaskForm):
    username = StringField("用户名", validators=[DataRequired("请填写用户名"), Length(max=64)])
    password = PasswordField("密码", validators=[DataRequired("请填写密码"), Length(max=256)])


class PasswordForm(FlaskForm):
    current_password = PasswordField("当前密码", validators=[DataRequired("请填写当前密码")])
    new_password = PasswordField("新密码", validators=[DataRequired("请填写新密码"), Length(min=8, max=256,
                                                                                   message="新密码至少 8 位")])
    confirm = PasswordField("再次输入新密码", validators=[EqualTo("new_password", "两次输入的新密码不一致")])
