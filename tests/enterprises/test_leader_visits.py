"""包保 leaders and 县长月末回访: a leader's enterprises and their 双包一解 ledger, the invited
enterprises of a breakfast meeting, the month-end visit list, the visit recorded by the leader
or on the leader's behalf, the unvisited ones on the supervision board from the 25th, and the
leader's dashboard."""
import io
from datetime import datetime, timedelta, timezone

from openpyxl import load_workbook
from sqlalchemy import select
from sqlmodel import Session

from models import Issue, IssueEvent, LeaderVisit
from service.deadlines.calendar import LOCAL_TZ
from service.enterprises.visits import unvisited
from service.supervision.board import BoardFilters, board

from ..console import Console
from ..enterprises.test_enterprises import VALID_CODES
from ..helpers import REPORTER, issue_in


def firm(api, county, name="秦岭绿源农业科技有限公司", code=VALID_CODES[0], leaders=("leader",)):
    return api.ok("POST", "/api/v1/enterprises", "coordinator", status=201, json={
        "name": name, "credit_code": code, "contact_name": "王建国", "contact_phone": "13812345678",
        "leader_ids": [county.user_id(u) for u in leaders]})


def meeting(api, county, host="leader2", attendees=("县长",)):
    return api.ok("POST", "/api/v1/meetings", "coordinator", status=201, json={
        "kind": "breakfast", "title": "服务企业早餐会", "held_at": "2026-12-03T07:30:00+08:00",
        "host_leader_id": county.user_id(host), "attendees": list(attendees), "location": "县政府"})


def visits(api, who, leader):
    return api.ok("GET", f"/api/v1/leaders/{api.county.user_id(leader)}/visits", who)


def record(api, who, issue_id, **body):
    return api.post(f"/api/v1/issues/{issue_id}/leader-visit", who, json=body)


def test_a_leader_pages_are_their_own(api, county):
    row = firm(api, county)
    issue = issue_in(api, "in_progress", enterprise_id=row["id"])
    mine = api.ok("GET", f"/api/v1/leaders/{county.user_id('leader')}/enterprises", "leader")
    assert [e["enterprise"]["name"] for e in mine["enterprises"]] == ["秦岭绿源农业科技有限公司"]
    assert [i["code"] for i in mine["enterprises"][0]["issues"]] == [issue["code"]]
    assert mine["enterprises"][0]["open_count"] == 1
    for who in ("leader2", "fgj", "operator"):
        assert api.get(f"/api/v1/leaders/{county.user_id('leader')}/enterprises", who).status_code == 404
        assert api.get(f"/api/v1/leaders/{county.user_id('leader')}/visits", who).status_code == 404
        assert api.get(f"/api/v1/leaders/{county.user_id('leader')}/ledger.xlsx", who).status_code == 404
    assert api.get(f"/api/v1/leaders/{county.user_id('leader')}/enterprises", "supervisor").status_code == 200
    assert api.get(f"/api/v1/leaders/{county.user_id('fgj')}/enterprises", "coordinator").status_code == 404


def test_the_double_baobao_ledger_lists_every_issue_and_never_a_formula(api, county):
    row = firm(api, county, name="=HYPERLINK(\"http://evil\",\"点我\")有限公司")
    issue_in(api, "closed", enterprise_id=row["id"], title="=1+1 道路问题")
    issue_in(api, "in_progress", enterprise_id=row["id"])
    resp = api.get(f"/api/v1/leaders/{county.user_id('leader')}/ledger.xlsx", "leader")
    assert resp.status_code == 200
    ws = load_workbook(io.BytesIO(resp.data)).active
    assert "双包一解问题台账" in ws["A1"].value
    header = [c.value for c in ws[3]]
    assert header[:4] == ["序号", "企业名称", "统一社会信用代码", "问题编号"]
    data = list(ws.iter_rows(min_row=4, values_only=False))
    assert len(data) == 2
    for cells in data:
        name = cells[1]
        assert name.value.startswith("=HYPERLINK") and name.data_type == "s" and name.quotePrefix
    titles = [cells[5] for cells in data]
    assert any(c.value == "=1+1 道路问题" and c.quotePrefix for c in titles)
    assert "满意" in {cells[11].value for cells in data}


