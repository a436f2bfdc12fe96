"""The console's 问题台账 page: download for a period, upload → checked report → import."""
import io
import re

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select
from sqlmodel import Session

from models import Issue, IssueEvent
from service.identity.directory import create_user

from ..console import Console
from ..helpers import issue_in
from ..ledger.test_ledger import HEADER_ROW, edited, export, headers, wipe_issues

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture(autouse=True)
def uploads(app, tmp_path, monkeypatch):
    """Files kept between the check and the import go to the test's own folder."""
    monkeypatch.setitem(app.config, "LEDGER_UPLOADS_DIR", str(tmp_path / "ledger_uploads"))
    return tmp_path / "ledger_uploads"


def issues_count(engine) -> int:
    with Session(engine) as s:
        return s.execute(select(func.count()).select_from(Issue)).scalar_one()


def upload(console: Console, content: bytes, name: str = "台账.xlsx"):
    return console.post("/console/ledger/import", {"file": (io.BytesIO(content), name)},
                        content_type="multipart/form-data")


def import_token(page: str) -> str | None:
    found = re.search(r'action="/console/ledger/import/([A-Za-z0-9_-]+)"', page)
    return found.group(1) if found else None


def test_the_ledger_is_in_the_menu_of_the_office_and_the_inspectors_only(app, county):
    for who in ("coordinator", "supervisor"):
        page = Console(app, who).text("/console/ledger")
        assert 'href="/console/ledger"' in page and "导出台账" in page, who
    assert "导入台账" in Console(app, "coordinator").text("/console/ledger")
    assert "导入台账" not in Console(app, "supervisor").text("/console/ledger")
    for who in ("fgj", "operator"):
        console = Console(app, who)
        assert 'href="/console/ledger"' not in console.text("/console/issues"), who
        assert console.get("/console/ledger").status_code == 403, who
        assert console.get("/console/ledger/export?period=year").status_code == 403, who
    leader = Console(app, "leader")
    assert leader.get("/console/ledger/export?period=year").status_code == 200
    assert app.test_client().get("/console/ledger").status_code == 302  # to the login page


def test_downloading_this_month_and_a_custom_period(app, api, county):
    issue = issue_in(api, "assigned")
    office = Console(app, "coordinator")
    for period in ("month", "quarter", "year"):
        resp = office.get(f"/console/ledger/export?period={period}")
        assert resp.status_code == 200 and resp.mimetype == XLSX, period
        assert "attachment" in resp.headers["Content-Disposition"]
        ws = load_workbook(io.BytesIO(resp.data)).worksheets[0]
        assert ws.cell(row=HEADER_ROW + 1, column=1).value == issue["code"], period
        assert ws.cell(row=HEADER_ROW + 1, column=headers(ws)["联系电话"]).value == "13812345678"
    masked = office.get("/console/ledger/export?period=year&masked=1")
    ws = load_workbook(io.BytesIO(masked.data)).worksheets[0]
    assert ws.cell(row=HEADER_ROW + 1, column=headers(ws)["联系电话"]).value == "138****5678"
    supervisor = Console(app, "supervisor").get("/console/ledger/export?period=year")
    ws = load_workbook(io.BytesIO(supervisor.data)).worksheets[0]
    assert ws.cell(row=HEADER_ROW + 1, column=headers(ws)["反映人"]).value == "王*国"
    assert "已脱敏" in Console(app, "supervisor").text("/console/ledger")

    old = office.get("/console/ledger/export?period=custom&from=2020-01-01&to=2020-12-31")
    ws = load_workbook(io.BytesIO(old.data)).worksheets[0]
    assert old.status_code == 200 and ws.cell(row=HEADER_ROW + 1, column=1).value is None
    bad = office.get("/console/ledger/export?period=custom&from=2026-05-01&to=2026-04-01")
    assert bad.status_code == 422 and "截止日期不能早于起始日期" in bad.get_data(as_text=True)
    bad = office.get("/console/ledger/export?period=custom&from=2026-02-30&to=2026-04-01")
    assert bad.status_code == 422 and "日期格式须为 YYYY-MM-DD" in bad.get_data(as_text=True)


