"""The staff console: server-rendered pages in Chinese, each a thin layer over service/.

A page handler parses the form, makes one service call, and renders; every rule lives in
service/. Forms carry CSRF tokens (Flask-WTF); sessions are Flask-Login's over sessions kept
on the server, ended on logout, password change or disabling (web/console/session.py).
"""
from flask import Flask

from service.workflow.attachments import MB, Quota

# Each feature is a module that adds its routes to the blueprint (web/console/blueprint.py).
from . import (
    admin,
    auth,
    batches,
    board,
    bulk,
    classes,
    contest,
    dashboard,
    enterprise_forms,
    errors,
    home,
    inbox,
    intake,
    issue_edit,
    issues,
    leader_reports,
    leaders,
    ledger,
    meetings,
    notices,
    ratings,
    recheck,
    reports,
    townships,
    ui,
)
from . import session as console_session
from .blueprint import bp

PAGES = (admin, auth, batches, board, bulk, classes, contest, dashboard, enterprise_forms, errors, home, inbox, intake,
         issue_edit, issues, leader_reports, leaders, ledger, meetings, notices, ratings, recheck, reports,
         townships)


def _attachment_quota(app: Flask) -> Quota:
    """ATTACHMENTS_MAX_FILES and ATTACHMENTS_MAX_TOTAL_MB per issue (service/core/settings.py)."""
    return Quota(files=app.config["ATTACHMENTS_MAX_FILES"],
                 total_bytes=int(app.config["ATTACHMENTS_MAX_TOTAL_MB"] * MB))


def register(app: Flask) -> None:
    app.extensions["ys"]["attachment_quota"] = _attachment_quota(app)
    console_session.init_app(app)
    ui.init_app(app)
    app.register_blueprint(bp)