def test_breakfast_preparation_shows_the_open_issues_of_the_invited_enterprises(api, county):
    row = firm(api, county)
    firm(api, county, name="宏达建材有限公司", code=VALID_CODES[1])
    open_issue = issue_in(api, "in_progress", enterprise_id=row["id"])
    issue_in(api, "closed", enterprise_id=row["id"])
    m = meeting(api, county, attendees=("县长", "秦岭绿源农业科技有限公司", "县发改局"))
    got = api.ok("GET", f"/api/v1/meetings/{m['id']}/enterprises", "coordinator")["items"]
    assert [(e["enterprise"]["name"], [i["code"] for i in e["open_issues"]]) for e in got] == [
        ("秦岭绿源农业科技有限公司", [open_issue["code"]])]
    assert api.get(f"/api/v1/meetings/{m['id']}/enterprises", "fgj").status_code == 404


def test_the_month_end_list_holds_led_and_hosted_issues_replied_or_closed_this_month(api, county):
    led = issue_in(api, "replied")                                     # led by `leader`
    m = meeting(api, county, host="leader2")
    hosted = issue_in(api, "closed", meeting_id=m["id"], channel=None,
                      reporter={**REPORTER, "name": "李秀英", "phone": "13800001111"})
    closed = issue_in(api, "closed")
    in_progress = issue_in(api, "in_progress")
    listing = visits(api, "leader", "leader")
    codes = [r["issue"]["code"] for r in listing["rows"]]
    assert sorted(codes) == sorted([led["code"], hosted["code"], closed["code"]])
    assert in_progress["code"] not in codes and listing["due_count"] == 3
    # the host of the meeting has its issue on their list, with the reporter's contact
    hosted_list = visits(api, "leader2", "leader2")
    assert [r["issue"]["code"] for r in hosted_list["rows"]] == [hosted["code"]]
    row = hosted_list["rows"][0]
    assert (row["reporter_name"], row["reporter_phone"], row["hosted"]) == ("李秀英", "13800001111", True)
    # and may record its visit, which leaves the issue as it is
    resp = record(api, "leader2", hosted["id"], satisfaction="satisfied", note="早餐会后回访")
    assert resp.status_code == 201, resp.get_json()
    assert api.ok("GET", f"/api/v1/issues/{hosted['id']}", "coordinator")["status"] == "closed"


def test_the_leader_records_the_visit_and_the_issue_is_closed(api, county, engine):
    issue = issue_in(api, "replied")
    resp = record(api, "leader", issue["id"], satisfaction="satisfied", note="电话回访，企业满意")
    assert resp.status_code == 201, resp.get_json()
    body = resp.get_json()
    assert body["on_behalf"] is False and body["leader"]["id"] == county.user_id("leader")
    assert api.ok("GET", f"/api/v1/issues/{issue['id']}", "coordinator")["status"] == "closed"
    with Session(engine) as s:
        event = s.execute(select(IssueEvent).where(IssueEvent.issue_id == issue["id"], IssueEvent.action == "visit")
                          ).scalar_one()
        assert event.actor_id == county.user_id("leader")
        assert event.data["leader_visit"]["on_behalf"] is False
    assert visits(api, "leader", "leader")["due_count"] == 0
    again = record(api, "leader", issue["id"], satisfaction="satisfied")
    assert again.status_code == 409 and again.get_json()["error"]["code"] == "already_visited"


