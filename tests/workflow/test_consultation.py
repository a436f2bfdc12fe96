"""征求意见 on the plan: where the channel's policy says so (forum and breakfast by default), the
reporter gets the lead department's plan by a signed, expiring link and agrees or objects there
or by SMS (1 / 2); an objection reaches the department and the office, and the department
revises the plan or the office decides to go ahead; no answer in time is 无异议."""
import re
from datetime import datetime, timedelta, timezone

import pytest
from sqlmodel import Session, select

from models import PlanConsultation
from service.workflow.consultation import lapse
from service.workflow.sms_ratings import record_reply

from ..helpers import REPORTER, issue_in
from ..public_helpers import hidden_value

pytestmark = pytest.mark.both_db
PLAN = "由县交通局三日内修复园区东路路面，王建国经理所在企业的货车改走纬二路。"


def planned(api, channel="forum", plan=PLAN, **fields) -> dict:
    issue = issue_in(api, "in_progress", channel=channel, **fields)
    return api.ok("POST", f"/api/v1/issues/{issue['id']}/actions/plan", "fgj", json={"plan": plan})


def texts(api, issue, template) -> list[dict]:
    items = api.ok("GET", f"/api/v1/notifications?issue_id={issue['id']}", "coordinator")["items"]
    return sorted((m for m in items if m["template"] == template), key=lambda m: m["id"])


def link_of(api, issue) -> str:
    body = texts(api, issue, "consult_reporter")[-1]["body"]
    return "/plan/" + re.search(r"/plan/(\S+)$", body).group(1)


def answer(client, link, **form):
    """Post the page's form as a browser would (its CSRF token is the visitor session's)."""
    page = client.get("/track").get_data(as_text=True)
    return client.post(link, data={**form, "csrf_token": hidden_value(page, "csrf_token")})


def events(api, issue) -> list[dict]:
    return api.ok("GET", f"/api/v1/issues/{issue['id']}/events", "coordinator")["items"]


def test_the_reporter_agrees_on_the_phone_page_once(api, client):
    issue = planned(api)
    [sms] = texts(api, issue, "consult_reporter")
    assert issue["code"] in sms["body"] and "1同意、2有意见" in sms["body"]
    link = link_of(api, issue)
    page = client.get(link).get_data(as_text=True)
    # the plan as the public side shows it: the reporter's name never appears
    assert "园区东路路面" in page and "王建国" not in page and REPORTER["phone"] not in page
    done = answer(client, link, opinion="agree")
    assert done.status_code == 303
    assert "已记录您同意该办理方案" in client.get(done.headers["Location"]).get_data(as_text=True)
    last = events(api, issue)[-1]
    assert (last["action"], last["note"], last["data"]["via"]) == ("plan_opinion", "同意办理方案", "link")
    again = answer(client, link, opinion="object", reason="再想想")
    assert again.status_code == 409 and "已同意" in again.get_data(as_text=True)
    # the tracking page shows the plan and the answer
    tracked = api.ok("POST", "/api/v1/public/track", json={"code": issue["code"], "phone_last4": "5678"})
    assert "园区东路路面" in tracked["plan"] and "王建国" not in tracked["plan"]
    assert [e["label"] for e in tracked["timeline"]][-2:] == ["制定办理方案", "反映人对方案的意见"]


def test_an_objection_names_its_reason_and_reaches_the_department_and_the_office(api, client, county):
    issue = planned(api)
    link = link_of(api, issue)
    missing = answer(client, link, opinion="object", reason="")
    assert missing.status_code == 422 and "请写明您对办理方案的意见" in missing.get_data(as_text=True)
    assert answer(client, link, opinion="object", reason="改道会增加运输成本").status_code == 303
    told = texts(api, issue, "consult_objected")
    assert {m["recipient_kind"] for m in told} == {"department", "office"}
    assert all("改道会增加运输成本" in m["body"] for m in told)
    # the department may not decide; the office decides with a reason, once
    assert api.act(issue["id"], "proceed_plan", "fgj", {"reason": "按原方案"}).status_code == 403
    assert api.act(issue["id"], "proceed_plan", "zrj", {"reason": "按原方案"}).status_code in (403, 404)
    empty = api.act(issue["id"], "proceed_plan", "coordinator", {"reason": ""})
    assert empty.status_code == 422
    assert api.act(issue["id"], "proceed_plan", "coordinator",
                   {"reason": "纬二路已拓宽，运输成本不增加"}).status_code == 200
    twice = api.act(issue["id"], "proceed_plan", "coordinator", {"reason": "再次决定"})
    assert twice.status_code == 409 and twice.get_json()["error"]["code"] == "no_objection_pending"
    assert [e["action"] for e in events(api, issue)][-2:] == ["plan_opinion", "proceed_plan"]


