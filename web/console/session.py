"""Console sessions: Flask-Login on top of sessions kept on the server.

A login is a row on the server (`service.identity.sessions`, kind "console") whose random token the signed
session cookie carries; every request checks the row. So the session ends for every copy of
the cookie when the user logs out (the row is revoked), when all his sessions end (password
change, disabling, a two-factor reset: `sessions.end_sessions`), CONSOLE_MAX_HOURS after the login
whatever the activity (the row expires), and after CONSOLE_IDLE_MINUTES without a request (a
stamp in the signed cookie; OWASP ASVS 5.0 V7.3). Times come from the request's clock
(`web.context.now`), so tests move them with CONSOLE_NOW. An administrator who has not set up
two-factor login yet reaches only the enrolment page and logout.
"""
from datetime import datetime, timedelta

from flask import Flask, current_app, flash, g, redirect, request, session, url_for
from flask_babel import gettext
from flask_login import LoginManager, UserMixin, current_user, login_user, logout_user

from models import User
from service.core.errors import NotAuthenticated
from service.identity import sessions, two_factor

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
    """A logged-in staff member; the id Flask-Login keeps in the cookie is the token of his
    session on the server."""

    def __init__(self, user: User, token: str):
        self.user, self.token = user, token

    def get_id(self) -> str:
        return self.token

    @property
    def is_active(self) -> bool:
        return self.user.active


@login_manager.user_loader
def _load(token: str) -> ConsoleUser | None:
    if g.get("database_down"):  # the outage page is being drawn: nobody to look up
        return None
    try:
        user = sessions.user_for_token(db(), token, now(), kind=sessions.CONSOLE)
    except NotAuthenticated:
        return None
    return ConsoleUser(user, token)


def staff() -> User:
    """The logged-in user (pages are behind `login_required`)."""
    return current_user.user


def start(user: User) -> None:
    """Log `user` in on this browser: a new session on the server, with fresh idle and
    absolute clocks."""
    at = now()
    token, _ = sessions.issue_token(db(), user, at, timedelta(hours=float(current_app.config["CONSOLE_MAX_HOURS"])),
                                kind=sessions.CONSOLE)
    login_user(ConsoleUser(user, token))
    session[LOGIN_AT] = session[SEEN_AT] = at.timestamp()


def end() -> None:
    """Log out: the session on the server ends, so no copy of this cookie works any more."""
    if current_user.is_authenticated:
        sessions.revoke(db(), current_user.token)
    _forget()


def _forget() -> None:
    """This browser forgets the login (the session on the server runs out by itself)."""
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

    @app.before_request
    def _timeouts_and_enrolment():
        if not request.path.startswith("/console") or not current_user.is_authenticated:
            return None
        at = now()
        if expired(session.get(LOGIN_AT), session.get(SEEN_AT), at,
                   float(app.config["CONSOLE_IDLE_MINUTES"]), float(app.config["CONSOLE_MAX_HOURS"])):
            _forget()
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
