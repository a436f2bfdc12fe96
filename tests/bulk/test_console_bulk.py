"""The issue list's console side: sortable headers kept in the address, and the bulk actions on
ticked issues — 催办 with a report per issue, 交办 all or none, the selection as the ledger."""
import io
import re

from openpyxl import load_workbook

from ..console import Console
from ..helpers import issue_in


def test_sort_headers_link_the_other_direction_and_say_which_column_sorts(app, api, county):
    for title in ("甲", "乙", "丙"):
        api.create_issue(title=f"问题{title}")
    page = Console(app, "coordinator").text("/console/issues?sort=next_due&dir=asc&status=collected")
    th = re.search(r'<th[^>]*aria-sort="ascending"[^>]*>.*?</th>', page, re.S).group(0)
    assert "最近时限" in th and "bi-arrow-up" in th
    # the header's link turns the order round and keeps the filter
    assert re.search(r'href="/console/issues\?[^"]*dir=desc', th) and "status=collected" in th
    assert page.count("aria-sort=") == 1
    # the default order marks 登记日期 as newest first
    default = Console(app, "coordinator").text("/console/issues")
    assert re.search(r'aria-sort="descending"[^>]*>\s*<a[^>]*>登记日期', default)


def test_a_department_sees_no_bulk_actions(app, api, county):
    issue_in(api, "assigned")
    page = Console(app, "fgj").text("/console/issues")
    assert 'id="bulk-form"' not in page and 'name="issue_ids"' not in page


def test_bulk_urge_urges_each_issue_and_reports_the_one_it_may_not(app, api, county):
    first, second = issue_in(api, "in_progress"), issue_in(api, "assigned")
    collected = api.create_issue(title="还未交办")           # not yet assigned: 催办 is refused
    supervisor = Console(app, "supervisor")
    page = supervisor.text("/console/issues")
    assert 'id="bulk-urge"' in page and 'id="bulk-assign"' not in page
    resp = supervisor.post("/console/issues/bulk/urge", {
        "issue_ids": [first["id"], second["id"], collected["id"]], "note": "请本周内办结并报告",
        "back": "/console/issues?flag=red"})
    html = resp.get_data(as_text=True)
    assert resp.status_code == 200
    assert "已催办 2 件，未能催办 1 件" in html
    refused = re.findall(r'<tr class="bulk-refused.*?</tr>', html, re.S)
    assert len(refused) == 1 and collected["code"] in refused[0]
    assert 'href="/console/issues?flag=red"' in html
    for issue in (first, second):
        events = api.ok("GET", f"/api/v1/issues/{issue['id']}/events", "supervisor")["items"]
        assert events[-1]["action"] == "urge" and events[-1]["note"] == "请本周内办结并报告"
    events = api.ok("GET", f"/api/v1/issues/{collected['id']}/events", "supervisor")["items"]
    assert all(e["action"] != "urge" for e in events)


def test_bulk_urge_refuses_a_missing_note_too_many_issues_and_a_missing_token(app, api, county):
    issue = issue_in(api, "in_progress")
    supervisor = Console(app, "supervisor")
    resp = supervisor.post("/console/issues/bulk/urge", {"issue_ids": [issue["id"]], "note": " "})
    assert resp.status_code == 422 and "催办意见" in resp.get_data(as_text=True)
    resp = supervisor.post("/console/issues/bulk/urge", {"issue_ids": list(range(1, 102)), "note": "催"})
    assert resp.status_code == 422 and "一次最多选择 100 件问题，本次选了 101 件" in resp.get_data(as_text=True)
    resp = supervisor.post("/console/issues/bulk/urge", {"issue_ids": ["x"], "note": "催"})
    assert resp.status_code == 422 and "所选问题" in resp.get_data(as_text=True)
    resp = supervisor.post("/console/issues/bulk/urge", {"issue_ids": [issue["id"]], "note": "催"}, csrf=False)
    assert resp.status_code == 400
    events = api.ok("GET", f"/api/v1/issues/{issue['id']}/events", "supervisor")["items"]
    assert all(e["action"] != "urge" for e in events)


