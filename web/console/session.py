"""Console sessions: Flask-Login on top of our users, ended when the user's epoch moves on."""
from flask import Flask, g, redirect, request, url_for
from flask_login import LoginManager, UserMixin, current_user

from models import User

from ..context import db

login_manager = LoginManager()
login_manager.login_view = "console.login"
login_manager.login_message = "请先登录"
login_manager.login_message_category = "warning"


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


def init_app(app: Flask) -> None:
    login_manager.init_app(app)

    @app.context_processor
    def _staff():
        user = current_user.user if getattr(current_user, "is_authenticated", False) else None
        return {"me": user}

    @app.after_request
    def _no_store(response):
        if request.path.startswith("/console"):
            response.headers["Cache-Control"] = "no-store"
        return response


def go_home():
    return redirect(url_for("console.home"))


__all__ = ["ConsoleUser", "g", "go_home", "login_manager", "staff"]
