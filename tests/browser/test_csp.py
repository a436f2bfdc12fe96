"""The strict Content Security Policy breaks nothing: the main console pages of every role,
the public site and the API docs load in Chromium without one CSP violation, and their
scripts still work (htmx, Bootstrap, Swagger UI)."""
from playwright.sync_api import expect

from .conftest import login, screenshot

CONSOLE_PAGES = {
    "operator": ["/console/intake"],
    "coordinator": ["/console/meetings", "/console/board", "/console/issues"],
    "fgj": ["/console/inbox"],
    "admin": ["/console/admin/users", "/console/admin/departments", "/console/admin/categories",
              "/console/admin/policies", "/console/admin/calendar", "/console/admin/templates",
              "/console/two-factor"],
}
PUBLIC_PAGES = ["/", "/figures", "/track", "/submit", "/issues/YS2026-999999", "/api/docs"]


def watch(page) -> list[str]:
    """Every CSP violation the page reports, from the console and from the DOM event."""
    violations = []
    page.on("console", lambda msg: violations.append(msg.text)
            if "Content Security Policy" in msg.text else None)
    page.expose_function("reportCspViolation", lambda text: violations.append(text))
    page.add_init_script("""document.addEventListener("securitypolicyviolation", function (e) {
        window.reportCspViolation(e.violatedDirective + " " + e.blockedURI + " " +
                                  (e.sourceFile || "") + ":" + e.lineNumber);
    });""")
    return violations


def visit(page, url: str) -> None:
    page.goto(url)
    page.wait_for_load_state("networkidle")


def test_public_pages_and_api_docs_load_without_csp_violations(live_server, page):
    violations = watch(page)
    for path in PUBLIC_PAGES:
        visit(page, f"{live_server}{path}")
    page.goto(f"{live_server}/api/docs")
    page.wait_for_selector(".opblock", timeout=15000)   # Swagger UI started from its own file
    page.locator(".opblock-summary").first.click()       # and reacts
    page.wait_for_timeout(300)
    screenshot(page, "csp-api-docs")
    assert violations == []


def test_console_pages_load_without_csp_violations(live_server, page, county, api):
    issue = api.create_issue()
    violations = watch(page)
    for username, paths in CONSOLE_PAGES.items():
        page.context.clear_cookies()
        login(page, live_server, username)
        for path in paths + [f"/console/issues/{issue['id']}"]:
            visit(page, f"{live_server}{path}")
    # htmx works without its injected <style>: the intake form's caller panel loads by htmx
    page.context.clear_cookies()
    login(page, live_server, "operator")
    visit(page, f"{live_server}/console/intake")
    page.fill("input[name=reporter_phone]", "13812345678")
    page.locator("input[name=reporter_phone]").dispatch_event("change")
    expect(page.locator("#caller")).to_contain_text("13812345678", timeout=5000)
    screenshot(page, "csp-intake")
    assert violations == []


def test_admin_enrols_in_the_browser(live_server, page, county, app):
    """An administrator without two-factor login is led to the enrolment page, sees the QR
    code (an inline SVG image, allowed by img-src data:) and completes it."""
    import re

    from sqlalchemy import update

    from models import User

    from ..totp import code
    with app.extensions["ys"]["engine"].begin() as conn:
        conn.execute(update(User).where(User.username == "admin").values(
            totp_secret=None, totp_enabled_at=None, totp_last_step=None))
    violations = watch(page)
    login(page, live_server, "admin")
    assert page.url.endswith("/console/two-factor")
    page.click("button:has-text('开始设置')")
    qr = page.locator("img.two-factor-qr")
    qr.wait_for()
    assert qr.evaluate("img => img.complete && img.naturalWidth > 0")
    screenshot(page, "two-factor-enrol")
    secret = page.locator("#totp-secret").inner_text()
    assert re.fullmatch(r"[A-Z2-7]{32}", secret)
    page.fill("form[action$='/two-factor/confirm'] input[name=code]", code(app, secret))
    page.click("button:has-text('确认开启')")
    page.wait_for_url(lambda url: "/console/admin/users" in url)
    assert "两步验证已开启" in page.content()
    assert violations == []
