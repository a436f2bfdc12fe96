"""答复, 办结答复 and 办理情况报告 as their own steps, each judged against its own deadline, through
the API with the request clock fixed. November 2026 has no public holiday: Mon 2, 9, 16, 23, 30."""
from datetime import datetime

import pytest

from ..core.test_integrity import STATS, act, assigned, at, clock, fgj_row  # noqa: F401 - fixture

REPORTS = "/api/v1/reports"


def in_progress(api, clock, complete_due="2026-11-20", **deadlines) -> dict:  # noqa: F811
    issue = assigned(api, clock, at(11, 2), complete_due, **deadlines)
    act(api, clock, at(11, 2, 15), issue, "accept", "fgj")
    return issue


def moment(text: str) -> datetime:
    return datetime.fromisoformat(text)


def outbox(api, issue) -> list[dict]:
    return api.ok("GET", f"/api/v1/notifications?issue_id={issue['id']}", "coordinator")["items"]


def test_an_answer_meets_the_reply_deadline_and_leaves_the_issue_in_progress(api, clock):  # noqa: F811
    issue = in_progress(api, clock, reply_due="2026-11-05")
    done = act(api, clock, at(11, 4), issue, "answer", "fgj", {"answer": "已联系企业，本月20日前完成线路迁改"})
    assert done["status"] == "in_progress" and done["replied_on_time"] is True
    assert done["answered_at"] is not None and done["completed_on_time"] is None
    # The reporter hears the answer itself, by SMS.
    texts = [m for m in outbox(api, issue) if m["template"] == "answered_reporter"]
    assert len(texts) == 1 and "线路迁改" in texts[0]["body"]
    # A later 办结答复 meets 限期办结 and leaves the 回复 judgement as it was.
    replied = act(api, clock, at(11, 18), issue, "reply", "fgj", {"result": "线路已迁改"})
    assert (replied["status"], replied["replied_on_time"], replied["completed_on_time"]) == ("replied", True, True)
    clock(at(11, 19))
    row = fgj_row(api)
    assert (row["replied_on_time"], row["reply_judged"]) == (1, 1)
    assert (row["completed_on_time"], row["complete_judged"]) == (1, 1)


def test_a_late_answer_is_late_whatever_the_reply_does(api, clock):  # noqa: F811
    issue = in_progress(api, clock, reply_due="2026-11-05")
    late = act(api, clock, at(11, 10), issue, "answer", "fgj", {"answer": "正在协调供电公司"})
    assert late["replied_on_time"] is False
    # A second, interim answer changes nothing in the figures; the timeline has both.
    again = act(api, clock, at(11, 11), issue, "answer", "fgj", {"answer": "已完成勘察"})
    assert again["replied_on_time"] is False and moment(again["answered_at"]) == moment(late["answered_at"])
    act(api, clock, at(11, 12), issue, "reply", "fgj", {"result": "已完成"})
    clock(at(11, 13))
    row = fgj_row(api)
    assert (row["replied_on_time"], row["reply_judged"], row["completed_on_time"]) == (0, 1, 1)
    events = api.ok("GET", f"/api/v1/issues/{issue['id']}/events", "coordinator")["items"]
    answers = [e for e in events if e["action"] == "answer"]
    assert [a["note"] for a in answers] == ["正在协调供电公司", "已完成勘察"]
    assert answers[0]["data"]["judged"]["reply_due"]["on_time"] is False
    assert "judged" not in answers[1]["data"]


def test_without_an_answer_the_reply_meets_both_deadlines(api, clock):  # noqa: F811
    issue = in_progress(api, clock, reply_due="2026-11-05")
    replied = act(api, clock, at(11, 10), issue, "reply", "fgj", {"result": "已完成"})
    assert (replied["replied_on_time"], replied["completed_on_time"]) == (False, True)
    assert replied["answered_at"] == replied["replied_at"]


