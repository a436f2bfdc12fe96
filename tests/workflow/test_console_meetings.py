"""会议交办 pages: the meetings list and a new meeting, the meeting's one-table assignment (all or
nothing, every typed value kept on error), and the printable 交办单."""
import re
from datetime import datetime, timezone

import pytest
from sqlmodel import Session

from models import User
from service.core.errors import Invalid
from service.deadlines.calendar import load_calendar, local_date
from service.deadlines.policies import policy_for
from service.deadlines.rules import default_deadlines
from service.workflow import meeting_desk as agenda

from ..console import Console
from ..helpers import REPORTER


def _input(html: str, name: str) -> str:
    tag = re.search(rf'<input[^>]*name="{re.escape(name)}"[^>]*>', html).group(0)
    return re.search(r'value="([^"]*)"', tag).group(1)


def _selected(html: str, name: str) -> str:
    select = re.search(rf'<select[^>]*name="{re.escape(name)}".*?</select>', html, re.S).group(0)
    chosen = re.search(r'<option value="([^"]*)"\s+selected', select)
    return chosen.group(1) if chosen else ""


def _ticked(html: str, name: str) -> list[str]:
    return re.findall(rf'name="{re.escape(name)}" value="(\d+)"[^>]*checked', html)


def _meeting(api, county, kind="breakfast") -> dict:
    return api.ok("POST", "/api/v1/meetings", "coordinator", status=201, json={
        "kind": kind, "title": "2026年12月服务企业早餐会", "held_at": "2026-12-03T07:30:00+08:00",
        "host_leader_id": county.user_id("leader"), "attendees": ["县长", "县发改局"], "location": "县政府"})


def _issues(api, meeting_id: int, n: int = 3) -> list[dict]:
    names = ["王建国", "李秀英", "欧阳娜娜", "赵四"]
    return [api.create_issue(who="coordinator", meeting_id=meeting_id, channel=None, title=f"早餐会问题{i + 1}",
                             type=("help", "complaint", "consult", "help")[i],
                             reporter={**REPORTER, "name": names[i], "phone": f"1381234567{i}"})
            for i in range(n)]


def _row(i: int, issue: dict, county, dept="fgj", person="张伟", phone="13700001111", **over) -> dict:
    row = {f"rows-{i}-issue_id": str(issue["id"]), f"rows-{i}-version": str(issue["version"]),
           f"rows-{i}-include": "1", f"rows-{i}-lead_leader_id": str(county.user_id("leader")),
           f"rows-{i}-lead_department_id": str(county.dept_id(dept)) if dept else "",
           f"rows-{i}-responsible_person": person, f"rows-{i}-responsible_phone": phone}
    row.update({f"rows-{i}-{k}": v for k, v in over.items()})
    return row


# --- who may open what ------------------------------------------------------------------------

def test_meeting_pages_are_the_office_s_and_the_sheet_also_the_supervisors(app, api, county):
    meeting = _meeting(api, county)
    pages = ["/console/meetings", "/console/meetings/new", f"/console/meetings/{meeting['id']}"]
    sheet = f"/console/meetings/{meeting['id']}/sheet"
    office = Console(app, "coordinator")
    for path in pages + [sheet]:
        assert office.get(path).status_code == 200, path
    assert office.get("/console/meetings/999999").status_code == 404
    assert office.get("/console/meetings/999999/sheet").status_code == 404
    assert Console(app, "supervisor").get(sheet).status_code == 200
    for who in ("operator", "supervisor", "fgj", "leader", "admin"):
        other = Console(app, who)
        for path in pages:
            assert other.get(path).status_code == 403, (who, path)
    for who in ("operator", "fgj", "leader"):
        assert Console(app, who).get(sheet).status_code == 403, who
    assert Console(app, "operator").post(f"/console/meetings/{meeting['id']}/assign", {}).status_code == 403


def test_forms_without_the_csrf_token_are_refused(app, api, county):
    meeting = _meeting(api, county)
    issue = _issues(api, meeting["id"], 1)[0]
    office = Console(app, "coordinator")
    create = office.post("/console/meetings/new", {"kind": "forum", "title": "恳谈会", "held_at": "2026-12-10T09:00"},
                         csrf=False)
    assert create.status_code == 400
    assign = office.post(f"/console/meetings/{meeting['id']}/assign", _row(0, issue, county), csrf=False)
    assert assign.status_code == 400
    assert api.ok("GET", f"/api/v1/issues/{issue['id']}", "coordinator")["status"] == "collected"
    assert len(api.ok("GET", "/api/v1/meetings", "coordinator")["items"]) == 1


