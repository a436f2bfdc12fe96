"""The error contract (docs/api.md): every error is {"error": {"code", "message", "fields"}} with a
Chinese message, the right status, the field at fault named, nothing changed, and never a 500."""
import base64
import json
import os
import re
from datetime import datetime, timedelta, timezone

import pytest

from service.identity.sessions import issue_token

from ..helpers import future, issue_in

HAN = re.compile(r"[\u4e00-\u9fff]")
HUGE = 10**30


def error_of(resp, status: int, code: str | None = None) -> dict:
    """Assert `resp` is an error in the envelope with `status` (and `code`); return the error."""
    assert resp.status_code == status, (resp.status_code, resp.get_data(as_text=True)[:800])
    assert resp.mimetype == "application/json", resp.mimetype
    body = resp.get_json()
    assert isinstance(body, dict) and set(body) == {"error"}, body
    err = body["error"]
    assert {"code", "message", "fields"} <= set(err), err
    assert isinstance(err["code"], str) and err["code"], err
    assert isinstance(err["message"], str) and HAN.search(err["message"]), err
    assert isinstance(err["fields"], dict), err
    if code is not None:
        assert err["code"] == code, err
    return err


def issue_count(api) -> int:
    return len(api.ok("GET", "/api/v1/issues?limit=200", "coordinator")["items"])


def events_of(api, issue_id: int) -> list[str]:
    return [e["action"] for e in api.ok("GET", f"/api/v1/issues/{issue_id}/events", "coordinator")["items"]]


def sms_rows(api) -> list[dict]:
    """What the outbox holds beside the registration receipts (sent when an issue is logged)."""
    return [m for m in api.ok("GET", "/api/v1/notifications?limit=200", "supervisor")["items"]
            if m["template"] != "registered_reporter"]


# --- 401 -------------------------------------------------------------------------------------

def test_401_without_a_token(api):
    for path in ("/api/v1/issues", "/api/v1/issues/1", "/api/v1/departments", "/api/v1/meetings"):
        error_of(api.get(path), 401)
    error_of(api.post("/api/v1/issues", json={"title": "x", "content": "y"}), 401)
    assert issue_count(api) == 0


def test_401_with_a_garbage_token(api):
    for header in ("Bearer garbage", "Bearer ", "Basic YWRtaW46YWRtaW4=", "garbage",
                   "Bearer " + "x" * 5000, "Bearer " + "令牌"):
        error_of(api.get("/api/v1/issues", headers={"Authorization": header}), 401)


def test_401_with_an_expired_token(api, county, db):
    now = datetime.now(timezone.utc)
    token, expires_at = issue_token(db, county.users["coordinator"], now - timedelta(days=1),
                                    lifetime=timedelta(hours=1))
    assert expires_at < now
    headers = {"Authorization": f"Bearer {token}"}
    error_of(api.get("/api/v1/issues", headers=headers), 401)
    resp = api.post("/api/v1/issues", headers=headers,
                    json={"title": "过期令牌", "content": "不应被登记", "channel": "hotline"})
    error_of(resp, 401)
    assert issue_count(api) == 0


def test_a_wrong_password_is_401(api):
    resp = api.post("/api/v1/auth/token", json={"username": "coordinator", "password": "wrong-password"})
    error_of(resp, 401)
    resp = api.post("/api/v1/auth/token", json={"username": "nobody", "password": "wrong-password"})
    error_of(resp, 401)


# --- 403 -------------------------------------------------------------------------------------

def test_403_operator_cannot_create_a_department(api):
    resp = api.post("/api/v1/departments", "operator", json={"code": "jtj", "name": "县交通运输局"})
    error_of(resp, 403)
    names = [d["name"] for d in api.ok("GET", "/api/v1/departments", "admin")["items"]]
    assert "县交通运输局" not in names


def test_403_department_user_cannot_list_users(api):
    error_of(api.get("/api/v1/users", "fgj"), 403)


def test_403_department_user_cannot_read_the_sms_outbox(api):
    error_of(api.get("/api/v1/notifications", "fgj"), 403)


def test_403_operator_cannot_assign(api):
    issue = api.create_issue()
    error_of(api.act(issue["id"], "assign", "operator", api.assign_body()), 403)
    assert api.ok("GET", f"/api/v1/issues/{issue['id']}", "coordinator")["status"] == "collected"


