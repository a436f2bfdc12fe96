"""The login page in a real browser: every asset local, the role's home after login."""
from urllib.parse import urlparse

from .conftest import login, screenshot


def test_login_page_and_role_home(live_server, page, county):
    requested = []
    page.on("request", lambda req: requested.append(req.url))
    page.set_viewport_size({"width": 1366, "height": 768})
    page.goto(f"{live_server}/console/login")
    screenshot(page, "console-login")
    login(page, live_server, "fgj")
    assert page.url.endswith("/console/inbox")
    assert "fgj" in page.locator("nav").inner_text()
    assert {urlparse(u).hostname for u in requested if u.startswith("http")} == {"127.0.0.1"}
