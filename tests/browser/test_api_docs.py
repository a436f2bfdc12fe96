"""The browsable API docs render in a real browser with every asset served by us."""
from urllib.parse import urlparse

from .conftest import screenshot


def test_api_docs_render_from_local_assets_only(live_server, page):
    requested = []
    page.on("request", lambda req: requested.append(req.url))
    failed = []
    page.on("requestfailed", lambda req: failed.append(req.url))

    page.goto(f"{live_server}/api/docs")
    page.wait_for_selector(".opblock", timeout=15000)

    title = page.locator(".info .title").inner_text()
    assert "营商环境问题督办系统" in title
    paths = page.locator(".opblock-summary-path").all_inner_texts()
    assert any("/api/v1/issues/{issue_id}/actions/assign" in p for p in paths)
    assert any("/api/v1/public/track" in p for p in paths)
    screenshot(page, "api-docs")

    hosts = {urlparse(u).hostname for u in requested if u.startswith("http")}
    assert hosts == {"127.0.0.1"}, requested
    assert failed == []
