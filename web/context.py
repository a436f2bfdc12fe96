"""Per-request plumbing: the database session, the clock, the caller."""
import logging
from datetime import datetime, timedelta, timezone
from functools import lru_cache
from pathlib import Path

import limits
from flask import current_app, g, request
from sqlalchemy.exc import DBAPIError
from sqlmodel import Session

from models import User
from service.core.db import open_session
from service.core.errors import NotAuthenticated
from service.deadlines.calendar import WorkCalendar, local_date
from service.identity.login_throttle import LoginLimits
from service.identity.sessions import user_for_token
from service.workflow.transition import WorkflowOptions

log = logging.getLogger(__name__)
READ_METHODS = {"GET", "HEAD", "OPTIONS"}


def state() -> dict:
    return current_app.extensions["ys"]


def db() -> Session:
    """The request's session: one per request, closed at teardown. A reading request (GET,
    HEAD, OPTIONS) never writes, so on PostgreSQL it reads outside a transaction."""
    if "db" not in g:
        write = request.method not in READ_METHODS
        g.db = open_session(state()["engine"], write=write, snapshot=write)
    return g.db


def close_db(_exc=None) -> None:
    session = g.pop("db", None)
    if session is not None:
        try:
            session.close()
        except DBAPIError:
            # The database went away after the answer was made: the pool discards the dead
            # connection; the answer stands.
            log.warning("closing the request's session failed: the database connection was lost")


def now() -> datetime:
    """The request's clock. Tests may fix it with the `CONSOLE_NOW` setting (an aware datetime
    or an ISO 8601 string with offset), e.g. to fall in an evening-tea session."""
    fixed = current_app.config.get("CONSOLE_NOW")
    if fixed:
        return fixed if isinstance(fixed, datetime) else datetime.fromisoformat(fixed)
    return datetime.now(timezone.utc)


def calendar() -> WorkCalendar:
    """The calendar for what shows its effect (colours, days overdue): the national calendar with
    the administrator's overrides as this worker read them at most CALENDAR_MAX_AGE seconds ago
    (an override made through this worker applies from the next request on)."""
    if "calendar" not in g:
        g.calendar = state()["calendar_cache"].get(db())
    return g.calendar


def fresh_calendar() -> WorkCalendar:
    """The calendar as it stands in the database now: for computing deadlines."""
    if "fresh_calendar" not in g:
        g.fresh_calendar = g.calendar = state()["calendar_cache"].load(db())
    return g.fresh_calendar


def workflow_options() -> WorkflowOptions:
    """Steps that compute a deadline read the calendar when they need it, fresh; others never do."""
    return WorkflowOptions(load_calendar=fresh_calendar, track_url=state()["track_url"],
                           public_base=state()["public_base"], link_secret=current_app.config["SECRET_KEY"])


def today():
    return local_date(now())


def attachments_dir() -> Path:
    """Where attached files are kept: ATTACHMENTS_DIR, else the instance folder's attachments/."""
    return Path(current_app.config["ATTACHMENTS_DIR"] or Path(current_app.instance_path) / "attachments")


def documents_dir() -> Path:
    """Where decision documents (问责) are kept: beside the issues' attachments."""
    return attachments_dir() / "decisions"


def bearer_token() -> str:
    """The request's bearer token; 401 without one."""
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise NotAuthenticated("请先登录（Authorization: Bearer <token>）")
    return token.strip()


def current_user() -> User:
    """The caller named by the bearer token; 401 without a valid one."""
    if "user" not in g:
        g.user = user_for_token(db(), bearer_token(), now())
    return g.user


def client_address() -> str | None:
    """The caller's address (behind PROXY_COUNT proxies, as they forwarded it): whose login
    budget a login attempt draws on."""
    return request.remote_addr


@lru_cache(maxsize=8)
def _parsed_login_limits(rate: str) -> LoginLimits:
    item = limits.parse(rate)
    return LoginLimits(per_client=item.amount, window=timedelta(seconds=item.get_expiry()))


def login_limits() -> LoginLimits:
    """The login budgets, with the per-client rate from LOGIN_RATE_LIMIT ("10 per minute")."""
    return _parsed_login_limits(current_app.config["LOGIN_RATE_LIMIT"])