def test_bulk_assign_assigns_every_ticked_issue_to_one_department_or_none(app, api, county):
    a, b = api.create_issue(title="第一件"), api.create_issue(title="第二件")
    assigned = issue_in(api, "assigned", title="已交办的")
    office = Console(app, "coordinator")
    form = office.post("/console/issues/bulk/assign", {"issue_ids": [a["id"], b["id"]]})
    assert form.status_code == 200 and a["code"] in form.get_data(as_text=True)
    fields = {"lead_department_id": county.dept_id("zrj"), "lead_leader_id": county.user_id("leader"),
              "responsible_person": "赵强", "responsible_phone": "13700002222", "note": "请尽快办理",
              "confirm": "1"}
    # one issue already assigned: nothing is saved, that issue is named
    resp = office.post("/console/issues/bulk/assign", {**fields, "issue_ids": [a["id"], assigned["id"]]})
    html = resp.get_data(as_text=True)
    assert resp.status_code in (409, 422) and "第 2 件" in html and 'value="赵强"' in html
    assert api.ok("GET", f"/api/v1/issues/{a['id']}", "coordinator")["status"] == "collected"
    # a form field wrong: named, nothing saved
    resp = office.post("/console/issues/bulk/assign", {**fields, "lead_department_id": "",
                                                       "issue_ids": [a["id"], b["id"]]})
    assert resp.status_code == 422 and "is-invalid" in resp.get_data(as_text=True)
    resp = office.post("/console/issues/bulk/assign", {**fields, "issue_ids": [a["id"], b["id"]]})
    assert resp.status_code == 200 and "已交办 2 件" in resp.get_data(as_text=True)
    for issue in (a, b):
        got = api.ok("GET", f"/api/v1/issues/{issue['id']}", "coordinator")
        assert got["status"] == "assigned" and got["lead_department_id"] == county.dept_id("zrj")
    assert Console(app, "supervisor").post("/console/issues/bulk/assign",
                                           {"issue_ids": [a["id"]]}).status_code == 403


def _sheet_codes(content: bytes) -> tuple[list[str], list[list]]:
    ws = load_workbook(io.BytesIO(content)).active
    rows = [[c.value for c in row] for row in ws.iter_rows()]
    header = next(i for i, r in enumerate(rows) if "编号" in r)
    code_col = rows[header].index("编号")
    return [r[code_col] for r in rows[header + 1:] if r[code_col]], rows[header:]


def test_export_holds_exactly_the_selection_masked_as_the_ledger_is(app, api, county):
    picked = [api.create_issue(title=f"选定{n}") for n in range(3)]
    left_out = api.create_issue(title="未选")
    ids = [picked[2]["id"], picked[0]["id"], picked[1]["id"]]
    office = Console(app, "coordinator").post("/console/issues/bulk/export", {"issue_ids": ids})
    assert office.status_code == 200 and office.mimetype.endswith("sheet")
    codes, rows = _sheet_codes(office.data)
    assert codes == [picked[2]["code"], picked[0]["code"], picked[1]["code"]]
    assert left_out["code"] not in codes
    assert any("13812345678" in str(v) for r in rows for v in r)        # the office: whole
    supervisor = Console(app, "supervisor").post("/console/issues/bulk/export", {"issue_ids": ids})
    _codes, rows = _sheet_codes(supervisor.data)
    flat = " ".join(str(v) for r in rows for v in r)
    assert "13812345678" not in flat and "138****5678" in flat and "王建国" not in flat
    assert "_脱敏" in supervisor.headers["Content-Disposition"] or "%E8%84%B1%E6%95%8F" in supervisor.headers[
        "Content-Disposition"]
    # a leader may not see issues he does not lead: 404, not a partial file
    assert Console(app, "leader2").post("/console/issues/bulk/export", {"issue_ids": ids}).status_code == 404
    assert Console(app, "fgj").post("/console/issues/bulk/export", {"issue_ids": ids}).status_code == 403


def test_saved_views_are_listed_saved_under_a_name_and_deleted_by_their_owner_only(app, api, county):
    api.create_issue(title="某个问题")
    office = Console(app, "coordinator")
    page = office.text("/console/issues")
    assert "我的红色问题" in page and "本周到期" in page
    assert 'href="/console/issues?flag=red"' in page
    week = office.text("/console/issues?due_this_week=1&sort=next_due&dir=asc")
    assert re.search(r'aria-current="page">本周到期<', week)
    resp = office.post("/console/issues/views?status=collected&sort=next_due&dir=asc", {"name": "待交办的"})
    assert resp.status_code == 302 and "status=collected" in resp.headers["Location"]
    page = office.text("/console/issues?status=collected&sort=next_due&dir=asc")
    assert re.search(r'aria-current="page">待交办的<', page)
    # the same name again, a name too long, no name: refused, naming the field, what was typed kept
    again = office.post("/console/issues/views?flag=red", {"name": "待交办的"})
    assert again.status_code == 409 and "视图名称" in again.get_data(as_text=True)
    long_name = "长" * 31
    resp = office.post("/console/issues/views", {"name": long_name})
    assert resp.status_code == 422 and f'value="{long_name}"' in resp.get_data(as_text=True)
    assert office.post("/console/issues/views", {"name": "  "}).status_code == 422
    view_id = int(re.search(r'/console/issues/views/(\d+)/delete', page).group(1))
    # another user neither sees nor deletes it
    assert "待交办的" not in Console(app, "supervisor").text("/console/issues")
    assert Console(app, "supervisor").post(f"/console/issues/views/{view_id}/delete").status_code == 404
    assert office.post(f"/console/issues/views/{view_id}/delete").status_code == 302
    assert "已删除视图“待交办的”" in office.text("/console/issues")
    assert f"/console/issues/views/{view_id}/delete" not in office.text("/console/issues")
