"""公示批次 and 异议: a batch of published issues on its own public page for its 公示期;
objections raised there (mobile required, rate-limited, masked), answered once by the office."""
from datetime import datetime, timedelta, timezone

from sqlmodel import select

from models import Objection
from service.deadlines.calendar import local_date
from tests.conftest import make_test_app

from ..helpers import ApiClient, issue_in
from ..public_helpers import hidden_value, published, walk

BATCHES = "/api/v1/disclosure-batches"


def day(api, days: int) -> str:
    return (local_date(datetime.now(timezone.utc)) + timedelta(days=days)).isoformat()


def batch_of(api, issues, start=-1, end=5, **over) -> dict:
    body = {"title": "2026年第3期服务企业早餐会问题办理情况公示", "issue_ids": [i["id"] for i in issues],
            "starts_on": day(api, start), "ends_on": day(api, end), **over}
    return api.ok("POST", BATCHES, "coordinator", status=201, json=body)


def object_to(client, batch_id: int, **fields):
    page = client.get(f"/batches/{batch_id}").get_data(as_text=True)
    data = {"content": "道路仍有坑洼，并未修好", "name": "赵骁璟", "phone": "13911112222",
            "csrf_token": hidden_value(page, "csrf_token"), **fields}
    return client.post(f"/batches/{batch_id}/objections", data=data)


def test_a_batch_lists_its_published_issues_with_their_verdicts(api, client):
    one, two = published(api), published(api, summary="供电线路已改造。")
    batch = batch_of(api, [one, two])
    html = client.get(batch["public_url"]).get_data(as_text=True)
    assert "2026年第3期服务企业早餐会问题办理情况公示" in html and "onclick" not in html  # printing: the browser's menu
    assert one["code"] in html and two["code"] in html and "供电线路已改造。" in html
    assert html.count('data-verdict="resolved"') == 2 and "县发改局" in html   # (the phone list)
    assert "王建国" not in html and "13812345678" not in html   # the reporter, as on every public page
    # a withdrawn issue keeps its line, marked 已撤回 with the reason (masked), and nothing else of it
    walk(api, two, [("withdraw", "coordinator", {"reason": "内容有误，王建国要求更正，电话13812345678"})])
    html = client.get(batch["public_url"]).get_data(as_text=True)
    assert one["code"] in html and two["code"] in html and "共 2 件" in html and "其中已撤回 1 件" in html
    assert html.count("data-withdrawn") == 2 and "撤回原因：内容有误" in html   # the phone list and the table
    assert "供电线路已改造。" not in html and f"/issues/{two['code']}" not in html
    assert "王建国" not in html and "13812345678" not in html


def test_a_batch_takes_only_published_issues_and_a_period(api):
    shown, closed = published(api), issue_in(api, "closed")
    for body, field in (({"issue_ids": [shown["id"], closed["id"]]}, "issue_ids"),
                        ({"issue_ids": []}, "issue_ids"), ({"title": " "}, "title"),
                        ({"ends_on": day(api, -5)}, "ends_on"), ({"starts_on": None}, "starts_on")):
        resp = api.post(BATCHES, "coordinator", json={
            "title": "公示", "issue_ids": [shown["id"]], "starts_on": day(api, 0), "ends_on": day(api, 3), **body})
        assert resp.status_code == 422 and field in resp.get_json()["error"]["fields"], (body, resp.get_json())
    for who in ("fgj", "supervisor", "operator"):
        assert api.post(BATCHES, who, json={"title": "公示", "issue_ids": [shown["id"]], "starts_on": day(api, 0),
                                            "ends_on": day(api, 3)}).status_code == 403
    assert api.get("/api/v1/disclosure-batches/999/objections", "coordinator").status_code == 404


