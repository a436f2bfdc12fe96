"""The Excel ledger (问题台账): export, import with dry run, the API and the command line."""
import io
from datetime import date, datetime, timedelta, timezone

import pytest
from openpyxl import Workbook, load_workbook
from sqlalchemy import delete, func, select
from sqlmodel import Session

from models import Escalation, Issue, IssueCoDepartment, IssueEvent, User, metadata
from service.core.xlsx import Column, workbook_bytes, write_table
from service.deadlines.calendar import local_date
from service.ledger import check_period, export_ledger, import_ledger

from ..conftest import audit_guard_lifted
from ..core.test_query_counts import counted
from ..helpers import REPORTER, future, issue_in

HEADER_ROW = 3  # title, note, header
NOT_CARRIED = {"id", "created_by_id", "updated_at", "version", "merged_into_id"}


# --- building a county's ledger through the real API ---------------------------------------------

def build_issues(api) -> list[dict]:
    """Issues in every state, one from a meeting, one extended, one reopened, one withheld."""
    meeting = api.ok("POST", "/api/v1/meetings", "coordinator", status=201, json={
        "kind": "breakfast", "title": "十一月服务企业早餐会", "held_at": "2026-11-05T07:30:00+08:00"})
    made = [issue_in(api, state) for state in
            ("collected", "assigned", "in_progress", "suspended", "replied", "closed", "published", "rejected")]
    made.append(issue_in(api, "assigned", channel="breakfast", meeting_id=meeting["id"],
                         title="早餐会上反映用电报装慢", reporter={**REPORTER, "consent_public": True}))
    extended = issue_in(api, "in_progress", title="申请延期的问题")
    api.ok("POST", f"/api/v1/issues/{extended['id']}/actions/request_extension", "fgj",
           json={"complete_due": future(60), "reason": "等待设备到货"})
    made.append(api.ok("POST", f"/api/v1/issues/{extended['id']}/actions/decide_extension", "coordinator",
                       json={"approve": True, "note": "同意"}))
    reopened = issue_in(api, "replied", title="不满意重办的问题")
    made.append(api.ok("POST", f"/api/v1/issues/{reopened['id']}/actions/visit", "coordinator",
                       json={"satisfaction": "unsatisfied", "note": "企业不满意"}))
    withheld = issue_in(api, "closed", title="不予公开的问题")
    made.append(api.ok("POST", f"/api/v1/issues/{withheld['id']}/actions/withhold", "coordinator",
                       json={"reason": "涉及商业秘密"}))
    return made


def this_year() -> dict:
    today = local_date(datetime.now(timezone.utc))
    return {"from": date(today.year, 1, 1).isoformat(), "to": (today + timedelta(days=1)).isoformat()}


def export(api, who: str = "coordinator", **params) -> bytes:
    resp = api.get("/api/v1/exports/ledger.xlsx", who, query_string={**this_year(), **params})
    assert resp.status_code == 200, resp.get_json()
    assert resp.mimetype == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return resp.data


def wipe_issues(engine) -> None:
    """Empty every table that holds issues or depends on them: a county without issues."""
    issue_tables = {"issue"}
    for table in metadata.sorted_tables:
        if any(fk.column.table.name in issue_tables for fk in table.foreign_keys):
            issue_tables.add(table.name)
    with engine.begin() as conn, audit_guard_lifted(conn):
        for table in reversed(metadata.sorted_tables):
            if table.name in issue_tables or table.name == "code_counter":
                conn.execute(delete(table))


def snapshot(engine) -> dict[str, dict]:
    """Every issue's every column (but the bookkeeping ones), with its co-departments."""
    with Session(engine) as s:
        co: dict[int, set[int]] = {}
        for link in s.execute(select(IssueCoDepartment)).scalars():
            co.setdefault(link.issue_id, set()).add(link.department_id)
        out = {}
        for issue in s.execute(select(Issue)).scalars():
            row = {k: v for k, v in issue.model_dump().items() if k not in NOT_CARRIED}
            row = {k: v.replace(microsecond=0) if isinstance(v, datetime) else v for k, v in row.items()}
            row["co_departments"] = co.get(issue.id, set())
            out[issue.code] = row
        return out


