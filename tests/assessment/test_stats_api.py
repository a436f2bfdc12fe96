"""GET /api/v1/stats/departments and /summary: the figures of issues walked through the API
today, who may read them, period errors, and the documented schemas."""
import calendar as gregorian
from datetime import datetime, timezone

import pytest

from service.deadlines.calendar import local_date

from ..helpers import issue_in

STATS = "/api/v1/stats"
STAFF = ("admin", "coordinator", "operator", "supervisor", "leader", "fgj", "zrj")


def _this_month() -> tuple[str, str]:
    today = local_date(datetime.now(timezone.utc))
    last = gregorian.monthrange(today.year, today.month)[1]
    return today.replace(day=1).isoformat(), today.replace(day=last).isoformat()


@pytest.fixture
def issues(api):
    """Today, all led by 县发改局 (fgj) when assigned, deadlines from the policy (all ahead):

    closed (accepted, replied, 满意), in progress (mailbox), suspended, one collected and not
    yet assigned, one rejected (left out of every figure)."""
    made = {
        "closed": issue_in(api, "closed"),
        "in_progress": issue_in(api, "in_progress", channel="mailbox"),
        "suspended": issue_in(api, "suspended"),
        "collected": issue_in(api, "collected"),
        "rejected": issue_in(api, "rejected"),
    }
    return made


def test_department_ranking_of_this_month(api, county, issues):
    start, end = _this_month()
    body = api.ok("GET", f"{STATS}/departments?from={start}&to={end}", "coordinator")
    assert body["period"]["from"] == start and body["period"]["to"] == end
    assert body["period"]["shape"] == "month" and body["period"]["label"].endswith("月")
    assert body["weights"] == {"accept_rate": 0.1, "reply_rate": 0.1, "complete_rate": 0.4,
                               "satisfaction_rate": 0.4}
    rows = {r["department_name"]: r for r in body["items"]}
    assert [r["department_name"] for r in body["items"]] == ["县发改局", "县自然资源局", "县市场监管局"]
    fgj = rows["县发改局"]
    # Received: closed, in progress, suspended (3). Accepted on time 3 of 3; the closed one
    # replied and completed on time (1 of 1); the others' deadlines are ahead, not yet judged.
    assert {k: fgj[k] for k in ("received", "accepted_on_time", "accept_judged", "replied_on_time",
                                "reply_judged", "completed", "completed_on_time", "complete_judged",
                                "open", "suspended", "overdue_now", "rated", "satisfied")} == {
        "received": 3, "accepted_on_time": 3, "accept_judged": 3, "replied_on_time": 1,
        "reply_judged": 1, "completed": 1, "completed_on_time": 1, "complete_judged": 1,
        "open": 1, "suspended": 1, "overdue_now": 0, "rated": 1, "satisfied": 1}
    assert (fgj["accept_rate"], fgj["reply_rate"], fgj["complete_rate"], fgj["satisfaction_rate"]) == \
        (1.0, 1.0, 1.0, 1.0)
    assert (fgj["score"], fgj["rank"]) == (100.0, 1)
    assert body["penalties"] == {"reopens": 2.0, "returned": 1.0, "overdue_now": 2.0}
    # Nothing to judge: listed after the ranked ones, no score (never 100), no rank, rates null.
    zrj = rows["县自然资源局"]
    assert (zrj["received"], zrj["rank"], zrj["score"], zrj["complete_rate"]) == (0, None, None, None)


def test_summary_of_this_month(api, issues):
    start, end = _this_month()
    body = api.ok("GET", f"{STATS}/summary?from={start}&to={end}", "supervisor")
    # Collected: closed, in progress, suspended, collected (the rejected one left out) = 4;
    # resolved: the closed one, 1 / 4 = 25%; rated 1, satisfied 1.
    assert (body["total"], body["resolved"], body["resolution_rate"]) == (4, 1, 0.25)
    assert (body["rated"], body["satisfied"], body["satisfaction_rate"]) == (1, 1, 1.0)
    channels = {c["channel"]: c for c in body["channels"] if c["collected"]}
    assert {k: (c["collected"], c["resolved"], c["open"]) for k, c in channels.items()} == {
        "hotline": (3, 1, 2), "mailbox": (1, 0, 1)}
    assert channels["hotline"]["label"] == "12345/营商环境热线"
    assert body["meetings"] == [] and set(body["meetings_by_kind"].values()) == {0}
    assert body["hot_categories"] == [{"name": "基础设施", "count": 4}]
    assert body["hot_townships"] == [{"name": "城关镇", "count": 4}]
    # The trend counts as the totals do: its months add up to them.
    assert body["monthly_trend"] == [{"month": start[:7], "collected": 4, "resolved": 1, "open": 3}]
    # In progress, deadlines ten working days ahead: green; the suspended one apart.
    assert body["flags_now"] == {"red": 0, "yellow": 0, "green": 1, "suspended": 1, "escalated": 0}
    assert body["sentence"] == "本月共收集问题4件，已办结1件，办结率25%，满意率100%"


@pytest.mark.parametrize("who", STAFF)
def test_every_staff_role_reads_both(api, who):
    for path in ("departments", "summary"):
        body = api.ok("GET", f"{STATS}/{path}", who)
        assert body["period"]["shape"] in ("month", "span")   # this month so far


def test_department_user_sees_every_department(api, issues):
    body = api.ok("GET", f"{STATS}/departments", "zrj")
    assert {r["department_name"] for r in body["items"]} == {"县发改局", "县自然资源局", "县市场监管局"}


def test_anonymous_gets_401(api):
    for path in ("departments", "summary"):
        resp = api.get(f"{STATS}/{path}")
        assert resp.status_code == 401
        assert resp.get_json()["error"]["code"] == "not_authenticated"


@pytest.mark.parametrize("query, field", [
    ("from=2026-02-30", "from"),
    ("from=2026/11/01&to=2026-11-30", "from"),
    ("from=2026-11-01&to=next-week", "to"),
    ("from=2026-11-30&to=2026-11-01", "to"),
    ("from=2026-11-01&to=" + "9" * 40, "to"),
])
def test_bad_dates_are_422_naming_the_field(api, query, field):
    for path in ("departments", "summary"):
        resp = api.get(f"{STATS}/{path}?{query}", "coordinator")
        assert resp.status_code == 422, resp.get_json()
        error = resp.get_json()["error"]
        assert error["code"] == "invalid" and field in error["fields"], error


def test_schemas_are_documented(client):
    spec = client.get("/api/openapi.json").get_json()
    for path, schema in (("departments", "DepartmentsOut"), ("summary", "SummaryOut")):
        op = spec["paths"][f"/api/v1/stats/{path}"]["get"]
        assert op["responses"]["200"]["content"]["application/json"]["schema"]["$ref"].endswith(schema)
        assert {p["name"] for p in op["parameters"]} == {"from", "to"}
    schemas = spec["components"]["schemas"]
    assert {"complete_rate", "satisfaction_rate", "score", "rank", "returned", "overdue_now"} <= \
        set(schemas["DepartmentRowOut"]["properties"])
    assert {"sentence", "channels", "meetings", "meetings_by_kind", "monthly_trend", "hot_categories"} <= \
        set(schemas["SummaryOut"]["properties"])
