"""The console's error page: its 返回 link works under the strict CSP (no javascript: address)."""
from urllib.parse import urlparse

from .conftest import login
from .test_csp import visit, watch


def test_the_error_page_s_back_link_goes_back_without_a_csp_violation(live_server, page, county):
    violations = watch(page)
    login(page, live_server, "fgj")
    visit(page, f"{live_server}/console/inbox")
    visit(page, f"{live_server}/console/issues/999999")
    assert "没有找到" in page.content()
    page.click("a:has-text('返回')")
    page.wait_for_url(lambda url: urlparse(url).path == "/console/inbox")
    assert violations == []