def sheet(content: bytes):
    return load_workbook(io.BytesIO(content)).worksheets[0]


def headers(ws) -> dict[str, int]:
    return {cell.value: cell.column for cell in ws[HEADER_ROW] if cell.value}


def edited(content: bytes, changes: dict[tuple[int, str], object] = (), drop: tuple[int, ...] = ()) -> bytes:
    """The workbook with cells changed ((row, column title) → value) and rows deleted."""
    wb = load_workbook(io.BytesIO(content))
    ws = wb.worksheets[0]
    cols = headers(ws)
    for (row, title), value in dict(changes).items():
        ws.cell(row=row, column=cols[title]).value = value
    for row in sorted(drop, reverse=True):
        ws.delete_rows(row)
    return workbook_bytes(wb)


def count(engine, model) -> int:
    with Session(engine) as s:
        return s.execute(select(func.count()).select_from(model)).scalar_one()


def now() -> datetime:
    return datetime.now(timezone.utc)


def importing(engine, county, content: bytes, dry_run: bool, who: str = "coordinator"):
    with Session(engine, expire_on_commit=False) as s:
        return import_ledger(s, content, s.get(User, county.user_id(who)), now(), dry_run)


# --- the round trip -------------------------------------------------------------------------------

def test_export_then_import_into_an_empty_county_keeps_every_field(api, county, engine):
    build_issues(api)
    before = snapshot(engine)
    assert len(before) == 12
    assert {row["status"] for row in before.values()} >= {
        "collected", "assigned", "in_progress", "suspended", "replied", "closed", "published", "rejected"}
    content = export(api)

    wipe_issues(engine)
    assert count(engine, Issue) == 0
    report = importing(engine, county, content, dry_run=False)
    assert report.refused == [] and report.created == 12, report.as_dict()

    after = snapshot(engine)
    assert after.keys() == before.keys()
    for code, row in before.items():
        for field, value in row.items():
            assert after[code][field] == value, (code, field, value, after[code][field])
    # the fields worth naming: nothing above was vacuous
    some = before[next(c for c, r in before.items() if r["extension_count"] == 1)]
    assert some["complete_due"] and some["accept_due"] and some["lead_department_id"] == county.dept_id("fgj")
    assert any(r["reopen_count"] == 1 for r in after.values())
    assert any(r["satisfaction"] == "satisfied" and r["result"] for r in after.values())
    assert any(r["meeting_id"] for r in after.values())
    assert all(r["co_departments"] == {county.dept_id("zrj")} for r in after.values() if r["status"] != "collected"
               and r["status"] != "rejected")

    with Session(engine) as s:
        events = s.execute(select(IssueEvent)).scalars().all()
    assert len(events) == 12
    assert {(e.action, e.note, e.actor_id) for e in events} == {("import", "由台账导入", county.user_id("coordinator"))}

    # a new issue after the import gets the next free code of the year
    new = api.create_issue(title="导入之后登记的问题")
    assert new["code"] not in before
    year, seqs = new["code"][2:6], [int(c.split("-")[1]) for c in before if c[2:6] == new["code"][2:6]]
    assert int(new["code"].split("-")[1]) == max(seqs) + 1, (year, new["code"])


def test_the_timeline_of_an_imported_issue_says_where_it_came_from(api, county, engine):
    issue = issue_in(api, "in_progress")
    content = export(api)
    wipe_issues(engine)
    importing(engine, county, content, dry_run=False)
    with Session(engine) as s:
        imported_id = s.execute(select(Issue.id).where(Issue.code == issue["code"])).scalar_one()
    events = api.ok("GET", f"/api/v1/issues/{imported_id}/events", "coordinator")["items"]
    assert [(e["action"], e["note"], e["actor_name"]) for e in events] == [("import", "由台账导入", "coordinator")]


