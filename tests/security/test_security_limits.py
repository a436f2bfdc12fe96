"""The console's login form is rate-limited per client like the API's token endpoint (tested
in test_directory.py); tracking and public submission are in test_public.py and
test_public_site.py."""
from ..conftest import PASSWORD, make_test_app
from ..identity.test_console_auth import csrf_of


def test_the_console_login_form_is_rate_limited_per_client(database_url, county):
    app = make_test_app(database_url, LOGIN_RATE_LIMIT="3 per minute")
    try:
        client = app.test_client()
        token = csrf_of(client.get("/console/login").data)
        codes = [client.post("/console/login", data={"username": "fgj", "password": f"guess-{i}",
                                                      "csrf_token": token}).status_code for i in range(4)]
        assert codes == [200, 200, 200, 429]
        # even the right password waits now; the page says why
        resp = client.post("/console/login", data={"username": "fgj", "password": PASSWORD, "csrf_token": token})
        assert resp.status_code == 429 and "登录尝试过于频繁" in resp.get_data(as_text=True)
        assert client.get("/console/login").status_code == 200   # reading the form is not limited
        # the budget is per client address, not per browser session
        other = app.test_client()
        token = csrf_of(other.get("/console/login").data)
        assert other.post("/console/login", data={"username": "admin", "password": PASSWORD,
                                                  "csrf_token": token}).status_code == 429
    finally:
        app.extensions["ys"]["engine"].dispose()
