"""类案: similar issues grouped under one lead department and leader, answered together by one
policy-level answer through the workflow, each reporter told; the list counts them by township
and category; the work report sentence names them."""
import re

import pytest

from ..console_client import csrf, logged_in, text
from ..helpers import issue_in

REPORTERS = ("13911110001", "13911110002", "13911110003")


def outbox(api, issue_id) -> list[dict]:
    return api.ok("GET", f"/api/v1/notifications?issue_id={issue_id}", "coordinator")["items"]


@pytest.mark.both_db
def test_a_class_is_grouped_answered_together_and_counted(app, api, county):
    power = [api.create_issue(title=f"园区停电影响生产（{n}）", content="园区频繁停电，生产线中断。",
                              category="水电气保障", township=town,
                              reporter={"name": "企业主", "phone": phone, "kind": "enterprise",
                                        "consent_public": False})
             for n, (phone, town) in enumerate(zip(REPORTERS, ("城关镇", "城关镇", "河西镇"), strict=True))]
    # one of them already assigned to the class's lead department and signed for
    signed = issue_in(api, "in_progress", title="园区停电影响生产（已签收）", category="水电气保障")
    office = logged_in(app, "coordinator")
    token = csrf(office.get("/console/classes").data)
    codes = "、".join(i["code"] for i in (*power, signed))
    resp = office.post("/console/classes", data={
        "csrf_token": token, "title": "园区供电保障", "lead_department_id": str(county.dept_id("fgj")),
        "lead_leader_id": str(county.user_id("leader")), "responsible_person": "李明",
        "responsible_phone": "13700001111", "codes": codes})
    assert resp.status_code == 302, text(resp)
    page = text(office.get("/console/classes"))
    class_id = re.search(r'id="class-(\d+)"', page).group(1)
    assert "园区供电保障" in page and "涉及问题4件" in page and "城关镇 3" in page and "水电气保障 4" in page
    for issue in power:
        assert api.ok("GET", f"/api/v1/issues/{issue['id']}", "coordinator")["status"] == "assigned"

    # another department may not answer it, nor the office
    other = logged_in(app, "zrj")
    other_token = csrf(other.get("/console/classes").data)
    resp = other.post(f"/console/classes/{class_id}/answer", data={"csrf_token": other_token, "answer": "越权"})
    assert resp.status_code == 404
    assert "园区供电保障" not in text(other.get("/console/classes"))
    lead = logged_in(app, "fgj")
    lead_token = csrf(lead.get("/console/classes").data)
    resp = lead.post(f"/console/classes/{class_id}/answer", data={"csrf_token": lead_token, "answer": ""})
    assert resp.status_code == 422 and "请填写统一答复" in text(resp)
    # an answer longer than a reply's result is refused whole, never cut: nothing is answered
    long_answer = "出台园区供电保障办法。" * 500
    resp = lead.post(f"/console/classes/{class_id}/answer", data={"csrf_token": lead_token, "answer": long_answer})
    assert resp.status_code == 422 and "统一答复不能超过5000字（现有5500字）" in text(resp)
    assert api.ok("GET", f"/api/v1/issues/{signed['id']}", "coordinator")["status"] == "in_progress"
    resp = lead.post(f"/console/classes/{class_id}/answer",
                     data={"csrf_token": lead_token, "answer": "出台园区供电保障办法，新建双回路供电线路"})
    assert resp.status_code == 302
    for issue in (*power, signed):
        got = api.ok("GET", f"/api/v1/issues/{issue['id']}", "coordinator")
        assert got["status"] == "replied" and got["result"] == "出台园区供电保障办法，新建双回路供电线路"
        told = [m for m in outbox(api, issue["id"]) if m["template"] == "replied_reporter"]
        assert len(told) == 1
    # each is rated at its own return visit, as usual
    api.ok("POST", f"/api/v1/issues/{power[0]['id']}/actions/visit", "coordinator", json={"satisfaction": "satisfied"})
    summary = api.ok("GET", "/api/v1/stats/summary", "coordinator")
    assert summary["classes"] == 1 and summary["class_issues"] == 4
    assert summary["sentence"].endswith("归并类案1类，涉及问题4件")


def test_a_class_needs_two_issues_and_a_lead(app, api, county):
    one = api.create_issue()
    office = logged_in(app, "coordinator")
    token = csrf(office.get("/console/classes").data)
    resp = office.post("/console/classes", data={"csrf_token": token, "title": "", "codes": one["code"],
                                                 "lead_department_id": "x"})
    assert resp.status_code == 422 and "请从列表中选择" in text(resp)
    resp = office.post("/console/classes", data={"csrf_token": token, "title": "单件", "codes": one["code"],
                                                 "lead_department_id": str(county.dept_id("fgj")),
                                                 "lead_leader_id": str(county.user_id("leader"))})
    assert resp.status_code == 422 and "类案至少包含2件问题" in text(resp)
    operator = logged_in(app, "operator")
    resp = operator.post("/console/classes", data={"csrf_token": csrf(operator.get("/console/classes").data)})
    assert resp.status_code == 403