def test_an_issue_imported_as_escalated_keeps_its_escalation_and_can_be_followed_up(api, county, engine):
    issue = issue_in(api, "escalated")
    content = export(api)
    ws = sheet(content)
    cols = headers(ws)
    row = [c.value for c in ws[HEADER_ROW + 1]]
    assert row[cols["办理状态"] - 1] == "提请中"
    assert (row[cols["提请层级"] - 1], row[cols["提请机关"] - 1], row[cols["提请文号"] - 1]) == \
        ("省级", "省自然资源厅", "某政〔2026〕12号")

    wipe_issues(engine)
    refused = importing(engine, county, edited(content, {(HEADER_ROW + 1, "提请层级"): None}), dry_run=True)
    assert len(refused.refused) == 1 and "提请层级：提请中的问题须填写" in refused.refused[0].message
    wrong = importing(engine, county, edited(content, {(HEADER_ROW + 1, "提请层级"): "县级"}), dry_run=True)
    assert "提请层级：“县级”不是可用的取值" in wrong.refused[0].message
    report = importing(engine, county, content, dry_run=False)
    assert report.created == 1, report.as_dict()
    with Session(engine) as s:
        imported = s.execute(select(Issue).where(Issue.code == issue["code"])).scalar_one()
        [escalation] = s.execute(select(Escalation).where(Escalation.issue_id == imported.id)).scalars().all()
    assert (escalation.level, escalation.agency, escalation.document_no) == \
        ("province", "省自然资源厅", "某政〔2026〕12号")
    assert escalation.sent_on == date.fromisoformat(future(0)) and escalation.review_on == imported.review_on
    # the follow-up and the higher level's answer are taken, not refused for want of a record
    api.ok("POST", f"/api/v1/issues/{imported.id}/actions/escalation_followup", "coordinator",
           json={"note": "电话催询省厅，答复正在会签"})
    answered = api.ok("POST", f"/api/v1/issues/{imported.id}/actions/escalation_answer", "coordinator",
                      json={"answer": "省厅已批复用地指标"})
    assert answered["status"] == "in_progress"


# --- the workbook -------------------------------------------------------------------------------

def test_the_exported_workbook_is_an_office_sheet(api, county):
    issue = issue_in(api, "in_progress")
    ws = sheet(export(api))
    assert "问题台账" in ws["A1"].value
    assert ws.freeze_panes == f"A{HEADER_ROW + 1}"
    assert ws.print_title_rows == f"${HEADER_ROW}:${HEADER_ROW}"
    assert ws.page_setup.orientation == "landscape"
    cols = headers(ws)
    from openpyxl.utils import get_column_letter
    assert ws.column_dimensions[get_column_letter(cols["问题标题"])].width >= 20  # the title column is wide
    row = HEADER_ROW + 1
    cell = lambda title: ws.cell(row=row, column=cols[title])  # noqa: E731
    assert cell("编号").value == issue["code"]
    assert cell("办结时限").is_date and cell("办结时限").number_format == "yyyy-mm-dd"
    assert cell("办结时限").value.date().isoformat() == issue["deadlines"]["complete_due"]
    assert cell("登记时间").is_date and cell("登记时间").number_format == "yyyy-mm-dd hh:mm"
    assert cell("交办时间").is_date
    assert cell("问题内容").alignment.wrap_text
    assert cell("承办部门").value == "县发改局" and cell("协办部门").value == "县自然资源局"
    assert cell("主抓县级领导").value == "leader"
    assert cell("办理状态").value == "办理中" and cell("问题来源").value == "12345/营商环境热线"
    assert cell("当前颜色").value in ("绿", "黄", "红")
    assert cell("反映人").value == "王建国" and cell("联系电话").value == "13812345678"
    assert ws.auto_filter.ref.startswith(f"A{HEADER_ROW}:")


