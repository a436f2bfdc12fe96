"""Issues merged into another (重复反映): their reporters hear the main issue's outcome and rate
it by SMS reply; the main issue lists them with their ratings; the merged issue's tracking page
shows the main issue and, once published, its outcome."""
from datetime import datetime, timezone

import pytest
from sqlmodel import Session

from service.workflow.sms_ratings import record_reply

from ..console import Console
from ..core.test_integrity import act, at, clock, fgj_row  # noqa: F401 - fixture
from ..helpers import EVALUATE
from ..reminders.test_webhooks import _inbound, _twiml, twilio_app  # noqa: F401 - fixture

DUP_REPORTER = {"name": "赵六", "phone": "13655556666", "kind": "enterprise"}
ASKS = "回复1满意、2基本满意、3不满意"


def merged_and_replied(api, clock, *, reply: bool = True) -> tuple[dict, dict]:  # noqa: F811
    """A main issue replied on 5 November, and a duplicate of another reporter merged into it."""
    clock(at(11, 2))
    main = api.create_issue()
    dup = api.create_issue(reporter=dict(DUP_REPORTER))
    act(api, clock, at(11, 2), dup, "reject", "coordinator", {"reason": "duplicate", "merged_into": main["id"]})
    act(api, clock, at(11, 2), main, "assign", "coordinator", api.assign_body())
    act(api, clock, at(11, 3), main, "accept", "fgj")
    if reply:
        act(api, clock, at(11, 5), main, "reply", "fgj", {"result": "已完成路面修复，联系电话13812345678"})
    return main, dup


def texted(engine, phone: str, body: str, when: datetime, provider_id: str):
    with Session(engine) as s:
        return record_reply(s, "+86" + phone, body, provider_id, when.astimezone(timezone.utc))


def events(api, issue: dict) -> list[dict]:
    return api.ok("GET", f"/api/v1/issues/{issue['id']}/events", "coordinator")["items"]


def detail(api, issue: dict, who: str = "coordinator") -> dict:
    return api.ok("GET", f"/api/v1/issues/{issue['id']}", who)


def test_the_merged_outcome_text_asks_for_a_rating(api, clock):  # noqa: F811
    main, dup = merged_and_replied(api, clock)
    texts = [m for m in api.ok("GET", f"/api/v1/notifications?issue_id={main['id']}", "coordinator")["items"]
             if m["template"] == "merged_outcome"]
    assert len(texts) == 1
    assert dup["code"] in texts[0]["body"] and main["code"] in texts[0]["body"] and ASKS in texts[0]["body"]
    assert len(texts[0]["body"]) <= 70  # one SMS


def test_merged_into_an_issue_already_answered_the_reporter_hears_the_outcome_at_once(api, clock):  # noqa: F811
    main, _ = merged_and_replied(api, clock)
    late = api.create_issue(reporter={**DUP_REPORTER, "phone": "13655557777"})
    act(api, clock, at(11, 7), late, "reject", "coordinator", {"reason": "duplicate", "merged_into": main["id"]})
    texts = [m for m in api.ok("GET", f"/api/v1/notifications?issue_id={late['id']}", "coordinator")["items"]
             if m["template"] == "merged_outcome"]
    assert len(texts) == 1 and late["code"] in texts[0]["body"] and main["code"] in texts[0]["body"]


@pytest.mark.both_db
def test_a_reply_digit_rates_the_outcome_on_the_merged_issue_not_the_main_one(api, clock, engine):  # noqa: F811
    main, dup = merged_and_replied(api, clock)
    result = texted(engine, DUP_REPORTER["phone"], "3", at(11, 6), "m-1")
    assert (result.outcome, result.issue_code, result.satisfaction, result.main_code) == \
        ("merged_rated", dup["code"], "unsatisfied", main["code"])

    # On the merged issue's timeline, as the reporter's rating of the main issue's outcome.
    last = events(api, dup)[-1]
    assert (last["action"], last["data"]["satisfaction"], last["data"]["main"]) == \
        ("rate_outcome", "unsatisfied", main["code"])
    assert last["data"]["via"] == "sms" and last["actor_id"] is None
    # On the main issue: a line on its timeline and the list of merged issues.
    line = events(api, main)[-1]
    assert line["action"] == "merged_rating" and dup["code"] in line["note"] and "不满意" in line["note"]
    now = detail(api, main)
    [listed] = now["merged_issues"]
    assert {k: listed[k] for k in ("id", "code", "reporter", "satisfaction")} == \
        {"id": dup["id"], "code": dup["code"], "reporter": "赵*", "satisfaction": "unsatisfied"}
    assert datetime.fromisoformat(listed["created_at"]) == datetime.fromisoformat(dup["created_at"])
    assert datetime.fromisoformat(listed["rated_at"]) == at(11, 6)
    # The main issue still waits for its own reporter's rating: nothing reopened, nothing counted.
    assert (now["status"], now["satisfaction"], now["reopen_count"]) == ("replied", None, 0)
    clock(at(11, 6, 12))
    row = fgj_row(api)
    assert (row["rated"], row["unsatisfied"]) == (0, 0)

    # A second reply changes the merged reporter's mind: the latest counts, both stay on record.
    texted(engine, DUP_REPORTER["phone"], "基本满意", at(11, 7), "m-2")
    assert detail(api, main)["merged_issues"][0]["satisfaction"] == "basically"
    assert [e["data"]["satisfaction"] for e in events(api, dup) if e["action"] == "rate_outcome"] == \
        ["unsatisfied", "basically"]

    # The main reporter's own reply is still the main issue's visit, counted once.
    own = texted(engine, "13812345678", "1", at(11, 8), "m-3")
    assert (own.outcome, own.issue_code) == ("rated", main["code"])
    clock(at(11, 8, 12))
    row = fgj_row(api)
    assert (row["rated"], row["satisfied"], row["unsatisfied"]) == (1, 1, 0)
    assert detail(api, main)["merged_issues"][0]["satisfaction"] == "basically"


