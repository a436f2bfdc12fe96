"""The console's 包保 and month-end visit pages, the enterprise pages and the supervision
board's list of visits still to make."""
from sqlalchemy import select
from sqlmodel import Session

from models import LeaderVisit

from ..console import Console
from ..enterprises.test_leader_visits import firm
from ..helpers import issue_in


def test_the_leader_records_a_visit_on_the_console(api, county, app, engine):
    issue = issue_in(api, "replied")
    leader = Console(app, "leader")
    page = leader.text("/console/visits")
    assert issue["code"] in page and "13812345678" in page and "记录回访" in page
    refused = leader.post(f"/console/visits/{issue['id']}", {"satisfaction": "unsatisfied", "note": ""})
    assert refused.status_code == 422 and "不满意时请写明" in refused.get_data(as_text=True)
    saved = leader.post(f"/console/visits/{issue['id']}", {"satisfaction": "satisfied", "note": "企业满意"})
    assert saved.status_code == 302
    page = leader.text("/console/visits")
    assert "已回访：满意" in page and "代为记录" not in page
    assert api.ok("GET", f"/api/v1/issues/{issue['id']}", "coordinator")["status"] == "closed"


def test_the_office_records_on_behalf_and_the_page_says_so(api, county, app, engine):
    issue = issue_in(api, "closed")
    office = Console(app, "coordinator")
    leader_id = county.user_id("leader")
    page = office.text(f"/console/visits?leader_id={leader_id}")
    assert "代为记录回访" in page and issue["code"] in page
    assert office.post(f"/console/visits/{issue['id']}", {"satisfaction": "satisfied", "note": "代领导电话回访",
                                                          "leader_id": leader_id}).status_code == 302
    page = office.text(f"/console/visits?leader_id={leader_id}")
    assert "代为记录：coordinator 代 leader" in page
    with Session(engine) as s:
        assert s.execute(select(LeaderVisit.on_behalf)).scalar_one() is True
    # the leader sees it as recorded for them
    assert "代为记录：coordinator 代 leader" in Console(app, "leader").text("/console/visits")


def test_a_leader_sees_and_records_only_their_own_list_whatever_the_address_says(api, county, app, engine):
    issue = issue_in(api, "replied")
    other = Console(app, "leader2")
    page = other.text(f"/console/visits?leader_id={county.user_id('leader')}")
    assert issue["code"] not in page and "代为记录回访" not in page
    # a leader's form naming another leader records nothing for that leader
    assert other.post(f"/console/visits/{issue['id']}", {"satisfaction": "satisfied", "note": "好",
                                                         "leader_id": county.user_id("leader")}).status_code == 404
    with Session(engine) as s:
        assert s.execute(select(LeaderVisit)).first() is None


def test_other_users_do_not_reach_a_leader_pages(api, county, app):
    row = firm(api, county)
    issue = issue_in(api, "replied")
    dept = Console(app, "fgj")
    assert dept.get(f"/console/enterprises/{row['id']}").status_code == 404
    assert dept.get(f"/console/leaders/{county.user_id('leader')}/enterprises").status_code == 404
    assert dept.post(f"/console/visits/{issue['id']}", {"satisfaction": "satisfied"}).status_code == 404
    other = Console(app, "leader2")
    assert other.get(f"/console/enterprises/{row['id']}").status_code == 404
    assert other.get(f"/console/leaders/{county.user_id('leader')}/enterprises").status_code == 404
    assert issue["code"] not in other.text("/console/visits")
    mine = Console(app, "leader")
    assert "秦岭绿源农业科技有限公司" in mine.text(f"/console/leaders/{county.user_id('leader')}/enterprises")
    assert mine.get(f"/console/leaders/{county.user_id('leader')}/ledger.xlsx").status_code == 200
    assert "秦岭绿源农业科技有限公司" in Console(app, "operator").text("/console/enterprises?q=绿源")


def test_the_meeting_page_prepares_the_invited_enterprises_open_issues(api, county, app):
    row = firm(api, county)
    open_issue = issue_in(api, "in_progress", enterprise_id=row["id"])
    m = api.ok("POST", "/api/v1/meetings", "coordinator", status=201, json={
        "kind": "breakfast", "title": "服务企业早餐会", "held_at": "2026-12-03T07:30:00+08:00",
        "host_leader_id": county.user_id("leader"), "attendees": ["县长", "秦岭绿源农业科技有限公司"]})
    page = Console(app, "coordinator").text(f"/console/meetings/{m['id']}")
    assert "参会企业的在办问题" in page and open_issue["code"] in page


def test_the_office_keeps_the_township_list(app, county, api):
    office = Console(app, "coordinator")
    assert office.post("/console/townships", {"name": "城关镇", "sort_order": "1"}).status_code == 302
    assert "城关镇" in office.text("/console/townships")
    refused = office.post("/console/townships", {"name": "城关镇"})
    assert refused.status_code == 409 and "已在名单中" in refused.get_data(as_text=True)
    assert Console(app, "operator").get("/console/townships").status_code == 403
    # the intake form now offers the list
    page = Console(app, "operator").text("/console/intake")
    assert 'id="township_pick"' in page and "城关镇" in page
