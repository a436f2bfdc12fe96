"""The reporter hears at every step (registration, assignment, answer, reply with the rating
request, extension approved, 挂账, closure); the administrator switches a kind off per channel;
a reporter who answered TD hears only the rating request the office sends by hand."""
from datetime import datetime, timezone

import pytest
from sqlmodel import Session

from models import SmsOptOut
from notifications.messages import SINGLE
from service.workflow.sms_ratings import record_reply

from ..console import Console
from ..helpers import REPORTER, future, issue_in

pytestmark = pytest.mark.both_db
SWITCHES = "/api/v1/admin/reporter-messages"


def to_reporter(api, issue) -> list[dict]:
    items = api.ok("GET", f"/api/v1/notifications?issue_id={issue['id']}", "coordinator")["items"]
    return sorted((m for m in items if m["recipient_kind"] == "reporter"), key=lambda m: m["id"])


def templates(api, issue) -> list[str]:
    return [m["template"] for m in to_reporter(api, issue)]


def test_the_reporter_hears_registration_suspension_extension_and_closure(api):
    issue = issue_in(api, "in_progress", channel="hotline")
    assert templates(api, issue) == ["registered_reporter", "assigned_reporter"]
    registered = to_reporter(api, issue)[0]
    assert registered["recipient"].endswith(REPORTER["phone"][-4:]) and issue["code"] in registered["body"]

    review_on = future(40)
    api.ok("POST", f"/api/v1/issues/{issue['id']}/actions/suspend", "coordinator",
           json={"reason": "需待明年春季施工", "review_on": review_on})
    suspended = to_reporter(api, issue)[-1]
    assert suspended["template"] == "suspended_reporter"
    assert "需待明年春季施工" in suspended["body"] and review_on in suspended["body"]
    api.ok("POST", f"/api/v1/issues/{issue['id']}/actions/resume", "coordinator", json={})

    api.ok("POST", f"/api/v1/issues/{issue['id']}/actions/request_extension", "fgj",
           json={"complete_due": future(90), "reason": "设备到货需要时间"})
    refused_first = api.ok("POST", f"/api/v1/issues/{issue['id']}/actions/decide_extension", "coordinator",
                           json={"approve": False, "note": "请按原时限办结"})
    assert refused_first["status"] == "in_progress" and to_reporter(api, issue)[-1]["template"] != "extended_reporter"
    api.ok("POST", f"/api/v1/issues/{issue['id']}/actions/request_extension", "fgj",
           json={"complete_due": future(90), "reason": "设备到货需要时间"})
    approved = api.ok("POST", f"/api/v1/issues/{issue['id']}/actions/decide_extension", "coordinator",
                      json={"approve": True})
    extended = to_reporter(api, issue)[-1]
    assert extended["template"] == "extended_reporter" and approved["deadlines"]["complete_due"] in extended["body"]

    api.ok("POST", f"/api/v1/issues/{issue['id']}/actions/reply", "fgj", json={"result": "线路已迁改"})
    api.ok("POST", f"/api/v1/issues/{issue['id']}/actions/visit", "coordinator",
           json={"satisfaction": "satisfied", "note": "企业满意"})
    assert templates(api, issue)[-2:] == ["replied_reporter", "closed_reporter"]
    # each fits one SMS with a 12-character reason and the county's codes, but the two that carry
    # the tracking link with the code filled in (sent as a long SMS in parts)
    bodies = [m["body"] for m in to_reporter(api, issue) if "/track" not in m["body"]]
    assert len(bodies) == 4 and all(len(b) <= SINGLE for b in bodies), bodies


def test_a_closure_by_close_off_tells_the_reporter_too(api):
    issue = issue_in(api, "replied")
    for _ in range(3):
        api.ok("POST", f"/api/v1/issues/{issue['id']}/actions/unreached", "coordinator", json={"note": "电话无人接听"})
    api.ok("POST", f"/api/v1/issues/{issue['id']}/actions/close_off", "coordinator", json={"reason": "三次未联系上"})
    assert templates(api, issue)[-1] == "closed_reporter"


