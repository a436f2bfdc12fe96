"""Open311 GeoReport v2 at /open311/v2/, read over real HTTP by a third-party client from PyPI
(`georeport`, JSON and XML) and written to with plain form posts (`requests`)."""
import re
import threading
from datetime import datetime, timedelta, timezone

import pytest
import requests
import xmltodict
from georeport import GeoReport
from sqlalchemy import func, insert, select, text
from werkzeug.serving import make_server

from models import Issue
from service.intake.categories import seed_defaults

from ..helpers import REPORTER, issue_in
from ..public_helpers import published, withheld

W3C_CST = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+08:00$")
REQUEST_FIELDS = {"service_request_id", "status", "status_notes", "service_name", "service_code", "description",
                  "agency_responsible", "service_notice", "requested_datetime", "updated_datetime",
                  "expected_datetime", "address", "address_id", "zipcode", "lat", "long", "media_url"}


@pytest.fixture(scope="module")
def listening(shared_app):
    """The shared app on 127.0.0.1 over real HTTP, one server for the module's tests (each test's
    `app` fixture empties the database under it)."""
    httpd = make_server("127.0.0.1", 0, shared_app, threaded=True)
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_port}/open311/v2"
    httpd.shutdown()
    httpd.server_close()
    thread.join(timeout=5)


@pytest.fixture
def server(app, db, listening, monkeypatch):
    """The app over real HTTP, with the county's categories (the services)."""
    seed_defaults(db)
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    return listening


@pytest.fixture
def issues(api):
    return {
        "shown": published(api, title="园区东路破损", summary="园区东路已修复，货车恢复通行。",
                           result=f"已联系{REPORTER['name']}（{REPORTER['phone']}），道路已修复。",
                           category="基础设施", township="城关镇"),
        "tax": published(api, title="退税进度慢", summary="县税务局已办结退税。", category="税费政策", lead="scj"),
        "closed": issue_in(api, "closed", title="已办结未公示"),
        "withheld": withheld(api, title="不予公开"),
    }


def xml_list(value) -> list:
    """xmltodict gives a dict for one element and a list for several."""
    return value if isinstance(value, list) else [value]


def check_request(r: dict, issue: dict) -> None:
    assert r["service_request_id"] == issue["code"]
    assert r["status"] == "closed"
    assert r["agency_responsible"] == "县发改局"
    assert W3C_CST.match(r["requested_datetime"]) and W3C_CST.match(r["updated_datetime"])
    assert r["expected_datetime"] == f"{issue['deadlines']['complete_due']}T23:59:59+08:00"
    assert r["description"] == "园区东路已修复，货车恢复通行。"
    assert r["service_code"] == "infrastructure" and r["service_name"] == "基础设施"
    assert r["address"] == "城关镇"
    assert "王*国" in r["status_notes"] and "138****5678" in r["status_notes"]


def test_the_georeport_client_reads_json(server, issues):
    client = GeoReport(server)
    services = client.get_service_list()
    assert {"service_code": "infrastructure", "service_name": "基础设施", "metadata": False,
            "type": "realtime"}.items() <= next(s for s in services if s["service_code"] == "infrastructure").items()
    assert {s["service_code"] for s in services} >= {"approval", "tax", "other"}
    assert client.get_service_definition("infrastructure") == {"service_code": "infrastructure", "attributes": []}

    listed = client.get_service_requests()
    assert [r["service_request_id"] for r in listed] == [issues["tax"]["code"], issues["shown"]["code"]]
    assert all(set(r) == REQUEST_FIELDS for r in listed)
    check_request(listed[1], issues["shown"])
    assert [r["service_request_id"] for r in client.get_service_requests(service_code="tax")] == [
        issues["tax"]["code"]]
    assert client.get_service_requests(status="open") == []
    assert len(client.get_service_requests(status="closed")) == 2
    both = f"{issues['shown']['code']},{issues['closed']['code']},{issues['withheld']['code']}"
    assert [r["service_request_id"] for r in client.get_service_requests(service_request_id=both)] == [
        issues["shown"]["code"]]
    check_request(client.get_service_request(issues["shown"]["code"]), issues["shown"])


