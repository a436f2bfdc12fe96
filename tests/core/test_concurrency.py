"""Races: concurrent creation gives distinct codes; concurrent steps on one issue, one winner."""
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest

from ..helpers import REPORTER, future, issue_in

# Runs on both databases: it covers code that branches on the dialect (tests/core/test_dialects.py).
pytestmark = pytest.mark.both_db


def _run_together(app, token_calls):
    """Run (token, method, path, json) calls from many threads released at the same moment."""
    barrier = threading.Barrier(len(token_calls))

    def one(call):
        token, method, path, body = call
        client = app.test_client()
        barrier.wait()
        resp = client.open(path, method=method, json=body,
                           headers={"Authorization": f"Bearer {token}"})
        return resp.status_code, resp.get_json()

    with ThreadPoolExecutor(max_workers=len(token_calls)) as pool:
        return list(pool.map(one, token_calls))


def test_fifty_concurrent_creations_get_fifty_distinct_codes(app, county, api):
    calls = [(county.tokens["operator" if i % 2 else "coordinator"], "POST", "/api/v1/issues",
              {"title": f"并发登记测试问题{i}", "content": "企业反映用电报装进度慢。",
               "channel": "hotline", "reporter": REPORTER})
             for i in range(50)]
    results = []
    for batch in (calls[:25], calls[25:]):  # 25 threads at a time, two waves
        results += _run_together(app, batch)
    assert [status for status, _ in results] == [201] * 50
    codes = {body["code"] for _, body in results}
    assert len(codes) == 50
    seqs = sorted(int(code.split("-")[1]) for code in codes)
    assert seqs == list(range(1, 51))  # no gaps either, since none failed
    listed = api.ok("GET", "/api/v1/issues?limit=200", "coordinator")["items"]
    assert len(listed) == 50


def test_concurrent_conflicting_steps_have_exactly_one_winner(app, county, api):
    issue = issue_in(api, "in_progress")
    path = f"/api/v1/issues/{issue['id']}/actions/"
    calls = [(county.tokens["fgj"], "POST", path + "reply", {"result": f"已办结{i}"}) for i in range(4)]
    calls += [(county.tokens["coordinator"], "POST", path + "suspend",
               {"reason": f"挂账{i}", "review_on": future(30)}) for i in range(4)]
    results = _run_together(app, calls)

    statuses = sorted(status for status, _ in results)
    assert statuses == [200] + [409] * 7, results
    for status, body in results:
        if status == 409:
            assert body["error"]["code"] in ("wrong_state", "stale_version")
    events = api.ok("GET", f"/api/v1/issues/{issue['id']}/events", "coordinator")["items"]
    assert [e["action"] for e in events][-2] == "accept"
    assert events[-1]["action"] in ("reply", "suspend")
    final = api.ok("GET", f"/api/v1/issues/{issue['id']}", "coordinator")
    assert final["version"] == issue["version"] + 1


def test_same_version_edits_one_wins(app, county, api):
    issue = api.create_issue()
    calls = [(county.tokens["operator"], "PATCH", f"/api/v1/issues/{issue['id']}",
              {"version": issue["version"], "title": f"标题修改{i}"}) for i in range(6)]
    results = _run_together(app, calls)
    assert sorted(s for s, _ in results) == [200] + [409] * 5
    winner = next(body for s, body in results if s == 200)
    final = api.ok("GET", f"/api/v1/issues/{issue['id']}", "coordinator")
    assert final["title"] == winner["title"] and final["version"] == issue["version"] + 1
