"""Input limits at the edge (web/limits.py, service/core/text_rules.py): what a person or a program
sees when a request carries what no field may take. The corpus over every write endpoint is
tests/security/test_malformed_input.py; these are the answers themselves."""
import io
import json
import logging

import pytest
from sqlalchemy import func, select

from faults.malformed_input import bad_files, ledger_file
from models import Issue

from ..console import Console
from ..core.test_errors import error_of as error_of_json
from ..helpers import issue_in

# Runs on both databases: integers, NUL bytes and long text meet each engine's own limits.
pytestmark = pytest.mark.both_db

CREATE = {"title": "园区道路破损", "content": "货车绕行，请协调修复。", "channel": "hotline"}


def issue_count(db) -> int:
    db.rollback()  # a new transaction sees what the requests committed
    return db.execute(select(func.count()).select_from(Issue)).scalar_one()


def raw_json(api, path: str, text: str | bytes, who: str = "coordinator", method: str = "POST"):
    return api.call(method, path, who, data=text, content_type="application/json")


# --- JSON bodies -------------------------------------------------------------------------------------

@pytest.mark.parametrize("body", ["[" * 100000 + "]" * 100000, '{"a":' * 100000 + "1" + "}" * 100000,
                                  '{"title": ' + "[" * 33 + "]" * 33 + "}"])
def test_json_nested_too_deep_is_refused_before_it_is_parsed(api, db, body):
    resp = raw_json(api, "/api/v1/issues", body, "operator")
    err = error_of_json(resp, 400)
    assert err["code"] == "too_deep" and "32" in err["message"]
    assert issue_count(db) == 0


def test_json_nested_32_deep_reaches_the_schema(api):
    body = json.dumps({**CREATE, "title": json.loads("[" * 31 + "]" * 31)})
    err = error_of_json(raw_json(api, "/api/v1/issues", body, "operator"), 422)
    assert "title" in err["fields"]


def test_a_lone_surrogate_is_refused_naming_the_field(api, db):
    issue = api.create_issue()
    cases = [("POST", "/api/v1/issues", '{"title": "园区", "content": "内容", "reporter": {"name": "\\ud800王"}}',
              "reporter.name"),
             ("POST", "/api/v1/auth/token", '{"username": "\\ud800", "password": "x"}', "username"),
             ("POST", f"/api/v1/issues/{issue['id']}/actions/reject", '{"reason": "other", "note": "\\udfff"}',
              "note"),
             ("POST", "/api/v1/meetings", '{"kind": "forum", "title": "会", "held_at": "2026-12-01T09:00:00+08:00",'
              ' "attendees": ["张三", "\\ud83d"]}', "attendees.1")]
    for method, path, body, field in cases:
        err = error_of_json(raw_json(api, path, body, "coordinator", method), 422)
        assert err["fields"] == {field: "含有无效的字符（不成对的代理项），请重新输入"}, path
    assert issue_count(db) == 1


@pytest.mark.parametrize("literal", ["99999999999999999999", "1e30", "1e400", "9" * 5000, "-2147483649"])
def test_a_number_beyond_the_databases_integer_is_refused_naming_the_field(api, db, literal):
    body = json.dumps({**CREATE, "meeting_id": "@"}).replace('"@"', literal)
    err = error_of_json(raw_json(api, "/api/v1/issues", body, "operator"), 422)
    assert "meeting_id" in err["fields"] and "2147483647" in err["fields"]["meeting_id"]
    assert issue_count(db) == 0


@pytest.mark.parametrize("body", ["NaN", '{"title": Infinity}', b'{"title": "\xff"}', "{not json"])
def test_what_is_not_json_is_400(api, body):
    assert error_of_json(raw_json(api, "/api/v1/issues", body, "operator"), 400)["code"] == "malformed"


@pytest.mark.parametrize("over, field", [({"title": "第一行\n第二行"}, "title"), ({"title": "甲\x1b乙"}, "title"),
                                         ({"content": "甲\x00乙"}, "content"), ({"township": "长" * 65}, "township")])