# --- 404 -------------------------------------------------------------------------------------

def test_404_unknown_issue(api):
    error_of(api.get("/api/v1/issues/999999", "coordinator"), 404)
    error_of(api.get("/api/v1/issues/999999/events", "coordinator"), 404)
    error_of(api.act(999999, "assign", "coordinator", api.assign_body()), 404)
    error_of(api.patch("/api/v1/issues/999999", "coordinator", json={"version": 1, "title": "x"}), 404)


def test_404_unknown_path(api):
    error_of(api.get("/api/v1/no-such-thing", "coordinator"), 404)
    error_of(api.get("/api/v1/no-such-thing"), 404)
    error_of(api.get("/api/v2/issues", "coordinator"), 404)


def test_404_unknown_action(api):
    issue = api.create_issue()
    error_of(api.post("/api/v1/issues/1/actions/fly", "coordinator", json={}), 404)
    error_of(api.act(issue["id"], "fly", "coordinator", {}), 404)
    assert events_of(api, issue["id"]) == ["create"]


def test_404_for_an_issue_the_caller_may_not_see(api):
    issue = issue_in(api, "assigned")  # lead 县发改局, co 县自然资源局
    error_of(api.get(f"/api/v1/issues/{issue['id']}", "scj"), 404)
    error_of(api.act(issue["id"], "accept", "scj", {}), 404)
    assert api.ok("GET", f"/api/v1/issues/{issue['id']}", "coordinator")["status"] == "assigned"


# --- 400 -------------------------------------------------------------------------------------

def test_400_malformed_json_creates_nothing(api):
    for raw in ("{not json", '{"title": "a",}', '{"title": "a"', "{'title': 'a'}"):
        resp = api.post("/api/v1/issues", "operator", data=raw, content_type="application/json")
        error_of(resp, 400)
    assert issue_count(api) == 0


def test_400_malformed_json_on_an_action_changes_nothing(api, sms):
    issue = api.create_issue()
    resp = api.post(f"/api/v1/issues/{issue['id']}/actions/assign", "coordinator",
                    data="{not json", content_type="application/json")
    error_of(resp, 400)
    after = api.ok("GET", f"/api/v1/issues/{issue['id']}", "coordinator")
    assert after["status"] == "collected" and after["version"] == issue["version"]
    assert events_of(api, issue["id"]) == ["create"]
    assert sms_rows(api) == []


# --- 413 -------------------------------------------------------------------------------------

def test_413_body_over_one_mebibyte(api):
    body = {"title": "超长内容", "content": "长" * (1024 * 1024), "channel": "hotline"}
    resp = api.post("/api/v1/issues", "operator", json=body)
    error_of(resp, 413)
    assert issue_count(api) == 0


# --- 422 on create ---------------------------------------------------------------------------

def _create(api, **over):
    body = {"title": "园区道路破损影响货车通行", "content": "工业园区东路路面塌陷。", "channel": "hotline",
            "reporter": {"name": "王建国", "phone": "13812345678"}}
    body.update(over)
    return api.post("/api/v1/issues", "operator", json={k: v for k, v in body.items() if v is not ...})


@pytest.mark.parametrize("over, field", [
    ({"title": ...}, "title"),
    ({"title": "长" * 201}, "title"),
    ({"title": " \u3000 "}, "title"),
    ({"content": ...}, "content"),
    ({"content": "   "}, "content"),
    ({"channel": "carrier_pigeon"}, "channel"),
    ({"type": "praise"}, "type"),
    ({"reporter": {"name": "王建国", "phone": "12345"}}, "reporter.phone"),
    ({"reporter": {"name": "王建国", "phone": "138123456789"}}, "reporter.phone"),
    ({"reporter": {"kind": "alien"}}, "reporter.kind"),
    ({"meeting_id": "abc"}, "meeting_id"),
    ({"meeting_id": 999999}, "meeting_id"),
    ({"secret_flag": True}, "secret_flag"),
    ({"reporter": {"name": "王建国", "ssn": "x"}}, "reporter.ssn"),
], ids=["missing-title", "title-201", "blank-title", "missing-content", "blank-content", "unknown-channel",
        "unknown-type", "short-phone", "long-phone", "unknown-reporter-kind", "meeting-id-type",
        "unknown-meeting", "unknown-field", "unknown-reporter-field"])
