"""Console login: CSRF on every form, waiting after wrong passwords, sessions that end with a
password change."""
import re

from ..conftest import PASSWORD
from ..totp import second_step


def csrf_of(page: bytes) -> str:
    return re.search(rb'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1).decode()


def login(client, username, password=PASSWORD):
    token = csrf_of(client.get("/console/login").data)
    resp = client.post("/console/login", data={"username": username, "password": password,
                                               "csrf_token": token})
    return second_step(client, username, resp)  # the administrator's two-factor code


def test_each_role_lands_on_its_own_page(app, county):
    homes = {"operator": "/console/intake", "coordinator": "/console/meetings", "fgj": "/console/inbox",
             "supervisor": "/console/board", "leader": "/console/leader", "admin": "/console/admin/users"}
    for username, home in homes.items():
        client = app.test_client()
        assert login(client, username).status_code == 302
        resp = client.get("/console/")
        assert resp.status_code == 302 and resp.headers["Location"].endswith(home), username
        page = client.get(home)
        assert page.status_code == 200 and page.headers["Cache-Control"] == "no-store"


def test_a_form_without_its_csrf_token_is_refused(app, county):
    client = app.test_client()
    resp = client.post("/console/login", data={"username": "operator", "password": PASSWORD},
                       headers={"Accept": "text/html"})
    assert resp.status_code == 400 and "页面已过期" in resp.get_data(as_text=True)
    assert client.get("/console/").status_code == 302  # still not logged in


def test_wrong_passwords_make_this_client_wait(app, county):
    client = app.test_client()
    for _ in range(5):
        page = login(client, "operator", "wrong-password").get_data(as_text=True)
        assert "用户名或密码不正确" in page
    waiting = login(client, "operator")
    assert waiting.status_code == 429 and waiting.headers["Retry-After"] == "60"
    assert "错误次数过多，请1分钟后再试" in waiting.get_data(as_text=True)
    assert client.get("/console/").status_code == 302


def test_changing_the_password_ends_other_sessions(app, county):
    first, second = app.test_client(), app.test_client()
    login(first, "fgj")
    login(second, "fgj")
    token = csrf_of(first.get("/console/password").data)
    resp = first.post("/console/password", data={"current_password": PASSWORD, "new_password": "Xin-mima-2026",
                                                  "confirm": "Xin-mima-2026", "csrf_token": token})
    assert resp.status_code == 302
    assert first.get("/console/inbox").status_code == 200        # this session goes on
    assert second.get("/console/inbox").status_code == 302       # the other one has ended
    assert login(app.test_client(), "fgj", "Xin-mima-2026").status_code == 302


def test_logout_needs_a_post_with_token(app, county):
    client = app.test_client()
    login(client, "operator")
    assert client.get("/console/logout").status_code == 405
    token = csrf_of(client.get("/console/password").data)
    assert client.post("/console/logout", data={"csrf_token": token}).status_code == 302
    assert client.get("/console/intake").status_code == 302


def test_a_mistyped_address_gets_a_page_not_json(app, county):
    client = app.test_client()
    login(client, "operator")
    page = client.get("/console/issues/abc", headers={"Accept": "text/html"})
    assert page.status_code == 404 and "页面不存在" in page.get_data(as_text=True)
    assert "<html" in page.get_data(as_text=True)
    public = client.get("/no-such-page", headers={"Accept": "text/html"})
    assert public.status_code == 404 and "返回公示列表" in public.get_data(as_text=True)
    api = client.get("/api/v1/no-such", headers={"Accept": "text/html"})
    assert api.status_code == 404 and api.get_json()["error"]["code"] == "not_found"