# --- meetings -----------------------------------------------------------------------------------

def test_a_meeting_is_created_in_local_time(app, api, county):
    office = Console(app, "coordinator")
    bad = office.post("/console/meetings/new", {"kind": "forum", "title": "", "held_at": "2026-12-10T09:00",
                                                "attendees": "县长、县发改局", "location": "三楼会议室"})
    page = bad.get_data(as_text=True)
    assert bad.status_code == 422 and _input(page, "location") == "三楼会议室" and "县长、县发改局" in page
    resp = office.post("/console/meetings/new", {
        "kind": "breakfast", "title": "2026年12月服务企业早餐会", "held_at": "2026-12-03T07:30",
        "host_leader_id": str(county.user_id("leader")), "attendees": "县长\n县发改局，县自然资源局",
        "location": "县政府一号会议室"})
    assert resp.status_code == 302
    meeting = api.ok("GET", "/api/v1/meetings", "coordinator")["items"][0]
    assert datetime.fromisoformat(meeting["held_at"]) == datetime(2026, 12, 2, 23, 30, tzinfo=timezone.utc)
    assert meeting["attendees"] == ["县长", "县发改局", "县自然资源局"]
    listed = office.text("/console/meetings")
    assert "2026-12-03 07:30" in listed and "2026年12月服务企业早餐会" in listed and "leader" in listed
    assert resp.headers["Location"].endswith(f"/console/meetings/{meeting['id']}")


def test_the_meeting_page_proposes_the_policy_deadlines(app, api, county, engine):
    meeting = _meeting(api, county)
    issues = _issues(api, meeting["id"])
    api.ok("PUT", "/api/v1/admin/deadline-policies", "admin",
           json={"issue_type": "complaint", "channel": "breakfast", "complete_days": 7})
    page = Console(app, "coordinator").text(f"/console/meetings/{meeting['id']}")
    with Session(engine) as s:
        cal, today = load_calendar(s), local_date(datetime.now(timezone.utc))
        for i, issue in enumerate(issues):
            expected = default_deadlines(policy_for(s, issue["type"], "breakfast"), today, cal)
            for key, day in expected.items():
                assert _input(page, f"rows-{i}-{key}") == day.isoformat(), (i, key)
            # The host is proposed as every issue's lead leader.
            assert _selected(page, f"rows-{i}-lead_leader_id") == str(county.user_id("leader"))
    assert _input(page, "rows-1-complete_due") == cal.add_working_days(today, 7).isoformat()
    assert "办结时限 7 个工作日" in page and "/console/intake?meeting_id=" in page


def test_one_save_assigns_the_ticked_issues(app, api, county, sms):
    meeting = _meeting(api, county)
    issues = _issues(api, meeting["id"], 4)
    form = {**_row(0, issues[0], county, **{"co_department_ids": [str(county.dept_id("zrj")),
                                                                   str(county.dept_id("scj"))]}),
            **_row(1, issues[1], county, dept="zrj", person="刘洋", phone="13700002222",
                   complete_due="2027-01-29", lead_leader_id=str(county.user_id("leader2"))),
            **_row(2, issues[2], county, dept="scj", person="陈静", phone="13700003333"),
            **_row(3, issues[3], county, include="")}
    resp = Console(app, "coordinator").post(f"/console/meetings/{meeting['id']}/assign", form)
    assert resp.status_code == 302
    got = [api.ok("GET", f"/api/v1/issues/{i['id']}", "coordinator") for i in issues]
    assert [g["status"] for g in got] == ["assigned", "assigned", "assigned", "collected"]
    assert got[0]["co_department_ids"] == [county.dept_id("zrj"), county.dept_id("scj")]
    assert got[1]["lead_leader_id"] == county.user_id("leader2")
    assert got[1]["deadlines"]["complete_due"] == "2027-01-29" and got[1]["responsible_phone"] == "13700002222"
    page = Console(app, "coordinator").text(f"/console/meetings/{meeting['id']}")
    assert page.count('class="other-row"') == 3 and page.count('class="assign-row') == 1