def test_422_on_create_names_the_field(api, over, field):
    err = error_of(_create(api, **over), 422)
    assert field in err["fields"], err
    assert isinstance(err["fields"][field], str) and err["fields"][field]
    assert issue_count(api) == 0


def test_a_blank_title_is_refused_when_editing_and_when_planning_a_meeting(api):
    issue = api.create_issue()
    err = error_of(api.patch(f"/api/v1/issues/{issue['id']}", "operator",
                             json={"version": issue["version"], "title": "  "}), 422)
    assert "title" in err["fields"], err
    assert api.ok("GET", f"/api/v1/issues/{issue['id']}", "coordinator")["title"] == issue["title"]
    err = error_of(api.post("/api/v1/meetings", "coordinator", json={
        "kind": "forum", "title": " ", "held_at": "2026-12-01T09:00:00+08:00"}), 422)
    assert "title" in err["fields"], err
    assert api.ok("GET", "/api/v1/meetings", "coordinator")["items"] == []


def test_422_names_every_field_at_fault(api):
    err = error_of(_create(api, title=..., channel="carrier_pigeon"), 422)
    assert {"title", "channel"} <= set(err["fields"]), err


# --- 422 on workflow actions -----------------------------------------------------------------

@pytest.fixture
def collected(api):
    return api.create_issue()


def _assert_untouched(api, issue, sms_before=0):
    after = api.ok("GET", f"/api/v1/issues/{issue['id']}", "coordinator")
    assert after["status"] == issue["status"]
    assert after["version"] == issue["version"]
    assert after["lead_department_id"] == issue["lead_department_id"]
    assert events_of(api, issue["id"])[-1] != "assign"
    assert len(sms_rows(api)) == sms_before


def test_422_assign_with_a_wrong_type(api, collected):
    err = error_of(api.act(collected["id"], "assign", "coordinator",
                           api.assign_body(lead_department_id="abc")), 422)
    assert "lead_department_id" in err["fields"], err
    _assert_untouched(api, collected)


def test_422_assign_without_responsible_phone(api, collected):
    body = api.assign_body()
    del body["responsible_phone"]
    err = error_of(api.act(collected["id"], "assign", "coordinator", body), 422)
    assert "responsible_phone" in err["fields"], err
    _assert_untouched(api, collected)


def test_422_assign_with_a_bad_responsible_phone(api, collected):
    err = error_of(api.act(collected["id"], "assign", "coordinator",
                           api.assign_body(responsible_phone="call me")), 422)
    assert "responsible_phone" in err["fields"], err
    _assert_untouched(api, collected)


def test_422_assign_with_a_deadline_in_the_past(api, collected):
    err = error_of(api.act(collected["id"], "assign", "coordinator",
                           api.assign_body(deadlines={"complete_due": future(-3)})), 422)
    assert "deadlines.complete_due" in err["fields"], err
    _assert_untouched(api, collected)


def test_422_assign_to_a_department_that_does_not_exist(api, collected):
    err = error_of(api.act(collected["id"], "assign", "coordinator",
                           api.assign_body(lead_department_id=999999)), 422)
    assert "lead_department_id" in err["fields"], err
    _assert_untouched(api, collected)


def test_422_assign_with_a_co_department_that_does_not_exist(api, collected):
    err = error_of(api.act(collected["id"], "assign", "coordinator",
                           api.assign_body(co_department_ids=[999999])), 422)
    assert "co_department_ids" in err["fields"], err
    _assert_untouched(api, collected)


def test_422_assign_with_a_non_leader_as_lead_leader(api, county, collected):
    for who in ("supervisor", "fgj", "coordinator"):
        err = error_of(api.act(collected["id"], "assign", "coordinator",
                               api.assign_body(lead_leader_id=county.user_id(who))), 422)
        assert "lead_leader_id" in err["fields"], (who, err)
    _assert_untouched(api, collected)


def test_422_unknown_field_in_an_action_body(api, collected):
    err = error_of(api.act(collected["id"], "assign", "coordinator",
                           api.assign_body(priority="urgent")), 422)
    assert "priority" in err["fields"], err
    _assert_untouched(api, collected)


