"""相似问题 at intake and 重复反映: the look-up on both databases, one click linking a call to
its issue, and the linked caller told the outcome at the 办结答复."""
import io

import pytest
from openpyxl import load_workbook

from ..console_client import csrf, logged_in, text
from ..helpers import future, issue_in


def outbox(api, issue_id) -> list[dict]:
    return api.ok("GET", f"/api/v1/notifications?issue_id={issue_id}", "coordinator")["items"]


def similar(client, **args) -> str:
    resp = client.get("/console/intake/similar", query_string=args)
    assert resp.status_code == 200
    return text(resp)


@pytest.mark.both_db
def test_a_like_title_is_found_with_its_reasons(app, api):
    power = api.create_issue(title="园区频繁停电影响企业生产", content="本月园区停电五次，生产线频繁中断，产品报废。",
                             reporter={"name": "张三", "phone": "13911112222", "kind": "enterprise",
                                       "consent_public": False, "org": "宏达机械"})
    api.create_issue(title="办理施工许可审批时间过长", content="扩建项目施工许可迟迟办不下来。")
    client = logged_in(app, "operator")
    page = similar(client, title="园区频繁停电", content="停电导致生产线中断")
    assert power["code"] in page and "内容相近" in page and "施工许可" not in page
    # the same caller, another problem: found because it is the same phone
    page = similar(client, title="招工难", reporter_phone="13911112222")
    assert power["code"] in page and "同一来电" in page
    # nothing alike
    assert "没有找到相似的问题" in similar(client, title="出口退税进度慢")


@pytest.mark.both_db
def test_a_repeat_call_is_linked_and_its_caller_hears_the_outcome(app, api):
    issue = issue_in(api, "in_progress", title="园区频繁停电影响企业生产",
                     content="本月园区停电五次，生产线频繁中断，产品报废。")
    client = logged_in(app, "operator")
    token = csrf(client.get("/console/intake").data)
    resp = client.post(f"/console/intake/repeat/{issue['id']}", data={
        "csrf_token": token, "reporter_phone": "13922223333", "reporter_name": "李四", "reporter_org": "鑫源食品",
        "channel": "hotline", "title": "又停电了", "content": "园区这周又停电两次"})
    assert resp.status_code == 302 and resp.headers["Location"].endswith(f"/console/issues/{issue['id']}")
    page = text(client.get(f"/console/issues/{issue['id']}"))
    assert "重复反映 1 次" in page and "13922223333" in page
    # no new issue was made of the call
    assert api.ok("GET", "/api/v1/issues?q=又停电了", "coordinator")["items"] == []
    # the look-up and the ledger say it too
    assert "重复反映 1 次" in similar(client, title="园区频繁停电影响企业生产")
    sheet = load_workbook(io.BytesIO(api.get(f"/api/v1/exports/ledger.xlsx?from={future(-30)}&to={future(1)}",
                                             "coordinator").data)).active
    header = next(r for r in sheet.iter_rows(values_only=True) if "重复反映次数" in r)
    row = next(r for r in sheet.iter_rows(values_only=True) if r[0] == issue["code"])
    assert row[header.index("重复反映次数")] == 1
    # nothing told yet; at the 办结答复 the linked caller hears it, once
    assert not [m for m in outbox(api, issue["id"]) if m["recipient"] == "139****3333"]
    api.act(issue["id"], "reply", "fgj", {"result": "已完成线路改造，供电恢复稳定。"})
    told = [m for m in outbox(api, issue["id"]) if m["template"] == "repeat_outcome"]
    assert len(told) == 1 and told[0]["recipient"] == "139****3333" and issue["code"] in told[0]["body"]


def test_a_repeat_is_refused_with_the_field_named_and_hidden_from_other_departments(app, api):
    issue = issue_in(api, "assigned")
    client = logged_in(app, "operator")
    token = csrf(client.get("/console/intake").data)
    resp = client.post(f"/console/intake/repeat/{issue['id']}",
                       data={"csrf_token": token, "reporter_phone": "12345", "channel": "hotline"})
    assert resp.status_code == 422 and "请检查标红的内容" in text(resp) and "is-invalid" in text(resp)
    resp = client.post("/console/intake/repeat/999999", data={"csrf_token": token, "channel": "hotline"})
    assert resp.status_code == 404
    dept = logged_in(app, "zrj")
    assert dept.get("/console/intake/similar?title=园区").status_code == 403
    resp = dept.post(f"/console/intake/repeat/{issue['id']}", data={"csrf_token": token, "channel": "hotline"})
    assert resp.status_code in (400, 403, 404)