def test_a_failed_batch_names_the_row_and_keeps_everything_typed(app, api, county):
    meeting = _meeting(api, county)
    issues = _issues(api, meeting["id"])
    zrj, scj = str(county.dept_id("zrj")), str(county.dept_id("scj"))
    form = {**_row(0, issues[0], county, person="张伟", co_department_ids=[zrj, scj], reply_due="2027-01-15"),
            **_row(1, issues[1], county, dept="zrj", person="刘洋", phone="13700002222",
                   lead_leader_id=str(county.user_id("leader2"))),
            **_row(2, issues[2], county, dept="scj", person="陈静", phone="",
                   co_department_ids=[scj])}
    office = Console(app, "coordinator")

    # The third row lacks a phone (the workflow's required field).
    resp = office.post(f"/console/meetings/{meeting['id']}/assign", form)
    page = resp.get_data(as_text=True)
    assert resp.status_code == 422
    assert "本批均未保存" in page and "第 3 行" in page and issues[2]["code"] in page and "责任人电话" in page
    assert "第 1 行" not in page and "第 2 行" not in page

    def kept(page):
        assert _input(page, "rows-0-responsible_person") == "张伟"
        assert _input(page, "rows-0-reply_due") == "2027-01-15"
        assert _ticked(page, "rows-0-co_department_ids") == [zrj, scj]
        assert _selected(page, "rows-1-lead_leader_id") == str(county.user_id("leader2"))
        assert _selected(page, "rows-1-lead_department_id") == zrj
        assert _input(page, "rows-1-responsible_phone") == "13700002222"
        assert _input(page, "rows-2-responsible_person") == "陈静"
        assert _selected(page, "rows-2-lead_department_id") == scj
    kept(page)

    # A phone in the wrong shape is caught at the form.
    resp = office.post(f"/console/meetings/{meeting['id']}/assign",
                       {**form, "rows-2-responsible_phone": "12345", "rows-2-co_department_ids": []})
    page = resp.get_data(as_text=True)
    assert resp.status_code == 422 and "第 3 行" in page and "请填写 11 位手机号" in page
    assert _input(page, "rows-2-responsible_phone") == "12345"

    # The workflow refuses the third row (a co-handling department that also leads).
    resp = office.post(f"/console/meetings/{meeting['id']}/assign", {**form, "rows-2-responsible_phone": "13700003333"})
    page = resp.get_data(as_text=True)
    assert resp.status_code == 422 and "第 3 行" in page and "协办单位不能与主办单位相同" in page
    kept(page)
    assert _ticked(page, "rows-2-co_department_ids") == [scj]
    # Nothing was assigned, no SMS queued (but the registration receipts).
    assert all(api.ok("GET", f"/api/v1/issues/{i['id']}", "coordinator")["status"] == "collected" for i in issues)
    assert [m for m in api.ok("GET", "/api/v1/notifications", "coordinator")["items"]
            if m["template"] != "registered_reporter"] == []

    nothing = office.post(f"/console/meetings/{meeting['id']}/assign",
                          {k: v for k, v in form.items() if not k.endswith("-include")})
    assert nothing.status_code == 422 and "请至少勾选一件" in nothing.get_data(as_text=True)


def test_an_issue_of_another_meeting_is_refused(app, api, county):
    meeting, other = _meeting(api, county), _meeting(api, county, kind="forum")
    mine = _issues(api, meeting["id"], 1)[0]
    stranger = api.create_issue(meeting_id=other["id"], channel=None)
    form = {**_row(0, mine, county), **_row(1, stranger, county)}
    resp = Console(app, "coordinator").post(f"/console/meetings/{meeting['id']}/assign", form)
    assert resp.status_code == 422 and "该问题不属于本次会议" in resp.get_data(as_text=True)
    assert api.ok("GET", f"/api/v1/issues/{mine['id']}", "coordinator")["status"] == "collected"


def test_every_missing_field_of_every_row_is_named_at_once(db, api, county):
    meeting = _meeting(api, county)
    issues = _issues(api, meeting["id"])
    rows = [{"issue_id": issues[0]["id"], **api.assign_body()},
            {"issue_id": issues[1]["id"], **api.assign_body(responsible_person=None)},
            {"issue_id": issues[2]["id"], **api.assign_body(lead_department_id=None, responsible_phone="")}]
    coordinator = db.get(User, county.user_id("coordinator"))
    from service.workflow.transition import WorkflowOptions
    with pytest.raises(Invalid) as caught:
        agenda.assign_meeting(db, coordinator, meeting["id"], rows, datetime.now(timezone.utc), WorkflowOptions())
    assert caught.value.fields == {"assignments.1.responsible_person": "必填",
                                   "assignments.2.lead_department_id": "必填",
                                   "assignments.2.responsible_phone": "必填"}
    assert "第2、3件" in caught.value.message


