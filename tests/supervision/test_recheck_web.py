"""复查 and 问责 over HTTP: the API draws a half-month once (201, then 200 with the stored sample),
records verdicts (不属实 reopens, a missing note is refused naming the field), takes 问责 records
(a department may not, another department's is 404, bad input names the field); the console's
pages draw, decide, enter a record with its PDF, and a department sees only its own."""
import io
from datetime import datetime

import pytest

from models import Issue
from service.deadlines.calendar import LOCAL_TZ
from service.identity.sessions import issue_token

from ..assessment.test_assessment import Walk
from ..console import Console
from .test_recheck import PDF, close

AFTER_HALF = datetime(2026, 11, 20, 10, tzinfo=LOCAL_TZ)


@pytest.fixture
def clock(app, db, county):
    app.config["CONSOLE_NOW"] = AFTER_HALF
    for name, user in county.users.items():
        county.tokens[name] = issue_token(db, user, AFTER_HALF)[0]
    db.commit()
    yield
    app.config.pop("CONSOLE_NOW", None)


@pytest.fixture
def closed(db, county, clock) -> Walk:
    w = Walk(db, county)
    close(w, "B", "fgj", 2, late=True)
    close(w, "A", "fgj", 4)
    close(w, "Z", "zrj", 5)
    db.commit()
    return w


@pytest.fixture
def docs_dir(app, tmp_path, monkeypatch):
    monkeypatch.setitem(app.config, "ATTACHMENTS_DIR", str(tmp_path / "attachments"))
    return tmp_path / "attachments" / "decisions"


def test_the_api_draws_a_half_month_once_and_records_verdicts(api, db, closed):
    issue = f"/api/v1/issues/{closed.ids['A']}"
    assert "recheck" not in api.ok("GET", issue, "supervisor")["allowed_actions"]  # in no sample yet
    drawn = api.ok("POST", "/api/v1/recheck/samples", "supervisor", status=201,
                   json={"day": "2026-11-09", "share": 100})
    assert drawn["label"] and drawn["pool"] == 3 and len(drawn["members"]) == 3
    by_issue = {m["issue_id"]: m for m in drawn["members"]}
    assert by_issue[closed.ids["B"]]["reason"] == "late"
    again = api.ok("POST", "/api/v1/recheck/samples", "supervisor", status=200, json={"day": "2026-11-01", "share": 0})
    assert again["id"] == drawn["id"] and again["members"] == drawn["members"]
    assert [s["id"] for s in api.ok("GET", "/api/v1/recheck/samples", "coordinator")["items"]] == [drawn["id"]]

    member = by_issue[closed.ids["A"]]
    assert "recheck" in api.ok("GET", issue, "supervisor")["allowed_actions"]
    assert "recheck" not in api.ok("GET", issue, "coordinator")["allowed_actions"]
    refused = api.post(f"/api/v1/recheck/members/{member['id']}/verdict", "supervisor", json={"verdict": "false"})
    assert refused.status_code == 422 and "note" in refused.get_json()["error"]["fields"]
    bad = api.post(f"/api/v1/recheck/members/{member['id']}/verdict", "supervisor", json={"verdict": "maybe"})
    assert bad.status_code == 422 and "verdict" in bad.get_json()["error"]["fields"]
    assert api.post(f"/api/v1/recheck/members/{member['id']}/verdict", "coordinator",
                    json={"verdict": "true"}).status_code == 403
    done = api.ok("POST", f"/api/v1/recheck/members/{member['id']}/verdict", "supervisor",
                  json={"verdict": "false", "note": "企业反映问题依旧"})
    assert done["verdict"] == "false" and done["status"] == "in_progress"
    events = api.ok("GET", f"/api/v1/issues/{closed.ids['A']}/events", "coordinator")["items"]
    assert events[-1]["action"] == "recheck" and events[-1]["label"] == "复查"
    assert api.post(f"/api/v1/recheck/members/{member['id']}/verdict", "supervisor",
                    json={"verdict": "true"}).status_code == 422


def test_a_half_month_not_over_is_refused_naming_the_day(api, closed):
    resp = api.post("/api/v1/recheck/samples", "supervisor", json={"day": "2026-11-18"})
    assert resp.status_code == 422 and "day" in resp.get_json()["error"]["fields"]
    resp = api.post("/api/v1/recheck/samples", "supervisor", json={"day": "2026-11-02", "share": 120})
    assert resp.status_code == 422 and "share" in resp.get_json()["error"]["fields"]
    assert api.post("/api/v1/recheck/samples", "fgj", json={"day": "2026-11-02"}).status_code == 403
    assert api.get("/api/v1/recheck/samples", "fgj").status_code == 403


def _code(db, issue_id: int) -> str:
    return db.get(Issue, issue_id).code


