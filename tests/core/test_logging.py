"""Structured logs: one JSON object a line, a request id per request, nothing personal or secret."""
import json
import logging

import pytest

from web.logs import mask

from ..conftest import make_test_app
from ..helpers import REPORTER


def _lines(captured: str) -> list[dict]:
    return [json.loads(line) for line in captured.splitlines() if line.startswith("{")]


def _access(lines: list[dict], path: str) -> dict:
    return next(e for e in lines if e["logger"] == "ys.access" and e["path"] == path)


def test_each_request_is_one_json_line_with_its_id_echoed(client, app, capsys):
    capsys.readouterr()
    resp = client.get("/healthz?phone=13812345678", headers={"X-Request-ID": "edge-7f3a9c2e-0001"})
    assert resp.headers["X-Request-ID"] == "edge-7f3a9c2e-0001"
    err = capsys.readouterr().err
    entry = _access(_lines(err), "/healthz")
    assert entry["request_id"] == "edge-7f3a9c2e-0001"
    assert entry["method"] == "GET" and entry["status"] == 200 and entry["level"] == "INFO"
    assert isinstance(entry["duration_ms"], float) and entry["time"].endswith("+08:00")
    assert "13812345678" not in err and "phone" not in entry["path"]  # no query string


@pytest.mark.parametrize("given", ["", "short", "bad id with spaces", "x" * 300, "<script>alert(1)</script>"])
def test_a_malformed_request_id_is_replaced_by_a_new_one(client, given, capsys):
    resp = client.get("/healthz", headers={"X-Request-ID": given} if given else {})
    new = resp.headers["X-Request-ID"]
    assert new != given and len(new) == 32 and new.isalnum()
    assert _access(_lines(capsys.readouterr().err), "/healthz")["request_id"] == new


def test_two_requests_get_different_ids(client):
    assert client.get("/healthz").headers["X-Request-ID"] != client.get("/healthz").headers["X-Request-ID"]


def test_a_new_request_id_is_logged_as_the_caller_gets_it(client, capsys, monkeypatch):
    """A random id whose digits read as a landline (0432-4367554) would be masked in the log;
    such an id is never handed out."""
    import uuid

    import web.logs
    drawn = iter([uuid.UUID("cc043243675540b06a92e277a56593f8"), uuid.UUID("ab12cd34ef56ab78cd90ef12ab34cd56")])
    monkeypatch.setattr(web.logs.uuid, "uuid4", lambda: next(drawn))
    capsys.readouterr()
    resp = client.get("/healthz")
    assert resp.headers["X-Request-ID"] == "ab12cd34ef56ab78cd90ef12ab34cd56"
    assert _access(_lines(capsys.readouterr().err), "/healthz")["request_id"] == "ab12cd34ef56ab78cd90ef12ab34cd56"


def test_the_logged_in_user_is_named_by_id(api, county, capsys):
    capsys.readouterr()
    api.ok("GET", "/api/v1/issues", "coordinator")
    entry = _access(_lines(capsys.readouterr().err), "/api/v1/issues")
    assert entry["user_id"] == county.user_id("coordinator") and entry["status"] == 200


def test_a_signed_link_is_not_written_to_the_access_log(client, capsys):
    capsys.readouterr()
    client.get("/rate/IjJRMTVzWkVnaVJQVUlIZXIi.3a9WE_BfnxYMt4wohVl4T7YqkrE")
    err = capsys.readouterr().err
    entry = _access(_lines(err), "/rate/***")
    assert entry["status"] == 404 and "IjJRMTVz" not in err


def test_creating_an_issue_logs_no_phone_token_or_name(api, county, capsys):
    capsys.readouterr()
    api.create_issue()
    api.post("/api/v1/auth/token", json={"username": "coordinator", "password": "wrong-password"})
    err = capsys.readouterr().err
    assert _access(_lines(err), "/api/v1/issues")["status"] == 201
    assert REPORTER["phone"] not in err and county.tokens["operator"] not in err
    assert "wrong-password" not in err


def test_an_exception_is_logged_masked_with_its_request_id(database_url, capsys):
    app = make_test_app(database_url)

    @app.get("/_boom_for_logging_test")
    def boom():
        raise RuntimeError("提交失败 phone=13912345678 Authorization: Bearer abc.def-123 password=hunter2")

    capsys.readouterr()
    resp = app.test_client().get("/_boom_for_logging_test", headers={"X-Request-ID": "req-boom-000001"})
    assert resp.status_code == 500 and resp.get_json()["error"]["code"] == "internal"
    err = capsys.readouterr().err
    [error] = [e for e in _lines(err) if e["level"] == "ERROR"]
    assert error["request_id"] == "req-boom-000001" and "RuntimeError" in error["exception"]
    assert "139****5678" in error["exception"]
    for secret in ("13912345678", "abc.def-123", "hunter2"):
        assert secret not in err
    app.extensions["ys"]["engine"].dispose()


def test_any_logger_outside_a_request_is_masked_too(app, capsys):
    capsys.readouterr()
    logging.getLogger("scheduler").warning("短信发往 %s 失败 token=%s", "13712345678", "s3cr3t-token")
    [entry] = _lines(capsys.readouterr().err)
    assert entry["logger"] == "scheduler" and entry["level"] == "WARNING"
    assert entry["message"] == "短信发往 137****5678 失败 token=***"
    assert "request_id" not in entry


@pytest.mark.parametrize("raw, masked", [
    ("call 13812345678 now", "call 138****5678 now"),
    ("GET /track?code=YS1&phone=13812345678&x=1", "GET /track?code=YS1&phone=***&x=1"),
    ("/open311/v2/requests.json?api_key=abc123", "/open311/v2/requests.json?api_key=***"),
    ('{"password": "Demo-2026", "username": "admin"}', '{"password": "***", "username": "admin"}'),
    ("Authorization: Bearer eyJabc.def", "Authorization: Bearer ***"),
    ("order 201812345678901 is not a phone", "order 201812345678901 is not a phone"),
    # a reporter may give a landline: the log masks it as the public pages do
    ("landline 0915-3212001 masked", "landline 0915-****2001 masked"),
    ("mobile +86 139 1234 5678 and ＩＤ 610102 19900101 1234", "mobile +86 139****5678 and ＩＤ 61*************234"),
    ("mail zhang.san@example.com", "mail z***@***.com"),
    # the signed links sent by SMS open a reporter's or an enterprise's page: they are keys
    ("GET /rate/IjJRMTVzWkVnaVJQ.3a9WE_BfnxYMt4 200", "GET /rate/*** 200"),
    ("POST /plan/Ik1hZ2lj.Zm9v-bar 303", "POST /plan/*** 303"),
])
def test_mask(raw, masked):
    assert mask(raw) == masked


def test_readable_lines_are_stamped_in_the_countys_time_like_the_scheduler():
    """`make run` prints text lines; their time carries the same zone as the JSON lines and the
    scheduler's “next run at” (the county's, +08:00), not the machine's."""
    from web.logs import TextFormatter
    record = logging.LogRecord("scheduler", logging.INFO, __file__, 1, "提醒调度已启动", None, None)
    record.created = 1796400000.0  # 2026-12-04 16:00 UTC
    line = TextFormatter("%(asctime)s %(levelname)s %(name)s %(message)s").format(record)
    assert line == "2026-12-05T00:00:00.000+08:00 INFO scheduler 提醒调度已启动"