def test_the_georeport_client_reads_xml(server, issues):
    client = GeoReport(server, output_format="xml")
    services = xml_list(client.get_service_list())
    infra = next(s for s in services if s["service_code"] == "infrastructure")
    assert infra["service_name"] == "基础设施" and infra["metadata"] == "false"
    assert client.get_service_definition("infrastructure")["service_code"] == "infrastructure"

    listed = xml_list(client.get_service_requests())
    assert [r["service_request_id"] for r in listed] == [issues["tax"]["code"], issues["shown"]["code"]]
    assert all(set(r) == REQUEST_FIELDS for r in listed)
    one = client.get_service_request(issues["shown"]["code"])
    check_request({k: v for k, v in one.items()}, issues["shown"])
    assert one["lat"] is None and one["media_url"] is None       # empty elements


def test_unpublished_and_withheld_requests_are_not_found(server, issues):
    for issue in (issues["closed"], issues["withheld"]):
        for fmt in ("json", "xml"):
            resp = requests.get(f"{server}/requests/{issue['code']}.{fmt}", timeout=10)
            assert resp.status_code == 404
            if fmt == "json":
                assert resp.json()[0]["code"] == 404 and resp.json()[0]["description"]
            else:
                assert xmltodict.parse(resp.content)["errors"]["error"]["code"] == "404"
    with pytest.raises(requests.HTTPError):
        GeoReport(server).get_service_request(issues["closed"]["code"])


def test_the_default_window_is_the_last_90_days_and_at_most_1000(server, api, engine):
    old = published(api, title="一百天前的问题")
    with engine.begin() as conn:
        conn.execute(text("UPDATE issue SET created_at = :t WHERE id = :id"),
                     {"t": datetime.now(timezone.utc) - timedelta(days=100), "id": old["id"]})
    client = GeoReport(server)
    assert client.get_service_requests() == []
    start = (datetime.now(timezone.utc) - timedelta(days=110)).strftime("%Y-%m-%dT%H:%M:%SZ")
    end = (datetime.now(timezone.utc) - timedelta(days=30)).strftime("%Y-%m-%dT%H:%M:%SZ")
    assert [r["service_request_id"] for r in client.get_service_requests(start_date=start, end_date=end)] == [
        old["code"]]
    assert [r["service_request_id"] for r in client.get_service_requests(start_date=start)] == [old["code"]]
    # more than 90 days between start and end, or end before start: 400 in the standard's shape
    too_long = requests.get(f"{server}/requests.json", timeout=10, params={
        "start_date": "2026-01-01T00:00:00+08:00", "end_date": "2026-06-01T00:00:00+08:00"})
    assert too_long.status_code == 400 and too_long.json()[0]["code"] == 400
    for params in ({"start_date": "yesterday"}, {"status": "pending"},
                   {"start_date": "2026-03-01", "end_date": "2026-02-01"}):
        assert requests.get(f"{server}/requests.json", params=params, timeout=10).status_code == 400

    now = datetime.now(timezone.utc)
    with engine.begin() as conn:
        conn.execute(insert(Issue), [
            {"code": f"OP2026-{i:06d}", "year": 2026, "seq": 800000 + i, "title": f"批量{i}", "content": "-",
             "type": "help", "channel": "hotline", "reporter_kind": "person", "reporter_consent_public": False,
             "status": "published", "disclosure": "public", "answered_on_spot": False, "reopen_count": 0,
             "extension_count": 0, "version": 1, "public_summary": "已办结", "created_at": now, "updated_at": now}
            for i in range(1005)])
    listed = requests.get(f"{server}/requests.json", timeout=30).json()
    assert len(listed) == 1000 and listed[0]["service_request_id"] == "OP2026-001004"


def test_discovery_and_unknown_paths(server):
    discovery = requests.get(f"{server}/discovery.json", timeout=10).json()
    endpoint = discovery["endpoints"][0]
    assert endpoint["specification"] == "http://wiki.open311.org/GeoReport_v2"
    assert endpoint["url"].endswith("/open311/v2") and "text/xml" in endpoint["formats"]
    xml = xmltodict.parse(requests.get(f"{server}/discovery.xml", timeout=10).content)
    assert xml["discovery"]["endpoints"]["endpoint"]["formats"]["format"] == ["application/json", "text/xml"]
    for path in ("/nothing.json", "/services/no-such.json", "/requests.csv", "/tokens/forged.json"):
        resp = requests.get(server + path, timeout=10)
        assert resp.status_code == 404, path
        assert resp.json()[0]["code"] == 404
    assert xmltodict.parse(requests.get(f"{server}/services/no-such.xml", timeout=10).content)[
        "errors"]["error"]["code"] == "404"