def test_upload_shows_the_report_then_imports_exactly_that_file(app, api, county, engine, uploads):
    for state in ("assigned", "closed"):
        issue_in(api, state)
    content = export(api)
    wipe_issues(engine)
    office = Console(app, "coordinator")

    checked = upload(office, content)
    page = checked.get_data(as_text=True)
    assert checked.status_code == 200
    assert "共 2 行，均可导入" in page and page.count('<i class="bi bi-check-circle"></i> 将新建') == 2
    assert issues_count(engine) == 0  # the check writes nothing
    token = import_token(page)
    assert token and {p.suffix for p in uploads.iterdir()} == {".xlsx", ".json"}

    # the kept file is its uploader's only
    with Session(engine) as s:
        create_user(s, None, username="coordinator2", password="Second-office-2026", role="coordinator",
                    display_name="另一位营商办干部")
    other = Console(app, "coordinator2", "Second-office-2026").post(f"/console/ledger/import/{token}")
    assert other.status_code == 410 and "请重新上传" in other.get_data(as_text=True)
    assert issues_count(engine) == 0
    stranger = Console(app, "supervisor").post(f"/console/ledger/import/{token}")
    assert stranger.status_code == 403 and issues_count(engine) == 0

    done = office.post(f"/console/ledger/import/{token}")
    assert done.status_code == 302 and done.headers["Location"].endswith("/console/ledger")
    assert "已从“台账.xlsx”导入 2 件问题" in office.text("/console/ledger")
    assert issues_count(engine) == 2
    with Session(engine) as s:
        assert s.execute(select(func.count()).where(IssueEvent.action == "import")).scalar_one() == 2
    assert list(uploads.iterdir()) == []  # the kept file is gone once imported
    again = office.post(f"/console/ledger/import/{token}")
    assert again.status_code == 410 and "请重新上传" in again.get_data(as_text=True)
    assert issues_count(engine) == 2


def test_a_file_with_refused_rows_shows_them_and_offers_no_import(app, api, county, engine):
    issue_in(api, "assigned")
    issue_in(api, "in_progress")
    content = export(api)
    wipe_issues(engine)
    broken = edited(content, {(HEADER_ROW + 2, "承办部门"): "县不存在局"})
    resp = upload(Console(app, "coordinator"), broken)
    page = resp.get_data(as_text=True)
    assert resp.status_code == 422
    assert "共 2 行，其中 1 行不能导入" in page and "没有名为“县不存在局”的部门" in page
    assert "table-danger" in page and import_token(page) is None
    assert issues_count(engine) == 0


def test_bad_uploads_are_refused_with_a_reason(app, api, county, engine):
    office = Console(app, "coordinator")
    for content, name, words in ((b"", "a.xlsx", "文件是空的"), (b"id,title\n1,x\n", "a.csv", "不是 Excel")):
        resp = upload(office, content, name)
        assert resp.status_code == 422 and words in resp.get_data(as_text=True), name
    assert "请选择要导入的台账文件" in office.post("/console/ledger/import", {}).get_data(as_text=True)
    issue_in(api, "assigned")
    masked = Console(app, "supervisor").get("/console/ledger/export?period=year").data
    resp = upload(office, masked)
    assert resp.status_code == 422 and "脱敏导出的台账" in resp.get_data(as_text=True)
    no_token = office.post("/console/ledger/import", {"file": (io.BytesIO(masked), "a.xlsx")}, csrf=False,
                           content_type="multipart/form-data")
    assert no_token.status_code == 400
    dept = Console(app, "fgj")
    assert upload(dept, masked).status_code == 403
    assert office.post("/console/ledger/import/not-a-token").status_code == 410
