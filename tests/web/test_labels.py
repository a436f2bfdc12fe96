"""A label is the same wherever it shows: each closed set's Chinese names are written once (in
models) and read by the console, the public pages, the Excel ledger, the SMS and the API."""
import io

from openpyxl import load_workbook

from models import REPORTER_KIND_LABELS, SATISFACTION_LABELS
from models.workflow import EVENT_LABELS

from ..console_client import logged_in, text
from ..helpers import REPORTER
from ..ledger.test_ledger import HEADER_ROW, export
from ..public_helpers import published


def test_a_rating_and_a_reporter_kind_read_alike_on_console_public_page_and_ledger(app, api, county):
    issue = published(api, satisfaction="basically", reporter={**REPORTER, "kind": "deputy"})
    rating, kind = SATISFACTION_LABELS["basically"], REPORTER_KIND_LABELS["deputy"]
    assert (rating, kind) == ("基本满意", "人大代表、政协委员")

    console = text(logged_in(app, "coordinator").get(f"/console/issues/{issue['id']}"))
    assert f">{rating}</dd>" in console and f">{kind}</dd>" in console
    public = text(app.test_client().get(f"/issues/{issue['code']}"))
    assert f"<dd>{rating}</dd>" in public

    ws = load_workbook(io.BytesIO(export(api))).worksheets[0]
    header = [c.value for c in ws[HEADER_ROW]]
    row = {h: c.value for h, c in zip(header, ws[HEADER_ROW + 1], strict=True)}
    assert row["满意度"] == rating and row["反映人身份"] == kind


def test_the_timeline_names_each_event_alike_on_console_and_api(app, api, county):
    issue = api.create_issue(title="园区路灯不亮请尽快修复")
    api.ok("PATCH", f"/api/v1/issues/{issue['id']}", "operator",
           json={"title": "园区路灯不亮请尽快维修", "version": issue["version"]})
    events = api.ok("GET", f"/api/v1/issues/{issue['id']}/events", "coordinator")["items"]
    assert [(e["action"], e["label"]) for e in events] == [("create", "登记"), ("edit", "修改内容")]
    assert [e["label"] for e in events] == [EVENT_LABELS["create"], EVENT_LABELS["edit"]]
    console = text(logged_in(app, "coordinator").get(f"/console/issues/{issue['id']}"))
    assert all(f'<span class="fw-semibold">{e["label"]}</span>' in console for e in events)
