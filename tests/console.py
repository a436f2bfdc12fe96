"""A logged-in console client for page tests: forms are posted with the session's CSRF token."""
import re

from .identity.test_console_auth import login


class Console:
    def __init__(self, app, username: str, password: str | None = None):
        self.client = app.test_client()
        resp = login(self.client, username, password) if password else login(self.client, username)
        assert resp.status_code == 302, username
        self._token = None

    def get(self, path: str, **kw):
        return self.client.get(path, **kw)

    def token(self) -> str:
        if self._token is None:
            page = self.client.get("/console/password").get_data(as_text=True)
            self._token = re.search(r'name="csrf-token" content="([^"]+)"', page).group(1)
        return self._token

    def post(self, path: str, data: dict | None = None, csrf: bool = True, **kw):
        data = dict(data or {})
        if csrf:
            data["csrf_token"] = self.token()
        return self.client.post(path, data=data, headers={"Accept": "text/html"}, **kw)

    def text(self, path: str) -> str:
        resp = self.get(path)
        assert resp.status_code == 200, (path, resp.status_code)
        return resp.get_data(as_text=True)
