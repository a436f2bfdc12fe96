"""The public side (公开公示): what anyone may read without logging in, and nothing more."""
import json
from datetime import datetime, timedelta

from sqlalchemy import text

from app import create_app
from models import Status
from notifications import RecordingSender
from service.deadlines.calendar import LOCAL_TZ

from ..helpers import EVALUATE, REPORTER, issue_in

PUBLIC = "/api/v1/public"

NAME, PHONE, ORG = REPORTER["name"], REPORTER["phone"], REPORTER["org"]
ID_NUMBER = "610102199001011234"
SPACED_PHONE = "138 1234 5678"
TITLE = f"{NAME}（{ORG}）反映园区道路破损，联系电话{PHONE}"
CONTENT = (f"本人{NAME}，身份证{ID_NUMBER}，手机{SPACED_PHONE}，{ORG}门前道路塌陷三个月，"
           "货车只能绕行，每月多花运费两万元。")
RESULT = f"已电话联系{NAME}（{PHONE}），{ORG}门前道路已于本周修复，货车恢复通行。"
SUMMARY = f"联系人{NAME}，电话{PHONE}，身份证{ID_NUMBER}，{ORG}门前道路已修复，货车恢复通行。"


def error_of(resp, status: int) -> dict:
    assert resp.status_code == status, (resp.status_code, resp.get_data(as_text=True)[:500])
    err = resp.get_json()["error"]
    assert {"code", "message", "fields"} <= set(err)
    assert any("\u4e00" <= ch <= "\u9fff" for ch in err["message"]), err
    return err


def walk(api, issue: dict, steps) -> dict:
    for action, who, body in steps:
        resp = api.act(issue["id"], action, who, body)
        assert resp.status_code == 200, (action, resp.get_json())
        issue = resp.get_json()
    return issue


def publish_with_personal_data(api, *, consent: bool = False) -> dict:
    """A published issue whose reporter's name, phone, org and ID number also sit in its texts."""
    issue = api.create_issue(title=TITLE, content=CONTENT,
                             reporter={**REPORTER, "consent_public": consent})
    return walk(api, issue, [
        ("assign", "coordinator", api.assign_body()),
        ("accept", "fgj", {}),
        ("reply", "fgj", {"result": RESULT}),
        ("visit", "coordinator", {"satisfaction": "satisfied", "note": f"{NAME}表示满意"}),
        EVALUATE,
        ("publish", "coordinator", {"public_summary": SUMMARY}),
    ])


def public_bodies(api, code: str) -> dict[str, str]:
    """The raw text of every public read (no login), keyed by what was read."""
    out = {}
    for name, path in (("list", f"{PUBLIC}/issues"), ("list_filtered", f"{PUBLIC}/issues?channel=hotline"),
                       ("detail", f"{PUBLIC}/issues/{code}"), ("stats", f"{PUBLIC}/stats")):
        resp = api.get(path)
        assert resp.status_code == 200, (path, resp.get_json())
        raw = resp.get_data(as_text=True)
        # The bytes as sent, and the same data re-serialised (in case of \\u escapes).
        out[name] = raw + "\n" + json.dumps(resp.get_json(), ensure_ascii=False)
    return out


# --- who may read what -----------------------------------------------------------------------

