"""Smaller holes closed: the error page's 返回 link, attachment names with bidirectional controls,
the per-issue attachment quota, the losers of a 退单 race, and workflow steps made safe to retry
with an Idempotency-Key."""
import io
import re
from datetime import datetime, timezone

import pytest
from alembic import command
from sqlalchemy import func, insert, select, text

from models import Attachment, IssueEvent
from service.core.errors import Invalid
from service.core.migrate import alembic_config
from service.workflow import attachments
from service.workflow.attachments import Quota

from ..conftest import make_test_app
from ..console import Console
from ..core.test_concurrency import _run_together
from ..helpers import issue_in

PDF = b"%PDF-1.7\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def now() -> datetime:
    return datetime.now(timezone.utc)


# --- the error page ------------------------------------------------------------------------------

def test_the_error_page_s_back_link_is_no_javascript_address(app, county):
    console = Console(app, "fgj")
    page = console.get("/console/issues/999999", headers={"Accept": "text/html",
                                                           "Referer": "http://localhost/console/inbox"})
    html = page.get_data(as_text=True)
    assert page.status_code == 404 and "javascript:" not in html
    assert re.search(r'<a [^>]*data-back[^>]*href="http://localhost/console/inbox"', html, re.S)
    # a referrer from elsewhere is not followed: the link goes home
    away = console.get("/console/issues/999999", headers={"Accept": "text/html",
                                                          "Referer": "https://evil.example/x"})
    assert re.search(r'<a [^>]*data-back[^>]*href="/console/"', away.get_data(as_text=True), re.S)


# --- attachment names ----------------------------------------------------------------------------

@pytest.mark.parametrize("control", ["\u202e", "\u202a", "\u202b", "\u202c", "\u202d", "\u2066", "\u2067",
                                     "\u2068", "\u2069", "\u200e", "\u200f"])
def test_attachment_names_lose_their_bidirectional_controls(api, db, county, tmp_path, control):
    issue = issue_in(api, "in_progress")
    kept = attachments.add_attachment(db, county.users["fgj"], issue["id"], io.BytesIO(PDF),
                                      f"report{control}fdp.exe.pdf", now(), tmp_path)
    assert kept.filename == "reportfdp.exe.pdf"
    note = db.execute(select(IssueEvent.note).where(IssueEvent.issue_id == issue["id"],
                                                    IssueEvent.action == "attach")).scalar_one()
    assert note == "reportfdp.exe.pdf"


def test_the_console_shows_and_serves_the_cleaned_name(app, api, county, tmp_path, monkeypatch):
    monkeypatch.setitem(app.config, "ATTACHMENTS_DIR", str(tmp_path))
    issue = issue_in(api, "in_progress")
    console = Console(app, "fgj")
    resp = console.post(f"/console/issues/{issue['id']}/attachments",
                        {"file": (io.BytesIO(PDF), "x\u202efdp.exe.pdf")}, content_type="multipart/form-data")
    assert resp.status_code == 302
    page = console.get(f"/console/issues/{issue['id']}").get_data(as_text=True)
    assert "xfdp.exe.pdf" in page and "\u202e" not in page


def test_the_migration_cleans_names_stored_before(app, api, engine):
    issue = issue_in(api, "in_progress")
    with engine.begin() as conn:
        conn.execute(insert(Attachment).values(issue_id=issue["id"], filename="合同\u202efdp.exe", stored_name="a.pdf",
                                               content_type="application/pdf", size=10, uploaded_at=now()))
    cfg = alembic_config()
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "0009")
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")
    with engine.connect() as conn:
        assert conn.execute(select(Attachment.filename)).scalar_one() == "合同fdp.exe"
        assert conn.execute(text("SELECT count(*) FROM login_throttle")).scalar_one() == 0


# --- the attachment quota ------------------------------------------------------------------------

