"""Browser fixtures: the app served on 127.0.0.1 and Debian's Chromium driven by Playwright."""
import os
import threading
from urllib.parse import urlparse

import pytest
from playwright.sync_api import sync_playwright
from werkzeug.serving import make_server

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
SCREENSHOTS = os.environ.get("YS_SCREENSHOTS", "")
SERVED = {}  # base URL -> the app it serves


@pytest.fixture
def live_server(app):
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{server.server_port}"
    SERVED[url] = app  # for login(): the administrator's two-factor code
    yield url
    SERVED.pop(url, None)
    server.shutdown()
    server.server_close()
    thread.join(timeout=5)


@pytest.fixture(scope="session")
def browser():
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=[
            "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
            "--disable-component-update", "--disable-sync"])
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    yield page
    context.close()


def screenshot(page, name: str) -> None:
    """Keep a screenshot when YS_SCREENSHOTS names a folder, for a person to look at."""
    if SCREENSHOTS:
        os.makedirs(SCREENSHOTS, exist_ok=True)
        page.screenshot(path=os.path.join(SCREENSHOTS, f"{name}.png"), full_page=False)


def login(page, base_url: str, username: str, password: str | None = None) -> None:
    """Log in through the console's login form, as a person would."""
    from ..conftest import PASSWORD
    page.goto(f"{base_url}/console/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password or PASSWORD)
    page.click("button:has-text('登录')")
    page.wait_for_url(lambda url: urlparse(url).path != "/console/login")
    if "/console/login/verify" in page.url:  # two-factor login: the code the user's app shows
        from ..totp import code, forget_used_code
        app = SERVED[base_url]
        forget_used_code(app, username)
        page.fill("input[name=code]", code(app))
        page.click("button:has-text('验证并登录')")
        page.wait_for_url(lambda url: "/console/login" not in url)


def menu_link(page, label: str):
    """The console menu's entry `label`, as a person reaches it: opening the heading it sits
    under first, when it is under one (a phone's menu button too)."""
    toggler = page.locator(".navbar-toggler")
    if toggler.is_visible() and toggler.get_attribute("aria-expanded") != "true":
        toggler.click()
        page.locator("#nav.show").wait_for()
    link = page.locator("#nav").get_by_role("link", name=label, exact=True)
    if not link.is_visible():
        entry = page.locator(f"a.dropdown-item:text-is('{label}')")   # hidden until its heading opens
        heading = page.locator("#nav li.dropdown").filter(has=entry).locator(".dropdown-toggle")
        heading.click()
        link.wait_for()
    return link
