"""Passwords (OWASP ASVS 5.0 V6.2): at least 8 characters, no composition rules, and neither a
common or breached password (the list ships with the code: no internet on the intranet) nor
one built on the username. Everywhere a password is chosen: the command line, the admin API,
the console's user pages and one's own password change."""
import pytest

from service.identity.passwords import common_passwords, password_problem

from .conftest import PASSWORD
from .console import Console


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