# --- the sheet -----------------------------------------------------------------------------------

def test_the_sheet_shows_what_was_assigned_with_reporters_masked(app, api, county):
    meeting = _meeting(api, county)
    issues = _issues(api, meeting["id"], 4)
    form = {**_row(0, issues[0], county, co_department_ids=[str(county.dept_id("zrj"))]),
            **_row(1, issues[1], county, dept="zrj", person="刘洋"),
            **_row(2, issues[2], county, dept="scj", person="陈静"),
            **_row(3, issues[3], county, include="")}
    office = Console(app, "coordinator")
    assert office.post(f"/console/meetings/{meeting['id']}/assign", form).status_code == 302
    sheet = office.text(f"/console/meetings/{meeting['id']}/sheet")
    assert "营商环境问题会议交办单" in sheet and "2026-12-03 07:30" in sheet and "leader" in sheet
    for code in (i["code"] for i in issues[:3]):
        assert code in sheet
    assert issues[3]["code"] not in sheet and "还有 1 件问题未交办" in sheet
    assert "王*国" in sheet and "李*英" in sheet and "欧阳**" in sheet
    assert "王建国" not in sheet and "13812345670" not in sheet and "秦岭绿源" not in sheet
    assert "主办：县发改局" in sheet and "协办：县自然资源局" in sheet and "刘洋" in sheet
    assert "签字" in sheet and "盖章" in sheet


def test_three_bad_rows_are_reported_at_once_and_nothing_is_saved(app, api, county):
    meeting = _meeting(api, county)
    issues = _issues(api, meeting["id"], 4)
    form = {**_row(0, issues[0], county, phone="12345"),                    # wrong shape (the form)
            **_row(1, issues[1], county, dept="zrj", phone="0915-3212002"),  # a landline (the workflow)
            **_row(2, issues[2], county, dept=""),                          # no lead department
            **_row(3, issues[3], county, dept="scj", phone="13700003333")}  # good
    resp = Console(app, "coordinator").post(f"/console/meetings/{meeting['id']}/assign", form)
    page = resp.get_data(as_text=True)
    assert resp.status_code == 422
    errors = re.search(r'id="assign-errors".*?</ul>', page, re.S).group(0)
    assert "本批均未保存：3 行有误" in errors
    assert "第 1 行" in errors and "请填写 11 位手机号" in errors
    assert "第 2 行" in errors and "责任人电话是固定电话，不能接收短信，请填写手机号" in errors
    assert "第 3 行" in errors and "主办单位" in errors
    assert "第 4 行" not in errors
    assert all(api.ok("GET", f"/api/v1/issues/{i['id']}", "coordinator")["status"] == "collected" for i in issues)
    assert [m for m in api.ok("GET", "/api/v1/notifications", "coordinator")["items"]
            if m["template"] != "registered_reporter"] == []


def test_the_api_names_every_wrong_row_of_a_batch(api, county):
    meeting = _meeting(api, county)
    issues = _issues(api, meeting["id"], 3)
    good = {"lead_department_id": county.dept_id("fgj"), "lead_leader_id": county.user_id("leader"),
            "responsible_person": "张伟", "responsible_phone": "13700001111"}
    rows = [{**good, "issue_id": issues[0]["id"], "responsible_phone": "0915-3212001"},
            {**good, "issue_id": issues[1]["id"]},
            {**good, "issue_id": issues[2]["id"], "lead_leader_id": county.user_id("fgj")}]
    resp = api.post(f"/api/v1/meetings/{meeting['id']}/assignments", "coordinator", json={"assignments": rows})
    assert resp.status_code == 422
    fields = resp.get_json()["error"]["fields"]
    assert set(fields) == {"assignments.0.responsible_phone", "assignments.2.lead_leader_id"}
    assert all(api.ok("GET", f"/api/v1/issues/{i['id']}", "coordinator")["status"] == "collected" for i in issues)
