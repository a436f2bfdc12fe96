"""Who reads meetings, and who their attendee lists: one rule (models.permissions
MEETING_READ, MEETING_ATTENDEES) for the API and the console."""
import pytest

from ..console import Console

ATTENDEES = ["县长王某某", "县发改局局长", "秦岭绿源农业科技有限公司董事长"]


@pytest.fixture
def meeting(api, county):
    return api.ok("POST", "/api/v1/meetings", "coordinator", status=201, json={
        "kind": "breakfast", "title": "十二月服务企业早餐会", "held_at": "2026-12-03T07:30:00+08:00",
        "host_leader_id": county.user_id("leader"), "attendees": ATTENDEES, "location": "县政府三楼"})


@pytest.mark.parametrize("who", ["fgj", "leader", "admin"])
def test_department_leader_and_admin_tokens_read_no_meeting(api, meeting, who):
    for path in ("/api/v1/meetings", f"/api/v1/meetings/{meeting['id']}", "/api/v1/meetings/999999"):
        resp = api.get(path, who)
        assert resp.status_code == 403, (who, path)
        body = resp.get_data(as_text=True)
        assert "早餐会" not in body and ATTENDEES[0] not in body
        assert resp.get_json()["error"]["code"] == "meetings_forbidden"


@pytest.mark.parametrize("who", ["fgj", "leader", "admin"])
def test_the_console_refuses_the_same_roles(app, meeting, who):
    console = Console(app, who)
    for path in ("/console/meetings", f"/console/meetings/{meeting['id']}",
                 f"/console/meetings/{meeting['id']}/sheet"):
        assert console.get(path).status_code == 403, (who, path)


def test_operators_read_meetings_to_register_issues_but_not_who_attended(app, api, meeting):
    listed = api.ok("GET", "/api/v1/meetings", "operator")["items"]
    one = api.ok("GET", f"/api/v1/meetings/{meeting['id']}", "operator")
    for shown in (listed[0], one):
        assert shown["title"] == "十二月服务企业早餐会" and "attendees" not in shown
    assert api.get("/api/v1/meetings/999999", "operator").status_code == 404
    # the console shows operators the meeting in the intake form, never its attendees
    page = Console(app, "operator").get("/console/intake").get_data(as_text=True)
    assert "十二月服务企业早餐会" in page and ATTENDEES[0] not in page
    assert Console(app, "operator").get(f"/console/meetings/{meeting['id']}/sheet").status_code == 403


@pytest.mark.parametrize("who", ["coordinator", "supervisor"])
def test_the_office_and_the_supervision_office_read_attendees(app, api, meeting, who):
    assert api.ok("GET", f"/api/v1/meetings/{meeting['id']}", who)["attendees"] == ATTENDEES
    assert api.ok("GET", "/api/v1/meetings", who)["items"][0]["attendees"] == ATTENDEES
    sheet = Console(app, who).get(f"/console/meetings/{meeting['id']}/sheet").get_data(as_text=True)
    assert ATTENDEES[0] in sheet