def test_json_and_xml_answers_are_cacheable(server, issues):
    first = requests.get(f"{server}/requests.xml", timeout=10)
    assert first.headers["ETag"] and "public" in first.headers["Cache-Control"]
    again = requests.get(f"{server}/requests.xml", headers={"If-None-Match": first.headers["ETag"]}, timeout=10)
    assert again.status_code == 304


# --- POST with plain form posts ------------------------------------------------------------------

def issue_count(engine) -> int:
    with engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(Issue)).scalar_one()


FORM = {"service_code": "infrastructure", "description": "城关镇纬二路路灯不亮，夜间货车进出危险。",
        "address_string": "城关镇纬二路", "first_name": "晓燕", "last_name": "刘", "phone": "13912345678",
        "email": "someone@example.com", "lat": "34.1", "long": "108.9"}


def test_post_creates_a_collected_online_issue(server, county, engine, db):
    resp = requests.post(f"{server}/requests.json", data={**FORM, "api_key": county.tokens["operator"]},
                         timeout=10)
    assert resp.status_code == 200, resp.text
    answer = resp.json()[0]
    code = answer["service_request_id"]
    issue = db.execute(select(Issue).where(Issue.code == code)).scalars().one()
    assert issue.status == "collected" and issue.channel == "online" and issue.category == "基础设施"
    assert issue.reporter_name == "刘晓燕" and issue.reporter_phone == "13912345678"
    assert issue.created_by_id == county.user_id("operator")
    assert "城关镇纬二路" in issue.content and issue.title.startswith("城关镇纬二路路灯不亮")
    # the token names the request; the request itself is not public until published
    token = requests.get(f"{server}/tokens/{answer['token']}.json", timeout=10).json()[0]
    assert token["service_request_id"] == code
    assert requests.get(f"{server}/requests/{code}.json", timeout=10).status_code == 404
    xml = requests.post(f"{server}/requests.xml", data={**FORM, "api_key": county.tokens["coordinator"]},
                        timeout=10)
    assert xmltodict.parse(xml.content)["service_requests"]["request"]["service_request_id"].startswith("YS")


@pytest.mark.parametrize("api_key", [None, "", "not-a-token", "DEPARTMENT"])
def test_post_with_a_wrong_api_key_is_403_and_creates_nothing(server, county, engine, api_key):
    before = issue_count(engine)
    data = dict(FORM)
    if api_key is not None:
        data["api_key"] = county.tokens["fgj"] if api_key == "DEPARTMENT" else api_key
    for fmt in ("json", "xml"):
        resp = requests.post(f"{server}/requests.{fmt}", data=data, timeout=10)
        assert resp.status_code == 403
        error = resp.json()[0] if fmt == "json" else xmltodict.parse(resp.content)["errors"]["error"]
        assert int(error["code"]) == 403 and error["description"]
    assert issue_count(engine) == before


@pytest.mark.parametrize("change", [{"service_code": None}, {"service_code": ""}, {"service_code": "no-such"},
                                    {"description": None}, {"description": "  "}, {"phone": "call me"},
                                    {"description": "a\x00b"}])
def test_post_with_missing_or_bad_fields_is_400_and_creates_nothing(server, county, engine, change):
    before = issue_count(engine)
    data = {**FORM, "api_key": county.tokens["operator"], **change}
    data = {k: v for k, v in data.items() if v is not None}
    for fmt in ("json", "xml"):
        resp = requests.post(f"{server}/requests.{fmt}", data=data, timeout=10)
        assert resp.status_code == 400, resp.text
        error = resp.json()[0] if fmt == "json" else xmltodict.parse(resp.content)["errors"]["error"]
        assert int(error["code"]) == 400 and error["description"]
    assert issue_count(engine) == before


def test_open311_needs_no_csrf_token_and_sets_no_cookie(server, county):
    resp = requests.post(f"{server}/requests.json", data={**FORM, "api_key": county.tokens["operator"]},
                         timeout=10)
    assert resp.status_code == 200 and "Set-Cookie" not in resp.headers
