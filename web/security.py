"""Browser-facing protections (OWASP ASVS 5.0 V3): CSRF, security headers, a strict Content
Security Policy, cookie flags and `Cache-Control: no-store` on staff pages.

CSRF exempt: the bearer-token JSON API (a browser cannot be tricked into sending a bearer
token) and the signed provider webhooks.

The CSP allows no inline script or style at all: templates keep their JavaScript in static/*.js
and their styling in CSS classes, and pass data through data-* attributes or a
`<script type="application/json">` block (which is data, never run). A page that cannot do
without an inline script gives it `nonce="{{ csp_nonce() }}"`: the nonce is new for every
response.
"""
import secrets

from flask import Flask, current_app, g, render_template, request
from flask_wtf.csrf import CSRFError, CSRFProtect

from .errors import envelope

csrf = CSRFProtect()
TOKEN_PREFIXES = ("/api/", "/webhooks/", "/open311/")
# Staff paths whose answers may carry personal data: never kept by a browser or a proxy.
STAFF_PREFIXES = ("/console", "/api/v1/")
PUBLIC_API_PREFIXES = ("/api/v1/public/",)

PERMISSIONS_POLICY = ("camera=(), microphone=(), geolocation=(), payment=(), usb=(), "
                      "interest-cohort=()")


def csp_nonce() -> str:
    """This response's nonce for an inline <script> (made on first use)."""
    if "csp_nonce" not in g:
        g.csp_nonce = secrets.token_urlsafe(18)
    return g.csp_nonce


def content_security_policy(nonce: str) -> str:
    return "; ".join((
        "default-src 'self'",
        f"script-src 'self' 'nonce-{nonce}'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "frame-ancestors 'none'",
        "form-action 'self'",
        "base-uri 'none'",
        "object-src 'none'",
    ))


def _cookie_settings(app: Flask) -> None:
    """HttpOnly and SameSite=Lax always; Secure when the site is served over https
    (PREFERRED_URL_SCHEME=https) or COOKIE_SECURE says so (behind a TLS-terminating proxy)."""
    secure = app.config["COOKIE_SECURE"]
    if secure is None:
        secure = app.config["PREFERRED_URL_SCHEME"] == "https"
    app.config["HTTPS"] = secure
    app.config.update(SESSION_COOKIE_SECURE=secure, SESSION_COOKIE_HTTPONLY=True,
                      SESSION_COOKIE_SAMESITE="Lax", REMEMBER_COOKIE_SECURE=secure,
                      REMEMBER_COOKIE_HTTPONLY=True, REMEMBER_COOKIE_SAMESITE="Lax")


def _headers(response):
    headers = response.headers
    headers["Content-Security-Policy"] = content_security_policy(csp_nonce())
    headers["X-Content-Type-Options"] = "nosniff"
    headers["X-Frame-Options"] = "DENY"
    headers["Referrer-Policy"] = "same-origin"
    headers["Permissions-Policy"] = PERMISSIONS_POLICY
    headers["Cross-Origin-Opener-Policy"] = "same-origin"
    if request.is_secure or current_app.config["HTTPS"]:
        headers["Strict-Transport-Security"] = "max-age=31536000; includeSubDomains"
    path = request.path
    if path.startswith(STAFF_PREFIXES) and not path.startswith(PUBLIC_API_PREFIXES):
        headers["Cache-Control"] = "no-store"
    return response


def init_app(app: Flask) -> None:
    csrf.init_app(app)
    _cookie_settings(app)
    app.jinja_env.globals["csp_nonce"] = csp_nonce

    app.after_request(_headers)

    @app.errorhandler(CSRFError)
    def _csrf_failed(exc):
        message = "页面已过期或来源不明，请刷新页面后重新提交"
        if request.accept_mimetypes.accept_html:
            return render_template("console/error.html", title="提交未被接受", message=message), 400
        return envelope(400, "csrf_failed", message)


def exempt_token_routes(app: Flask) -> None:
    """Exempt every view served under the token-authenticated prefixes."""
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith(TOKEN_PREFIXES):
            csrf.exempt(app.view_functions[rule.endpoint])