def test_a_revised_plan_is_put_to_the_reporter_again_and_the_old_link_says_so(api, client):
    issue = planned(api)
    first = link_of(api, issue)
    api.ok("POST", f"/api/v1/issues/{issue['id']}/actions/plan", "fgj", json={"plan": "改为夜间施工，不影响白天通行。"})
    second = link_of(api, issue)
    assert first != second
    assert "方案已修改" in client.get(first).get_data(as_text=True)
    assert answer(client, first, opinion="agree").status_code == 409
    assert "夜间施工" in client.get(second).get_data(as_text=True)


def test_an_sms_reply_1_or_2_answers_the_plan(api, engine):
    issue = planned(api)
    now = datetime.now(timezone.utc)
    with Session(engine) as s:
        outcome = record_reply(s, "+86" + REPORTER["phone"], "2 改道成本太高", "up-1", now)
    assert outcome.outcome == "plan_opinion"
    last = events(api, issue)[-1]
    assert (last["action"], last["note"], last["data"]["via"]) == ("plan_opinion", "改道成本太高", "sms")
    assert texts(api, issue, "consult_objected")
    other = planned(api, channel="breakfast")
    with Session(engine) as s:
        assert record_reply(s, REPORTER["phone"], "1", "up-2", now).outcome == "plan_opinion"
    assert events(api, other)[-1]["note"] == "同意办理方案"


def test_no_answer_in_time_is_no_objection(api, engine, client):
    issue = planned(api)
    link = link_of(api, issue)
    with Session(engine) as s:
        due = s.exec(select(PlanConsultation).where(PlanConsultation.issue_id == issue["id"])).one().due_on
        assert lapse(s, datetime.now(timezone.utc)) == 0
        assert lapse(s, datetime.combine(due + timedelta(days=1), datetime.min.time(), tzinfo=timezone.utc)
                     + timedelta(hours=8)) == 1
    last = events(api, issue)[-1]
    assert (last["action"], last["label"]) == ("plan_no_objection", "征求意见期满无异议")
    assert "期满未回复，视为无异议" in client.get(link).get_data(as_text=True)


def test_channels_without_consultation_and_links_that_are_not_ours(api, client):
    issue = planned(api, channel="hotline")
    assert texts(api, issue, "consult_reporter") == []
    assert client.get("/plan/not-a-token").status_code == 404
    link = link_of(api, planned(api))
    assert client.get(link[:-2] + ("AA" if not link.endswith("AA") else "BB")).status_code == 404
    # staff cannot answer for the reporter
    assert api.act(issue["id"], "plan_opinion", "coordinator", {"opinion": "agree"}).status_code == 403


def test_the_policy_switches_consultation_per_channel(api):
    api.ok("PUT", "/api/v1/admin/deadline-policies", "admin",
           json={"issue_type": "help", "channel": "hotline", "complete_days": 10, "consult_days": 2,
                 "visit_attempts": 2})
    issue = planned(api, channel="hotline")
    assert len(texts(api, issue, "consult_reporter")) == 1
    bad = api.call("PUT", "/api/v1/admin/deadline-policies", "admin",
                   json={"issue_type": "help", "channel": "hotline", "complete_days": 10, "consult_days": 40})
    assert bad.status_code == 422 and "consult_days" in bad.get_json()["error"]["fields"]
