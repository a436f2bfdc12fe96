"""Login (password, then the two-factor code for users who have it), logout, changing one's
password, and setting up or resetting two-factor login."""
from datetime import timedelta

import segno
from flask import flash, redirect, render_template, request, session, url_for
from flask_babel import gettext
from flask_login import current_user, login_required

from models import User
from service.core.errors import DomainError
from service.identity import login as auth
from service.identity import two_factor

from ..context import client_address, db, login_limits, now
from .blueprint import bp
from .formdata import FormErrors, load
from .forms import LABELS, CodeBody, LoginBody, PasswordBody
from .session import end, go_home, staff, start

PENDING = "ys_2fa_pending"  # who passed the password step and when; the code step must follow
PENDING_FOR = timedelta(minutes=5)


def _safe_next(target: str | None) -> str | None:
    return target if target and target.startswith("/console") and "//" not in target else None


def _refused(template: str, values: dict, field: str, exc: DomainError):
    """The form again with the reason under `field`; 429 (and when to retry) while the login
    budget is spent."""
    headers = {"Retry-After": str(exc.retry_after)} if getattr(exc, "retry_after", None) else {}
    return (render_template(template, values=values, errors={field: exc.message}, labels=LABELS),
            429 if exc.status == 429 else 200, headers)


def _submitted(schema, *names: str) -> tuple[dict, dict, FormErrors]:
    """(what was typed, the loaded values, the errors by field) of a posted form."""
    values = {name: request.form.get(name, "") for name in names}
    body, errors = load(schema, values)
    return values, body, errors


@bp.route("/login", methods=["GET", "POST"])
def login():
    values, errors = {}, FormErrors()
    if request.method == "POST":
        values, body, errors = _submitted(LoginBody(), "username", "password")
        if not errors:
            try:
                user = auth.authenticate(db(), body["username"].strip(), body["password"], now(),
                                         client_address(), login_limits())
            except DomainError as exc:
                return _refused("console/login.html", values, "password", exc)
            target = _safe_next(request.args.get("next"))
            if two_factor.enabled(user):
                session[PENDING] = {"id": user.id, "epoch": user.session_epoch,
                                    "at": now().timestamp(), "next": target}
                return redirect(url_for("console.login_verify"))
            start(user)
            if two_factor.must_enrol(user):
                return redirect(url_for("console.two_factor"))
            return redirect(target or url_for("console.home"))
    return render_template("console/login.html", values=values, errors=errors, labels=LABELS)


def _pending_user() -> User | None:
    pending = session.get(PENDING)
    if not pending or now().timestamp() - pending["at"] > PENDING_FOR.total_seconds():
        return None
    user = db().get(User, pending["id"])
    if user is None or not user.active or user.session_epoch != pending["epoch"]:
        return None
    return user


@bp.route("/login/verify", methods=["GET", "POST"])
def login_verify():
    """The second step: the code of the authenticator app."""
    user = _pending_user()
    if user is None:
        session.pop(PENDING, None)
        flash(gettext("请重新输入用户名和密码"), "warning")
        return redirect(url_for("console.login"))
    values, errors = {}, FormErrors()
    if request.method == "POST":
        values, body, errors = _submitted(CodeBody(), "code")
        if not errors:
            try:
                two_factor.verify(db(), user, body["code"], now(), client_address(), login_limits())
            except DomainError as exc:
                return _refused("console/login_verify.html", values, "code", exc)
            target = session.pop(PENDING)["next"]
            start(user)
            return redirect(target or url_for("console.home"))
    return render_template("console/login_verify.html", values=values, errors=errors, labels=LABELS)


@bp.post("/logout")
@login_required
def logout():
    end()
    flash(gettext("已退出登录"), "info")
    return redirect(url_for("console.login"))


@bp.route("/password", methods=["GET", "POST"])
@login_required
def password():
    values, errors = {}, FormErrors()
    if request.method == "POST":
        values, body, errors = _submitted(PasswordBody(), "current_password", "new_password", "confirm")
        if not errors:
            try:
                user = auth.change_password(db(), staff(), body["current_password"], body["new_password"])
            except DomainError as exc:
                errors = FormErrors({next(iter(exc.fields), "current_password"): exc.message})
            else:
                start(user)  # this session continues; all others have ended
                flash(gettext("密码已修改，其他设备上的登录已失效"), "success")
                return go_home()
    return render_template("console/password.html", errors=errors, labels=LABELS)


def _qr_data_uri(text: str) -> str:
    """The QR code as an inline SVG data address: drawn here, no outside service sees the secret."""
    return segno.make(text, error="m").svg_data_uri(scale=5, border=2)


@bp.get("/two-factor", endpoint="two_factor")
@login_required
def two_factor_page():
    user = staff()
    pending = None
    if user.totp_secret and not two_factor.enabled(user):
        uri = two_factor.provisioning_uri(user)
        pending = {"secret": user.totp_secret, "qr": _qr_data_uri(uri), "uri": uri}
    return render_template("console/two_factor.html", user=user, pending=pending,
                           required=two_factor.required(user), enabled=two_factor.enabled(user))



@bp.post("/two-factor/start")
@login_required
def two_factor_start():
    try:
        two_factor.begin_enrolment(db(), staff())
    except DomainError as exc:
        flash(exc.message, "warning")
    return redirect(url_for("console.two_factor"))


@bp.post("/two-factor/confirm")
@login_required
def two_factor_confirm():
    _values, body, errors = _submitted(CodeBody(), "code")
    if errors:
        flash(errors.get("code") or gettext("请填写验证码"), "danger")
        return redirect(url_for("console.two_factor"))
    try:
        two_factor.confirm_enrolment(db(), staff(), body["code"], now())
    except DomainError as exc:
        flash(exc.message, "danger")
        return redirect(url_for("console.two_factor"))
    flash(gettext("两步验证已开启：以后登录时，输入密码后还要输入验证器 App 上的验证码"), "success")
    return go_home()


@bp.post("/two-factor/disable")
@login_required
def two_factor_disable():
    try:
        two_factor.disable_own(db(), staff(), request.form.get("code", ""), now(), client_address(),
                               login_limits())
    except DomainError as exc:
        flash(exc.message, "danger")
        return redirect(url_for("console.two_factor"))
    flash(gettext("两步验证已关闭"), "info")
    return go_home()


@bp.post("/admin/users/<int:user_id>/two-factor/reset")
@login_required
def admin_user_two_factor_reset(user_id: int):
    """An administrator clears a user's two-factor login (lost phone); the user enrols again."""
    user = two_factor.reset(db(), staff(), user_id)
    flash(gettext("已重置 %(name)s 的两步验证，其登录已失效；下次登录时重新设置", name=user.username), "success")
    if user.id == current_user.user.id:
        end()
        return redirect(url_for("console.login"))
    return redirect(url_for("console.admin_users"))
