"""The staff list in every order: each sort walked page by page gives the whole ordered list once."""
from urllib.parse import urlencode

import pytest
from sqlalchemy import select

from models import Department

from ..helpers import future, issue_in


def _walk(api, who: str, limit: int = 2, **query) -> list[int]:
    """Every issue's id, page by page, as the list answers it."""
    ids, cursor = [], None
    while True:
        args = {**query, "limit": limit, **({"cursor": cursor} if cursor else {})}
        page = api.ok("GET", f"/api/v1/issues?{urlencode(args)}", who)
        ids += [i["id"] for i in page["items"]]
        cursor = page["next_cursor"]
        if not cursor:
            return ids


@pytest.fixture
def spread(api, county):
    """Issues in several states, departments and deadlines, two with the same deadline."""
    made = [api.create_issue(title="待交办一"), api.create_issue(title="待交办二")]
    made.append(issue_in(api, "assigned", title="已交办发改"))
    made.append(issue_in(api, "in_progress", title="办理中发改"))
    for days, dept in ((5, "zrj"), (5, "zrj"), (20, "fgj")):
        issue = api.create_issue(title=f"{days}天后到期")
        made.append(api.ok("POST", f"/api/v1/issues/{issue['id']}/actions/assign", "coordinator",
                           json=api.assign_body(lead_department_id=county.dept_id(dept), co_department_ids=[],
                                                deadlines={"accept_due": future(days),
                                                           "complete_due": future(60)})))
    made.append(issue_in(api, "closed", title="已办结"))
    return {i["id"]: api.ok("GET", f"/api/v1/issues/{i['id']}", "coordinator") for i in made}


NO_DUE = "9999-12-31"


@pytest.mark.parametrize("sort", ["created", "code", "next_due", "status", "department"])
@pytest.mark.parametrize("direction", ["asc", "desc"])
def test_each_sort_pages_through_every_issue_once_in_order(api, db, spread, sort, direction):
    ids = _walk(api, "coordinator", sort=sort, dir=direction)
    assert sorted(ids) == sorted(spread)          # each issue once, none lost between pages
    names = dict(db.execute(select(Department.id, Department.name)).all())
    statuses = ["collected", "assigned", "in_progress", "suspended", "escalated", "replied", "closed",
                "published", "rejected"]

    def key(i):
        issue = spread[i]
        return {"created": i, "code": issue["code"], "next_due": issue["next_due"] or NO_DUE,
                "status": statuses.index(issue["status"]),
                "department": names.get(issue["lead_department_id"], "")}[sort]
    if sort == "department":
        # the database's collation orders the names: same-department issues stay together, by id
        runs = [key(i) for i in ids]
        assert len({k for k in runs}) == len([k for n, k in enumerate(runs) if n == 0 or runs[n - 1] != k])
        same = [i for i in ids if key(i) == key(ids[0])]
        assert same == sorted(same, reverse=direction == "desc")
    else:
        assert ids == sorted(ids, key=lambda i: (key(i), i), reverse=direction == "desc")


def test_default_is_newest_first_and_next_due_ascending_puts_the_nearest_first(api, spread):
    assert _walk(api, "coordinator") == sorted(spread, reverse=True)
    first = _walk(api, "coordinator", sort="next_due", dir="asc")[0]
    assert spread[first]["next_due"] == min(i["next_due"] for i in spread.values() if i["next_due"])


def test_a_cursor_of_another_sort_or_a_bad_sort_is_a_named_error(api, spread):
    page = api.ok("GET", "/api/v1/issues?sort=next_due&dir=asc&limit=2", "coordinator")
    resp = api.get(f"/api/v1/issues?sort=status&dir=asc&limit=2&cursor={page['next_cursor']}", "coordinator")
    assert resp.status_code == 422 and "cursor" in resp.get_json()["error"]["fields"]
    resp = api.get("/api/v1/issues?sort=title", "coordinator")
    assert resp.status_code == 422 and "sort" in str(resp.get_json()), resp.get_json()


@pytest.mark.both_db  # the text search branches on the dialect (FTS5 on SQLite, trigrams on PostgreSQL)
def test_a_search_pages_in_the_order_asked(api, spread):
    matching = [i for i, issue in spread.items() if "到期" in issue["title"]]
    ids = _walk(api, "coordinator", q="天后到期", sort="next_due", dir="desc")
    assert sorted(ids) == sorted(matching)
    dues = [spread[i]["next_due"] for i in ids]
    assert dues == sorted(dues, reverse=True) and len(set(dues)) == 2
