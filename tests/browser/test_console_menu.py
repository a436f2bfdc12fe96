"""Every role signs in through the form and follows each entry of its menu in the browser: each
opens a page of the console, and the menu is the one the permission table builds."""
from urllib.parse import urlparse

from flask import url_for

from web.console.ui import menu_for

from .conftest import login, screenshot


def test_every_menu_entry_opens_its_page_for_every_role(live_server, page, app, county):
    for username in ("operator", "coordinator", "supervisor", "fgj", "leader", "admin"):
        page.context.clear_cookies()
        login(page, live_server, username)
        # the bar's entries and the entries under its headings, in order
        links = page.locator("#nav .navbar-nav.me-auto a.nav-link:not(.dropdown-toggle), "
                             "#nav .navbar-nav.me-auto a.dropdown-item")
        offered = [(urlparse(links.nth(i).get_attribute("href")).path, links.nth(i).inner_text().strip())
                   for i in range(links.count())]
        with app.test_request_context():
            expected = [(url_for(endpoint), label) for endpoint, label in menu_for(county.users[username])]
        assert offered == expected, username
        screenshot(page, f"console-menu-{username}")
        for path, _ in offered:
            response = page.goto(f"{live_server}{path}")
            assert response.status == 200, (username, path)