# --- 405 -------------------------------------------------------------------------------------

def test_405_carries_an_allow_header(api):
    for method, path, allowed in (
        ("DELETE", "/api/v1/issues/1", {"GET", "PATCH"}),
        ("PUT", "/api/v1/issues", {"GET", "POST"}),
        ("GET", "/api/v1/issues/1/actions/assign", {"POST"}),
        ("GET", "/api/v1/public/track", {"POST"}),
        ("DELETE", "/api/v1/departments", {"GET", "POST"}),
    ):
        resp = api.call(method, path, "coordinator")
        error_of(resp, 405)
        assert "Allow" in resp.headers, (method, path, dict(resp.headers))
        methods = {m.strip().upper() for m in resp.headers["Allow"].split(",")}
        assert allowed <= methods, (method, path, methods)


# --- 409: versions and states ----------------------------------------------------------------

def test_patch_without_version_is_422(api, collected):
    err = error_of(api.patch(f"/api/v1/issues/{collected['id']}", "operator",
                             json={"title": "新标题"}), 422)
    assert "version" in err["fields"], err
    assert api.ok("GET", f"/api/v1/issues/{collected['id']}", "coordinator")["title"] == collected["title"]


def test_patch_with_a_stale_version_is_409_and_changes_nothing(api, collected):
    path = f"/api/v1/issues/{collected['id']}"
    first = api.ok("PATCH", path, "operator", json={"version": collected["version"], "title": "第一次修改"})
    assert first["version"] != collected["version"]
    resp = api.patch(path, "coordinator", json={"version": collected["version"], "title": "第二次修改",
                                                "township": "双石铺镇"})
    error_of(resp, 409, "stale_version")
    now = api.ok("GET", path, "coordinator")
    assert now["title"] == "第一次修改" and now["township"] == first["township"]
    assert now["version"] == first["version"]
    assert events_of(api, collected["id"]) == ["create", "edit"]


def test_action_with_a_stale_version_is_409_and_changes_nothing(api, collected):
    path = f"/api/v1/issues/{collected['id']}"
    edited = api.ok("PATCH", path, "operator", json={"version": collected["version"], "category": "交通物流"})
    resp = api.act(collected["id"], "assign", "coordinator",
                   api.assign_body(version=collected["version"]))
    error_of(resp, 409, "stale_version")
    now = api.ok("GET", path, "coordinator")
    assert now["status"] == "collected" and now["version"] == edited["version"]
    assert events_of(api, collected["id"]) == ["create", "edit"]
    assert sms_rows(api) == []
    # With the current version it goes through.
    done = api.ok("POST", f"{path}/actions/assign", "coordinator",
                  json=api.assign_body(version=edited["version"]))
    assert done["status"] == "assigned"


@pytest.mark.parametrize("state, action, who, body", [
    ("collected", "publish", "coordinator", {"public_summary": "已公示"}),
    ("collected", "visit", "coordinator", {"satisfaction": "satisfied"}),
    ("assigned", "reply", "fgj", {"result": "已办结"}),
    ("in_progress", "accept", "fgj", {}),
    ("closed", "assign", "coordinator", None),
    ("published", "withhold", "coordinator", {"reason": "涉及商业秘密"}),
    ("rejected", "assign", "coordinator", None),
], ids=["publish-collected", "visit-collected", "reply-assigned", "accept-in_progress",
        "assign-closed", "withhold-published", "assign-rejected"])
def test_409_wrong_state_changes_nothing(api, state, action, who, body):
    issue = issue_in(api, state)
    before_events = events_of(api, issue["id"])
    before_sms = len(sms_rows(api))
    resp = api.act(issue["id"], action, who, api.assign_body() if body is None else body)
    error_of(resp, 409, "wrong_state")
    after = api.ok("GET", f"/api/v1/issues/{issue['id']}", "coordinator")
    assert after["status"] == state and after["version"] == issue["version"]
    assert events_of(api, issue["id"]) == before_events
    assert len(sms_rows(api)) == before_sms


# --- a meeting's batch: all or nothing -------------------------------------------------------