def test_an_issue_holds_at_most_its_quota_of_files(api, db, county, tmp_path):
    issue = issue_in(api, "in_progress")
    quota = Quota(files=3, total_bytes=10 * attachments.MB)
    for i in range(3):
        attachments.add_attachment(db, county.users["fgj"], issue["id"], io.BytesIO(PDF), f"材料{i}.pdf",
                                   now(), tmp_path, quota)
    with pytest.raises(Invalid) as refused:
        attachments.add_attachment(db, county.users["fgj"], issue["id"], io.BytesIO(PDF), "材料4.pdf",
                                   now(), tmp_path, quota)
    assert "每件问题最多 3 个附件" in refused.value.fields["file"]
    assert db.scalar(select(func.count()).select_from(Attachment)) == 3
    assert len(list(tmp_path.iterdir())) == 3   # nothing of the refused file stays on disk


def test_an_issue_holds_at_most_its_quota_of_megabytes(api, db, county, tmp_path):
    issue = issue_in(api, "in_progress")
    quota = Quota(files=20, total_bytes=int(1.5 * attachments.MB))
    big = PDF + b"0" * attachments.MB
    attachments.add_attachment(db, county.users["fgj"], issue["id"], io.BytesIO(big), "一.pdf", now(), tmp_path, quota)
    with pytest.raises(Invalid) as refused:
        attachments.add_attachment(db, county.users["fgj"], issue["id"], io.BytesIO(big), "二.pdf", now(),
                                   tmp_path, quota)
    assert "合计不超过 1.5 MB，本问题已有 1 MB" in refused.value.fields["file"]


def test_the_quota_is_a_setting_and_the_console_names_it(database_url, county, api, tmp_path):
    app = make_test_app(database_url, ATTACHMENTS_MAX_FILES="1", ATTACHMENTS_DIR=str(tmp_path))
    try:
        issue = issue_in(api, "in_progress")
        console = Console(app, "fgj")
        path = f"/console/issues/{issue['id']}/attachments"
        first = console.post(path, {"file": (io.BytesIO(PDF), "一.pdf")}, content_type="multipart/form-data")
        second = console.post(path, {"file": (io.BytesIO(PDF), "二.pdf")}, content_type="multipart/form-data")
        assert first.status_code == 302 and second.status_code == 422
        assert "每件问题最多 1 个附件" in second.get_data(as_text=True)
    finally:
        app.extensions["ys"]["engine"].dispose()
    with pytest.raises(RuntimeError, match="ATTACHMENTS_MAX_FILES"):
        make_test_app(database_url, ATTACHMENTS_MAX_FILES="many")


# --- the losers of a 退单 race ---------------------------------------------------------------------

def test_after_a_return_the_department_s_late_clicks_get_409_not_404(api, county):
    issue = issue_in(api, "assigned")          # lead 县发改局, co-handling 县自然资源局
    api.ok("POST", f"/api/v1/issues/{issue['id']}/actions/return", "fgj", json={"reason": "不属本局职责"})
    for who, action, body in (("fgj", "accept", {}), ("fgj", "return", {"reason": "再退"}),
                              ("zrj", "progress", {"note": "协办进展"})):
        late = api.act(issue["id"], action, who, body)
        assert late.status_code == 409, (who, action)
        assert late.get_json()["error"]["code"] == "wrong_state"
        assert "已退回县营商办" in late.get_json()["error"]["message"]
    # a department that never had it still sees nothing at all
    assert api.act(issue["id"], "accept", "scj").status_code == 404
    assert api.get(f"/api/v1/issues/{issue['id']}", "fgj").status_code == 404   # reads stay 404
    # once reassigned elsewhere, the old department is back to 404
    api.ok("POST", f"/api/v1/issues/{issue['id']}/actions/assign", "coordinator",
           json=api.assign_body(lead_department_id=county.dept_id("scj"), co_department_ids=[]))
    assert api.act(issue["id"], "accept", "fgj").status_code == 404


