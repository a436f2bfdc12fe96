"""Console sessions end after 30 idle minutes, 12 hours after the login whatever the activity,
and at once when the password changes or the user is disabled. The app's clock is moved with
CONSOLE_NOW."""
from datetime import datetime, timedelta, timezone

import pytest

from service import directory

from .test_console_auth import login

START = datetime(2026, 11, 23, 1, 0, tzinfo=timezone.utc)


@pytest.fixture
def clock(app):
    app.config["CONSOLE_NOW"] = START

    def move(**delta):
        app.config["CONSOLE_NOW"] = app.config["CONSOLE_NOW"] + timedelta(**delta)

    yield move
    app.config.pop("CONSOLE_NOW")


def test_an_idle_session_ends_after_thirty_minutes(app, county, clock):
    client = app.test_client()
    assert login(client, "fgj").status_code == 302
    clock(minutes=29)
    assert client.get("/console/inbox").status_code == 200   # still there, and the clock restarts
    clock(minutes=29)
    assert client.get("/console/inbox").status_code == 200
    clock(minutes=31)
    resp = client.get("/console/inbox")
    assert resp.status_code == 302 and "/console/login" in resp.headers["Location"]
    assert "登录已超时" in client.get("/console/login").get_data(as_text=True)
    assert client.get("/console/inbox").status_code == 302   # it stays ended


def test_a_busy_session_still_ends_after_twelve_hours(app, county, clock):
    client = app.test_client()
    login(client, "fgj")
    for _ in range(11 * 3):          # a request every 20 minutes for 11 hours
        clock(minutes=20)
        assert client.get("/console/inbox").status_code == 200
    clock(minutes=61)
    assert client.get("/console/inbox").status_code == 302


def test_the_timeouts_are_settings(app, county, clock):
    app.config["CONSOLE_IDLE_MINUTES"] = 5
    try:
        client = app.test_client()
        login(client, "fgj")
        clock(minutes=6)
        assert client.get("/console/inbox").status_code == 302
    finally:
        app.config["CONSOLE_IDLE_MINUTES"] = 30


def test_disabling_a_user_ends_his_session(app, county, db):
    client = app.test_client()
    login(client, "fgj")
    assert client.get("/console/inbox").status_code == 200
    directory.set_user_active(db, county.users["admin"], county.user_id("fgj"), False)
    assert client.get("/console/inbox").status_code == 302