def test_a_failed_batch_assigns_nothing_and_a_good_one_assigns_all(api, county, sms):
    meeting = api.ok("POST", "/api/v1/meetings", "coordinator", status=201,
                     json={"kind": "breakfast", "title": "十一月服务企业早餐会",
                           "held_at": "2026-11-20T08:00:00+08:00"})
    issues = [api.create_issue(meeting_id=meeting["id"], channel=None, title=f"早餐会问题{i}") for i in range(3)]
    assignments = [{**api.assign_body(), "issue_id": i["id"]} for i in issues]
    assignments[2]["lead_department_id"] = 999999
    resp = api.post(f"/api/v1/meetings/{meeting['id']}/assignments", "coordinator",
                    json={"assignments": assignments})
    err = error_of(resp, 422)
    assert "assignments.2.lead_department_id" in err["fields"], err
    for issue in issues:
        now = api.ok("GET", f"/api/v1/issues/{issue['id']}", "coordinator")
        assert now["status"] == "collected", now
        assert now["lead_department_id"] is None and now["co_department_ids"] == []
        assert events_of(api, issue["id"]) == ["create"]
    assert sms_rows(api) == []
    assert api.ok("GET", "/api/v1/issues?status=assigned", "coordinator")["items"] == []

    assignments[2]["lead_department_id"] = county.dept_id("scj")
    done = api.ok("POST", f"/api/v1/meetings/{meeting['id']}/assignments", "coordinator",
                  json={"assignments": assignments})["items"]
    assert sorted(i["id"] for i in done) == sorted(i["id"] for i in issues)
    assert all(i["status"] == "assigned" for i in done)
    for issue in issues:
        assert events_of(api, issue["id"]) == ["create", "assign"]
    assert len(sms_rows(api)) > 0


def test_a_batch_with_a_schema_error_names_the_item(api):
    meeting = api.ok("POST", "/api/v1/meetings", "coordinator", status=201,
                     json={"kind": "forum", "title": "政企面对面恳谈会",
                           "held_at": "2026-11-20T15:00:00+08:00"})
    issues = [api.create_issue(meeting_id=meeting["id"], channel=None) for _ in range(2)]
    assignments = [{**api.assign_body(), "issue_id": i["id"]} for i in issues]
    assignments[1]["responsible_phone"] = "not a phone"
    err = error_of(api.post(f"/api/v1/meetings/{meeting['id']}/assignments", "coordinator",
                            json={"assignments": assignments}), 422)
    assert "assignments.1.responsible_phone" in err["fields"], err
    assert all(api.ok("GET", f"/api/v1/issues/{i['id']}", "coordinator")["status"] == "collected"
               for i in issues)


# --- never a 500 -----------------------------------------------------------------------------

def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


CREATE = {"title": "正常标题", "content": "正常内容", "channel": "hotline"}
ACT = "/api/v1/issues/{id}/actions"
BIG_CURSOR = _b64(f"i:{HUGE}".encode())


def _huge_ids(good: dict) -> list[tuple[str, str, dict]]:
    """Integers far beyond any column: in the query, the path and the body."""
    cases = [("GET", f"/api/v1/issues?{q}", {}) for q in (
        f"department_id={HUGE}", f"meeting_id={HUGE}", f"department_id=-{HUGE}", f"limit={HUGE}")]
    cases += [("GET", path, {}) for path in (
        f"/api/v1/issues/{HUGE}", f"/api/v1/issues/{HUGE}/events", f"/api/v1/meetings/{HUGE}",
        f"/api/v1/notifications?issue_id={HUGE}", f"/api/v1/public/issues?department_id={HUGE}",
        f"/api/v1/public/stats?year={HUGE}")]
    cases += [("POST", f"/api/v1/issues/{HUGE}/actions/assign", {"json": good}),
              ("PATCH", f"/api/v1/issues/{HUGE}", {"json": {"version": 1, "title": "x"}}),
              ("POST", "/api/v1/issues", {"json": {**CREATE, "meeting_id": HUGE}}),
              ("POST", "/api/v1/issues", {"json": {**CREATE, "meeting_id": -HUGE}}),
              ("POST", "/api/v1/issues", {"json": {**CREATE, "type": HUGE}})]
    cases += [("POST", f"{ACT}/assign", {"json": {**good, **over}}) for over in (
        {"lead_department_id": HUGE}, {"co_department_ids": [HUGE]}, {"lead_leader_id": HUGE},
        {"lead_leader_id": -HUGE}, {"version": HUGE}, {"deadlines": {"complete_due": HUGE}})]
    cases += [("POST", f"{ACT}/reject", {"json": {"reason": "duplicate", "merged_into": HUGE}}),
              ("PATCH", "/api/v1/issues/{id}", {"json": {"version": HUGE, "title": "x"}}),
              ("PATCH", "/api/v1/issues/{id}", {"json": {"version": 1, "meeting_id": HUGE}})]
    return cases


