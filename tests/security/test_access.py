"""Who sees what: department users and leaders are blind to issues that are not theirs."""
from ..helpers import issue_in


def test_department_user_is_blind_to_other_departments_issues(api, county):
    mine = issue_in(api, "assigned")  # lead 县发改局, co 县自然资源局
    other = api.create_issue(title="食品经营许可证延续办理慢")
    api.ok("POST", f"/api/v1/issues/{other['id']}/actions/assign", "coordinator",
           json=api.assign_body(lead_department_id=county.dept_id("scj"), co_department_ids=[]))

    # lists
    def listed(who):
        return {i["id"] for i in api.ok("GET", "/api/v1/issues", who)["items"]}
    assert listed("fgj") == {mine["id"]}
    assert listed("zrj") == {mine["id"]}  # co-handling department
    assert listed("scj") == {other["id"]}
    assert listed("coordinator") == {mine["id"], other["id"]}
    # a filter naming another department still shows nothing of it
    assert api.ok("GET", f"/api/v1/issues?department_id={county.dept_id('scj')}", "fgj")["items"] == []

    # reads, timeline and actions: 404, exactly as for an issue that does not exist
    for path in (f"/api/v1/issues/{other['id']}", f"/api/v1/issues/{other['id']}/events"):
        resp = api.get(path, "fgj")
        assert resp.status_code == 404
        assert resp.get_json() == api.get("/api/v1/issues/999999", "fgj").get_json()
    assert api.act(other["id"], "accept", "fgj").status_code == 404
    assert api.patch(f"/api/v1/issues/{other['id']}", "fgj",
                     json={"version": 1, "title": "改"}).status_code == 404
    assert api.ok("GET", f"/api/v1/issues/{other['id']}", "coordinator")["status"] == "assigned"


def test_co_department_reports_progress_but_does_not_take_lead_steps(api):
    issue = issue_in(api, "assigned")
    resp = api.act(issue["id"], "accept", "zrj")
    assert resp.status_code == 403
    assert "主办单位" in resp.get_json()["error"]["message"]
    api.act(issue["id"], "accept", "fgj")
    assert api.act(issue["id"], "progress", "zrj", {"note": "协办意见已报送"}).status_code == 200
    for action, body in (("reply", {"result": "办结"}), ("plan", {"plan": "方案"}),
                         ("request_extension", {"complete_due": "2099-01-01", "reason": "x"}),
                         ("answer", {"answer": "已安排"}), ("report", {"report": "已办理"})):
        assert api.act(issue["id"], action, "zrj", body).status_code == 403
    detail = api.ok("GET", f"/api/v1/issues/{issue['id']}", "zrj")
    assert detail["allowed_actions"] == ["progress"]
    assert set(api.ok("GET", f"/api/v1/issues/{issue['id']}", "fgj")["allowed_actions"]) == {
        "plan", "progress", "request_extension", "answer", "reply", "report"}


def test_leader_sees_only_the_issues_they_lead(api, county):
    led = issue_in(api, "in_progress")
    not_led = api.create_issue(title="企业职工子女入学咨询")
    api.ok("POST", f"/api/v1/issues/{not_led['id']}/actions/assign", "coordinator",
           json=api.assign_body(lead_leader_id=county.user_id("leader2")))
    assert {i["id"] for i in api.ok("GET", "/api/v1/issues", "leader")["items"]} == {led["id"]}
    assert api.get(f"/api/v1/issues/{not_led['id']}", "leader").status_code == 404
    assert api.act(not_led["id"], "instruct", "leader", {"note": "批示"}).status_code == 404
    assert api.act(led["id"], "instruct", "leader", {"note": "请抓紧"}).status_code == 200


def test_returned_issue_leaves_the_department_and_can_be_reassigned(api, county):
    issue = issue_in(api, "assigned")
    back = api.ok("POST", f"/api/v1/issues/{issue['id']}/actions/return", "fgj",
                  json={"reason": "该事项属市场监管职责"})
    assert back["status"] == "collected" and back["lead_department_id"] is None
    assert api.get(f"/api/v1/issues/{issue['id']}", "fgj").status_code == 404
    again = api.ok("POST", f"/api/v1/issues/{issue['id']}/actions/assign", "coordinator",
                   json=api.assign_body(lead_department_id=county.dept_id("scj"), co_department_ids=[]))
    assert again["status"] == "assigned" and again["lead_department_id"] == county.dept_id("scj")
    events = api.ok("GET", f"/api/v1/issues/{issue['id']}/events", "coordinator")["items"]
    ret = next(e for e in events if e["action"] == "return")
    assert ret["note"] == "该事项属市场监管职责" and ret["data"]["department_id"] == county.dept_id("fgj")


def test_anonymous_reaches_only_public_paths(api):
    issue = issue_in(api, "published")
    for path in ("/api/v1/issues", f"/api/v1/issues/{issue['id']}", "/api/v1/departments",
                 "/api/v1/meetings", "/api/v1/notifications", "/api/v1/users"):
        assert api.get(path).status_code == 401, path
    assert api.get("/api/v1/public/issues").status_code == 200
    assert api.get("/healthz").status_code == 200
    assert api.get("/readyz").get_json() == {"status": "ready"}
