"""The staff list in any order: by code, registration, nearest deadline, status or lead
department, ascending or descending; every page starts where the last one ended."""
import pytest

from ..helpers import future, issue_in


def _walk(api, query: str, who: str = "coordinator", limit: int = 2) -> list[dict]:
    """Every issue of `query`, page by page."""
    seen, cursor = [], None
    while True:
        page = api.ok("GET", f"/api/v1/issues?{query}&limit={limit}" + (f"&cursor={cursor}" if cursor else ""), who)
        seen += page["items"]
        cursor = page["next_cursor"]
        if not cursor:
            return seen


@pytest.fixture
def five(api, county):
    """Five issues: two collected (no deadline), three assigned with different nearest deadlines
    and lead departments, one of them accepted."""
    a = api.create_issue(title="甲")
    b = api.create_issue(title="乙")
    c = issue_in(api, "assigned", title="丙")
    d = api.create_issue(title="丁")
    d = api.ok("POST", f"/api/v1/issues/{d['id']}/actions/assign", "coordinator", json=api.assign_body(
        lead_department_id=county.dept_id("zrj"), co_department_ids=[],
        deadlines={"accept_due": future(1), "complete_due": future(30)}))
    e = issue_in(api, "in_progress", title="戊")
    return [a, b, c, d, e]


@pytest.mark.parametrize("direction", ["asc", "desc"])
def test_every_sort_pages_through_every_issue_once_in_order(api, five, direction):
    by_id = {i["id"]: i for i in five}
    rank = ["collected", "assigned", "in_progress"]
    keys = {
        "created": lambda i: i["id"],
        "code": lambda i: i["code"],
        "next_due": lambda i: i["next_due"] or "9999-12-31",
        "status": lambda i: rank.index(i["status"]),
    }
    for sort in ("created", "code", "next_due", "status"):
        got = _walk(api, f"sort={sort}&dir={direction}")
        assert sorted(i["id"] for i in got) == sorted(by_id), sort
        expected = sorted(five, key=lambda i: (keys[sort](by_id[i["id"]]), i["id"]), reverse=direction == "desc")
        assert [i["id"] for i in got] == [i["id"] for i in expected], sort


def test_sort_by_lead_department_name_unassigned_first(api, five):
    a, b, c, d, e = (i["id"] for i in five)
    # not yet assigned first, then 县发改局 (c, e), then 县自然资源局 (d); ties by id
    assert [i["id"] for i in _walk(api, "sort=department&dir=asc")] == [a, b, c, e, d]
    assert [i["id"] for i in _walk(api, "sort=department&dir=desc")] == [d, e, c, b, a]


def test_nearest_deadline_first_and_undated_last(api, five):
    got = [i for i in _walk(api, "sort=next_due&dir=asc", limit=50)]
    dates = [i["next_due"] for i in got]
    assert dates[-2:] == [None, None]
    assert dates[:3] == sorted(dates[:3])


def test_bad_sort_and_a_cursor_of_another_sort_are_named_errors(api, five):
    resp = api.get("/api/v1/issues?sort=title", "coordinator")
    assert resp.status_code == 422 and "sort" in resp.get_json()["error"]["fields"]
    resp = api.get("/api/v1/issues?dir=up", "coordinator")
    assert resp.status_code == 422 and "dir" in resp.get_json()["error"]["fields"]
    cursor = api.ok("GET", "/api/v1/issues?sort=code&dir=asc&limit=2", "coordinator")["next_cursor"]
    resp = api.get(f"/api/v1/issues?sort=status&dir=asc&limit=2&cursor={cursor}", "coordinator")
    assert resp.status_code == 422 and "cursor" in resp.get_json()["error"]["fields"]
    resp = api.get(f"/api/v1/issues?sort=code&dir=desc&limit=2&cursor={cursor}", "coordinator")
    assert resp.status_code == 422


def test_a_department_sees_only_its_own_in_every_order(api, five, county):
    for sort in ("code", "next_due", "status", "department"):
        got = {i["id"] for i in _walk(api, f"sort={sort}&dir=asc", who="zrj")}
        # zrj leads d and co-handles c and e (the default assignment names zrj as co-department)
        assert got == {five[2]["id"], five[3]["id"], five[4]["id"]}, sort
