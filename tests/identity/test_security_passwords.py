"""Passwords (OWASP ASVS 5.0 V6.2): at least 8 characters, no composition rules, and neither a
common or breached password (the list ships with the code: no internet on the intranet) nor
one built on the username. Everywhere a password is chosen: the command line, the admin API,
the console's user pages and one's own password change."""
import pytest
from werkzeug.security import generate_password_hash

from app import RefusedToStart, create_app
from models import User
from service.identity.passwords import (
    METHODS,
    check_password,
    common_passwords,
    hash_password,
    password_problem,
    use_hash,
)

from ..conftest import PASSWORD
from ..console import Console
from ..identity.test_console_auth import login


@pytest.mark.parametrize("password, problem", [
    ("short7!", "至少 8 位"),
    ("password1", "常见或已泄露"),
    ("Password123", "常见或已泄露"),       # case does not help
    ("qwertyuiop", "常见或已泄露"),
    ("woaini1314", "常见或已泄露"),
    ("iloveyou!!", "常见或已泄露"),        # nor trailing digits and marks on a listed one
    ("zhangwei-2026", "用户名"),
    ("aaaaaaaaaaaa", "同一个字符"),
    ("x" * 257, "最多 256 位"),
])
def test_weak_passwords_are_refused_with_the_reason(password, problem):
    assert problem in password_problem(password, "zhangwei")


@pytest.mark.parametrize("password", ["Demo-2026", PASSWORD, "Xin-mima-2026", "秦岭脚下的营商办",
                                      "correct horse battery"])
def test_ordinary_passwords_pass_without_composition_rules(password):
    assert password_problem(password, "zhangwei") is None


def test_the_shipped_list_is_large_and_offline():
    assert len(common_passwords()) > 19000 and "123456" in common_passwords()


def test_the_command_line_refuses_a_breached_password(app, county):
    runner = app.test_cli_runner()
    out = runner.invoke(args=["create-user", "dept_x", "--role", "operator", "--password", "password123"])
    assert out.exit_code != 0 and "常见或已泄露" in out.output and "password" in out.output
    out = runner.invoke(args=["create-user", "dept_x", "--role", "operator", "--password", "dept_x-2026!"])
    assert out.exit_code != 0 and "不能包含用户名" in out.output


def test_the_admin_api_names_the_field(api, county):
    resp = api.post("/api/v1/users", "admin", json={"username": "wangli", "role": "operator",
                                                    "password": "1qaz2wsx3edc"})
    assert resp.status_code == 422
    error = resp.get_json()["error"]
    assert error["fields"] == {"password": "这是常见或已泄露的密码，容易被猜中，请换一个"}


def test_the_console_refuses_weak_new_passwords(app, county):
    admin = Console(app, "admin")
    resp = admin.post("/console/admin/users", {"username": "wangli", "display_name": "王丽", "role": "operator",
                                               "password": "qwerty123"})
    assert resp.status_code == 422 and "常见或已泄露" in resp.get_data(as_text=True)
    reset = admin.post(f"/console/admin/users/{county.user_id('fgj')}/password", {"password": "fgj-fgj-fgj"})
    assert reset.status_code == 422 and "不能包含用户名" in reset.get_data(as_text=True)
    own = Console(app, "operator")
    resp = own.post("/console/password", {"current_password": PASSWORD, "new_password": "baseball1",
                                          "confirm": "baseball1"})
    assert resp.status_code == 200 and "常见或已泄露" in resp.get_data(as_text=True)


# The rest of the suite keeps passwords with PASSWORD_HASH=fast (conftest.py); these check the
# method production uses.

@pytest.fixture
def production_hash(monkeypatch, database_url):
    """An app as production builds it: PASSWORD_HASH unset, so scrypt at N=2^15."""
    monkeypatch.delenv("PASSWORD_HASH")
    app = create_app({"DATABASE_URL": database_url, "TESTING": True, "SECRET_KEY": "test-secret"})
    yield app
    use_hash("fast")


def test_production_keeps_passwords_with_full_strength_scrypt(production_hash):
    assert production_hash.config["PASSWORD_HASH"] == "scrypt"
    stored = hash_password(PASSWORD)
    assert stored.startswith("scrypt:32768:8:1$")
    assert check_password(stored, PASSWORD) and not check_password(stored, PASSWORD + "x")


def test_a_password_set_in_production_logs_in_to_the_console(production_hash, app, county, db):
    user = db.get(User, county.user_id("operator"))
    user.password_hash = hash_password("Qinling-shan-2026")
    db.commit()
    assert user.password_hash.startswith("scrypt:32768:")
    assert login(app.test_client(), "operator", "Qinling-shan-2026").status_code == 302
    refused = login(app.test_client(), "operator", "Qinling-shan-2027")
    assert refused.status_code != 302


def test_a_wrong_setting_refuses_to_start(database_url):
    with pytest.raises(RefusedToStart, match="PASSWORD_HASH"):
        create_app({"DATABASE_URL": database_url, "SECRET_KEY": "k", "PASSWORD_HASH": "md5"})


def test_the_suite_checks_cheap_hashes_and_both_kinds_check_whichever_is_set(production_hash):
    fast = generate_password_hash(PASSWORD, method=METHODS["fast"])
    assert fast.startswith("scrypt:256:8:1$")
    assert check_password(fast, PASSWORD)  # a stored hash names its own parameters