def _paging(good: dict) -> list[tuple[str, str, dict]]:
    """limit and cursor out of range or forged, on every list."""
    cases = [("GET", f"/api/v1/issues?{q}", {}) for q in (
        "limit=-1", "limit=0", "limit=100000", "limit=abc", "limit=1&limit=2", "cursor=!!!",
        f"cursor={_b64(os.urandom(24))}", f"cursor={_b64(os.urandom(3))}", f"cursor={BIG_CURSOR}",
        f"cursor={_b64(b'i:-1')}", f"cursor={_b64(b'i:abc')}", f"cursor={_b64(b'x:1')}",
        "cursor=" + "A" * 5000)]
    for path in ("/api/v1/notifications", "/api/v1/meetings", "/api/v1/public/issues"):
        cases += [("GET", f"{path}?{q}", {}) for q in (
            "limit=-1", "limit=100000", "cursor=!!!", f"cursor={_b64(os.urandom(24))}",
            f"cursor={BIG_CURSOR}")]
    return cases


def _filters(good: dict) -> list[tuple[str, str, dict]]:
    """Filter values that are not in the vocabulary or not of the type."""
    cases = [("GET", f"/api/v1/issues?{q}", {}) for q in (
        "status=bogus", "status=collected,bogus", "status=", "overdue=maybe", "overdue=",
        "flag=purple", "channel=pigeon", "department_id=1.5", "department_id=abc",
        "q=", "q=" + "长" * 500, "q=%25%5F%5C")]
    cases += [("GET", path, {}) for path in (
        "/api/v1/issues/-1", "/api/v1/issues/abc", "/api/v1/public/issues?year=99999",
        "/api/v1/public/issues?type=bogus", "/api/v1/public/issues/" + "Y" * 3000,
        "/api/v1/notifications?status=bogus", "/api/v1/meetings?kind=bogus")]
    return cases


def _odd_text(good: dict) -> list[tuple[str, str, dict]]:
    """Unicode, emoji, control characters and NUL wherever text goes."""
    cases = [("GET", f"/api/v1/issues?{q}", {}) for q in (
        "q=%00", "q=%F0%9F%98%80", "channel=%00", "status=%00", "meeting_id=%00")]
    cases += [("GET", "/api/v1/public/issues/%00", {}),
              ("GET", "/api/v1/public/issues/YS2026-%F0%9F%98%80", {})]
    cases += [("POST", "/api/v1/issues", {"json": {**CREATE, **over}}) for over in (
        {"title": "😀🚧 园区道路 \u202e反转 \u200b零宽 \ud7ff"}, {"title": "含\x00空字符"},
        {"content": "内容\x00"}, {"title": "\x01\x02\x1b[31m"}, {"reporter": {"name": "王\x00建国"}},
        {"category": "\x00"}, {"township": "城关镇\x00"})]
    cases += [("POST", f"{ACT}/assign", {"json": {**good, **over}}) for over in (
        {"responsible_person": "李\x00明"}, {"note": "备注\x00"})]
    cases += [("POST", f"{ACT}/answer_on_spot", {"json": {"answer": "\x00"}}),
              ("POST", f"{ACT}/instruct", {"json": {"note": "😀" * 100}}),
              ("PATCH", "/api/v1/issues/{id}", {"json": {"version": 1, "title": "含\x00空字符"}}),
              ("POST", "/api/v1/public/track", {"json": {"code": "YS\x002026-1", "phone_last4": "5678"}})]
    return cases