def test_text_rules_name_the_field(api, db, over, field):
    err = error_of_json(api.post("/api/v1/issues", "operator", json={**CREATE, **over}), 422)
    assert field in err["fields"]
    assert issue_count(db) == 0


def test_multi_line_text_keeps_its_line_breaks(api):
    made = api.create_issue(content="第一段\n\n第二段\t（表格）\r\n第三段")
    assert made["content"] == "第一段\n\n第二段\t（表格）\r\n第三段"


def test_a_control_character_in_the_query_is_refused(api, client, county):
    assert error_of_json(api.get("/api/v1/issues?q=%1B", "coordinator"), 422)["fields"] == \
        {"q": "含有不可见的控制字符，请删除后重新提交"}
    assert client.get("/?q=%00").status_code == 422
    assert client.get("/issues/YS2026-%00").status_code == 404


# --- numbers in the address --------------------------------------------------------------------------

def test_a_record_number_beyond_the_databases_integer_names_nothing(app, county):
    console = Console(app, "admin")
    for path in ("/console/issues/99999999999999999999", "/console/admin/users/99999999999999999999/active",
                 "/console/meetings/2147483648"):
        resp = console.post(path, {"active": "1"}) if path.endswith("active") else console.get(path)
        assert resp.status_code == 404, path


# --- forms -------------------------------------------------------------------------------------------

def _desk(**over) -> dict:
    return {"reporter_phone": "13812345678", "reporter_name": "王建国", "reporter_kind": "enterprise",
            "channel": "hotline", "meeting_id": "", "type": "help", "category": "基础设施", "township": "城关镇",
            "title": "园区道路破损", "content": "货车绕行，请协调修复。", **over}


def test_the_desk_takes_a_category_only_from_the_list(app, county, db):
    console = Console(app, "operator")
    resp = console.post("/console/intake", _desk(category="随便写的类别"))
    assert resp.status_code == 422
    assert "不是可选的问题类别" in resp.get_data(as_text=True)
    assert issue_count(db) == 0
    assert console.post("/console/intake", _desk(category="基础设施")).status_code == 302
    assert issue_count(db) == 1


@pytest.mark.parametrize("over", [{"category": "长" * 6000}, {"category": "基础\x00设施"}, {"township": "城关\x1b镇"},
                                  {"meeting_id": "99999999999999999999"}, {"reporter_phone": "13８１２３４５６７８"},
                                  {"title": "长" * 201}, {"satisfaction": "没有这个选项", "answered_on_spot": "y",
                                                         "answer": "已解答"}])
def test_the_desk_refuses_what_no_field_may_take(app, county, db, over):
    resp = Console(app, "operator").post("/console/intake", _desk(**over))
    assert resp.status_code == 422, resp.status_code
    assert issue_count(db) == 0


def test_a_form_that_is_not_utf8_is_400(app, county, db):
    console = Console(app, "operator")
    body = f"csrf_token={console.token()}&title=%ED%A0%80&content=x".encode()
    resp = console.client.post("/console/intake", data=body, content_type="application/x-www-form-urlencoded")
    assert resp.status_code == 400
    assert issue_count(db) == 0


def test_a_satisfaction_off_the_list_is_refused_on_the_console(api, app, db):
    replied = issue_in(api, "replied")
    resp = Console(app, "coordinator").post(f"/console/issues/{replied['id']}/actions/visit",
                                            {"satisfaction": "很满意", "note": "回访"})
    assert resp.status_code == 422 and "不是可选的取值" in resp.get_data(as_text=True)
    assert api.ok("GET", f"/api/v1/issues/{replied['id']}", "coordinator")["status"] == "replied"


# --- the API's category ------------------------------------------------------------------------------

