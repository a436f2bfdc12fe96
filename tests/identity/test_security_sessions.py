"""Console sessions end after 30 idle minutes, 12 hours after the login whatever the activity,
at once when the password changes or the user is disabled, and on the server when the user logs
out (a copy of the cookie is worthless then); the API's logout revokes its token. The app's
clock is moved with CONSOLE_NOW."""
from datetime import datetime, timedelta, timezone

import pytest
from sqlmodel import select

from models import ApiToken, IssueEvent
from service.identity import directory

from ..conftest import PASSWORD
from ..console import Console
from ..helpers import issue_in
from ..identity.test_console_auth import login

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


# --- logging out ends the session on the server --------------------------------------------------

def _copy_cookies(source, target) -> None:
    for cookie in source._cookies.values():
        target.set_cookie(cookie.key, cookie.value, domain=cookie.domain, path=cookie.path)


def _events(db, issue_id: int) -> int:
    return len(db.exec(select(IssueEvent).where(IssueEvent.issue_id == issue_id)).all())


def test_a_cookie_copied_before_logout_neither_reads_nor_writes_after_it(app, api, county, db):
    issue = issue_in(api, "in_progress")
    owner = Console(app, "fgj")
    thief = app.test_client()
    _copy_cookies(owner.client, thief)
    token = owner.token()
    assert thief.get("/console/issues").status_code == 200          # the copy works while logged in
    assert owner.post("/console/logout").status_code == 302

    read = thief.get("/console/issues")
    assert read.status_code == 302 and "/console/login" in read.headers["Location"]
    before = _events(db, issue["id"])
    wrote = thief.post(f"/console/issues/{issue['id']}/actions/progress",
                       data={"note": "登出后的进展", "csrf_token": token})
    assert wrote.status_code == 302 and "/console/login" in wrote.headers["Location"]
    assert _events(db, issue["id"]) == before
    # only that login ended: the same user's other session and his API token go on
    assert api.get("/api/v1/issues", "fgj").status_code == 200


def test_logging_out_ends_only_that_browser_s_session(app, county):
    first, second = Console(app, "fgj"), Console(app, "fgj")
    first.post("/console/logout")
    assert first.get("/console/inbox").status_code == 302
    assert second.get("/console/inbox").status_code == 200


def test_the_api_logout_revokes_the_token_in_use(app, api, county):
    issued = api.ok("POST", "/api/v1/auth/token", json={"username": "fgj", "password": PASSWORD})
    mine = {"Authorization": f"Bearer {issued['token']}"}
    assert api.client.get("/api/v1/issues", headers=mine).status_code == 200
    out = api.client.post("/api/v1/auth/logout", headers=mine)
    assert out.status_code == 204
    gone = api.client.get("/api/v1/issues", headers=mine)
    assert gone.status_code == 401 and gone.get_json()["error"]["code"] == "not_authenticated"
    body = {"title": "登出后登记", "content": "不应保存", "channel": "hotline", "type": "help",
            "reporter": {"name": "王建国", "phone": "13812345678", "kind": "person"}}
    assert api.client.post("/api/v1/issues", headers=mine, json=body).status_code == 401
    assert api.ok("GET", "/api/v1/issues", "coordinator")["items"] == []
    assert api.client.post("/api/v1/auth/logout", headers=mine).status_code == 401
    assert api.client.post("/api/v1/auth/logout").status_code == 401
    assert api.get("/api/v1/issues", "fgj").status_code == 200      # his other token lives on


def test_a_console_session_is_no_bearer_token_and_a_bearer_token_no_console_session(app, api, county):
    console = Console(app, "fgj")
    with console.client.session_transaction() as cookie:
        session_token = cookie["_user_id"]
    assert api.client.get("/api/v1/issues", headers={"Authorization": f"Bearer {session_token}"}).status_code == 401
    forged = app.test_client()
    with forged.session_transaction() as cookie:
        cookie["_user_id"] = county.tokens["fgj"]
        cookie["ys_login_at"] = cookie["ys_seen_at"] = datetime.now(timezone.utc).timestamp()
    assert forged.get("/console/inbox").status_code == 302


def test_a_session_ends_on_the_server_at_its_maximum_age(app, county, clock):
    owner = Console(app, "fgj")
    thief = app.test_client()
    _copy_cookies(owner.client, thief)
    for _ in range(12 * 3):   # the thief keeps his copy busy, so idleness never ends it
        clock(minutes=20)
        thief.get("/console/inbox")
    assert thief.get("/console/inbox").status_code == 302


def test_disabling_a_user_ends_his_sessions_and_tokens_through_one_function(app, api, county, db):
    console = Console(app, "fgj")
    directory.set_user_active(db, county.users["admin"], county.user_id("fgj"), False)
    assert console.get("/console/inbox").status_code == 302
    assert api.get("/api/v1/issues", "fgj").status_code == 401
    kinds = {(t.kind, t.revoked) for t in db.exec(select(ApiToken).where(ApiToken.user_id == county.user_id("fgj")))}
    assert kinds == {("api", True), ("console", True)}
