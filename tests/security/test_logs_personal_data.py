"""Personal data never reaches a log line: a database error is logged without the statement's
values (the engine hides SQL parameters; what PostgreSQL quotes of the data, DETAIL and
CONTEXT lines, and literals written into a statement are masked), and the console SMS sender
logs one JSON line with the template, the issue code and the recipient masked, never the text."""
import json
from datetime import datetime, time, timedelta

import pytest
from sqlalchemy import text

from app import create_app
from scheduler import dispatch_outbox
from service.deadlines.calendar import LOCAL_TZ, local_date
from web.context import db
from web.logs import mask

from ..conftest import make_test_app
from ..helpers import REPORTER

# Runs on both databases: it covers code that branches on the dialect (tests/core/test_dialects.py).
pytestmark = pytest.mark.both_db

SECRETS = ["王建国", "欧阳娜娜", "秦岭绿源农业科技有限公司", "13812345678", "610102199001011234"]


def _lines(captured: str) -> list[dict]:
    return [json.loads(line) for line in captured.splitlines() if line.startswith("{")]


def test_a_database_error_is_logged_without_the_values_of_its_statement(database_url, capsys):
    app = make_test_app(database_url)
    assert app.extensions["ys"]["engine"].hide_parameters

    @app.get("/_database_error_for_logging_test")
    def failing_statement():
        # (the values on lines of their own: a traceback shows the source line that failed)
        values = {"name": "王建国", "org": "秦岭绿源农业科技有限公司", "phone": "13812345678",
                  "id_number": "610102199001011234"}
        not_a_number = {"bad": "欧阳娜娜"}
        not_a_value = {"bad": {"欧阳娜娜": 1}}
        if db().get_bind().dialect.name == "postgresql":
            # PostgreSQL quotes the value it could not read, and names the parameter (CONTEXT)
            db().execute(text("SELECT :name, :org, :phone, :id_number, CAST(:bad AS integer)"),
                         values | not_a_number)
        else:
            # the driver refuses a value it cannot bind; the others are in the statement's parameters
            db().execute(text("SELECT :name, :org, :phone, :id_number, :bad"), values | not_a_value)

    capsys.readouterr()
    resp = app.test_client().get("/_database_error_for_logging_test")
    assert resp.status_code == 500 and resp.get_json()["error"]["code"] == "internal"
    err = capsys.readouterr().err
    [error] = [e for e in _lines(err) if e["level"] == "ERROR"]
    assert error["message"] == "database error" and "Error" in error["exception"]
    assert "SQL parameters hidden" in error["exception"]
    leaks = [s for s in SECRETS if s in err]
    assert not leaks, (leaks, error["exception"][-1500:])
    app.extensions["ys"]["engine"].dispose()


def test_what_postgresql_quotes_of_the_data_is_masked():
    logged = mask(
        '(psycopg.errors.CheckViolation) new row for relation "issue" violates check constraint "ck"\n'
        "DETAIL:  Failing row contains (7, YS2026-000007, 王建国, 秦岭绿源农业科技有限公司, 13812345678).\n"
        '(psycopg.errors.InvalidTextRepresentation) invalid input syntax for type integer: "欧阳娜娜"\n'
        "CONTEXT:  unnamed portal parameter $1 = '...'\n"
        "LINE 1: SELECT * FROM issue WHERE title LIKE '%王建国%' AND nope = 1\n"
        "[SQL: SELECT * FROM issue WHERE title LIKE '%%王建国%%' AND nope = 1]\n"
        "[parameters: {'name': '欧阳娜娜', 'org': '秦岭绿源农业科技有限公司'}]\n"
        "(Background on this error at: https://sqlalche.me/e/21/f405)")
    for secret in SECRETS:
        assert secret not in logged, (secret, logged)
    assert 'violates check constraint "ck"' in logged and "DETAIL: ***" in logged
    assert "[SQL: SELECT * FROM issue WHERE title LIKE '***' AND nope = 1]" in logged
    assert "invalid input syntax for type integer" in logged


def test_the_console_sender_logs_one_masked_json_line_per_message_and_never_the_text(
        database_url, api, county, capsys):
    console = create_app({"DATABASE_URL": database_url, "TESTING": True, "SECRET_KEY": "test-secret",
                          "SMS_BACKEND": "console", "PUBLIC_BASE_URL": "https://ys.example.gov.cn"})
    issue = api.create_issue(title="王建国反映园区道路破损", reporter={**REPORTER, "phone": "13812345678"})
    api.ok("POST", f"/api/v1/issues/{issue['id']}/actions/assign", "coordinator", json=api.assign_body())
    tomorrow = datetime.combine(local_date(datetime.now(LOCAL_TZ)) + timedelta(days=1), time(10), LOCAL_TZ)
    capsys.readouterr()
    counts = dispatch_outbox(console, tomorrow)
    captured = capsys.readouterr()
    assert counts["sent"] >= 3, counts
    assert captured.out == ""
    sms = [e for e in _lines(captured.err) if e["logger"] == "ys.sms"]
    assert len(sms) == counts["sent"]
    assert all(e["level"] == "INFO" and issue["code"] in e["message"] for e in sms)
    assert any("138****5678" in e["message"] and "assigned_reporter" in e["message"] for e in sms)
    for secret in ("王建国", "13812345678", "园区道路破损", "https://ys.example.gov.cn"):
        assert secret not in captured.err, secret
    console.extensions["ys"]["engine"].dispose()