def test_the_webhook_thanks_a_merged_reporter_for_the_rating(twilio_app, api, client, clock):  # noqa: F811
    main, dup = merged_and_replied(api, clock)
    clock(at(11, 6))
    text = _twiml(_inbound(client, "1", phone="+86" + DUP_REPORTER["phone"]))
    assert dup["code"] in text and main["code"] in text and "满意" in text
    assert detail(api, main)["merged_issues"][0]["satisfaction"] == "satisfied"


def test_a_merged_reporter_answering_after_the_main_issue_reopened_is_told_it_did_not_count(
        twilio_app, api, client, clock):  # noqa: F811
    main, dup = merged_and_replied(api, clock)
    clock(at(11, 6))
    _twiml(_inbound(client, "3", phone="+8613812345678"))  # the main reporter: 不满意, reopened
    assert detail(api, main)["status"] == "in_progress"
    text = _twiml(_inbound(client, "1", phone="+86" + DUP_REPORTER["phone"]))
    assert "未计为评价" in text and "已完成回访" not in text
    assert detail(api, main)["merged_issues"][0]["satisfaction"] is None


def test_unsatisfied_from_a_merged_reporter_is_in_front_of_the_office(app, api, clock, engine):  # noqa: F811
    main, dup = merged_and_replied(api, clock)
    clock(at(11, 6))
    coordinator = Console(app, "coordinator")
    before = coordinator.text(f"/console/issues/{main['id']}")
    assert "并入的重复反映" in before and dup["code"] in before and "未评价" in before
    assert "data-merged-unsatisfied" not in before

    texted(engine, DUP_REPORTER["phone"], "3", at(11, 6), "u-1")
    page = coordinator.text(f"/console/issues/{main['id']}")
    assert 'data-merged-unsatisfied="1"' in page and "1 人不满意" in page
    assert f'data-merged="{dup["code"]}" class="table-danger"' in page
    assert 'data-action="merged_rating"' in page and 'data-satisfaction="unsatisfied"' in page
    # The merged reporter is masked on the main issue's page.
    assert "赵*" in page and DUP_REPORTER["name"] not in page and DUP_REPORTER["phone"] not in page
    # The merged issue's own page shows the rating and links to its main issue.
    own = coordinator.text(f"/console/issues/{dup['id']}")
    assert 'data-action="rate_outcome"' in own and f'href="/console/issues/{main["id"]}"' in own


def test_a_rating_answers_what_the_reporter_was_asked_last(api, clock, engine):  # noqa: F811
    main, dup = merged_and_replied(api, clock)
    # Later the same person's own issue gets its reply: their "1" rates that one.
    act(api, clock, at(11, 9), dup, "assign", "coordinator", api.assign_body(), status=409)  # rejected stays so
    own = api.create_issue(reporter=dict(DUP_REPORTER))
    for step, who, body in (("assign", "coordinator", api.assign_body()), ("accept", "fgj", {}),
                            ("reply", "fgj", {"result": "已处理"})):
        act(api, clock, at(11, 9), own, step, who, body)
    result = texted(engine, DUP_REPORTER["phone"], "1", at(11, 10), "a-1")
    assert (result.outcome, result.issue_code) == ("rated", own["code"])
    assert detail(api, main)["merged_issues"][0]["satisfaction"] is None


def test_a_rating_answers_the_merged_outcome_when_it_came_after_the_own_reply(api, clock, engine):  # noqa: F811
    clock(at(11, 2))
    own = api.create_issue(reporter=dict(DUP_REPORTER))
    for step, who, body in (("assign", "coordinator", api.assign_body()), ("accept", "fgj", {}),
                            ("reply", "fgj", {"result": "已处理"})):
        act(api, clock, at(11, 3), own, step, who, body)
    main, dup = merged_and_replied(api, clock)  # its reply on 5 November: asked last
    result = texted(engine, DUP_REPORTER["phone"], "2", at(11, 6), "b-1")
    assert (result.outcome, result.issue_code) == ("merged_rated", dup["code"])
    assert detail(api, own)["status"] == "replied"