def test_supervisors_and_leaders_get_reporters_masked(api, county):
    issue_in(api, "assigned", content="请联系王建国 13812345678 了解情况")
    for who in ("supervisor", "leader"):
        ws = sheet(export(api, who))
        cols = headers(ws)
        row = [c.value for c in ws[HEADER_ROW + 1]]
        assert row[cols["反映人"] - 1] == "王*国", who
        assert row[cols["联系电话"] - 1] == "138****5678", who
        assert row[cols["企业（单位）名称"] - 1] == "（已隐去）", who
        content = row[cols["问题内容"] - 1]
        assert "13812345678" not in content and "王建国" not in content, who
        assert "脱敏" in ws["A2"].value
    office = sheet(export(api, "coordinator", masked="true"))
    assert [c.value for c in office[HEADER_ROW + 1]][headers(office)["联系电话"] - 1] == "138****5678"


def test_a_leader_s_ledger_holds_only_the_issues_they_lead(api, county):
    mine = issue_in(api, "assigned")
    api_issue = api.create_issue(title="二号领导主抓")
    api.act(api_issue["id"], "assign", "coordinator", api.assign_body(lead_leader_id=county.user_id("leader2")))
    codes = [c.value for c in sheet(export(api, "leader"))["A"][HEADER_ROW:]]
    assert mine["code"] in codes and api_issue["code"] not in codes


def test_the_export_costs_the_same_few_queries_for_3_or_15_issues(api, county, engine):
    def cost() -> int:
        with counted(engine) as statements:
            export(api)
        return len(statements)

    for _ in range(3):
        issue_in(api, "assigned")
    small = cost()
    for _ in range(12):
        issue_in(api, "in_progress")
    big = cost()
    assert big == small <= 12


def test_the_period_counts_local_dates_inclusive(app, api, county, engine):
    issue = issue_in(api, "collected")
    with Session(engine) as s:
        row = s.get(Issue, issue["id"])
        row.created_at = datetime(2026, 3, 31, 16, 30, tzinfo=timezone.utc)  # 2026-04-01 00:30 in Shanghai
        s.add(row)
        s.commit()
    with Session(engine) as s:
        march, _ = export_ledger(s, None, check_period(date(2026, 3, 1), date(2026, 3, 31)), now())
        april, n = export_ledger(s, None, check_period(date(2026, 4, 1), date(2026, 4, 1)), now())
    assert n == 1 and sheet(april).cell(row=HEADER_ROW + 1, column=1).value == issue["code"]
    assert sheet(march).cell(row=HEADER_ROW + 1, column=1).value is None


def test_write_table_streams_into_a_write_only_workbook():
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("表")
    rows = ((f"第{i}行", date(2026, 1, 1) + timedelta(days=i), 0.5) for i in range(1000))
    n = write_table(ws, [Column("名称", 20), Column("日期", 12, "date"), Column("比例", 8, "percent")], rows,
                    title="测试")
    back = load_workbook(io.BytesIO(workbook_bytes(wb))).worksheets[0]
    assert n == 1000 and back.max_row == 1002 and back.freeze_panes == "A3"
    assert back["B1002"].is_date and back["C3"].number_format == "0.0%"


# --- refusing rows -------------------------------------------------------------------------------

