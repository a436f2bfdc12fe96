"""Settings a deployment relies on: behind a reverse proxy, each client keeps its own budget."""
import pytest

from ..conftest import make_test_app


@pytest.mark.parametrize("hops, separate", [(1, True), (0, False)])
def test_behind_a_proxy_rate_limits_count_per_client(database_url, hops, separate):
    app = make_test_app(database_url, PROXY_COUNT=hops, TRACK_RATE_LIMIT="2 per minute")
    client = app.test_client()

    def track(addr: str) -> int:
        return client.post("/api/v1/public/track", json={"code": "YS2026-000001", "phone_last4": "1234"},
                           headers={"X-Forwarded-For": addr}).status_code

    assert [track("198.51.100.1") for _ in range(3)][-1] == 429
    # with PROXY_COUNT=1 another client behind the same proxy has its own budget; without it
    # every client looks like the proxy and shares one
    assert (track("198.51.100.2") != 429) is separate
    app.extensions["ys"]["engine"].dispose()