def test_an_objection_is_raised_in_the_period_and_answered_once(api, client, db):
    batch = batch_of(api, [published(api)])
    assert object_to(client, batch["id"], phone="").status_code == 422
    assert object_to(client, batch["id"], phone="0915-1234567").status_code == 422
    assert object_to(client, batch["id"], content="").status_code == 422
    assert object_to(client, batch["id"], issue_code="YS1999-000001").status_code == 422
    sent = object_to(client, batch["id"], content="赵骁璟认为路面仍有坑洼，电话13911112222")
    assert sent.status_code == 303
    html = client.get(sent.headers["Location"]).get_data(as_text=True)
    assert "异议已提交" in html and "赵*璟" in html and "139****2222" in html and "待答复" in html
    assert "赵骁璟" not in html and "13911112222" not in html

    office = api.ok("GET", f"{BATCHES}/{batch['id']}/objections", "coordinator")["items"]
    assert [(o["name"], o["phone"]) for o in office] == [("赵骁璟", "13911112222")]
    assert api.get(f"{BATCHES}/{batch['id']}/objections", "fgj").status_code == 403
    oid = office[0]["id"]
    assert api.post(f"/api/v1/objections/{oid}/answer", "coordinator", json={"answer": " "}).status_code == 422
    assert api.post(f"/api/v1/objections/{oid}/answer", "fgj", json={"answer": "越权"}).status_code == 403
    answered = api.ok("POST", f"/api/v1/objections/{oid}/answer", "coordinator",
                      json={"answer": "经复核，坑洼路段已列入本月维修计划。"})
    assert answered["answered_by_id"] and answered["answered_at"]
    again = api.post(f"/api/v1/objections/{oid}/answer", "coordinator", json={"answer": "改一下"})
    assert again.status_code == 409
    html = client.get(batch["public_url"]).get_data(as_text=True)
    assert "经复核，坑洼路段已列入本月维修计划。" in html and "待答复" not in html
    assert db.exec(select(Objection)).one().answer == "经复核，坑洼路段已列入本月维修计划。"


def test_no_objection_outside_the_period(api, client, db):
    past = batch_of(api, [published(api)], start=-10, end=-1)
    html = client.get(past["public_url"]).get_data(as_text=True)
    assert "不在公示期内" in html and "提交异议" not in html
    page = client.get(f"/batches/{batch_of(api, [published(api)])['id']}").get_data(as_text=True)
    resp = client.post(f"/batches/{past['id']}/objections", data={
        "content": "异议", "phone": "13911112222", "csrf_token": hidden_value(page, "csrf_token")})
    assert resp.status_code == 409 and "公示期" in resp.get_data(as_text=True)
    assert db.exec(select(Objection)).all() == []


def test_objections_are_rate_limited_like_submissions(api, database_url):
    limited = make_test_app(database_url, SUBMIT_RATE_LIMIT="2 per minute")
    try:
        client = limited.test_client()
        batch = batch_of(ApiClient(client, api.county), [published(ApiClient(client, api.county))])
        assert [object_to(client, batch["id"]).status_code for _ in range(3)] == [303, 303, 429]
    finally:
        limited.extensions["ys"]["engine"].dispose()


def test_the_api_takes_a_period_of_publication_dates_as_a_third_way(api):
    shown = published(api)
    made = api.ok("POST", BATCHES, "coordinator", status=201, json={
        "title": "公示", "starts_on": day(api, 0), "ends_on": day(api, 3),
        "published_from": day(api, -1), "published_to": day(api, 0)})
    assert made["id"] and made["meeting_id"] is None
    for body, field in (({"published_from": day(api, -1)}, "published_to"),
                        ({"published_from": day(api, 1), "published_to": day(api, 0)}, "published_to"),
                        ({"published_from": day(api, -30), "published_to": day(api, -20)}, "published_from"),
                        ({"issue_ids": [shown["id"]], "published_from": day(api, -1), "published_to": day(api, 0)},
                         "published_from")):
        resp = api.post(BATCHES, "coordinator", json={"title": "公示", "starts_on": day(api, 0),
                                                      "ends_on": day(api, 3), **body})
        assert resp.status_code == 422 and field in resp.get_json()["error"]["fields"], (body, resp.get_json())