def test_when_a_return_races_acceptances_the_losers_get_409(app, api, county):
    issue = issue_in(api, "assigned")
    path = f"/api/v1/issues/{issue['id']}/actions/"
    calls = [(county.tokens["fgj"], "POST", path + "return", {"reason": f"退单{i}"}) for i in range(3)]
    calls += [(county.tokens["fgj"], "POST", path + "accept", {"note": f"签收{i}"}) for i in range(3)]
    results = _run_together(app, calls)
    assert sorted(status for status, _ in results) == [200] + [409] * 5, results


# --- Idempotency-Key -------------------------------------------------------------------------------

def test_a_retried_step_with_its_key_gets_the_first_answer(api, county, sms):
    issue = issue_in(api, "in_progress")
    headers = {"Idempotency-Key": "3f0c9e1a-7d7b-4b8e-9a51-0f1d2c3b4a59"}
    body = {"result": "已完成路面修复。"}
    first = api.post(f"/api/v1/issues/{issue['id']}/actions/reply", "fgj", json=body, headers=dict(headers))
    again = api.post(f"/api/v1/issues/{issue['id']}/actions/reply", "fgj", json=body, headers=dict(headers))
    assert first.status_code == again.status_code == 200
    assert again.get_json() == first.get_json() and again.headers["Idempotent-Replayed"] == "true"
    assert "Idempotent-Replayed" not in first.headers
    events = api.ok("GET", f"/api/v1/issues/{issue['id']}/events", "coordinator")["items"]
    assert [e["action"] for e in events].count("reply") == 1
    # without the key the same retry meets the state that moved on
    plain = api.post(f"/api/v1/issues/{issue['id']}/actions/reply", "fgj", json=body)
    assert plain.status_code == 409 and plain.get_json()["error"]["code"] == "wrong_state"


def test_a_key_is_the_user_s_and_the_request_s(api, county):
    issue = issue_in(api, "in_progress")
    key = {"Idempotency-Key": "progress-0001"}
    url = f"/api/v1/issues/{issue['id']}/actions/progress"
    assert api.post(url, "fgj", json={"note": "第一次"}, headers=dict(key)).status_code == 200
    other = api.post(url, "fgj", json={"note": "另一件事"}, headers=dict(key))
    assert other.status_code == 422 and other.get_json()["error"]["code"] == "idempotency_key_reused"
    assert "Idempotency-Key" in other.get_json()["error"]["fields"]
    # another user's same key is his own
    assert api.post(url, "zrj", json={"note": "第一次"}, headers=dict(key)).status_code == 200
    notes = [e["note"] for e in api.ok("GET", f"/api/v1/issues/{issue['id']}/events", "coordinator")["items"]
             if e["action"] == "progress"]
    assert notes == ["第一次", "第一次"]
    for bad in ("", "键", "x" * 129, "a b"):
        resp = api.post(url, "fgj", json={"note": "x"}, headers={"Idempotency-Key": bad.encode().decode("latin-1")})
        assert resp.status_code == 422 and "Idempotency-Key" in resp.get_json()["error"]["fields"], bad


def test_the_same_keyed_request_sent_at_once_is_done_once(app, api, county, engine):
    issue = issue_in(api, "in_progress")
    url = f"/api/v1/issues/{issue['id']}/actions/progress"
    token = county.tokens["fgj"]

    def call(_):
        client = app.test_client()
        resp = client.post(url, json={"note": "同时重发"}, headers={"Authorization": f"Bearer {token}",
                                                                 "Idempotency-Key": "same-moment"})
        return resp.status_code, resp.get_json()

    from concurrent.futures import ThreadPoolExecutor
    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(call, range(4)))
    assert [status for status, _ in results] == [200] * 4
    assert all(body == results[0][1] for _, body in results)
    with engine.connect() as conn:
        done = conn.execute(select(func.count()).select_from(IssueEvent).where(
            IssueEvent.issue_id == issue["id"], IssueEvent.action == "progress")).scalar_one()
    assert done == 1
