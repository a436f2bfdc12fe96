"""The staff console: server-rendered pages in Chinese, each a thin layer over service/.

A page handler parses the form, makes one service call, and renders; every rule lives in
service/. Forms carry CSRF tokens (Flask-WTF); sessions are Flask-Login's over sessions kept
on the server, ended on logout, password change or disabling (web/console/session.py).
"""
from flask import Blueprint, Flask

from service.workflow.attachments import MB, Quota

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
    leaders,
    ledger,
    meetings,
    reports,
    townships,
)


def _attachment_quota(app: Flask) -> Quota:
    """ATTACHMENTS_MAX_FILES (20) and ATTACHMENTS_MAX_TOTAL_MB (100) per issue; a wrong value
    refuses to start, naming the key."""
    app.config.setdefault("ATTACHMENTS_MAX_FILES", 20)
    app.config.setdefault("ATTACHMENTS_MAX_TOTAL_MB", 100)
    try:
        files, total_mb = int(app.config["ATTACHMENTS_MAX_FILES"]), float(app.config["ATTACHMENTS_MAX_TOTAL_MB"])
        if files < 1 or total_mb <= 0:
            raise ValueError
    except ValueError:
        raise RuntimeError("ATTACHMENTS_MAX_FILES 须为正整数、ATTACHMENTS_MAX_TOTAL_MB 须为正数"
                           f"（现为 {app.config['ATTACHMENTS_MAX_FILES']!r}、"
                           f"{app.config['ATTACHMENTS_MAX_TOTAL_MB']!r}）") from None
    return Quota(files=files, total_bytes=int(total_mb * MB))


def register(app: Flask) -> None:
    app.extensions["ys"]["attachment_quota"] = _attachment_quota(app)
    console_session.init_app(app)
    ui.init_app(app)
    app.register_blueprint(bp)
