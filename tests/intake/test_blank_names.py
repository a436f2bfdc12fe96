"""Names that show nothing: a reporter's name or organisation of only spaces (or of other
characters that show nothing) is refused wherever it is entered, and whatever is already
stored never takes a public page or an export down; migration 0012 repairs the stored ones."""
import importlib.util
import io
from pathlib import Path

import pytest
from alembic.migration import MigrationContext
from alembic.operations import Operations
from openpyxl import load_workbook
from sqlalchemy import func, select, text, update
from sqlmodel import Session

from models import Issue, IssueEvent
from service.core.masking import doubts, is_blank, mask_name, mask_phone, scrub_text, search_text

from ..console import Console
from ..helpers import REPORTER, issue_in
from ..ledger.test_ledger import HEADER_ROW, edited, export, importing, wipe_issues
from ..public_helpers import closed, published, submit_form

# What a careless or hostile hand has typed as a name: spaces, a tab, a full-width space, a
# no-break space, zero-width characters, a right-to-left mark.
BLANKS = ["", " ", "   ", "\t", "\u3000", "\u00a0 ", "\u200b", "\u200b\u200d\ufeff", "\u200f "]


def count_issues(engine) -> int:
    with Session(engine) as s:
        return s.execute(select(func.count()).select_from(Issue)).scalar_one()


# --- the rule and the masking helpers ---------------------------------------------------------

@pytest.mark.parametrize("blank", BLANKS + [None])
def test_every_masking_helper_survives_a_blank_value(blank):
    assert is_blank(blank)
    assert mask_name(blank) is None
    assert mask_phone(blank) in (None, "****")
    assert scrub_text("园区东路已修复。", names=(blank,), orgs=(blank,)) == "园区东路已修复。"
    assert scrub_text(blank, names=(blank,), orgs=(blank,)) == blank


@pytest.mark.parametrize("odd", ["\ud800", "\x00\x1b", "\u202e反转", "١٣٩١٢٣٤٥٦٧٨", "𝟏𝟑𝟗𝟏𝟐𝟑𝟒𝟓𝟔𝟕𝟖", "(((", "*" * 5000,
                                 "@#" * 300, "1-" * 2000, "王" * 3000])
def test_every_masking_helper_survives_odd_text(odd):
    for helper in (scrub_text, search_text, doubts):
        helper(odd, names=(odd, "王建国"), orgs=(odd, "陕西秦岭绿源农业科技有限公司"))
    mask_name(odd)
    mask_phone(odd)


@pytest.mark.parametrize("name", ["张", "王建国", "欧阳 娜娜", "买买提·艾力", "\ue000\ue001", "John Smith"])
def test_a_name_that_shows_something_is_not_blank(name):
    assert not is_blank(name)
    assert mask_name(name) and mask_name(name) != name


# --- refused where entered ---------------------------------------------------------------------

@pytest.mark.parametrize("blank", BLANKS)
@pytest.mark.parametrize("key", ["name", "org"])
def test_the_api_refuses_a_blank_name_or_organisation(api, engine, key, blank):
    resp = api.post("/api/v1/issues", "operator", json={
        "title": "园区道路破损", "content": "工业园区东路路面塌陷，请协调修复。", "channel": "hotline",
        "reporter": {**REPORTER, key: blank}})
    assert resp.status_code == 422, resp.get_json()
    error = resp.get_json()["error"]
    # refused as blank, or (a tab) as not one line
    assert f"reporter.{key}" in error["fields"]
    assert "空格" in error["fields"][f"reporter.{key}"] or "一行" in error["fields"][f"reporter.{key}"]
    assert count_issues(engine) == 0


def test_the_api_accepts_a_name_left_out_and_keeps_it_without_surrounding_spaces(api):
    anonymous = api.create_issue(reporter={**REPORTER, "name": None, "org": None})
    assert anonymous["reporter"]["name"] is None and anonymous["reporter"]["org"] is None
    spaced = api.create_issue(reporter={**REPORTER, "name": "  欧阳 娜娜 ", "org": " 秦岭绿源 "})
    assert spaced["reporter"]["name"] == "欧阳 娜娜" and spaced["reporter"]["org"] == "秦岭绿源"