def test_the_api_takes_a_category_only_from_the_list_and_an_edit_may_keep_a_retired_one(api, db):
    err = error_of_json(api.post("/api/v1/issues", "operator", json={**CREATE, "category": "随便写"}), 422)
    assert err["fields"] == {"category": "不是可选的问题类别，请从列表中选择"}
    made = api.create_issue(category="交通物流")
    db.execute(Issue.__table__.update().where(Issue.id == made["id"]).values(category="旧类别"))
    db.commit()
    edited = api.ok("PATCH", f"/api/v1/issues/{made['id']}", "operator",
                    json={"version": made["version"], "category": "旧类别", "title": "改过的标题"})
    assert (edited["category"], edited["title"]) == ("旧类别", "改过的标题")
    err = error_of_json(api.patch(f"/api/v1/issues/{made['id']}", "operator",
                                  json={"version": edited["version"], "category": "另一个旧类别"}), 422)
    assert "category" in err["fields"]


# --- files -------------------------------------------------------------------------------------------

@pytest.mark.parametrize("label, name, content", [f for f in bad_files() if "10 MB" not in f[0]],
                         ids=lambda v: v if isinstance(v, str) else "")
def test_a_broken_or_hostile_ledger_is_refused_and_nothing_imported(api, app, db, tmp_path, monkeypatch,
                                                                    label, name, content):
    monkeypatch.setitem(app.config, "LEDGER_UPLOADS_DIR", str(tmp_path))
    resp = api.post("/api/v1/imports/ledger", "coordinator", data={"file": (io.BytesIO(content), name)},
                    content_type="multipart/form-data")
    err = error_of_json(resp, 422)
    assert "file" in err["fields"], label
    page = Console(app, "coordinator").post("/console/ledger/import", {"file": (io.BytesIO(content), name)},
                                            content_type="multipart/form-data")
    assert page.status_code == 422, label
    assert issue_count(db) == 0


def test_the_good_ledger_the_bad_files_are_made_from_imports(api, db):
    resp = api.post("/api/v1/imports/ledger", "coordinator", data={"file": (io.BytesIO(ledger_file(2)), "台账.xlsx")},
                    content_type="multipart/form-data")
    assert resp.status_code == 200, resp.get_json()
    assert issue_count(db) == 2


# --- the log ----------------------------------------------------------------------------------------

@pytest.mark.parametrize("message", ["孤立的代理项\ud800", "两行\n第二行\u2028第三行\x85第四行", "控制\x00\x1b字符",
                                     "\udfff" * 3])
def test_a_log_line_is_one_json_object_whatever_the_message_holds(app, capsys, message):
    capsys.readouterr()
    logging.getLogger("ys.test").warning("收到：%s", message)
    err = capsys.readouterr().err
    assert "Logging error" not in err
    lines = err.splitlines()  # str.splitlines breaks at \u2028 and \x85 too
    assert len(lines) == 1
    assert json.loads(lines[0])["message"].startswith("收到：")


def test_a_log_call_whose_arguments_do_not_fit_still_writes_a_line(app, capsys):
    capsys.readouterr()
    logging.getLogger("ys.test").warning("%s 和 %s", "只有一个")
    assert json.loads(capsys.readouterr().err.strip())["message"].startswith("%s 和 %s")


def test_a_request_with_a_surrogate_leaves_json_lines_only(api, capsys):
    capsys.readouterr()
    resp = raw_json(api, "/api/v1/auth/token", '{"username": "\\ud800", "password": "x"}', None)
    assert resp.status_code == 422
    err = capsys.readouterr().err
    assert err and all(json.loads(line) for line in err.splitlines())


def test_digits_that_are_not_ascii_never_reach_int(app, county, client):
    """"²" and "٣" are digits to str.isdigit(); int() takes only some of them."""
    assert client.get("/?year=²⁰²⁶").status_code == 200
    admin = Console(app, "admin")
    assert admin.get("/console/admin/calendar?year=²⁰²⁶").status_code == 200
    assert Console(app, "supervisor").get("/console/board?page=²").status_code == 200
    resp = admin.post("/console/admin/policies", {"issue_type": "help", "channel": "", "accept_days": "²",
                                                  "complete_days": "8", "report_after": "2", "visit_after": "5"})
    assert resp.status_code == 422