def test_broken_rows_are_refused_with_their_reason_and_the_dry_run_writes_nothing(api, county, engine):
    for i in range(7):
        issue_in(api, "assigned", title=f"台账第{i + 1}件")
    content = export(api)
    wipe_issues(engine)
    taken = api.create_issue(title="已在系统中的问题")  # gets the first code of the year again
    ws = sheet(content)
    codes = {ws.cell(row=r, column=1).value: r for r in range(HEADER_ROW + 1, HEADER_ROW + 8)}
    first = HEADER_ROW + 1
    assert codes[taken["code"]] == first
    broken = edited(content, {
        (first + 1, "办结时限"): "2026-02-30",
        (first + 2, "承办部门"): "县不存在局",
        (first + 3, "编号"): ws.cell(row=first + 4, column=1).value,
        (first + 5, "问题标题"): None,
    })
    issues_before, events_before = count(engine, Issue), count(engine, IssueEvent)

    report = importing(engine, county, broken, dry_run=True)
    by_row = {r.row: r for r in report.rows}
    assert len(report.rows) == 7
    assert {r.row for r in report.refused} == {first, first + 1, first + 2, first + 4, first + 5}
    assert "编号" in by_row[first].message and "已有" in by_row[first].message
    assert "办结时限" in by_row[first + 1].message and "日期" in by_row[first + 1].message
    assert "承办部门" in by_row[first + 2].message and "县不存在局" in by_row[first + 2].message
    assert by_row[first + 4].message == f"编号：与第 {first + 3} 行重复"
    assert "问题标题" in by_row[first + 5].message and "必填" in by_row[first + 5].message
    assert by_row[first + 3].ok and by_row[first + 3].message == "将新建"
    assert by_row[first + 6].ok
    assert (count(engine, Issue), count(engine, IssueEvent)) == (issues_before, events_before)

    real = importing(engine, county, broken, dry_run=False)
    assert real.created == 0 and len(real.refused) == 5
    assert (count(engine, Issue), count(engine, IssueEvent)) == (issues_before, events_before)

    good = edited(content, drop=(first,))
    dry = importing(engine, county, good, dry_run=True)
    assert dry.refused == [] and {r.message for r in dry.rows} == {"将新建"}
    assert count(engine, Issue) == issues_before
    done = importing(engine, county, good, dry_run=False)
    assert done.created == 6 and {r.message for r in done.rows} == {"已新建"}
    assert count(engine, Issue) == issues_before + 6
    assert count(engine, IssueEvent) == events_before + 6
    later = api.create_issue(title="之后登记的问题")
    with Session(engine) as s:
        assert s.execute(select(func.count()).where(Issue.code == later["code"])).scalar_one() == 1
    # numbered after the highest imported code (tests/intake/test_codes.py: counter and sequence)
    assert int(later["code"].split("-")[1]) == 8


def test_more_refusals_name_their_column(api, county, engine):
    issue_in(api, "assigned")
    content = export(api)
    wipe_issues(engine)
    row = HEADER_ROW + 1
    cases = {
        "问题来源": ("电报", "问题来源"),
        "办理状态": ("进行中", "办理状态"),
        "诉求类型": ("抱怨", "诉求类型"),
        "主抓县级领导": ("李四", "县级领导"),
        "问题标题": ("长" * 201, "超过 200 字"),
        "登记时间": ("去年", "登记时间"),
        "编号": ("ABC-1", "格式"),
        "协办部门": ("县自然资源局、县外星局", "县外星局"),
        "会议名称": ("从未开过的会", "没有找到会议"),
    }
    for title, (value, expected) in cases.items():
        report = importing(engine, county, edited(content, {(row, title): value}), dry_run=True)
        assert len(report.refused) == 1, title
        assert title in report.refused[0].message and expected in report.refused[0].message, \
            (title, report.refused[0].message)
    # the columns may come in any order, and a blank code gets a new one
    wb = load_workbook(io.BytesIO(edited(content, {(row, "编号"): None})))
    wb.worksheets[0].move_range(f"A{HEADER_ROW}:A{row}", cols=60)
    report = importing(engine, county, workbook_bytes(wb), dry_run=False)
    assert report.created == 1 and report.rows[0].code.startswith("YS")
    assert count(engine, Issue) == 1


def test_the_masked_ledger_and_files_that_are_no_ledger_are_refused_whole(api, county, engine):
    issue_in(api, "assigned")
    masked = export(api, "supervisor")
    wipe_issues(engine)
    with pytest.raises(Exception) as err:
        importing(engine, county, masked, dry_run=True)
    assert err.value.fields["file"].startswith("这是脱敏导出的台账")
    for content, words in ((b"", "空"), (b"name,phone\n", "不是 Excel"),
                           (workbook_bytes(Workbook()), "表头")):
        with pytest.raises(Exception) as err:
            importing(engine, county, content, dry_run=True)
        assert words in err.value.fields["file"], err.value.fields