@pytest.mark.parametrize("key", ["name", "org"])
def test_an_edit_cannot_blank_the_name_and_changes_nothing(api, key):
    issue = api.create_issue()
    resp = api.patch(f"/api/v1/issues/{issue['id']}", "coordinator",
                     json={"version": issue["version"], "reporter": {key: "\u3000 "}})
    assert resp.status_code == 422 and f"reporter.{key}" in resp.get_json()["error"]["fields"]
    again = api.ok("GET", f"/api/v1/issues/{issue['id']}", "coordinator")
    assert again["reporter"] == issue["reporter"] and again["version"] == issue["version"]


def test_the_console_intake_refuses_a_name_of_spaces_on_its_field(app, county, engine):
    desk = Console(app, "operator")
    resp = desk.post("/console/intake", {
        "reporter_phone": "13812345678", "reporter_name": "   ", "reporter_org": "秦岭绿源农业科技有限公司",
        "reporter_kind": "enterprise", "channel": "hotline", "type": "help", "title": "园区道路破损",
        "content": "工业园区东路路面塌陷，请协调修复。"})
    assert resp.status_code == 422
    page = resp.get_data(as_text=True)
    assert "反映人姓名不能只有空格" in page and 'id="reporter_name"' in page
    assert count_issues(engine) == 0
    # left empty, the caller is anonymous
    resp = desk.post("/console/intake", {
        "reporter_phone": "13812345678", "reporter_name": "", "reporter_kind": "person", "channel": "hotline",
        "type": "help", "title": "园区道路破损", "content": "工业园区东路路面塌陷，请协调修复。"})
    assert resp.status_code == 302 and count_issues(engine) == 1


def test_the_public_form_refuses_a_name_of_spaces(app, client, county, engine, db, monkeypatch):
    from service.intake.categories import seed_defaults
    seed_defaults(db)
    monkeypatch.setitem(app.config, "SUBMIT_MIN_SECONDS", 0)   # a test fills the form at once
    resp = submit_form(client, name="\u3000\u3000")
    page = resp.get_data(as_text=True)
    assert resp.status_code == 422 and "反映人姓名不能只有空格" in page
    assert count_issues(engine) == 0
    assert submit_form(client, name="").status_code in (302, 303) and count_issues(engine) == 1


def test_open311_refuses_a_blank_first_or_last_name(client, county, engine, db):
    from service.intake.categories import seed_defaults
    seed_defaults(db)
    form = {"service_code": "infrastructure", "description": "工业园区纬二路路灯不亮，夜间货车进出危险。",
            "phone": "13912345678", "api_key": county.tokens["operator"]}
    for key in ("first_name", "last_name"):
        resp = client.post("/open311/v2/requests.json", data={**form, key: " \u200b "})
        assert resp.status_code == 400, resp.get_data(as_text=True)
        assert key in resp.get_json()[0]["description"]
    assert count_issues(engine) == 0
    assert client.post("/open311/v2/requests.json", data={**form, "last_name": "刘"}).status_code == 200


def test_the_ledger_import_refuses_a_name_cell_of_spaces(api, county, engine):
    issue_in(api, "assigned")
    content = export(api)
    wipe_issues(engine)
    for title in ("反映人", "企业（单位）名称"):
        report = importing(engine, county, edited(content, {(HEADER_ROW + 1, title): "\u3000\u200b "}), dry_run=True)
        assert len(report.refused) == 1 and f"{title}：只有空格" in report.refused[0].message, report.refused[0]
    # an empty cell is a name not given
    report = importing(engine, county, edited(content, {(HEADER_ROW + 1, "反映人"): None}), dry_run=False)
    assert report.created == 1


# --- whatever is stored, every public and export path answers -----------------------------------

def store(engine, issue_id: int, **values) -> None:
    """Write straight into the database, as an old version or a hand in psql could have."""
    with engine.begin() as conn:
        conn.execute(update(Issue).where(Issue.id == issue_id).values(**values))


