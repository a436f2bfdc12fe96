"""Login budgets that cannot be turned against a user (service/identity/login_throttle.py): wrong answers
make the client that gave them wait, for that username only, with growing delays; the owner on
another client logs in as ever; unknown usernames get the same answers; the console form, its
code step and the API token endpoint draw on one budget, shared by every worker."""
from datetime import datetime, timedelta, timezone

import pytest

from ..conftest import PASSWORD, make_test_app
from ..identity.test_console_auth import csrf_of
from ..totp import code, forget_used_code

# Runs on both databases: it covers code that branches on the dialect (tests/core/test_dialects.py).
pytestmark = pytest.mark.both_db

ATTACKER, OWNER = "203.0.113.66", "198.51.100.10"
START = datetime(2026, 11, 23, 1, 0, tzinfo=timezone.utc)


def client_at(app, address: str):
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    return client


def form_login(client, username: str, password: str):
    token = csrf_of(client.get("/console/login").data)
    return client.post("/console/login", data={"username": username, "password": password, "csrf_token": token})


def token_login(client, username: str, password: str, otp: str | None = None):
    body = {"username": username, "password": password} | ({"otp": otp} if otp else {})
    return client.post("/api/v1/auth/token", json=body)


def answer(resp) -> tuple[int, str]:
    """What the caller learns: the status and the message (console page or API envelope)."""
    if resp.is_json:
        return resp.status_code, resp.get_json()["error"]["message"]
    page = resp.get_data(as_text=True)
    return resp.status_code, page[page.find('class="invalid-feedback'):][:200]


@pytest.fixture
def clock(app):
    app.config["CONSOLE_NOW"] = START

    def move(**delta):
        app.config["CONSOLE_NOW"] = app.config["CONSOLE_NOW"] + timedelta(**delta)

    yield move
    app.config.pop("CONSOLE_NOW")


def test_five_wrong_passwords_for_admin_from_one_client_do_not_stop_admin_from_another(app, county):
    attacker = client_at(app, ATTACKER)
    for _ in range(5):
        assert token_login(attacker, "admin", "wrong-password").status_code == 401
    # the attacker's client now waits, even with the right password and code
    forget_used_code(app, "admin")
    waiting = token_login(attacker, "admin", PASSWORD, code(app))
    assert waiting.status_code == 429 and waiting.get_json()["error"]["code"] == "login_delayed"
    assert waiting.headers["Retry-After"] == "60"
    # the administrator, from his own client, with password and code: the console and the API
    owner = client_at(app, OWNER)
    step = form_login(owner, "admin", PASSWORD)
    assert step.headers["Location"].endswith("/console/login/verify")
    forget_used_code(app, "admin")
    verify_token = csrf_of(owner.get("/console/login/verify").data)
    assert owner.post("/console/login/verify", data={"code": code(app), "csrf_token": verify_token}).status_code == 302
    assert owner.get("/console/admin/users").status_code == 200
    forget_used_code(app, "admin")
    assert token_login(client_at(app, OWNER), "admin", PASSWORD, code(app)).status_code == 200


def test_unknown_and_existing_usernames_get_the_same_answers(app, county):
    def attempts(username: str, address: str) -> list[tuple[int, str]]:
        api, form = client_at(app, address), client_at(app, address)
        seen = [answer(token_login(api, username, f"guess-{i}")) for i in range(3)]
        seen += [answer(form_login(form, username, f"guess-{i}")) for i in range(3, 7)]
        return seen

    existing, unknown = attempts("fgj", "203.0.113.1"), attempts("no-such-user", "203.0.113.2")
    assert existing == unknown
    assert [status for status, _ in existing] == [401, 401, 401, 200, 200, 429, 429]
    assert "用户名或密码不正确" in existing[0][1] and "错误次数过多" in existing[-1][1]


def test_the_console_form_the_code_step_and_the_token_endpoint_share_one_budget(app, county):
    client = client_at(app, ATTACKER)
    assert form_login(client, "fgj", "wrong-1").status_code == 200
    assert token_login(client, "fgj", "wrong-2").status_code == 401
    assert form_login(client, "fgj", "wrong-3").status_code == 200
    assert token_login(client, "fgj", "wrong-4").status_code == 401
    assert form_login(client, "fgj", "wrong-5").status_code == 200
    assert token_login(client, "fgj", PASSWORD).status_code == 429
    assert form_login(client, "fgj", PASSWORD).status_code == 429
    # wrong two-factor codes on the console count with wrong passwords on the API
    admin = client_at(app, "203.0.113.77")
    for _ in range(3):
        assert token_login(admin, "admin", PASSWORD, "000000").status_code == 401
    assert form_login(admin, "admin", PASSWORD).headers["Location"].endswith("/console/login/verify")
    verify_token = csrf_of(admin.get("/console/login/verify").data)
    for _ in range(2):
        admin.post("/console/login/verify", data={"code": "000000", "csrf_token": verify_token})
    forget_used_code(app, "admin")
    assert token_login(admin, "admin", PASSWORD, code(app)).status_code == 429


def test_the_wait_grows_with_each_wrong_answer_and_a_right_one_ends_it(app, county, clock):
    client = client_at(app, ATTACKER)
    for _ in range(5):
        token_login(client, "fgj", "wrong")
    waits = []
    for _ in range(8):
        refused = token_login(client, "fgj", "wrong")
        assert refused.status_code == 429
        wait = int(refused.headers["Retry-After"])
        waits.append(wait)
        clock(seconds=wait)
        assert token_login(client, "fgj", "wrong").status_code == 401   # one more try, wrong again
    assert waits == [60, 120, 240, 480, 960, 1800, 1800, 1800]          # doubling, at most 30 minutes
    clock(minutes=30)
    assert token_login(client, "fgj", PASSWORD).status_code == 200
    assert token_login(client, "fgj", "wrong").status_code == 401       # the count starts again


def test_the_per_client_rate_is_one_budget_for_every_worker_and_every_login_route(database_url, county):
    """Two application instances on one database stand for two workers (or hosts)."""
    workers = [make_test_app(database_url, LOGIN_RATE_LIMIT="10 per minute") for _ in range(2)]
    try:
        clients = [client_at(w, ATTACKER) for w in workers]
        statuses = []
        for i in range(12):   # spread over both workers, both routes, eleven usernames
            client = clients[i % 2]
            user = f"user{i}"
            statuses.append((token_login(client, user, "x") if i % 3 else form_login(client, user, "x")).status_code)
        assert statuses[:10] == [200 if i % 3 == 0 else 401 for i in range(10)]
        assert statuses[10:] == [429, 429]
        refused = token_login(clients[0], "fgj", PASSWORD)
        assert refused.status_code == 429 and refused.get_json()["error"]["code"] == "too_many_requests"
        # another client is not touched
        assert token_login(client_at(workers[1], OWNER), "fgj", PASSWORD).status_code == 200
    finally:
        for w in workers:
            w.extensions["ys"]["engine"].dispose()


def test_no_account_is_locked_for_its_owner_whatever_the_attempts(app, county):
    """Scripted attempts from many clients across every account: each owner still logs in."""
    names = list(county.users)
    for n in range(40):
        attacker = client_at(app, f"203.0.113.{n % 8}")
        token_login(attacker, names[n % len(names)], f"guess-{n}")
    for name in names:
        owner = client_at(app, OWNER)
        forget_used_code(app, name)
        otp = code(app) if name == "admin" else None
        assert token_login(owner, name, PASSWORD, otp).status_code == 200, name
