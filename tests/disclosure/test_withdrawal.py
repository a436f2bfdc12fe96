"""撤回公示: a published issue leaves every public surface, the reason kept on its timeline;
it may be published again (its evaluation still in force)."""
from ..console import Console
from ..helpers import issue_in


def test_a_withdrawn_issue_leaves_the_public_pages_with_its_reason_on_record(api, app):
    issue = issue_in(api, "published")
    code = issue["code"]
    assert api.get(f"/api/v1/public/issues/{code}").status_code == 200

    missing = api.act(issue["id"], "withdraw", "coordinator", {})
    assert missing.status_code == 422 and "reason" in missing.get_json()["error"]["fields"]
    assert api.act(issue["id"], "withdraw", "fgj", {"reason": "越权撤回"}).status_code == 403

    back = api.ok("POST", f"/api/v1/issues/{issue['id']}/actions/withdraw", "coordinator",
                  json={"reason": "企业反映公示内容有误，核实后重新公示"})
    assert back["status"] == "closed" and back["disclosure"] == "withheld"
    assert api.get(f"/api/v1/public/issues/{code}").status_code == 404
    assert code not in [i["code"] for i in api.ok("GET", "/api/v1/public/issues")["items"]]
    assert code not in app.test_client().get("/").get_data(as_text=True)
    assert app.test_client().get(f"/issues/{code}").status_code == 404
    last = api.ok("GET", f"/api/v1/issues/{issue['id']}/events", "coordinator")["items"][-1]
    assert (last["action"], last["from_status"], last["to_status"]) == ("withdraw", "published", "closed")
    assert last["note"] == "企业反映公示内容有误，核实后重新公示"
    page = Console(app, "coordinator").text(f"/console/issues/{issue['id']}")
    assert "撤回公示" in page and "企业反映公示内容有误" in page

    # corrected and published again: the evaluation of the round still holds
    again = api.ok("POST", f"/api/v1/issues/{issue['id']}/actions/publish", "coordinator",
                   json={"public_summary": "园区东路已修复（更正）。"})
    assert again["status"] == "published"
    assert api.ok("GET", f"/api/v1/public/issues/{code}")["summary"] == "园区东路已修复（更正）。"