def test_public_pages_list_only_published_issues_and_need_no_login(api):
    by_state = {state: issue_in(api, state, title=f"{state} 状态的问题")
                for state in ("collected", "assigned", "in_progress", "suspended", "replied",
                              "closed", "published", "rejected")}
    withheld = issue_in(api, "closed", title="不予公开的问题")
    withheld = walk(api, withheld, [("withhold", "coordinator", {"reason": "涉及企业商业秘密"})])
    assert withheld["disclosure"] == "withheld"
    second = issue_in(api, "published", title="第二件公示的问题")

    resp = api.get(f"{PUBLIC}/issues")  # no Authorization header at all
    assert resp.status_code == 200
    page = resp.get_json()
    codes = [i["code"] for i in page["items"]]
    assert sorted(codes) == sorted([by_state["published"]["code"], second["code"]])
    assert page["next_cursor"] is None
    assert all(i["status"] == "published" for i in page["items"])

    for state, issue in by_state.items():
        resp = api.get(f"{PUBLIC}/issues/{issue['code']}")
        if state == "published":
            assert resp.status_code == 200
            shown = resp.get_json()
            assert shown["code"] == issue["code"] and shown["summary"] == "园区东路已修复。"
            assert shown["department"] == "县发改局"
            assert shown["status"] == "published"
        else:
            error_of(resp, 404)
    error_of(api.get(f"{PUBLIC}/issues/{withheld['code']}"), 404)
    error_of(api.get(f"{PUBLIC}/issues/YS2026-999999"), 404)
    error_of(api.get(f"{PUBLIC}/issues/not-a-code"), 404)

    # Everything that is not published stays off every public list, whatever the filter.
    hidden = {i["code"] for s, i in by_state.items() if s != "published"} | {withheld["code"]}
    for query in ("", "?channel=hotline", "?type=help", "?limit=200",
                  f"?department_id={by_state['closed']['lead_department_id']}",
                  f"?year={datetime.now(LOCAL_TZ).year}"):
        listed = {i["code"] for i in api.ok("GET", f"{PUBLIC}/issues{query}")["items"]}
        assert not listed & hidden, (query, listed & hidden)


def test_public_list_pages_with_a_cursor(api):
    codes = {issue_in(api, "published")["code"] for _ in range(3)}
    first = api.ok("GET", f"{PUBLIC}/issues?limit=2")
    assert len(first["items"]) == 2 and first["next_cursor"]
    second = api.ok("GET", f"{PUBLIC}/issues?limit=2&cursor={first['next_cursor']}")
    assert len(second["items"]) == 1 and second["next_cursor"] is None
    assert {i["code"] for i in first["items"] + second["items"]} == codes


def test_a_withheld_issue_and_its_reason_stay_off_the_public_pages(api):
    issue = issue_in(api, "closed")
    walk(api, issue, [("withhold", "coordinator", {"reason": "涉及企业商业秘密"})])
    assert api.ok("GET", f"{PUBLIC}/issues")["items"] == []
    error_of(api.get(f"{PUBLIC}/issues/{issue['code']}"), 404)
    assert "涉及企业商业秘密" not in api.get(f"{PUBLIC}/stats").get_data(as_text=True)


# --- privacy ---------------------------------------------------------------------------------

def leaks_in(bodies: dict[str, str], secrets: tuple[str, ...]) -> list[tuple[str, str]]:
    return [(where, secret) for where, body in bodies.items() for secret in secrets if secret in body]


def test_public_pages_never_show_the_reporters_personal_data(api):
    issue = publish_with_personal_data(api)
    detail = api.ok("GET", f"{PUBLIC}/issues/{issue['code']}")
    assert detail["reporter"]["name"] == "王*国"
    assert detail["reporter"]["org"] is None
    assert "王*国" in detail["summary"] and "138****5678" in detail["summary"]
    assert "王*国" in detail["title"] and "138****5678" in detail["title"]
    assert "王*国" in detail["result"] and "138****5678" in detail["result"]
    assert "门前道路已修复" in detail["summary"]
    assert "content" not in detail
    assert api.ok("GET", f"{PUBLIC}/issues")["items"] == [detail]

    bodies = public_bodies(api, issue["code"])
    secrets = (NAME, PHONE, SPACED_PHONE, ID_NUMBER, ORG, CONTENT, "19900101",
               issue["responsible_phone"])
    leaks = leaks_in(bodies, secrets)
    assert not leaks, leaks
    assert "61*************234" in detail["summary"]


def test_with_consent_the_organisation_is_shown_but_never_the_person(api):
    issue = publish_with_personal_data(api, consent=True)
    detail = api.ok("GET", f"{PUBLIC}/issues/{issue['code']}")
    assert detail["reporter"]["org"] == ORG
    assert ORG in detail["summary"] and ORG in detail["title"]
    assert detail["reporter"]["name"] == "王*国"
    bodies = public_bodies(api, issue["code"])
    leaks = leaks_in(bodies, (NAME, PHONE, SPACED_PHONE, ID_NUMBER, CONTENT))
    assert not leaks, leaks


