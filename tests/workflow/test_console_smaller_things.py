"""Smaller things of the office's daily work: the issue page by its tracking code, a conflict that
says who changed the issue and when, and the 交办单 that carries the problem text and the plan."""
import re

import pytest

from ..console import Console
from ..helpers import REPORTER, issue_in

pytestmark = pytest.mark.both_db


def test_the_issue_page_opens_by_its_tracking_code(app, api, county):
    issue = issue_in(api, "in_progress", title="按编号打开的问题")
    year, seq = issue["code"][2:6], int(issue["code"][7:])
    office = Console(app, "coordinator")
    for typed in (issue["code"], f"ys{year}-{seq}", f"YS{year}-{seq:04d}"):
        resp = office.get(f"/console/issues/{typed}")
        assert resp.status_code == 200, typed
        assert "按编号打开的问题" in resp.get_data(as_text=True)
    assert office.get("/console/issues/YS2026-999999").status_code == 404
    wrong = office.get("/console/issues/no-such-thing", headers={"Accept": "text/html"})
    assert wrong.status_code == 404 and "页面不存在" in wrong.get_data(as_text=True)
    # another department's user: the same 404 as for a code that does not exist
    assert Console(app, "scj").get(f"/console/issues/{issue['code']}").status_code == 404
    assert Console(app, "fgj").get(f"/console/issues/{issue['code'].lower()}").status_code == 200


def test_a_stale_step_says_who_changed_the_issue_and_when(api, county):
    issue = issue_in(api, "in_progress")
    api.ok("POST", f"/api/v1/issues/{issue['id']}/actions/progress", "zrj", json={"note": "协办单位已勘察"})
    resp = api.act(issue["id"], "progress", "fgj", {"note": "已联系施工单位", "version": issue["version"]})
    assert resp.status_code == 409
    message = resp.get_json()["error"]["message"]
    assert re.fullmatch(r"该问题已由zrj于\d\d月\d\d日 \d\d:\d\d报送进展，请刷新后再操作", message), message


def test_a_stale_edit_says_who_changed_the_issue_and_when(api, county):
    issue = api.create_issue()
    api.ok("PATCH", f"/api/v1/issues/{issue['id']}", "operator",
           json={"version": issue["version"], "title": "改过的标题"})
    resp = api.patch(f"/api/v1/issues/{issue['id']}", "coordinator",
                     json={"version": issue["version"], "title": "又改的标题"})
    assert resp.status_code == 409
    message = resp.get_json()["error"]["message"]
    assert re.fullmatch(r"该问题已由operator于\d\d月\d\d日 \d\d:\d\d修改，请刷新后再改", message), message


def test_the_sheet_carries_the_problem_text_and_the_plan_with_the_reporter_masked(app, api, county):
    meeting = api.ok("POST", "/api/v1/meetings", "coordinator", status=201, json={
        "kind": "breakfast", "title": "早餐会", "held_at": "2026-12-03T07:30:00+08:00"})
    content = "秦岭绿源农业科技有限公司反映：厂区门前道路塌陷，货车无法进出，王建国电话13812345678。"
    issue = api.create_issue(who="coordinator", meeting_id=meeting["id"], channel=None, content=content,
                             reporter=dict(REPORTER))
    issue = api.ok("POST", f"/api/v1/issues/{issue['id']}/actions/assign", "coordinator", json=api.assign_body())
    office = Console(app, "coordinator")
    sheet = office.text(f"/console/meetings/{meeting['id']}/sheet")
    assert "厂区门前道路塌陷，货车无法进出" in sheet
    assert "秦岭绿源" not in sheet and "王建国" not in sheet and "13812345678" not in sheet
    assert "办理方案" not in sheet
    api.ok("POST", f"/api/v1/issues/{issue['id']}/actions/accept", "fgj", json={"note": "已签收"})
    api.ok("POST", f"/api/v1/issues/{issue['id']}/actions/plan", "fgj",
           json={"plan": "联系交通局本周内完成路面修补。"})
    sheet = office.text(f"/console/meetings/{meeting['id']}/sheet")
    assert "办理方案：" in sheet and "联系交通局本周内完成路面修补。" in sheet