@pytest.mark.parametrize("body, field", [({}, "answer"), ({"answer": "   "}, "answer")])
def test_an_answer_needs_its_text(api, clock, body, field):  # noqa: F811
    issue = in_progress(api, clock)
    before = api.ok("GET", f"/api/v1/issues/{issue['id']}", "coordinator")
    refused = act(api, clock, at(11, 3), issue, "answer", "fgj", body, status=422)
    assert field in refused["error"]["fields"]
    after = api.ok("GET", f"/api/v1/issues/{issue['id']}", "coordinator")
    assert (after["version"], after["answered_at"], after["replied_on_time"]) == (before["version"], None, None)


def test_only_the_lead_department_answers_and_reports(api, clock):  # noqa: F811
    issue = in_progress(api, clock)
    # The co-handling department reports progress instead; a department with no part sees nothing.
    for who, status in (("zrj", 403), ("scj", 404), ("coordinator", 403), ("leader", 403), ("operator", 403)):
        act(api, clock, at(11, 3), issue, "answer", who, {"answer": "已安排"}, status=status)
        act(api, clock, at(11, 3), issue, "report", who, {"report": "办理情况"}, status=status)
    # Before acceptance there is nothing to answer yet.
    fresh = assigned(api, clock, at(11, 3), "2026-11-20")
    refused = act(api, clock, at(11, 3), fresh, "answer", "fgj", {"answer": "已安排"}, status=409)
    assert refused["error"]["code"] == "wrong_state"


def test_a_report_meets_the_report_deadline_and_reaches_the_lead_leader_unread(api, clock):  # noqa: F811
    issue = in_progress(api, clock, complete_due="2026-11-10", report_due="2026-11-12")
    act(api, clock, at(11, 9), issue, "reply", "fgj", {"result": "已完成"})
    reported = act(api, clock, at(11, 11), issue, "report", "fgj",
                   {"report": "已完成线路迁改，企业确认恢复生产"})
    assert (reported["status"], reported["reported_on_time"]) == ("replied", True)
    assert reported["reported_at"] is not None

    mine = api.ok("GET", f"{REPORTS}?unread=true", "leader")
    assert mine["unread"] == 1
    [report] = mine["items"]
    assert (report["issue_code"], report["body"], report["read_at"]) == \
        (issue["code"], "已完成线路迁改，企业确认恢复生产", None)
    assert report["department"] == "县发改局"
    # Another leader sees none of it, cannot mark it read, and a department cannot list at all.
    assert api.ok("GET", REPORTS, "leader2") == {"unread": 0, "items": []}
    assert api.post(f"{REPORTS}/{report['id']}/read", "leader2").status_code == 404
    assert api.get(REPORTS, "fgj").status_code == 403
    # The office reads every leader's reports, but reading is the leader's own.
    office = api.ok("GET", REPORTS, "coordinator")["items"]
    assert [r["id"] for r in office] == [report["id"]]
    assert api.post(f"{REPORTS}/{report['id']}/read", "coordinator").status_code == 404

    clock(at(11, 13, 9))
    read = api.ok("POST", f"{REPORTS}/{report['id']}/read", "leader")
    assert read["read_at"] is not None
    clock(at(11, 14))
    assert moment(api.ok("POST", f"{REPORTS}/{report['id']}/read", "leader")["read_at"]) == moment(read["read_at"])
    assert api.ok("GET", f"{REPORTS}?unread=true", "leader") == {"unread": 0, "items": []}
    assert len(api.ok("GET", REPORTS, "leader")["items"]) == 1

    clock(at(11, 13))
    row = fgj_row(api)
    assert (row["reported_on_time"], row["report_judged"], row["report_rate"]) == (1, 1, 1.0)


