"""Logging in, departments and users over the API."""
from datetime import datetime

from ..conftest import PASSWORD


def test_login_gives_a_working_token_that_is_stored_hashed(api, db):
    resp = api.post("/api/v1/auth/token", json={"username": "fgj", "password": PASSWORD})
    assert resp.status_code == 200
    token = resp.get_json()["token"]
    expires = datetime.fromisoformat(resp.get_json()["expires_at"])
    assert expires.tzinfo is not None
    listed = api.client.get("/api/v1/issues", headers={"Authorization": f"Bearer {token}"})
    assert listed.status_code == 200
    from sqlalchemy import text
    stored = [row[0] for row in db.execute(text("SELECT token_hash FROM api_token"))]
    assert token not in stored and len(stored[-1]) == 64


def test_admin_creates_departments_and_users(api, county):
    dept = api.ok("POST", "/api/v1/departments", "admin", status=201,
                  json={"code": "jtj", "name": "县交通运输局", "contact_phone": "0915-3212010"})
    assert dept["name"] == "县交通运输局" and dept["id"]
    dup = api.post("/api/v1/departments", "admin", json={"code": "jtj", "name": "另一个局"})
    assert dup.status_code == 409 and "code" in dup.get_json()["error"]["fields"]

    user = api.ok("POST", "/api/v1/users", "admin", status=201, json={
        "username": "dept_jtj", "display_name": "交通局承办人", "phone": "13700002222",
        "role": "department", "department_id": dept["id"], "password": "Jiaotong-2026"})
    assert user["role"] == "department" and "password" not in user and "password_hash" not in user
    token = api.ok("POST", "/api/v1/auth/token", json={"username": "dept_jtj", "password": "Jiaotong-2026"})
    assert token["token"]

    orphan = api.post("/api/v1/users", "admin", json={
        "username": "nobody", "role": "department", "password": "Nobody-2026"})
    assert orphan.status_code == 422 and "department_id" in orphan.get_json()["error"]["fields"]
    short = api.post("/api/v1/users", "admin", json={
        "username": "short", "role": "operator", "password": "abc"})
    assert short.status_code == 422 and "password" in short.get_json()["error"]["fields"]

    users = api.ok("GET", "/api/v1/users", "admin")["items"]
    assert "dept_jtj" in {u["username"] for u in users}
    assert all("password_hash" not in u and "password" not in u for u in users)


def test_meetings_are_listed_newest_first_with_their_issue_counts(api, county):
    ids = []
    for kind, title in (("breakfast", "10月服务企业早餐会"), ("forum", "第四季度政企面对面恳谈会"),
                        ("evening_tea", "11月15日“听您说”晚茶会"), ("other", "专题协调会")):
        ids.append(api.ok("POST", "/api/v1/meetings", "coordinator", status=201, json={
            "kind": kind, "title": title, "held_at": "2026-11-15T19:00:00+08:00",
            "host_leader_id": county.user_id("leader"), "attendees": ["县长", "县发改局"]})["id"])
    api.create_issue(meeting_id=ids[2], channel=None)
    page = api.ok("GET", "/api/v1/meetings?limit=3", "operator")
    assert [m["id"] for m in page["items"]] == ids[::-1][:3] and page["next_cursor"]
    assert page["items"][1]["issue_count"] == 1 and page["items"][1]["kind"] == "evening_tea"
    rest = api.ok("GET", f"/api/v1/meetings?limit=3&cursor={page['next_cursor']}", "operator")
    assert [m["id"] for m in rest["items"]] == [ids[0]] and rest["next_cursor"] is None
    assert api.post("/api/v1/meetings", "operator", json={
        "kind": "forum", "title": "x", "held_at": "2026-11-15T19:00:00+08:00"}).status_code == 403
    naive = api.post("/api/v1/meetings", "coordinator", json={
        "kind": "forum", "title": "x", "held_at": "2026-11-15T19:00:00"})
    assert naive.status_code == 422 and "held_at" in naive.get_json()["error"]["fields"]


def test_login_is_rate_limited_per_client(database_url, county):
    from ..conftest import make_test_app
    app = make_test_app(database_url, LOGIN_RATE_LIMIT="3 per minute")
    client = app.test_client()
    codes = [client.post("/api/v1/auth/token", json={"username": "fgj", "password": f"guess-{i}"}).status_code
             for i in range(4)]
    assert codes == [401, 401, 401, 429]
    body = client.post("/api/v1/auth/token", json={"username": "fgj", "password": PASSWORD}).get_json()
    assert body["error"]["code"] == "too_many_requests"
    app.extensions["ys"]["engine"].dispose()
