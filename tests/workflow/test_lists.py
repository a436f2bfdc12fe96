"""The staff list: filters, colours as SQL, cursor pages, editing with versions."""
from datetime import datetime, timedelta, timezone

import pytest
from sqlmodel import Session

from models import User
from service.deadlines.calendar import local_date
from service.workflow.transition import WorkflowOptions, transition

from ..helpers import future, issue_in

# Runs on both databases: it covers code that branches on the dialect (tests/core/test_dialects.py).
pytestmark = pytest.mark.both_db


def _assigned_days_ago(api, county, engine, days: int, **assign_over) -> dict:
    """An issue assigned `days` calendar days ago with the default deadlines."""
    issue = api.create_issue()
    with Session(engine, expire_on_commit=False) as s:
        coordinator = s.get(User, county.user_id("coordinator"))
        transition(s, coordinator, issue["id"], "assign", {**api.assign_body(), **assign_over},
                   datetime.now(timezone.utc) - timedelta(days=days), WorkflowOptions())
    return api.ok("GET", f"/api/v1/issues/{issue['id']}", "coordinator")


def test_colour_filters_select_by_nearest_open_deadline(api, county, engine):
    red = _assigned_days_ago(api, county, engine, 40)
    today = local_date(datetime.now(timezone.utc))
    yellow = api.create_issue(title="临期问题")
    yellow = api.ok("POST", f"/api/v1/issues/{yellow['id']}/actions/assign", "coordinator",
                    json=api.assign_body(deadlines={"accept_due": today.isoformat(),
                                                    "complete_due": future(60)}))
    green = issue_in(api, "in_progress")
    closed = issue_in(api, "closed")
    assert yellow["flag"] == "yellow" and green["flag"] == "green"
    assert red["flag"] == "red"

    def ids(query):
        return {i["id"] for i in api.ok("GET", f"/api/v1/issues?{query}", "supervisor")["items"]}
    assert ids("flag=red") == {red["id"]}
    assert ids("overdue=true") == {red["id"]}
    assert ids("flag=yellow") == {yellow["id"]}
    assert ids("flag=green") == {green["id"]}
    assert closed["id"] not in ids("flag=green") | ids("flag=red") | ids("flag=yellow")
    listed = {i["id"]: i["flag"] for i in api.ok("GET", "/api/v1/issues", "supervisor")["items"]}
    assert listed[red["id"]] == "red" and listed[green["id"]] == "green" and listed[closed["id"]] is None


def test_filters_by_status_channel_department_meeting_and_text(api, county):
    meeting = api.ok("POST", "/api/v1/meetings", "coordinator", status=201, json={
        "kind": "forum", "title": "2026年第四季度政企面对面恳谈会",
        "held_at": "2026-11-20T09:00:00+08:00", "host_leader_id": county.user_id("leader")})
    a = api.create_issue(title="天然气管网接入费用过高", meeting_id=meeting["id"], channel=None)
    b = issue_in(api, "in_progress", channel="mailbox", title="招工难请人社局组织专场招聘")
    c = api.create_issue(channel="window", title="不动产登记需要跑三次")
    assert a["channel"] == "forum"  # taken from the meeting's kind

    def ids(query):
        return {i["id"] for i in api.ok("GET", f"/api/v1/issues?{query}", "coordinator")["items"]}
    assert ids("status=collected") == {a["id"], c["id"]}
    assert ids("status=collected,in_progress") == {a["id"], b["id"], c["id"]}
    assert ids("channel=mailbox") == {b["id"]}
    assert ids(f"department_id={county.dept_id('zrj')}") == {b["id"]}  # co-handling counts
    assert ids(f"meeting_id={meeting['id']}") == {a["id"]}
    assert ids(f"lead_leader_id={county.user_id('leader')}") == {b["id"]}  # the 主抓领导 of b only
    assert ids(f"lead_leader_id={county.user_id('leader2')}") == set()
    assert ids("q=招工") == {b["id"]}
    assert ids("q=" + c["code"]) == {c["id"]}
    assert ids("q=%25") == set()  # a literal %, not a wildcard
    assert api.ok("GET", f"/api/v1/meetings/{meeting['id']}", "operator")["issue_count"] == 1


def test_cursor_pages_walk_every_issue_once(api):
    created = [api.create_issue(title=f"分页问题{i}")["id"] for i in range(7)]
    seen, cursor, pages = [], None, 0
    while True:
        query = "limit=3" + (f"&cursor={cursor}" if cursor else "")
        page = api.ok("GET", f"/api/v1/issues?{query}", "coordinator")
        seen += [i["id"] for i in page["items"]]
        pages += 1
        cursor = page["next_cursor"]
        if not cursor:
            break
    assert pages == 3
    assert seen == sorted(created, reverse=True)


