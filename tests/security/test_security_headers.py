"""Security headers on every HTML page, a CSP without 'unsafe-inline', no caching of staff
pages and staff API answers, cookie flags, and templates without inline script or style."""
import re
from pathlib import Path

import pytest

from ..console import Console
from ..helpers import REPORTER

TEMPLATES = Path(__file__).parents[2] / "templates"
REQUIRED_DIRECTIVES = ("default-src 'self'", "style-src 'self'", "img-src 'self' data:",
                       "frame-ancestors 'none'", "form-action 'self'", "base-uri 'none'", "object-src 'none'")


def csp_of(resp) -> str:
    policy = resp.headers.get("Content-Security-Policy", "")
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy, policy
    for directive in REQUIRED_DIRECTIVES:
        assert directive in policy, (directive, policy)
    assert re.search(r"script-src 'self' 'nonce-[A-Za-z0-9_-]{20,}'", policy), policy
    assert resp.headers["X-Content-Type-Options"] == "nosniff"
    assert resp.headers["Referrer-Policy"] == "same-origin"
    assert "camera=()" in resp.headers["Permissions-Policy"]
    return policy


def test_a_staff_page_with_personal_data_is_never_stored(app, api):
    issue = api.create_issue()
    console = Console(app, "coordinator")
    resp = console.get(f"/console/issues/{issue['id']}")
    assert resp.status_code == 200 and REPORTER["phone"] in resp.get_data(as_text=True)
    assert resp.headers["Cache-Control"] == "no-store"
    csp_of(resp)
    # the same issue through the staff API
    staff_api = api.get(f"/api/v1/issues/{issue['id']}", "coordinator")
    assert staff_api.status_code == 200 and staff_api.headers["Cache-Control"] == "no-store"
    assert api.get("/api/v1/issues", "coordinator").headers["Cache-Control"] == "no-store"


def test_every_kind_of_page_carries_the_policy(app, client, county):
    pages = {"/": 200, "/figures": 200, "/track": 200, "/submit": 200, "/console/login": 200,
             "/api/docs": 200, "/issues/YS2026-999999": 404, "/console/no-such-page": 404}
    nonces = set()
    for path, status in pages.items():
        resp = client.get(path, headers={"Accept": "text/html"})
        assert resp.status_code == status, path
        assert resp.mimetype == "text/html", path
        nonces.add(re.search(r"'nonce-([^']+)'", csp_of(resp)).group(1))
    assert len(nonces) == len(pages)  # a new nonce for every response
    # public read pages stay cacheable, the login page does not
    assert client.get("/").headers.get("Cache-Control") != "no-store"
    assert client.get("/console/login").headers["Cache-Control"] == "no-store"
    assert client.get("/api/v1/public/issues").headers.get("Cache-Control") != "no-store"


def test_the_api_docs_page_runs_no_inline_script(client):
    page = client.get("/api/docs").get_data(as_text=True)
    for tag in re.findall(r"<script\b[^>]*>", page):
        assert "src=" in tag or 'type="application/json"' in tag, tag
    assert "/static/swagger-init.js" in page


def test_no_template_has_inline_script_or_style():
    found = []
    for path in TEMPLATES.rglob("*.html"):
        text = path.read_text(encoding="utf-8")
        for tag in re.findall(r"<script\b[^>]*>", text):
            if "src=" not in tag and 'type="application/json"' not in tag:
                found.append((path.name, tag))
        found += [(path.name, m) for m in re.findall(r"""\sstyle\s*=\s*["']""", text)]
        found += [(path.name, m) for m in re.findall(r"<style\b", text)]
        found += [(path.name, m) for m in re.findall(r"""\son[a-z]+\s*=\s*["']""", text)]
    assert found == []


def test_session_cookie_flags(app, county):
    from ..identity.test_console_auth import login
    client = app.test_client()
    resp = client.get("/console/login")
    cookie = resp.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert "Secure" not in cookie  # plain http here: a Secure cookie would never come back
    assert "Strict-Transport-Security" not in resp.headers
    assert login(client, "operator").status_code == 302


@pytest.fixture
def https_app(database_url):
    from ..conftest import make_test_app
    app = make_test_app(database_url, PREFERRED_URL_SCHEME="https")
    yield app
    app.extensions["ys"]["engine"].dispose()


def test_behind_tls_cookies_are_secure_and_hsts_is_sent(https_app):
    resp = https_app.test_client().get("/console/login", base_url="https://ys.example.gov.cn")
    assert "Secure" in resp.headers["Set-Cookie"]
    assert resp.headers["Strict-Transport-Security"].startswith("max-age=31536000")