def test_a_kind_switched_off_for_a_channel_is_not_sent_for_it_and_is_for_others(api):
    assert api.call("PUT", f"{SWITCHES}/registered_reporter/channels/hotline", "coordinator",
                    json={"on": False}).status_code == 403
    assert api.call("GET", SWITCHES, "fgj").status_code == 403
    off = api.ok("PUT", f"{SWITCHES}/registered_reporter/channels/hotline", "admin", json={"on": False})
    row = next(r for r in off["items"] if r["template"] == "registered_reporter")
    assert row["off_channels"] == ["hotline"] and row["step"] == "create"
    unknown = api.call("PUT", f"{SWITCHES}/registered_reporter/channels/pigeon", "admin", json={"on": False})
    assert unknown.status_code == 422 and "channel" in unknown.get_json()["error"]["fields"]
    assert api.call("PUT", f"{SWITCHES}/no_such/channels/hotline", "admin", json={"on": False}).status_code == 404

    hotline = api.create_issue(channel="hotline")
    mailbox = api.create_issue(channel="mailbox")
    assert templates(api, hotline) == [] and templates(api, mailbox) == ["registered_reporter"]
    api.ok("PUT", f"{SWITCHES}/registered_reporter/channels/hotline", "admin", json={"on": True})
    assert templates(api, api.create_issue(channel="hotline")) == ["registered_reporter"]


def test_a_reporter_who_answered_td_hears_only_the_rating_request_sent_by_hand(api, engine):
    issue = issue_in(api, "in_progress")
    with Session(engine) as s:
        record_reply(s, "+86" + REPORTER["phone"], "TD", "td-1", datetime.now(timezone.utc))
        assert s.get(SmsOptOut, REPORTER["phone"]) is not None
    api.ok("POST", f"/api/v1/issues/{issue['id']}/actions/reply", "fgj", json={"result": "已办结"})
    assert "replied_reporter" not in templates(api, issue)
    # only the office, and only for a replied issue
    assert api.call("POST", f"/api/v1/issues/{issue['id']}/actions/request_rating", "fgj", json={}).status_code == 403
    api.ok("POST", f"/api/v1/issues/{issue['id']}/actions/request_rating", "coordinator", json={})
    sent = to_reporter(api, issue)[-1]
    assert sent["template"] == "rating_request" and "回复1满意" in sent["body"]
    events = api.ok("GET", f"/api/v1/issues/{issue['id']}/events", "coordinator")["items"]
    assert events[-1]["label"] == "发送评价短信"


def test_no_rating_request_without_the_reporter_s_mobile(api):
    issue = issue_in(api, "replied", reporter={**REPORTER, "phone": "0915-3212001"})
    refused = api.call("POST", f"/api/v1/issues/{issue['id']}/actions/request_rating", "coordinator", json={})
    assert refused.status_code == 409 and refused.get_json()["error"]["code"] == "no_reporter_mobile"
    assert "电话回访" in refused.get_json()["error"]["message"]


def test_the_administrator_s_page_switches_kinds_per_channel(app, api):
    admin = Console(app, "admin")
    page = admin.text("/console/admin/reporter-messages")
    assert "登记回执" in page and "挂账告知" in page and "12345/营商环境热线" in page
    ticked = {f"{t}:{c}" for t in ("registered_reporter", "closed_reporter")
              for c in ("hotline", "mailbox", "online")}
    saved = admin.post("/console/admin/reporter-messages", {"on": sorted(ticked)})
    assert saved.status_code == 302
    rows = {r["template"]: r["off_channels"] for r in api.ok("GET", SWITCHES, "admin")["items"]}
    assert "hotline" not in rows["registered_reporter"] and "breakfast" in rows["registered_reporter"]
    assert "hotline" in rows["assigned_reporter"]
    bad = admin.post("/console/admin/reporter-messages", {"on": ["registered_reporter:pigeon"]})
    assert bad.status_code == 422 and "请刷新页面" in bad.get_data(as_text=True)
    assert {r["template"]: r["off_channels"] for r in api.ok("GET", SWITCHES, "admin")["items"]} == rows
    assert Console(app, "coordinator").get("/console/admin/reporter-messages").status_code in (403, 404)
