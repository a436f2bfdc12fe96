"""Bulk actions on a selection through the API: 催办 with a report per issue, 交办 of collected
issues all at once, and the selection as the ledger's Excel; saved views of the list."""
from ..helpers import issue_in
from ..ledger.test_ledger import HEADER_ROW, headers, sheet


def test_bulk_urge_urges_each_and_refuses_the_ones_it_may_not_per_row(api):
    a = issue_in(api, "assigned")
    b = issue_in(api, "in_progress")
    waiting = api.create_issue(title="尚未交办的问题")  # 催办 needs an assigned issue
    resp = api.ok("POST", "/api/v1/issues/bulk/urge", "supervisor", json={
        "issue_ids": [a["id"], waiting["id"], b["id"], 999999], "note": "请本周内反馈进展"})
    assert (resp["done"], resp["refused"]) == (2, 2)
    rows = {r["issue_id"]: r for r in resp["items"]}
    assert [r["issue_id"] for r in resp["items"]] == [a["id"], waiting["id"], b["id"], 999999]
    assert rows[a["id"]]["done"] and rows[b["id"]]["done"]
    assert not rows[waiting["id"]]["done"] and rows[waiting["id"]]["code"] == waiting["code"]
    assert "催办" in rows[waiting["id"]]["reason"]
    assert rows[999999] == {"issue_id": 999999, "code": None, "done": False, "reason": rows[999999]["reason"]}
    for issue in (a, b):
        events = api.ok("GET", f"/api/v1/issues/{issue['id']}/events", "supervisor")["items"]
        assert events[-1]["action"] == "urge" and events[-1]["note"] == "请本周内反馈进展"
    events = api.ok("GET", f"/api/v1/issues/{waiting['id']}/events", "supervisor")["items"]
    assert all(e["action"] != "urge" for e in events)


def test_bulk_urge_limits_and_roles_are_named(api):
    a = issue_in(api, "assigned")
    too_many = api.post("/api/v1/issues/bulk/urge", "supervisor",
                        json={"issue_ids": list(range(1, 102)), "note": "催办"})
    assert too_many.status_code == 422 and too_many.get_json()["error"]["code"] == "too_many_selected"
    assert "issue_ids" in too_many.get_json()["error"]["fields"]
    empty = api.post("/api/v1/issues/bulk/urge", "supervisor", json={"issue_ids": [], "note": "催办"})
    assert empty.status_code == 422 and "issue_ids" in empty.get_json()["error"]["fields"]
    blank = api.post("/api/v1/issues/bulk/urge", "supervisor", json={"issue_ids": [a["id"]], "note": "  "})
    assert blank.status_code == 422 and "note" in blank.get_json()["error"]["fields"]
    assert api.post("/api/v1/issues/bulk/urge", "fgj", json={"issue_ids": [a["id"]], "note": "催"}).status_code == 403
    assert api.post("/api/v1/issues/bulk/urge", "supervisor", json={"note": "催"}).status_code == 422


def test_bulk_assign_assigns_every_collected_issue_or_none(api, county):
    a, b = api.create_issue(title="批量一"), api.create_issue(title="批量二")
    body = {**api.assign_body(co_department_ids=[]), "issue_ids": [a["id"], b["id"]]}
    done = api.ok("POST", "/api/v1/issues/bulk/assign", "coordinator", json=body)
    assert done["assigned"] == [a["id"], b["id"]]
    for issue in (a, b):
        got = api.ok("GET", f"/api/v1/issues/{issue['id']}", "coordinator")
        assert got["status"] == "assigned" and got["lead_department_id"] == county.dept_id("fgj")
    # one already assigned: nothing of the batch is saved, the row is named
    c = api.create_issue(title="批量三")
    resp = api.post("/api/v1/issues/bulk/assign", "coordinator", json={**body, "issue_ids": [c["id"], a["id"]]})
    assert resp.status_code == 422 and "issue_ids.1" in resp.get_json()["error"]["fields"]
    assert api.ok("GET", f"/api/v1/issues/{c['id']}", "coordinator")["status"] == "collected"
    refused = api.post("/api/v1/issues/bulk/assign", "supervisor", json={**body, "issue_ids": [c["id"]]})
    assert refused.status_code == 403


def _export(api, who, ids, **extra):
    resp = api.post("/api/v1/issues/bulk/export.xlsx", who, json={"issue_ids": ids, **extra})
    assert resp.status_code == 200, resp.get_json()
    return sheet(resp.data)