PUBLIC_PATHS = ["/", "/?q=园区", "/figures", "/feed.atom", "/api/v1/public/issues", "/api/v1/public/issues?q=园区",
                "/open311/v2/requests.json", "/open311/v2/requests.xml"]


@pytest.mark.parametrize("blank", ["   ", "\t\u3000", "\u200b"])
def test_a_published_issue_with_a_blank_name_stored_keeps_every_public_path_up(api, client, engine, blank):
    shown = published(api, summary="园区东路已修复，货车恢复通行。")
    consented = published(api, summary="园区西路已修复。", reporter={**REPORTER, "consent_public": True})
    store(engine, shown["id"], reporter_name=blank, reporter_org=blank, responsible_person=blank)
    store(engine, consented["id"], reporter_name=blank, reporter_org=blank)
    paths = PUBLIC_PATHS + [p for code in (shown["code"], consented["code"]) for p in (
        f"/issues/{code}", f"/api/v1/public/issues/{code}", f"/open311/v2/requests/{code}.json",
        f"/open311/v2/requests/{code}.xml")]
    for path in paths:
        resp = client.get(path)
        assert resp.status_code == 200, (path, resp.status_code)
    page = client.get(f"/issues/{consented['code']}").get_data(as_text=True)
    assert "匿名" in page
    view = client.get(f"/api/v1/public/issues/{shown['code']}").get_json()
    assert view["reporter"]["name"] is None and view["reporter"]["org"] is None


def test_an_issue_with_a_blank_name_stored_keeps_the_exports_up(api, engine):
    issue = closed(api)
    store(engine, issue["id"], reporter_name="  ", reporter_org="\u3000")
    for who, masked in (("supervisor", None), ("coordinator", "1"), ("coordinator", None)):
        content = export(api, who, **({"masked": masked} if masked else {}))
        rows = list(load_workbook(io.BytesIO(content)).worksheets[0].iter_rows(min_row=HEADER_ROW + 1,
                                                                               values_only=True))
        assert len(rows) == 1


# --- migration 0012 ----------------------------------------------------------------------------

def run_migration_0012(engine) -> None:
    path = Path(__file__).resolve().parents[2] / "migrations" / "versions" / "0012_blank_reporter_names.py"
    spec = importlib.util.spec_from_file_location("migration_0012", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    with engine.begin() as conn, Operations.context(MigrationContext.configure(conn)):
        module.upgrade()


@pytest.mark.both_db  # the migration's SQL runs on each engine
def test_migration_0012_sets_stored_blank_names_and_organisations_to_null(api, client, engine):
    blank_name = published(api)
    blank_org = issue_in(api, "assigned")
    kept = issue_in(api, "collected", reporter={**REPORTER, "name": "欧阳 娜娜"})
    store(engine, blank_name["id"], reporter_name=" \u3000\t", reporter_org="\u200b")
    store(engine, blank_org["id"], reporter_org="  ")
    run_migration_0012(engine)
    with Session(engine) as s:
        stored = {i.id: (i.reporter_name, i.reporter_org) for i in s.execute(select(Issue)).scalars()}
        notes = {e.issue_id: (e.action, e.data["fields"], e.note) for e in s.execute(
            select(IssueEvent).where(IssueEvent.action == "edit")).scalars()}
    assert stored[blank_name["id"]] == (None, None)
    assert stored[blank_org["id"]] == (REPORTER["name"], None)
    assert stored[kept["id"]] == ("欧阳 娜娜", REPORTER["org"])
    assert notes[blank_name["id"]][:2] == ("edit", ["reporter.name", "reporter.org"])
    assert "数据修复" in notes[blank_name["id"]][2]
    assert notes[blank_org["id"]][:2] == ("edit", ["reporter.org"]) and kept["id"] not in notes
    # the timeline shows the repair; running it again finds nothing more
    events = api.ok("GET", f"/api/v1/issues/{blank_org['id']}/events", "coordinator")["items"]
    assert events[-1]["action"] == "edit" and "单位（企业）名称" in events[-1]["note"]
    run_migration_0012(engine)
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM issue_event WHERE action = 'edit'")).scalar() == 2
