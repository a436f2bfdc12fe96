"""Console sessions: Flask-Login on top of our users.

A session ends when the user's epoch moves on (password change, disabling, a two-factor
reset), after CONSOLE_IDLE_MINUTES without a request, and CONSOLE_MAX_HOURS after the login
whatever the activity (OWASP ASVS 5.0 V7.3). Times come from the request's clock
(`web.context.now`), so tests move them with CONSOLE_NOW. An administrator who has not set up
two-factor login yet reaches only the enrolment page and logout.
"""
from datetime import datetime

from flask import Flask, flash, g, redirect, request, session, url_for
from flask_babel import gettext
from flask_login import LoginManager, UserMixin, current_user, login_user, logout_user

from models import User
from service import two_factor

from ..context import db, now

login_manager = LoginManager()
login_manager.login_view = "console.login"
login_manager.login_message = "请先登录"
login_manager.localize_callback = gettext
login_manager.login_message_category = "warning"
login_manager.session_protection = "basic"

LOGIN_AT, SEEN_AT = "ys_login_at", "ys_seen_at"
# Reachable while an administrator still has to enrol.
ENROLMENT_ENDPOINTS = {"console.two_factor", "console.two_factor_start", "console.two_factor_confirm",
                       "console.logout", "console.login", "console.login_verify", "static"}


class ConsoleUser(UserMixin):
    """A logged-in staff member. The id carries the session epoch, so a password change or
    disabling the account ends every session made before it."""

    def __init__(self, user: User):
        self.user = user

    def get_id(self) -> str:
        return f"{self.user.id}:{self.user.session_epoch}"

    @property
    def is_active(self) -> bool:
        return self.user.active


@login_manager.user_loader
def _load(user_id: str) -> ConsoleUser | None:
    try:
        uid, epoch = (int(part) for part in user_id.split(":"))
    except ValueError:
        return None
    user = db().get(User, uid)
    if user is None or not user.active or user.session_epoch != epoch:
        return None
    return ConsoleUser(user)


def staff() -> User:
    """The logged-in user (pages are behind `login_required`)."""
    return current_user.user


def start(user: User) -> None:
    """Log `user` in on this browser, with fresh idle and absolute clocks."""
    login_user(ConsoleUser(user))
    stamp = now().timestamp()
    session[LOGIN_AT] = session[SEEN_AT] = stamp


def end() -> None:
    logout_user()
    session.pop(LOGIN_AT, None)
    session.pop(SEEN_AT, None)


def expired(login_at: float | None, seen_at: float | None, at: datetime, idle_minutes: float,
            max_hours: float) -> bool:
    """Whether a session that began at `login_at` and was last used at `seen_at` (Unix times)
    is over at `at`. A session without the stamps predates them and is over too."""
    if login_at is None or seen_at is None:
        return True
    moment = at.timestamp()
    return moment - seen_at > idle_minutes * 60 or moment - login_at > max_hours * 3600


def init_app(app: Flask) -> None:
    login_manager.init_app(app)
    app.config.setdefault("CONSOLE_IDLE_MINUTES", 30)
    app.config.setdefault("CONSOLE_MAX_HOURS", 12)

    @app.before_request
    def _timeouts_and_enrolment():
        if not request.path.startswith("/console") or not current_user.is_authenticated:
            return None
        at = now()
        if expired(session.get(LOGIN_AT), session.get(SEEN_AT), at,
                   float(app.config["CONSOLE_IDLE_MINUTES"]), float(app.config["CONSOLE_MAX_HOURS"])):
            end()
            flash(gettext("登录已超时，请重新登录"), "warning")
            return redirect(url_for("console.login"))
        session[SEEN_AT] = at.timestamp()
        if two_factor.must_enrol(current_user.user) and request.endpoint not in ENROLMENT_ENDPOINTS:
            return redirect(url_for("console.two_factor"))
        return None

    @app.context_processor
    def _staff():
        user = current_user.user if getattr(current_user, "is_authenticated", False) else None
        return {"me": user}


def go_home():
    return redirect(url_for("console.home"))


__all__ = ["ConsoleUser", "end", "g", "go_home", "login_manager", "staff", "start"]