def test_the_office_records_on_the_leader_behalf_with_both_names(api, county, engine):
    issue = issue_in(api, "closed")
    resp = record(api, "coordinator", issue["id"], satisfaction="basically", note="代县长电话回访")
    assert resp.status_code == 422 and "leader_id" in resp.get_json()["error"]["fields"]
    resp = record(api, "coordinator", issue["id"], satisfaction="basically", note="代县长电话回访",
                  leader_id=county.user_id("leader"))
    assert resp.status_code == 201, resp.get_json()
    body = resp.get_json()
    assert body["on_behalf"] is True
    assert (body["leader"]["name"], body["recorded_by"]["name"]) == ("leader", "coordinator")
    # a closed issue keeps its state; the visit is a line of its own on the timeline
    assert api.ok("GET", f"/api/v1/issues/{issue['id']}", "coordinator")["status"] == "closed"
    with Session(engine) as s:
        event = s.execute(select(IssueEvent).where(IssueEvent.issue_id == issue["id"],
                                                   IssueEvent.action == "leader_visit")).scalar_one()
        assert event.data["leader_visit"]["leader"] == "leader"
        assert event.data["leader_visit"]["recorded_by"] == "coordinator"
        visit = s.execute(select(LeaderVisit)).scalar_one()
        assert (visit.on_behalf, visit.recorded_by_id) == (True, county.user_id("coordinator"))
    row = visits(api, "leader", "leader")["rows"][0]
    assert row["visit"]["on_behalf"] and row["visit"]["recorded_by"]["name"] == "coordinator"


def test_visits_are_refused_off_the_list_or_to_others(api, county):
    issue = issue_in(api, "in_progress")
    resp = record(api, "leader", issue["id"], satisfaction="satisfied")
    assert resp.status_code == 409
    replied = issue_in(api, "replied")
    assert record(api, "leader2", replied["id"], satisfaction="satisfied").status_code == 404
    assert record(api, "fgj", replied["id"], satisfaction="satisfied").status_code == 404
    assert record(api, "supervisor", replied["id"], satisfaction="satisfied").status_code == 403
    resp = record(api, "leader", replied["id"], satisfaction="unsatisfied", note="")
    assert resp.status_code == 422 and "note" in resp.get_json()["error"]["fields"]
    resp = record(api, "leader", replied["id"], satisfaction="so-so")
    assert resp.status_code == 422 and "satisfaction" in resp.get_json()["error"]["fields"]
    assert api.ok("GET", f"/api/v1/issues/{replied['id']}", "coordinator")["status"] == "replied"


def test_unvisited_ones_show_on_the_board_from_the_25th(api, county, engine):
    issue = issue_in(api, "replied")
    today = datetime.now(timezone.utc).astimezone(LOCAL_TZ).date()
    day24, day25 = today.replace(day=24), today.replace(day=25)
    with Session(engine) as s:
        assert unvisited(s, day24) == []
        rows = unvisited(s, day25)
        assert [(r.leader.username, r.issue.id) for r in rows] == [("leader", issue["id"])]
        supervisor = s.get(type(rows[0].leader), county.user_id("supervisor"))
        from service.deadlines.calendar import WorkCalendar
        shown = board(s, supervisor, BoardFilters(), day25, WorkCalendar())
        assert [r.issue.id for r in shown.unvisited] == [issue["id"]]
    record(api, "coordinator", issue["id"], satisfaction="satisfied", leader_id=county.user_id("leader"))
    with Session(engine) as s:
        assert unvisited(s, day25) == []


def test_the_leader_home_is_their_dashboard(api, county, engine):
    row = firm(api, county)
    late = issue_in(api, "in_progress", enterprise_id=row["id"])
    with Session(engine) as s:
        issue = s.get(Issue, late["id"])
        issue.complete_due = issue.next_due = datetime.now(timezone.utc).date() - timedelta(days=10)
        s.add(issue)
        s.commit()
    due = issue_in(api, "replied")
    home = api.ok("GET", "/api/v1/leaders/me/dashboard", "leader")
    assert [i["code"] for i in home["red"]] == [late["code"]]
    assert [r["issue"]["code"] for r in home["visits_due"]] == [due["code"]]
    assert [e["name"] for e in home["enterprises"]] == ["秦岭绿源农业科技有限公司"]
    assert home["reports"] == []
    assert api.get("/api/v1/leaders/me/dashboard", "coordinator").status_code == 403
    console = Console(api.client.application, "leader")
    assert console.get("/console/").headers["Location"].endswith("/console/leader")
    page = console.text("/console/leader")
    assert "红牌" in page and late["code"] in page and "待回访" in page and due["code"] in page
