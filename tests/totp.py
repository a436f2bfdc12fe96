"""Codes of an authenticator app, for tests that log in as users with two-factor login."""
import re
from datetime import datetime, timezone

import pyotp
from sqlalchemy import update

from models import User

from .conftest import ADMIN_TOTP_SECRET


def app_now(app) -> datetime:
    """The application's clock (CONSOLE_NOW when a test fixes it)."""
    fixed = app.config.get("CONSOLE_NOW")
    if fixed:
        return fixed if isinstance(fixed, datetime) else datetime.fromisoformat(fixed)
    return datetime.now(timezone.utc)


def code(app, secret: str = ADMIN_TOTP_SECRET, at: datetime | None = None) -> str:
    return pyotp.TOTP(secret).at(at or app_now(app))


def forget_used_code(app, username: str) -> None:
    """Let the same 30-second code serve again, as if its step were over: tests log in as the
    administrator many times a second, and the app refuses a code used before."""
    with app.extensions["ys"]["engine"].begin() as conn:
        conn.execute(update(User).where(User.username == username).values(totp_last_step=None))


def second_step(client, username: str, resp):
    """After the password step: when the app asks for the code, give it (as the user's app
    would show it) and answer the final response; otherwise answer `resp` unchanged."""
    if resp.status_code != 302 or not resp.headers["Location"].endswith("/console/login/verify"):
        return resp
    page = client.get("/console/login/verify").data
    token = re.search(rb'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1).decode()
    forget_used_code(client.application, username)
    return client.post("/console/login/verify", data={"code": code(client.application), "csrf_token": token})