def test_a_report_never_made_counts_late_once_its_deadline_passes(api, clock):  # noqa: F811
    issue = in_progress(api, clock, complete_due="2026-11-10", report_due="2026-11-12")
    act(api, clock, at(11, 9), issue, "reply", "fgj", {"result": "已完成"})
    act(api, clock, at(11, 10), issue, "visit", "coordinator", {"satisfaction": "satisfied"})
    clock(at(11, 12, 17))
    row = fgj_row(api)
    assert (row["report_judged"], row["report_rate"]) == (0, None)   # due today: not yet late
    clock(at(11, 13))
    row = fgj_row(api)
    assert (row["reported_on_time"], row["report_judged"], row["report_rate"]) == (0, 1, 0.0)
    # Made late, after the issue closed: judged late, and counted once.
    late = act(api, clock, at(11, 16), issue, "report", "fgj", {"report": "补报办理情况"})
    assert (late["status"], late["reported_on_time"]) == ("closed", False)
    row = fgj_row(api)
    assert (row["reported_on_time"], row["report_judged"]) == (0, 1)
    # The report rate is a column of the bulletin, not part of the score.
    assert row["score"] == 100.0


def test_a_reopening_keeps_a_missed_report_late(api, clock):  # noqa: F811
    issue = in_progress(api, clock, complete_due="2026-11-10", report_due="2026-11-12")
    act(api, clock, at(11, 9), issue, "reply", "fgj", {"result": "已完成"})
    act(api, clock, at(11, 16), issue, "visit", "coordinator",
        {"satisfaction": "unsatisfied", "note": "线路仍未迁改",
         "deadlines": {"reply_due": "2026-11-20", "complete_due": "2026-11-25", "report_due": "2026-11-26"}})
    again = act(api, clock, at(11, 17), issue, "report", "fgj", {"report": "重办情况报告"})
    assert (again["round_no"], again["reported_on_time"]) == (2, True)
    clock(at(11, 17))
    row = fgj_row(api)
    assert (row["reported_on_time"], row["report_judged"]) == (1, 2)


def test_the_reporters_tracking_page_shows_the_answer(api, clock):  # noqa: F811
    issue = in_progress(api, clock)
    act(api, clock, at(11, 3), issue, "answer", "fgj", {"answer": "已安排"})
    tracked = api.ok("POST", "/api/v1/public/track", json={"code": issue["code"], "phone_last4": "5678"})
    assert "答复" in [t["label"] for t in tracked["timeline"]]


def test_on_the_console_the_department_answers_and_reports_and_the_leader_reads(app, api, clock):  # noqa: F811
    from ..console import Console
    issue = in_progress(api, clock, complete_due="2026-11-10", report_due="2026-11-12")
    clock(at(11, 3))
    dept = Console(app, "fgj")
    page = dept.text(f"/console/issues/{issue['id']}")
    assert 'id="form-answer"' in page and 'id="form-report"' in page
    resp = dept.post(f"/console/issues/{issue['id']}/actions/answer", {"answer": "已安排施工队", "version": 3})
    assert resp.status_code == 302, resp.get_data(as_text=True)[:500]
    resp = dept.post(f"/console/issues/{issue['id']}/actions/report", {"report": "施工队已进场", "version": 4})
    assert resp.status_code == 302, resp.get_data(as_text=True)[:500]
    page = dept.text(f"/console/issues/{issue['id']}")
    assert "施工队已进场" in page and "报送主抓领导：" in page

    leader = Console(app, "leader")
    assert "/console/leader-reports" in leader.text("/console/issues")
    page = leader.text("/console/leader-reports?unread=1")
    assert "施工队已进场" in page and "未读 1 份" in page
    # The leader's home lists it unread, on the console and in the API.
    home = leader.text("/console/leader")
    assert issue["code"] in home.split('id="h-reports"', 1)[1].split("</section>", 1)[0]
    unread = api.ok("GET", "/api/v1/leaders/me/dashboard", "leader")["reports"]
    assert [(r["issue_code"], r["body"]) for r in unread] == [(issue["code"], "施工队已进场")]
    report_id = api.ok("GET", REPORTS, "leader")["items"][0]["id"]
    assert leader.post(f"/console/leader-reports/{report_id}/read", {"unread": "1"}).status_code == 302
    page = leader.text("/console/leader-reports?unread=1")
    assert "施工队已进场" not in page and "未读 0 份" in page
    assert "施工队已进场" in leader.text("/console/leader-reports")
    assert api.ok("GET", "/api/v1/leaders/me/dashboard", "leader")["reports"] == []
    assert issue["code"] not in leader.text("/console/leader").split('id="h-reports"', 1)[1].split("</section>", 1)[0]
    # Another leader cannot mark it; a department has no such page.
    assert Console(app, "leader2").post(f"/console/leader-reports/{report_id}/read").status_code == 404
    assert dept.get("/console/leader-reports").status_code == 403


