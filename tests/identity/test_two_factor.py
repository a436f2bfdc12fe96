"""Two-factor login (TOTP): enrolment, the second login step, replay, lock-out, enforcement for
administrators, resets, and the API token endpoint."""
import re
from datetime import datetime, timedelta, timezone

import pyotp
from sqlalchemy import update

from models import User

from ..conftest import ADMIN_TOTP_SECRET, PASSWORD
from ..identity.test_console_auth import csrf_of
from ..totp import code, forget_used_code


def password_step(client, username, password=PASSWORD):
    token = csrf_of(client.get("/console/login").data)
    return client.post("/console/login", data={"username": username, "password": password, "csrf_token": token})


def code_step(client, value):
    token = csrf_of(client.get("/console/login/verify").data)
    return client.post("/console/login/verify", data={"code": value, "csrf_token": token})


def meta_token(client, path="/console/two-factor") -> str:
    page = client.get(path).data
    return re.search(rb'<meta name="csrf-token" content="([^"]+)"', page).group(1).decode()


def without_two_factor(app, username):
    with app.extensions["ys"]["engine"].begin() as conn:
        conn.execute(update(User).where(User.username == username).values(
            totp_secret=None, totp_enabled_at=None, totp_last_step=None))


def enrol(client, app) -> str:
    """Walk the enrolment page as a person would; answers the secret shown."""
    token = meta_token(client)
    assert client.post("/console/two-factor/start", data={"csrf_token": token}).status_code == 302
    page = client.get("/console/two-factor").get_data(as_text=True)
    assert 'src="data:image/svg+xml' in page  # the QR code, drawn by us
    secret = re.search(r'id="totp-secret">([A-Z2-7]+)<', page).group(1)
    resp = client.post("/console/two-factor/confirm", data={"code": code(app, secret), "csrf_token": token})
    assert resp.status_code == 302 and resp.headers["Location"].endswith("/console/")
    return secret


def test_an_admin_without_two_factor_can_do_nothing_but_enrol(app, county):
    without_two_factor(app, "admin")
    client = app.test_client()
    resp = password_step(client, "admin")
    assert resp.status_code == 302 and resp.headers["Location"].endswith("/console/two-factor")
    for path in ("/console/", "/console/admin/users", "/console/issues", "/console/password"):
        blocked = client.get(path)
        assert blocked.status_code == 302 and blocked.headers["Location"].endswith("/console/two-factor"), path
    page = client.get("/console/two-factor").get_data(as_text=True)
    assert "系统管理员必须开启两步验证" in page
    token = meta_token(client)
    client.post("/console/two-factor/start", data={"csrf_token": token})
    wrong = client.post("/console/two-factor/confirm", data={"code": "000000", "csrf_token": token},
                        follow_redirects=True)
    assert "验证码不正确" in wrong.get_data(as_text=True)
    assert client.get("/console/admin/users").status_code == 302  # still not enrolled
    secret = enrol(client, app)
    assert client.get("/console/admin/users").status_code == 200
    # from now on the password alone is not enough
    fresh = app.test_client()
    resp = password_step(fresh, "admin")
    assert resp.headers["Location"].endswith("/console/login/verify")
    assert fresh.get("/console/admin/users").status_code == 302
    forget_used_code(app, "admin")
    assert code_step(fresh, code(app, secret)).status_code == 302
    assert fresh.get("/console/admin/users").status_code == 200


def test_the_same_code_is_refused_a_second_time(app, county):
    first, second = app.test_client(), app.test_client()
    value = code(app)
    password_step(first, "admin")
    assert code_step(first, value).status_code == 302
    assert first.get("/console/admin/users").status_code == 200
    password_step(second, "admin")
    replay = code_step(second, value)
    assert replay.status_code == 200 and "验证码不正确或已使用过" in replay.get_data(as_text=True)
    assert second.get("/console/admin/users").status_code == 302


def test_old_and_malformed_codes_are_refused(app, county):
    client = app.test_client()
    password_step(client, "admin")
    stale = pyotp.TOTP(ADMIN_TOTP_SECRET).at(datetime.now(timezone.utc) - timedelta(minutes=3))
    for value in (stale, "12345", "abcdef", "1234567"):
        page = code_step(client, value).get_data(as_text=True)
        assert "验证码不正确" in page, value
    assert client.get("/console/admin/users").status_code == 302


def test_wrong_codes_count_toward_the_wait_of_that_client_only(app, county):
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = "203.0.113.5"
    password_step(client, "admin")
    for _ in range(4):
        code_step(client, "000000")
    # a right password does not reset the count of a two-factor user: only a right code does
    password_step(client, "admin")
    assert "验证码不正确" in code_step(client, "000000").get_data(as_text=True)  # the fifth in a row
    waiting = password_step(client, "admin")
    assert waiting.status_code == 429 and "错误次数过多" in waiting.get_data(as_text=True)
    # the administrator, at his own desk, logs in as ever
    own = app.test_client()
    own.environ_base["REMOTE_ADDR"] = "198.51.100.20"
    assert password_step(own, "admin").headers["Location"].endswith("/console/login/verify")
    forget_used_code(app, "admin")
    assert code_step(own, code(app)).status_code == 302
    assert own.get("/console/admin/users").status_code == 200


