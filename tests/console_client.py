"""Helpers for console tests: a logged-in test client, the page's CSRF token, the page's text."""
import re

from .identity.test_console_auth import login


def logged_in(app, username: str):
    client = app.test_client()
    assert login(client, username).status_code == 302
    return client


def csrf(page: bytes) -> str:
    """The token of the page's <meta name="csrf-token">, which every console form also carries."""
    return re.search(rb'<meta name="csrf-token" content="([^"]+)"', page).group(1).decode()


def text(resp) -> str:
    return resp.get_data(as_text=True)