def test_the_reporters_own_text_is_never_published(api):
    issue = publish_with_personal_data(api)
    detail = api.ok("GET", f"{PUBLIC}/issues/{issue['code']}")
    published_text = json.dumps(detail, ensure_ascii=False)
    assert CONTENT not in published_text
    # Not even a telling fragment of it.
    assert "每月多花运费两万元" not in published_text
    assert "门前道路塌陷三个月" not in published_text


def test_tracking_answer_does_not_reveal_full_phone_or_id_numbers(api):
    """The tracking answer goes to anyone who knows a code and four digits."""
    issue = publish_with_personal_data(api)
    resp = api.post(f"{PUBLIC}/track", json={"code": issue["code"], "phone_last4": PHONE[-4:]})
    assert resp.status_code == 200, resp.get_json()
    body = resp.get_data(as_text=True) + json.dumps(resp.get_json(), ensure_ascii=False)
    leaks = leaks_in({"track": body}, (PHONE, SPACED_PHONE, ID_NUMBER, CONTENT))
    assert not leaks, leaks


# --- figures ---------------------------------------------------------------------------------

def _make_late(engine, issue_id: int) -> None:
    """Move the issue's completion deadline into the past, as if the department ran out of time."""
    past = datetime.now(LOCAL_TZ).date() - timedelta(days=3)
    with engine.begin() as conn:
        conn.execute(text("UPDATE issue SET complete_due = :d WHERE id = :id"), {"d": past, "id": issue_id})


def test_public_stats_are_right_for_a_hand_counted_set(api, engine):
    issue_in(api, "collected")
    issue_in(api, "assigned")
    issue_in(api, "in_progress")
    issue_in(api, "suspended")
    issue_in(api, "replied")          # done on time, not rated yet
    issue_in(api, "closed")           # on time, satisfied
    issue_in(api, "published")        # on time, satisfied
    issue_in(api, "rejected")
    late = issue_in(api, "in_progress")
    _make_late(engine, late["id"])
    late = walk(api, late, [("reply", "fgj", {"result": "已修复，但超过了时限"}),
                            ("visit", "coordinator", {"satisfaction": "basically"})])
    assert late["status"] == "closed" and late["completed_on_time"] is False
    spot = api.create_issue(channel="evening_tea")
    spot = walk(api, spot, [("answer_on_spot", "operator",
                             {"answer": "现场答复：已讲清政策", "satisfaction": "satisfied"})])
    assert spot["status"] == "closed"

    stats = api.ok("GET", f"{PUBLIC}/stats")
    # Hand count: 10 issues.
    assert stats["total"] == 10
    assert stats["by_status"] == {
        "collected": 1, "assigned": 1, "in_progress": 1, "suspended": 1, "replied": 1,
        "closed": 3, "published": 1, "rejected": 1,
    } | {s.value: 0 for s in Status if s.value not in (
        "collected", "assigned", "in_progress", "suspended", "replied", "closed", "published",
        "rejected")}
    assert stats["by_channel"]["hotline"] == 9 and stats["by_channel"]["evening_tea"] == 1
    # Completed (the department replied, or answered on the spot): replied, closed (on time),
    # published, late, spot = 5. 按期办结 judges the departments' completions: replied, closed,
    # published, late = 4, on time all but the late one = 3 (an answer on the spot is no
    # department's completion).
    assert stats["completed"] == 5
    assert (stats["judged"], stats["on_time"], stats["on_time_rate"]) == (4, 3, 0.75)
    # Rated: closed (satisfied), published (satisfied), late (basically), spot (satisfied) = 4,
    # satisfied or basically satisfied = 4.
    assert stats["satisfaction_rate"] == 1.0
    # 县发改局 leads everything that was assigned: assigned, in_progress, suspended, replied,
    # closed, published, late = 7, of which closed or published: closed, published, late = 3.
    by_dept = {d["department"]: d for d in stats["by_department"]}
    assert by_dept["县发改局"]["total"] == 7 and by_dept["县发改局"]["closed"] == 3
    assert set(by_dept) == {"县发改局"}

    this_year = api.ok("GET", f"{PUBLIC}/stats?year={datetime.now(LOCAL_TZ).year}")
    assert this_year["total"] == 10
    assert api.ok("GET", f"{PUBLIC}/stats?year=2001")["total"] == 0


