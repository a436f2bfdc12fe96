"""CSRF protection for everything that uses the session cookie.

Exempt: the bearer-token JSON API (a browser cannot be tricked into sending a bearer token)
and the signed provider webhooks.
"""
from flask import Flask, render_template, request
from flask_wtf.csrf import CSRFError, CSRFProtect

from .errors import envelope

csrf = CSRFProtect()
TOKEN_PREFIXES = ("/api/", "/webhooks/", "/open311/")


def init_app(app: Flask) -> None:
    csrf.init_app(app)

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