def _wrong_shapes(good: dict) -> list[tuple[str, str, dict]]:
    """Objects where strings are expected, and bodies that are not JSON objects at all."""
    cases = [("POST", "/api/v1/issues", {"json": {**CREATE, **over}}) for over in (
        {"title": {"zh": "嵌套"}}, {"title": ["列表"]}, {"content": {"a": {"b": {"c": 1}}}},
        {"channel": {"x": 1}}, {"reporter": "王建国"}, {"reporter": {"name": {"x": 1}}},
        {"reporter": {"phone": 13812345678}}, {"reporter": {"consent_public": "maybe"}},
        {"title": 1e308}, {"meeting_id": "1; DROP TABLE issue"})]
    cases += [("POST", "/api/v1/issues", {"json": body}) for body in ([CREATE], [], None, "字符串", 12345, True)]
    cases += [("POST", "/api/v1/issues", {"data": raw, "content_type": "application/json"})
              for raw in ("null", "[]", "[1, 2]", '""', "0", "\ufeff{}", '{"title": "a"}' * 2)]
    cases += [("POST", "/api/v1/issues", {"data": "title=x", "content_type": "application/x-www-form-urlencoded"}),
              ("POST", "/api/v1/issues", {"data": "{}", "content_type": "text/plain"}),
              ("POST", "/api/v1/issues", {})]
    cases += [("POST", f"{ACT}/assign", {"json": {**good, **over}}) for over in (
        {"deadlines": "tomorrow"}, {"deadlines": {"complete_due": "2026-02-30"}},
        {"deadlines": {"complete_due": "9999-12-31"}}, {"co_department_ids": "fgj"},
        {"co_department_ids": [None]}, {"responsible_person": {"name": "李明"}},
        {"lead_department_id": None}, {"lead_department_id": True}, {"version": -1})]
    cases += [("POST", f"{ACT}/assign", {"json": body}) for body in ([good], [], None, "assign")]
    cases += [("POST", f"{ACT}/assign", {"data": raw, "content_type": "application/json"})
              for raw in ("null", "[]", "{not json")]
    cases += [("POST", f"{ACT}/{action}", {"json": body}) for action, body in (
        ("reject", {"reason": "merged", "merged_into": -1}), ("reject", {"reason": {"x": 1}}),
        ("answer_on_spot", {"answer": "已答复", "satisfaction": ["satisfied"]}),
        ("suspend", {"reason": "x", "review_on": "2026-13-01"}))]
    cases += [("PATCH", "/api/v1/issues/{id}", {"json": body}) for body in (
        {"version": "1", "title": None}, {"version": 1, "reporter": None}, [], None)]
    cases += [("POST", "/api/v1/public/track", {"json": body}) for body in (
        {"code": "{code}", "phone_last4": 5678}, {"code": {"x": 1}, "phone_last4": "5678"}, [], None)]
    return cases


NASTY = {"huge_ids": _huge_ids, "paging": _paging, "filters": _filters, "odd_text": _odd_text,
         "wrong_shapes": _wrong_shapes}


@pytest.mark.parametrize("kind", list(NASTY))
def test_never_a_500_for_bad_input(api, kind):
    problems = []
    for method, path, kwargs in NASTY[kind](api.assign_body()):
        if "{id}" in path or "{code}" in json.dumps(kwargs.get("json")):
            # Each gets a fresh issue, so an input that happens to be accepted does not move
            # the issue out of reach of the next one.
            issue = api.create_issue()
            path = path.replace("{id}", str(issue["id"]))
            if isinstance(kwargs.get("json"), dict) and kwargs["json"].get("code") == "{code}":
                kwargs = {"json": {**kwargs["json"], "code": issue["code"]}}
        who = "supervisor" if path.startswith("/api/v1/notifications") else "coordinator"
        resp = api.call(method, path, who, **kwargs)
        shown = f"{method} {path[:100]} {json.dumps(kwargs, ensure_ascii=False, default=str)[:140]}"
        if resp.status_code >= 500:
            problems.append(f"{shown} -> {resp.status_code} {resp.get_json()}")
        elif resp.status_code >= 400:
            try:
                error_of(resp, resp.status_code)
            except AssertionError as exc:
                problems.append(f"{shown} -> {resp.status_code} not the envelope: {exc}")
    assert not problems, f"{len(problems)} bad answers:\n" + "\n".join(problems)
    api.ok("GET", "/api/v1/issues", "coordinator")