def test_public_stats_of_an_empty_county(api):
    stats = api.ok("GET", f"{PUBLIC}/stats")
    assert stats["total"] == 0 and stats["completed"] == 0
    assert stats["on_time_rate"] is None and stats["satisfaction_rate"] is None


def test_public_stats_count_an_unsatisfied_reply_and_do_not_count_a_reopened_issue_as_completed(api):
    issue_in(api, "closed")                      # on time, satisfied
    reopened = issue_in(api, "replied")
    reopened = walk(api, reopened, [("visit", "coordinator",
                                     {"satisfaction": "unsatisfied", "note": "企业不满意，重办"})])
    assert reopened["status"] == "in_progress" and reopened["reopen_count"] == 1

    stats = api.ok("GET", f"{PUBLIC}/stats")
    assert stats["by_status"]["closed"] == 1 and stats["by_status"]["in_progress"] == 1
    # One satisfied, one unsatisfied rating.
    assert stats["satisfaction_rate"] == 0.5
    # The reopened issue is being handled again (重办): it is still open, not completed.
    assert stats["completed"] == 1
    assert stats["on_time_rate"] == 1.0


# --- tracking --------------------------------------------------------------------------------

def test_track_with_the_right_code_and_digits(api):
    issue = issue_in(api, "replied")
    resp = api.post(f"{PUBLIC}/track", json={"code": issue["code"], "phone_last4": PHONE[-4:]})
    assert resp.status_code == 200, resp.get_json()
    tracked = resp.get_json()
    assert tracked["code"] == issue["code"]
    assert tracked["status"] == "replied" and tracked["status_label"]
    assert tracked["department"] == "县发改局"
    assert tracked["result"] == "已完成路面修复，货车恢复通行。"
    assert [e["action"] for e in tracked["timeline"]] == ["create", "assign", "accept", "reply"]
    assert all(e["at"] and e["label"] for e in tracked["timeline"])
    # The code is not case-sensitive and may carry spaces.
    again = api.post(f"{PUBLIC}/track", json={"code": f" {issue['code'].lower()} ",
                                               "phone_last4": PHONE[-4:]})
    assert again.status_code == 200 and again.get_json()["code"] == issue["code"]


def test_track_wrong_digits_and_unknown_code_answer_the_same(api):
    issue = issue_in(api, "assigned")
    wrong_digits = api.post(f"{PUBLIC}/track", json={"code": issue["code"], "phone_last4": "0000"})
    unknown = api.post(f"{PUBLIC}/track", json={"code": "YS2026-999999", "phone_last4": PHONE[-4:]})
    assert wrong_digits.status_code == unknown.status_code == 404
    assert wrong_digits.get_data() == unknown.get_data()
    error_of(wrong_digits, 404)


def test_track_rejects_malformed_input(api):
    issue = issue_in(api, "assigned")
    err = error_of(api.post(f"{PUBLIC}/track", json={"code": issue["code"], "phone_last4": "678"}), 422)
    assert "phone_last4" in err["fields"]
    err = error_of(api.post(f"{PUBLIC}/track", json={"code": issue["code"], "phone_last4": "56a8"}), 422)
    assert "phone_last4" in err["fields"]
    err = error_of(api.post(f"{PUBLIC}/track", json={"phone_last4": "5678"}), 422)
    assert "code" in err["fields"]


def test_track_is_rate_limited(app, api, database_url):
    issue = issue_in(api, "assigned")
    limited = create_app({"DATABASE_URL": database_url, "TESTING": True, "SECRET_KEY": "test-secret",
                          "PUBLIC_BASE_URL": "https://ys.example.gov.cn",
                          "TRACK_RATE_LIMIT": "3 per minute"})
    limited.extensions["ys"]["sms_sender"] = RecordingSender()
    try:
        client = limited.test_client()
        body = {"code": issue["code"], "phone_last4": PHONE[-4:]}
        answers = [client.post(f"{PUBLIC}/track", json=body) for _ in range(4)]
        assert [r.status_code for r in answers[:3]] == [200, 200, 200]
        err = error_of(answers[3], 429)
        assert err["code"] == "too_many_requests"
        assert "status" not in answers[3].get_json()
    finally:
        limited.extensions["ys"]["engine"].dispose()