def test_accountability_records_through_the_api(api, db, county, closed, docs_dir):
    body = {"kind": "talk", "department_id": county.dept_id("fgj"), "issue_codes": [_code(db, closed.ids["B"])],
            "document_no": "县督查〔2026〕7号", "decided_on": "2026-11-18", "note": "约谈主要负责人"}
    assert api.post("/api/v1/accountability", "fgj", json=body).status_code == 403
    assert api.post("/api/v1/accountability", "coordinator", json=body).status_code == 403
    missing = api.post("/api/v1/accountability", "supervisor", json={**body, "document_no": ""})
    assert missing.status_code == 422 and "document_no" in missing.get_json()["error"]["fields"]
    wrong = api.post("/api/v1/accountability", "supervisor", json={**body, "kind": "warning"})
    assert wrong.status_code == 422 and "kind" in wrong.get_json()["error"]["fields"]
    record = api.ok("POST", "/api/v1/accountability", "supervisor", status=201, json=body)
    assert record["kind_label"] == "约谈" and record["issue_codes"] == body["issue_codes"]
    assert not record["has_document"]
    assert [r["id"] for r in api.ok("GET", "/api/v1/accountability", "fgj")["items"]] == [record["id"]]
    assert api.ok("GET", "/api/v1/accountability", "zrj")["items"] == []
    assert api.get(f"/api/v1/accountability/{record['id']}", "zrj").status_code == 404
    assert api.get(f"/api/v1/accountability?department_id={county.dept_id('fgj')}", "zrj").status_code == 404
    assert api.get(f"/api/v1/accountability/{record['id']}", "leader").status_code == 200
    assert api.get(f"/api/v1/accountability/{record['id']}/document", "fgj").status_code == 404  # none uploaded

    # the decision document comes afterwards, over the API as in the console; never replaced
    document = f"/api/v1/accountability/{record['id']}/document"

    def upload(who: str, content: bytes = PDF, name: str = "决定.pdf"):
        return api.call("PUT", document, who, data={"file": (io.BytesIO(content), name)},
                        content_type="multipart/form-data")

    assert upload("coordinator").status_code == 403
    not_pdf = upload("supervisor", b"hello", "决定.docx")
    assert not_pdf.status_code == 422 and "PDF" in not_pdf.get_json()["error"]["fields"]["file"]
    nothing = api.call("PUT", document, "supervisor", data={}, content_type="multipart/form-data")
    assert nothing.status_code == 422 and "file" in nothing.get_json()["error"]["fields"]
    assert api.get(document, "fgj").status_code == 404  # nothing kept by the refusals
    assert upload("supervisor").get_json()["has_document"] is True
    assert api.get(document, "fgj").data == PDF
    again = upload("supervisor", PDF.replace(b"%%EOF", b"% other\n%%EOF"))
    assert again.status_code == 409 and "不能替换" in again.get_json()["error"]["message"]
    assert api.get(document, "fgj").data == PDF
    assert api.call("PUT", f"/api/v1/accountability/{record['id'] + 9}/document", "supervisor",
                    data={"file": (io.BytesIO(PDF), "决定.pdf")}, content_type="multipart/form-data").status_code == 404


def test_the_console_draws_decides_and_enters_a_record_with_its_pdf(app, db, county, closed, docs_dir):
    supervisor = Console(app, "supervisor")
    page = supervisor.text("/console/recheck")
    assert "还没有抽取过复查样本" in page
    resp = supervisor.post("/console/recheck/draw", {"day": "2026-11-30", "share": "20"})
    assert resp.status_code == 422 and "尚未结束" in resp.get_data(as_text=True)
    resp = supervisor.post("/console/recheck/draw", {"day": "2026-11-09", "share": "100"})
    assert resp.status_code == 302
    page = supervisor.text(resp.headers["Location"])
    assert "2026年11月上半月" in page and _code(db, closed.ids["B"]) in page and "曾超期" in page
    member = page.split('data-member="', 2)[1].split('"', 1)[0]
    resp = supervisor.post(f"/console/recheck/members/{member}", {"verdict": "false", "note": ""})
    assert resp.status_code == 422 and "至少4个字" in resp.get_data(as_text=True)
    resp = supervisor.post(f"/console/recheck/members/{member}", {"verdict": "true", "note": "电话回访企业，属实"})
    assert resp.status_code == 302
    assert 'data-verdict="true"' in supervisor.text("/console/recheck")

    form = {"kind": "criticism", "department_id": str(county.dept_id("fgj")),
            "issue_codes": _code(db, closed.ids["B"]) + "，" + _code(db, closed.ids["A"]),
            "document_no": "县督查〔2026〕9号", "decided_on": "2026-11-19", "note": "通报批评"}
    resp = supervisor.post("/console/accountability", {**form, "issue_codes": _code(db, closed.ids["Z"])})
    assert resp.status_code == 422 and "不由县发改局主办" in resp.get_data(as_text=True)
    resp = supervisor.post("/console/accountability", {**form, "document": (io.BytesIO(PDF), "决定.pdf")},
                           content_type="multipart/form-data")
    assert resp.status_code == 302, resp.get_data(as_text=True)
    page = supervisor.text("/console/accountability")
    assert "县督查〔2026〕9号" in page and "通报批评" in page
    record = page.split('data-record="', 1)[1].split('"', 1)[0]
    assert supervisor.get(f"/console/accountability/{record}/document").data == PDF

    own, other = Console(app, "fgj"), Console(app, "zrj")
    assert "县督查〔2026〕9号" in own.text("/console/accountability")
    assert "县督查〔2026〕9号" not in other.text("/console/accountability")
    assert other.get(f"/console/accountability/{record}/document").status_code == 404
    assert own.get(f"/console/accountability/{record}/document").data == PDF
    assert own.post("/console/accountability", form).status_code == 403
    # on the department's 成绩单 for November
    card = own.text(f"/console/reports/departments/{county.dept_id('fgj')}?period=month&month=2026-11")
    assert 'data-table="accountability"' in card and "县督查〔2026〕9号" in card