# --- the API ---------------------------------------------------------------------------------------

def test_who_may_export_and_import_over_the_api(api, county):
    issue_in(api, "assigned")
    for who in ("coordinator", "admin", "supervisor", "leader"):
        assert api.get("/api/v1/exports/ledger.xlsx", who).status_code == 200, who
    for who in ("fgj", "operator"):
        resp = api.get("/api/v1/exports/ledger.xlsx", who)
        assert resp.status_code == 403 and resp.get_json()["error"]["code"] == "forbidden", who
    assert api.get("/api/v1/exports/ledger.xlsx").status_code == 401
    content = export(api)
    for who in ("supervisor", "fgj", "leader", "operator"):
        resp = api.post("/api/v1/imports/ledger", who, data={"file": (io.BytesIO(content), "台账.xlsx")})
        assert resp.status_code == 403, who
    assert api.post("/api/v1/imports/ledger", data={"file": (io.BytesIO(content), "a.xlsx")}).status_code == 401


def test_bad_input_is_a_4xx_naming_the_field(api, county):
    def fields(resp, status):
        assert resp.status_code == status, (resp.status_code, resp.get_data(as_text=True)[:300])
        return resp.get_json()["error"]["fields"]

    url = "/api/v1/exports/ledger.xlsx"
    assert "from" in fields(api.get(url, "coordinator", query_string={"from": "2026-13-01"}), 422)
    assert "to" in fields(api.get(url, "coordinator", query_string={"from": "2026-05-01", "to": "2026-04-01"}), 422)
    post = lambda **data: api.post("/api/v1/imports/ledger", "coordinator", data=data)  # noqa: E731
    assert "file" in fields(post(dry_run="true"), 422)
    assert "file" in fields(post(file=(io.BytesIO(b""), "empty.xlsx")), 422)
    assert "不是 Excel" in fields(post(file=(io.BytesIO(b"%PDF-1.4 ..."), "a.xlsx")), 422)["file"]
    body = (b'--x\r\nContent-Disposition: form-data; name="file"; filename="big.xlsx"\r\n\r\nPK\x03\x04'
            + b"0" * (11 * 1024 * 1024) + b"\r\n--x--\r\n")
    big = api.post("/api/v1/imports/ledger", "coordinator", data=body,
                   content_type="multipart/form-data; boundary=x")
    assert "10 MB" in fields(big, 413)["file"]
    content = export(api)
    assert "dry_run" in fields(post(file=(io.BytesIO(content), "a.xlsx"), dry_run="maybe"), 422)


def test_import_over_the_api_dry_run_then_real(api, county, engine):
    issue_in(api, "closed")
    content = export(api)
    wipe_issues(engine)
    dry = api.ok("POST", "/api/v1/imports/ledger", "coordinator",
                 data={"file": (io.BytesIO(content), "台账.xlsx"), "dry_run": "true"})
    assert dry["dry_run"] and dry["total"] == 1 and dry["refused"] == 0 and dry["created"] == 0
    assert dry["rows"][0]["message"] == "将新建" and dry["rows"][0]["row"] == HEADER_ROW + 1
    assert count(engine, Issue) == 0
    real = api.ok("POST", "/api/v1/imports/ledger", "admin", data={"file": (io.BytesIO(content), "台账.xlsx")})
    assert real["created"] == 1 and real["rows"][0]["message"] == "已新建"
    assert count(engine, Issue) == 1
    again = api.post("/api/v1/imports/ledger", "coordinator", data={"file": (io.BytesIO(content), "台账.xlsx")})
    body = again.get_json()
    assert again.status_code == 422 and body["error"]["code"] == "rows_refused" and "file" in body["error"]["fields"]
    assert body["report"]["refused"] == 1 and "已有此编号" in body["report"]["rows"][0]["message"]
    assert count(engine, Issue) == 1