# --- 销号 --------------------------------------------------------------------------------------------

def replied(api, clock) -> dict:  # noqa: F811
    issue = in_progress(api, clock, complete_due="2026-11-10")
    return act(api, clock, at(11, 9), issue, "reply", "fgj", {"result": "已完成"})


def test_the_office_closes_off_an_issue_only_after_the_policys_failed_visits(api, clock):  # noqa: F811
    issue = replied(api, clock)
    # Not before the reporter has been tried: three times, by the policy.
    refused = act(api, clock, at(11, 10), issue, "close_off", "coordinator", {"reason": "联系不上"}, status=409)
    assert refused["error"]["code"] == "reporter_not_tried" and "3" in refused["error"]["message"]
    for n, day in enumerate((10, 11, 12), start=1):
        tried = act(api, clock, at(11, day), issue, "unreached", "coordinator", {"note": f"第{n}次电话无人接听"})
        assert tried["status"] == "replied"
        if n < 3:
            act(api, clock, at(11, day, 11), issue, "close_off", "coordinator", {"reason": "联系不上"}, status=409)
    # A reason is required, and only the office closes off.
    missing = act(api, clock, at(11, 13), issue, "close_off", "coordinator", {"reason": "  "}, status=422)
    assert "reason" in missing["error"]["fields"]
    act(api, clock, at(11, 13), issue, "close_off", "supervisor", {"reason": "联系不上"}, status=403)
    act(api, clock, at(11, 13), issue, "close_off", "fgj", {"reason": "联系不上"}, status=403)
    closed = act(api, clock, at(11, 13), issue, "close_off", "coordinator",
                 {"reason": "三次回访反映人均未接听，企业已搬离，予以销号"})
    assert (closed["status"], closed["satisfaction"]) == ("closed", None) and closed["closed_at"]
    events = api.ok("GET", f"/api/v1/issues/{issue['id']}/events", "coordinator")["items"]
    assert [e["data"].get("attempt") for e in events if e["action"] == "unreached"] == [1, 2, 3]
    last = events[-1]
    assert (last["action"], last["note"], last["data"]["attempts"]) == \
        ("close_off", "三次回访反映人均未接听，企业已搬离，予以销号", 3)
    # The reporter's tracking page says so.
    tracked = api.ok("POST", "/api/v1/public/track", json={"code": issue["code"], "phone_last4": "5678"})
    assert tracked["timeline"][-1]["label"] == "销号" and tracked["status"] == "closed"
    # Closed without a rating: no one counts it satisfied.
    clock(at(11, 16))
    assert fgj_row(api)["rated"] == 0


def test_attempts_before_a_reopening_do_not_count_for_the_next_reply(api, clock):  # noqa: F811
    issue = replied(api, clock)
    for day in (10, 11, 12):
        act(api, clock, at(11, day), issue, "unreached", "coordinator", {"note": "无人接听"})
    act(api, clock, at(11, 12, 15), issue, "visit", "coordinator",
        {"satisfaction": "unsatisfied", "note": "终于联系上，企业不满意",
         "deadlines": {"reply_due": "2026-11-20", "complete_due": "2026-11-20"}})
    act(api, clock, at(11, 16), issue, "reply", "fgj", {"result": "已重新办理"})
    act(api, clock, at(11, 17), issue, "unreached", "coordinator", {"note": "无人接听"})
    refused = act(api, clock, at(11, 17), issue, "close_off", "coordinator", {"reason": "联系不上"}, status=409)
    assert "现 1 次" in refused["error"]["message"]


