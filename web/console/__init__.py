"""The staff console: server-rendered pages in Chinese, each a thin layer over service/.

A page handler parses the form, makes one service call, and renders; every rule lives in
service/. Forms carry CSRF tokens (Flask-WTF); sessions are Flask-Login's, ended on logout,
password change or disabling (`User.session_epoch`).
"""
from flask import Blueprint, Flask

from . import session as console_session
from . import ui

bp = Blueprint("console", __name__, url_prefix="/console")

# Each feature is a module that adds its routes to `bp`.
from . import (  # noqa: E402,F401
    admin,
    auth,
    board,
    dashboard,
    errors,
    home,
    inbox,
    intake,
    issues,
    ledger,
    meetings,
    reports,
)


def register(app: Flask) -> None:
    console_session.init_app(app)
    ui.init_app(app)
    app.register_blueprint(bp)