def test_a_plan_put_to_the_reporter_after_the_outcome_takes_the_1_first(api, clock, engine):  # noqa: F811
    main, dup = merged_and_replied(api, clock)
    clock(at(11, 6))
    forum = api.create_issue(reporter=dict(DUP_REPORTER), channel="forum")
    for step, who, body in (("assign", "coordinator", api.assign_body()), ("accept", "fgj", {}),
                            ("plan", "fgj", {"plan": "三日内修复"})):
        act(api, clock, at(11, 6), forum, step, who, body)
    first = texted(engine, DUP_REPORTER["phone"], "1", at(11, 7), "p-1")
    assert (first.outcome, first.issue_code) == ("plan_opinion", forum["code"])
    assert detail(api, main)["merged_issues"][0]["satisfaction"] is None
    # The plan answered, the next 1 is the rating the outcome text asked for.
    second = texted(engine, DUP_REPORTER["phone"], "1", at(11, 7, 11), "p-2")
    assert (second.outcome, second.issue_code) == ("merged_rated", dup["code"])
    assert detail(api, main)["merged_issues"][0]["satisfaction"] == "satisfied"


def test_no_rating_before_the_main_issue_is_replied(api, clock, engine):  # noqa: F811
    main, dup = merged_and_replied(api, clock, reply=False)
    result = texted(engine, DUP_REPORTER["phone"], "1", at(11, 6), "n-1")
    assert result.outcome == "no_replied_issue"
    assert detail(api, main)["merged_issues"][0]["satisfaction"] is None
    assert [e["action"] for e in events(api, dup)] == ["create", "reject"]


def test_other_departments_see_neither_the_main_issue_nor_its_merged_ones(app, api, clock, engine):  # noqa: F811
    main, dup = merged_and_replied(api, clock)
    texted(engine, DUP_REPORTER["phone"], "3", at(11, 6), "d-1")
    # The lead department sees the list (masked) on its issue.
    assert [m["code"] for m in detail(api, main, "fgj")["merged_issues"]] == [dup["code"]]
    assert api.get(f"/api/v1/issues/{main['id']}", "scj").status_code == 404
    assert api.get(f"/api/v1/issues/{dup['id']}", "scj").status_code == 404
    assert Console(app, "scj").get(f"/console/issues/{main['id']}").status_code == 404


def test_the_tracking_page_of_a_merged_issue_shows_the_main_issue_and_its_published_outcome(
        app, api, client, clock, engine):  # noqa: F811
    main, dup = merged_and_replied(api, clock)
    track = {"code": dup["code"], "phone_last4": "6666"}
    clock(at(11, 6))
    tracked = api.ok("POST", "/api/v1/public/track", json=track)
    assert tracked["merged_into"] == {"code": main["code"], "published": False, "title": None, "summary": None,
                                      "result": None, "department": None, "replied_at": None, "on_time": None}
    texted(engine, DUP_REPORTER["phone"], "1", at(11, 6), "t-1")
    assert "rate_outcome" in [e["action"] for e in api.ok("POST", "/api/v1/public/track", json=track)["timeline"]]

    act(api, clock, at(11, 9), main, "visit", "coordinator", {"satisfaction": "satisfied"})
    act(api, clock, at(11, 9), main, *EVALUATE)
    act(api, clock, at(11, 10), main, "publish", "coordinator", {"public_summary": "园区东路已修复。"})
    clock(at(11, 11))
    out = api.ok("POST", "/api/v1/public/track", json=track)["merged_into"]
    assert out["code"] == main["code"] and out["published"] is True
    assert out["summary"] == "园区东路已修复。" and out["department"] == "县发改局"
    # Masked as the public side is: the phone in the result is not shown.
    assert "已完成路面修复" in out["result"] and "13812345678" not in out["result"]

    page = client.post("/track", data={**track, "csrf_token": _csrf(client)}).get_data(as_text=True)
    assert 'id="merged-into"' in page and f"/issues/{main['code']}" in page and "13812345678" not in page


def _csrf(client) -> str:
    import re
    html = client.get("/track").get_data(as_text=True)
    return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html).group(1)


def test_the_api_documents_the_list_of_merged_issues(client):
    spec = client.get("/api/openapi.json").get_json()
    op = spec["paths"]["/api/v1/issues/{issue_id}"]["get"]
    name = op["responses"]["200"]["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[-1]
    issue = spec["components"]["schemas"][name]["properties"]["merged_issues"]
    assert "并入本件的重复反映" in issue["description"]
    merged = spec["components"]["schemas"][issue["items"]["$ref"].rsplit("/", 1)[-1]]["properties"]
    assert set(merged) == {"id", "code", "created_at", "reporter", "satisfaction", "rated_at"}
