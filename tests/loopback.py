"""The guard of the tests that drive a real SDK against a local fake: every HTTP request the SDK
makes goes to 127.0.0.1, or the test fails before it leaves the machine."""
from urllib.parse import urlsplit

from requests.adapters import HTTPAdapter

PROXY_ENV = ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy")


def loopback_only(monkeypatch, unset=()):
    """A fixture's body: clears proxies (and `unset`), yields the list of URLs requested."""
    for key in (*unset, *PROXY_ENV):
        monkeypatch.delenv(key, raising=False)
    urls: list[str] = []
    real_send = HTTPAdapter.send

    def send(adapter, request, *args, **kwargs):
        urls.append(request.url)
        assert urlsplit(request.url).hostname == "127.0.0.1", f"request would leave the machine: {request.url}"
        return real_send(adapter, request, *args, **kwargs)

    monkeypatch.setattr(HTTPAdapter, "send", send)
    yield urls
    assert all(urlsplit(u).hostname == "127.0.0.1" for u in urls)
