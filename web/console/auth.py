"""Login, logout and changing one's password."""
from flask import flash, redirect, render_template, request, url_for
from flask_login import login_required, login_user, logout_user

from service import auth
from service.errors import DomainError

from ..context import db, now
from . import bp
from .forms import LoginForm, PasswordForm
from .session import ConsoleUser, go_home, staff


def _safe_next(target: str | None) -> str | None:
    return target if target and target.startswith("/console") and "//" not in target else None


@bp.route("/login", methods=["GET", "POST"])
def login():
    form = LoginForm()
    if form.validate_on_submit():
        try:
            user = auth.authenticate(db(), form.username.data.strip(), form.password.data, now())
        except DomainError as exc:
            form.password.errors.append(exc.message)
        else:
            login_user(ConsoleUser(user))
            return redirect(_safe_next(request.args.get("next")) or url_for("console.home"))
    return render_template("console/login.html", form=form)


@bp.post("/logout")
@login_required
def logout():
    logout_user()
    flash("已退出登录", "info")
    return redirect(url_for("console.login"))


@bp.route("/password", methods=["GET", "POST"])
@login_required
def password():
    form = PasswordForm()
    if form.validate_on_submit():
        try:
            user = auth.change_password(db(), staff(), form.current_password.data, form.new_password.data)
        except DomainError as exc:
            getattr(form, next(iter(exc.fields), "current_password")).errors.append(exc.message)
        else:
            login_user(ConsoleUser(user))  # this session continues; all others have ended
            flash("密码已修改，其他设备上的登录已失效", "success")
            return go_home()
    return render_template("console/password.html", form=form)