# --- the command line ------------------------------------------------------------------------------

def test_the_command_line_exports_and_imports(app, api, county, engine, tmp_path):
    for state in ("assigned", "closed", "published"):
        issue_in(api, state)
    runner = app.test_cli_runner()
    path = tmp_path / "台账.xlsx"
    period = this_year()
    out = runner.invoke(args=["ledger", "export", "--from", period["from"], "--to", period["to"], str(path)])
    assert out.exit_code == 0, out.output
    assert "已导出 3 件问题" in out.output and path.exists()
    masked = tmp_path / "masked.xlsx"
    out = runner.invoke(args=["ledger", "export", "--from", period["from"], "--to", period["to"],
                              str(masked), "--masked"])
    assert out.exit_code == 0 and "已脱敏" in out.output
    assert sheet(masked.read_bytes()).cell(row=HEADER_ROW + 1, column=headers(sheet(masked.read_bytes()))
                                           ["联系电话"]).value == "138****5678"
    bad = runner.invoke(args=["ledger", "export", "--from", "2026-05-01", "--to", "2026-04-01", str(path)])
    assert bad.exit_code != 0 and "截止日期不能早于起始日期" in bad.output

    # still in the database: every row is refused, exit status 1, nothing written
    out = runner.invoke(args=["ledger", "import", str(path), "--dry-run"])
    assert out.exit_code == 1 and "已有此编号" in out.output and "3 行不能导入" in out.output
    wipe_issues(engine)
    out = runner.invoke(args=["ledger", "import", str(path), "--dry-run"])
    assert out.exit_code == 0 and "【试导入】" in out.output and "均可导入" in out.output, out.output
    assert count(engine, Issue) == 0
    out = runner.invoke(args=["ledger", "import", str(path), "--actor", "nobody"])
    assert out.exit_code != 0 and "nobody" in out.output
    out = runner.invoke(args=["ledger", "import", str(path), "--actor", "fgj"])
    assert out.exit_code != 0 and "只有县营商办" in out.output
    out = runner.invoke(args=["ledger", "import", str(path), "--actor", "coordinator"])
    assert out.exit_code == 0 and "已新建 3 件问题" in out.output, out.output
    with Session(engine) as s:
        assert {e.actor_id for e in s.execute(select(IssueEvent)).scalars()} == {county.user_id("coordinator")}
    out = runner.invoke(args=["ledger", "import", str(masked)])
    assert out.exit_code != 0 and "脱敏" in out.output


def test_a_large_file_shows_a_progress_bar(app, api, county, engine, tmp_path):
    issue = issue_in(api, "assigned")
    content = export(api)
    wipe_issues(engine)
    wb = load_workbook(io.BytesIO(content))
    ws = wb.worksheets[0]
    values = [c.value for c in ws[HEADER_ROW + 1]]
    for i in range(2, 302):
        ws.append([f"YS2025-{i:06d}" if v == issue["code"] else v for v in values])
    path = tmp_path / "big.xlsx"
    path.write_bytes(workbook_bytes(wb))
    out = app.test_cli_runner().invoke(args=["ledger", "import", str(path), "--dry-run"])
    assert out.exit_code == 0, out.output
    assert "检查台账" in out.output and "301 行" in out.output


def test_the_progress_of_a_streamed_export_counts_its_rows(app, api, county, engine):
    """The service's own export is streamed and states no sheet size: the import still knows
    how many rows it will read, from the file's parts as the Office Open XML package names
    them."""
    for _ in range(3):
        issue_in(api, "assigned")
    content = export(api)
    assert load_workbook(io.BytesIO(content), read_only=True).worksheets[0].max_row is None
    wipe_issues(engine)
    seen = []
    with Session(engine) as session:
        report = import_ledger(session, content, None, datetime.now(timezone.utc), True,
                               progress=lambda done, total: seen.append((done, total)))
    assert report.dry_run and [done for done, _ in seen] == [1, 2, 3]
    assert {total for _, total in seen} == {3}