def test_patch_edits_descriptive_fields_with_the_current_version(api):
    issue = api.create_issue()
    edited = api.ok("PATCH", f"/api/v1/issues/{issue['id']}", "operator", json={
        "version": issue["version"], "title": "园区东路塌陷（已核实）",
        "reporter": {"phone": "13912345678"}})
    assert edited["title"] == "园区东路塌陷（已核实）" and edited["version"] == issue["version"] + 1
    assert edited["reporter"]["phone"] == "13912345678"
    assert edited["reporter"]["name"] == issue["reporter"]["name"]
    stale = api.patch(f"/api/v1/issues/{issue['id']}", "operator",
                      json={"version": issue["version"], "title": "旧版本的修改"})
    assert stale.status_code == 409 and stale.get_json()["error"]["code"] == "stale_version"
    assert api.ok("GET", f"/api/v1/issues/{issue['id']}", "operator")["title"] == "园区东路塌陷（已核实）"
    events = api.ok("GET", f"/api/v1/issues/{issue['id']}/events", "operator")["items"]
    assert events[-1]["action"] == "edit" and set(events[-1]["data"]["fields"]) == {"title", "reporter.phone"}
    assert api.patch(f"/api/v1/issues/{issue['id']}", "fgj",
                     json={"version": edited["version"], "title": "x"}).status_code == 404


def test_suspension_stops_the_clock_and_resume_restores_it(api, county, engine):
    issue = issue_in(api, "in_progress")
    suspended = api.ok("POST", f"/api/v1/issues/{issue['id']}/actions/suspend", "coordinator",
                       json={"reason": "需省自然资源厅批复用地指标", "review_on": future(20)})
    assert suspended["flag"] is None and suspended["next_due"] is None
    assert issue["id"] not in {i["id"] for i in api.ok("GET", "/api/v1/issues?flag=green", "coordinator")["items"]}
    resumed = api.ok("POST", f"/api/v1/issues/{issue['id']}/actions/resume", "coordinator", json={})
    assert resumed["status"] == "in_progress" and resumed["flag"] in ("green", "yellow")
    assert resumed["deadlines"] == issue["deadlines"]  # suspended and resumed the same day


def test_unsatisfied_visit_reopens_with_fresh_deadlines(api):
    issue = issue_in(api, "replied")
    again = api.ok("POST", f"/api/v1/issues/{issue['id']}/actions/visit", "coordinator",
                   json={"satisfaction": "unsatisfied", "note": "企业反映仍未解决"})
    assert again["status"] == "in_progress" and again["reopen_count"] == 1
    assert again["satisfaction"] == "unsatisfied"
    done = api.ok("POST", f"/api/v1/issues/{issue['id']}/actions/reply", "fgj", json={"result": "重新办结"})
    assert done["status"] == "replied"


def test_an_issue_of_a_meeting_keeps_the_meetings_channel(api, county):
    meeting = api.ok("POST", "/api/v1/meetings", "coordinator", status=201, json={
        "kind": "breakfast", "title": "11月服务企业早餐会", "held_at": "2026-11-20T07:30:00+08:00"})
    resp = api.post("/api/v1/issues", "operator", json={
        "title": "融资担保", "content": "担保费率高", "channel": "hotline", "meeting_id": meeting["id"]})
    assert resp.status_code == 422 and "channel" in resp.get_json()["error"]["fields"]
    ok = api.create_issue(channel="breakfast", meeting_id=meeting["id"])
    assert ok["channel"] == "breakfast" and ok["meeting_id"] == meeting["id"]


def test_staff_and_public_search_read_wildcards_and_quotes_alike(api):
    """The staff list and the public search write a term into the statement by one rule:
    `%`, `_`, `\\` and `"` are the characters themselves, for 1-2 characters (LIKE) and 3 or
    more (the trigram index) alike, on the staff side as on the public one."""
    from ..public_helpers import published
    odd = published(api, title='收费标准100%_上浮\\按"旧"文件', summary='已按标准清退多收费用，100%_\\"旧"。')
    plain = published(api, title="收费标准统一下调", summary="已按标准清退多收费用。")

    def staff(q):
        return {i["code"] for i in api.ok("GET", "/api/v1/issues", "coordinator", query_string={"q": q})["items"]}

    def public(q):
        return {i["code"] for i in api.ok("GET", "/api/v1/public/issues", query_string={"q": q})["items"]}
    for term in ("%", "_", "\\", '"', "0%_", '"旧"', "100%_上浮"):
        assert staff(term) == public(term) == {odd["code"]}, term
    assert staff("标准") == public("标准") == {odd["code"], plain["code"]}