# --- issues merged into another ----------------------------------------------------------------------

def test_reporters_of_merged_issues_hear_the_outcome_and_the_main_issue_links_them(app, api, clock):  # noqa: F811
    from ..console import Console
    clock(at(11, 2))
    main = api.create_issue()
    same = api.create_issue(reporter={"name": "赵六", "phone": "13655556666", "kind": "enterprise"})
    twice = api.create_issue(reporter={"name": "赵六", "phone": "13655556666", "kind": "enterprise"})
    own = api.create_issue()  # the main reporter's own second call: told once, by the main issue
    for dup in (same, twice, own):
        act(api, clock, at(11, 2), dup, "reject", "coordinator", {"reason": "duplicate", "merged_into": main["id"]})
    act(api, clock, at(11, 2), main, "assign", "coordinator", api.assign_body())
    act(api, clock, at(11, 3), main, "accept", "fgj")
    act(api, clock, at(11, 5), main, "reply", "fgj", {"result": "已完成修复"})
    texts = [(m["template"], m["body"]) for m in outbox(api, main) if m["template"] == "merged_outcome"]
    assert len(texts) == 1 and same["code"] in texts[0][1] and main["code"] in texts[0][1]
    page = Console(app, "coordinator").text(f"/console/issues/{main['id']}")
    assert "并入的重复反映" in page
    assert all(d["code"] in page for d in (same, twice, own))


def test_once_answered_the_reply_deadline_no_longer_colours_the_issue(api, clock):  # noqa: F811
    issue = in_progress(api, clock, complete_due="2026-11-20", reply_due="2026-11-05")
    act(api, clock, at(11, 4), issue, "answer", "fgj", {"answer": "已安排施工"})
    clock(at(11, 9))   # past 限期回复, before 限期办结: answered in time, so not overdue
    now = api.ok("GET", f"/api/v1/issues/{issue['id']}", "coordinator")
    assert (now["next_due"], now["flag"]) == ("2026-11-20", "green")
    assert fgj_row(api)["overdue_now"] == 0
    # Unanswered, the same issue would be red.
    other = in_progress(api, clock, complete_due="2026-11-20", reply_due="2026-11-05")
    clock(at(11, 9))
    assert api.ok("GET", f"/api/v1/issues/{other['id']}", "coordinator")["flag"] == "red"


def test_the_ledger_carries_the_answer_and_the_report_through_export_and_import(api, county, engine):
    from ..ledger.test_ledger import export, importing, snapshot, wipe_issues
    issue = replied_without_clock(api)
    api.act(issue["id"], "report", "fgj", {"report": "办理情况已报告"})
    before = snapshot(engine)[issue["code"]]
    assert before["answered_at"] and before["reported_at"] and before["reported_on_time"] is True
    content = export(api)
    wipe_issues(engine)
    assert importing(engine, county, content, dry_run=False).created == 1
    after = snapshot(engine)[issue["code"]]
    assert {k: after[k] for k in ("answered_at", "reported_at", "reported_on_time")} == \
        {k: before[k] for k in ("answered_at", "reported_at", "reported_on_time")}


def replied_without_clock(api) -> dict:
    from ..helpers import issue_in
    issue = issue_in(api, "in_progress")
    assert api.act(issue["id"], "answer", "fgj", {"answer": "已安排"}).status_code == 200
    return api.ok("POST", f"/api/v1/issues/{issue['id']}/actions/reply", "fgj", json={"result": "已完成"})