def test_the_code_step_must_follow_the_password_soon(app, county):
    start = datetime(2026, 11, 23, 9, 0, tzinfo=timezone.utc)
    app.config["CONSOLE_NOW"] = start
    try:
        client = app.test_client()
        password_step(client, "admin")
        token = csrf_of(client.get("/console/login/verify").data)
        app.config["CONSOLE_NOW"] = start + timedelta(minutes=6)
        resp = client.post("/console/login/verify", data={"code": code(app), "csrf_token": token})
        assert resp.status_code == 302 and resp.headers["Location"].endswith("/console/login")
        assert client.get("/console/admin/users").status_code == 302
    finally:
        app.config.pop("CONSOLE_NOW")


def test_two_factor_is_optional_for_other_staff(app, county):
    client = app.test_client()
    assert password_step(client, "operator").headers["Location"].endswith("/console/")
    secret = enrol(client, app)
    fresh = app.test_client()
    assert password_step(fresh, "operator").headers["Location"].endswith("/console/login/verify")
    forget_used_code(app, "operator")
    assert code_step(fresh, code(app, secret)).status_code == 302
    # the user turns it off again, proving it with a current code
    forget_used_code(app, "operator")
    token = meta_token(fresh)
    assert fresh.post("/console/two-factor/disable", data={"code": "000000", "csrf_token": token}).status_code == 302
    assert password_step(app.test_client(), "operator").headers["Location"].endswith("/console/login/verify")
    fresh.post("/console/two-factor/disable", data={"code": code(app, secret), "csrf_token": token})
    assert password_step(app.test_client(), "operator").headers["Location"].endswith("/console/")


def test_an_admin_cannot_turn_his_own_two_factor_off(app, county):
    client = app.test_client()
    password_step(client, "admin")
    code_step(client, code(app))
    token = meta_token(client)
    forget_used_code(app, "admin")
    resp = client.post("/console/two-factor/disable", data={"code": code(app), "csrf_token": token},
                       follow_redirects=True)
    assert "管理员必须使用两步验证" in resp.get_data(as_text=True)
    assert password_step(app.test_client(), "admin").headers["Location"].endswith("/console/login/verify")


def test_an_admin_resets_a_lost_phone(app, county):
    user = app.test_client()
    password_step(user, "fgj")
    enrol(user, app)
    assert user.get("/console/inbox").status_code == 200
    admin = app.test_client()
    password_step(admin, "admin")
    code_step(admin, code(app))
    users = admin.get("/console/admin/users").get_data(as_text=True)
    reset_path = f"/console/admin/users/{county.user_id('fgj')}/two-factor/reset"
    assert reset_path in users
    token = meta_token(admin, "/console/admin/users")
    resp = admin.post(reset_path, data={"csrf_token": token}, follow_redirects=True)
    assert "已重置 fgj 的两步验证" in resp.get_data(as_text=True)
    assert user.get("/console/inbox").status_code == 302          # his session has ended
    assert password_step(app.test_client(), "fgj").headers["Location"].endswith("/console/")
    # nobody but an administrator may reset
    other = app.test_client()
    password_step(other, "coordinator")
    token = meta_token(other, "/console/password")
    assert other.post(f"/console/admin/users/{county.user_id('admin')}/two-factor/reset",
                      data={"csrf_token": token}).status_code == 403


def test_the_command_line_resets_two_factor(app, county):
    runner = app.test_cli_runner()
    out = runner.invoke(args=["reset-2fa", "admin"])
    assert out.exit_code == 0 and "已重置 admin 的两步验证" in out.output
    assert password_step(app.test_client(), "admin").headers["Location"].endswith("/console/two-factor")
    missing = runner.invoke(args=["reset-2fa", "nobody"])
    assert missing.exit_code != 0 and "nobody" in missing.output


def test_the_api_token_needs_the_code_of_a_two_factor_user(api, app):
    url = "/api/v1/auth/token"
    missing = api.post(url, json={"username": "admin", "password": PASSWORD})
    assert missing.status_code == 401
    error = missing.get_json()["error"]
    assert error["code"] == "otp_required" and "otp" in error["fields"] and "otp" in error["message"]
    wrong = api.post(url, json={"username": "admin", "password": PASSWORD, "otp": "000000"})
    assert wrong.status_code == 401 and wrong.get_json()["error"]["code"] == "otp_invalid"
    value = code(app)
    good = api.post(url, json={"username": "admin", "password": PASSWORD, "otp": value})
    assert good.status_code == 200 and good.get_json()["token"]
    replay = api.post(url, json={"username": "admin", "password": PASSWORD, "otp": value})
    assert replay.status_code == 401 and replay.get_json()["error"]["code"] == "otp_invalid"
    bad_type = api.post(url, json={"username": "admin", "password": PASSWORD, "otp": 123456})
    assert bad_type.status_code == 422 and "otp" in bad_type.get_json()["error"]["fields"]
    # the wrong password is still just a wrong password, whatever the code
    assert api.post(url, json={"username": "admin", "password": "nope-nope", "otp": code(app)}).status_code == 401
    # users without two-factor login need no code
    assert api.post(url, json={"username": "fgj", "password": PASSWORD}).status_code == 200


def test_an_admin_without_two_factor_gets_no_api_token(api, app):
    without_two_factor(app, "admin")
    resp = api.post("/api/v1/auth/token", json={"username": "admin", "password": PASSWORD})
    assert resp.status_code == 403
    assert resp.get_json()["error"]["code"] == "two_factor_setup_required"