def test_export_holds_exactly_the_selection_masked_as_the_ledger(api):
    a, b, c = (api.create_issue(title=f"导出{n}") for n in range(3))
    ws = _export(api, "coordinator", [c["id"], a["id"]])
    cols = headers(ws)
    codes = [ws.cell(row, cols["编号"]).value for row in range(HEADER_ROW + 1, ws.max_row + 1)]
    assert codes == [c["code"], a["code"]]
    assert ws.cell(HEADER_ROW + 1, cols["联系电话"]).value == "13812345678"
    masked = _export(api, "supervisor", [a["id"]])  # the inspectors get the masked ledger
    phone = masked.cell(HEADER_ROW + 1, headers(masked)["联系电话"]).value
    assert phone != "13812345678" and "13812345678" not in str([c.value for c in masked[HEADER_ROW + 1]])
    asked = _export(api, "coordinator", [a["id"]], masked=True)
    assert asked.cell(HEADER_ROW + 1, headers(asked)["联系电话"]).value != "13812345678"
    assert api.post("/api/v1/issues/bulk/export.xlsx", "fgj", json={"issue_ids": [a["id"]]}).status_code == 403
    del b


def test_saved_views_are_the_users_own(api):
    builtin = api.ok("GET", "/api/v1/views", "supervisor")["items"]
    assert [v["name"] for v in builtin] == ["我的红色问题", "本周到期"] and builtin[0]["id"] is None
    made = api.ok("POST", "/api/v1/views", "supervisor", status=201,
                  json={"name": "发改局红色", "query": {"flag": "red", "department": "3", "sort": "next_due",
                                                     "dir": "asc", "junk": "x"}})
    assert made["query"] == {"flag": "red", "department": "3", "sort": "next_due", "dir": "asc"}
    assert [v["name"] for v in api.ok("GET", "/api/v1/views", "supervisor")["items"]][-1] == "发改局红色"
    again = api.post("/api/v1/views", "supervisor", json={"name": "发改局红色", "query": {}})
    assert again.status_code == 409 and again.get_json()["error"]["code"] == "view_name_taken"
    long = api.post("/api/v1/views", "supervisor", json={"name": "名" * 31, "query": {}})
    assert long.status_code == 422 and "name" in long.get_json()["error"]["fields"]
    # the same name is free for another user; another user's view is not there for him
    api.ok("POST", "/api/v1/views", "coordinator", status=201, json={"name": "发改局红色", "query": {}})
    assert api.get(f"/api/v1/views/{made['id']}", "coordinator").status_code == 404
    assert api.call("DELETE", f"/api/v1/views/{made['id']}", "coordinator").status_code == 404
    assert api.ok("GET", f"/api/v1/views/{made['id']}", "supervisor")["name"] == "发改局红色"
    assert api.call("DELETE", f"/api/v1/views/{made['id']}", "supervisor").status_code == 204
    assert api.get(f"/api/v1/views/{made['id']}", "supervisor").status_code == 404


def test_a_saved_view_is_renamed_or_given_other_filters_by_its_owner_only(api):
    first = api.ok("POST", "/api/v1/views", "supervisor", status=201, json={"name": "红色", "query": {"flag": "red"}})
    api.ok("POST", "/api/v1/views", "supervisor", status=201, json={"name": "黄色", "query": {"flag": "yellow"}})
    renamed = api.ok("PATCH", f"/api/v1/views/{first['id']}", "supervisor", json={"name": "红色问题"})
    assert renamed["name"] == "红色问题" and renamed["query"] == {"flag": "red"}
    moved = api.ok("PATCH", f"/api/v1/views/{first['id']}", "supervisor",
                   json={"query": {"flag": "red", "sort": "next_due", "dir": "asc"}})
    assert moved["name"] == "红色问题" and moved["query"]["sort"] == "next_due"
    taken = api.patch(f"/api/v1/views/{first['id']}", "supervisor", json={"name": "黄色"})
    assert taken.status_code == 409 and taken.get_json()["error"]["fields"] == {"name": "名称已被使用"}
    assert api.patch(f"/api/v1/views/{first['id']}", "supervisor", json={"name": "本周到期"}).status_code == 409
    assert api.patch(f"/api/v1/views/{first['id']}", "coordinator", json={"name": "抢来的"}).status_code == 404
    assert api.ok("GET", f"/api/v1/views/{first['id']}", "supervisor")["name"] == "红色问题"
