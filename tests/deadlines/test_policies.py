"""Deadline policies an administrator sets: they change the default deadlines of the next
assignment, a channel's row before the type's row before the built-in default."""
from datetime import date, datetime, timezone

import pytest
from sqlmodel import Session

from service.deadlines.calendar import load_calendar, local_date
from service.deadlines.policies import policy_for
from service.deadlines.rules import builtin_policy

# Runs on both databases: it covers code that branches on the dialect (tests/core/test_dialects.py).
pytestmark = pytest.mark.both_db

POLICIES = "/api/v1/admin/deadline-policies"


def put_policy(api, who="admin", **body):
    return api.call("PUT", POLICIES, who, json=body)


def assigned(api, **fields) -> dict:
    issue = api.create_issue(**fields)
    resp = api.act(issue["id"], "assign", "coordinator", api.assign_body())
    assert resp.status_code == 200, resp.get_json()
    return {k: date.fromisoformat(v) for k, v in resp.get_json()["deadlines"].items()}


def today() -> date:
    return local_date(datetime.now(timezone.utc))


def fresh(engine, read):
    """`read` in a new session: one that began before the API's change would not see it."""
    with Session(engine) as session:
        return read(session)


def test_without_overrides_the_built_in_defaults_apply(api, engine):
    assert fresh(engine, lambda s: policy_for(s, "complaint", "hotline")) == \
        builtin_policy("complaint", None)
    assert fresh(engine, lambda s: policy_for(s, "complaint", "evening_tea")).reply_days == 3
    assert fresh(engine, lambda s: policy_for(s, "consult", None)).complete_days == 2
    cal = fresh(engine, load_calendar)
    d = assigned(api, type="complaint", channel="hotline")
    assert d["complete_due"] == cal.add_working_days(today(), 15)


def test_a_channel_override_changes_the_next_assignment(api, engine):
    row = put_policy(api, issue_type="complaint", channel="hotline", complete_days=5, accept_days=1,
                     reply_days=None, report_after=2, visit_after=5)
    assert row.status_code == 200, row.get_json()
    assert row.get_json()["source"] == "override"
    cal = fresh(engine, load_calendar)
    d = assigned(api, type="complaint", channel="hotline")
    assert d["complete_due"] == cal.add_working_days(today(), 5)
    assert d["reply_due"] == d["complete_due"]
    assert d["accept_due"] == cal.add_working_days(today(), 1)
    assert d["visit_due"] == cal.add_working_days(d["complete_due"], 5)
    # Another channel keeps the built-in 15 working days.
    assert assigned(api, type="complaint", channel="mailbox")["complete_due"] == \
        cal.add_working_days(today(), 15)


def test_a_type_row_applies_to_the_other_channels(api, engine):
    put_policy(api, issue_type="complaint", channel="hotline", complete_days=5)
    put_policy(api, issue_type="complaint", channel=None, complete_days=7, reply_days=3, visit_after=4)
    cal = fresh(engine, load_calendar)
    mailbox = assigned(api, type="complaint", channel="mailbox")
    assert mailbox["complete_due"] == cal.add_working_days(today(), 7)
    assert mailbox["reply_due"] == cal.add_working_days(today(), 3)
    assert mailbox["visit_due"] == cal.add_working_days(mailbox["complete_due"], 4)
    assert assigned(api, type="complaint", channel="window")["complete_due"] == \
        cal.add_working_days(today(), 7)
    assert assigned(api, type="complaint", channel="hotline")["complete_due"] == \
        cal.add_working_days(today(), 5)
    assert assigned(api, type="help", channel="mailbox")["complete_due"] == \
        cal.add_working_days(today(), 10)


def test_upsert_list_and_delete(api, engine):
    first = put_policy(api, issue_type="complaint", channel=None, complete_days=7).get_json()
    again = put_policy(api, issue_type="complaint", channel=None, complete_days=8).get_json()
    assert again["id"] == first["id"] and again["complete_days"] == 8

    items = api.ok("GET", POLICIES, "coordinator")["items"]
    overrides = [p for p in items if p["source"] == "override"]
    assert [(p["issue_type"], p["channel"], p["complete_days"]) for p in overrides] == [
        ("complaint", None, 8)]
    builtin = {(p["issue_type"], p["channel"]): p for p in items if p["source"] == "builtin"}
    assert builtin[("complaint", None)]["complete_days"] == 15
    assert builtin[("complaint", None)]["in_effect"] is False
    assert builtin[("report", None)]["in_effect"] is True
    assert builtin[("consult", "evening_tea")]["reply_days"] == 3

    assert api.call("DELETE", f"{POLICIES}/{first['id']}", "admin").status_code == 204
    assert fresh(engine, lambda s: policy_for(s, "complaint", "mailbox")) == \
        builtin_policy("complaint", "mailbox")
    assert api.call("DELETE", f"{POLICIES}/{first['id']}", "admin").status_code == 404


def test_who_may_see_and_change_policies(api):
    assert api.get(POLICIES, "coordinator").status_code == 200
    assert put_policy(api, "coordinator", issue_type="complaint", complete_days=5).status_code == 403
    row = put_policy(api, issue_type="complaint", complete_days=5).get_json()
    assert api.call("DELETE", f"{POLICIES}/{row['id']}", "coordinator").status_code == 403
    for who in ("fgj", "supervisor"):
        assert api.get(POLICIES, who).status_code == 403, who
        assert put_policy(api, who, issue_type="complaint", complete_days=5).status_code == 403


@pytest.mark.parametrize("body, field", [
    ({"issue_type": "complaint", "complete_days": 0}, "complete_days"),
    ({"issue_type": "complaint", "complete_days": 91}, "complete_days"),
    ({"issue_type": "complaint"}, "complete_days"),
    ({"issue_type": "complaint", "complete_days": 5, "accept_days": 6}, "accept_days"),
    ({"issue_type": "complaint", "complete_days": 5, "accept_days": -1}, "accept_days"),
    ({"issue_type": "complaint", "complete_days": 5, "visit_after": 100}, "visit_after"),
    ({"issue_type": "complaint", "complete_days": 5, "reply_days": "soon"}, "reply_days"),
    ({"issue_type": "complaint", "complete_days": 5, "channel": "fax"}, "channel"),
    ({"issue_type": "gossip", "complete_days": 5}, "issue_type"),
    ({"complete_days": 5}, "issue_type"),
])
def test_bad_policy_input_names_the_field(api, body, field):
    resp = put_policy(api, **body)
    assert resp.status_code == 422, resp.get_json()
    assert field in resp.get_json()["error"]["fields"]
