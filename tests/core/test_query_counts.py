"""Lists and details cost a fixed number of SQL statements, however many issues they show.

Every list and detail endpoint that bench/load.py measures has a budget here: the count of
statements one request sends (authentication included), the same for 3 issues as for 15. A
change that adds a query per issue (N+1) or a query per request fails the budget it breaks.
The holiday overrides, which each worker reads at most every CALENDAR_MAX_AGE seconds
(service.deadlines.calendar.CalendarCache), are read before each measured request and not counted.
"""
from contextlib import contextmanager
from urllib.parse import quote

import pytest
from sqlalchemy import event

from ..helpers import issue_in

# Runs on both databases: it covers code that branches on the dialect (tests/core/test_dialects.py).
pytestmark = pytest.mark.both_db


@contextmanager
def counted(engine):
    statements = []

    def count(conn, cursor, statement, *args):
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", count)


def _cost(api, engine, path, who="coordinator", method="GET", status=200, **kw):
    api.ok("GET", "/api/v1/issues?limit=1", "coordinator")  # the worker's calendar is read here
    with counted(engine) as statements:
        api.ok(method, path, who, status=status, **kw)
    return len(statements)


def test_the_issue_list_does_not_grow_with_its_length(api, engine):
    for _ in range(3):
        issue_in(api, "assigned")
    small = _cost(api, engine, "/api/v1/issues?limit=50")
    for _ in range(12):
        issue_in(api, "in_progress")
    large = _cost(api, engine, "/api/v1/issues?limit=50")
    assert large == small <= 4
    assert _cost(api, engine, "/api/v1/issues?limit=50", "fgj") <= 4
    assert _cost(api, engine, "/api/v1/public/issues?limit=50", None) <= 4


# The list variants bench/load.py measures, each with its budget: the token with its user, the
# page, the co-handling departments of the page, and SQLite's BEGIN (counted as a statement);
# a term shaped like a tracking code is first looked up as one.
LIST_BUDGETS = {
    "": 4,
    "department_id={fgj}&status=in_progress": 4,
    "flag=red": 4,
    "cursor={cursor}": 4,
    "q=" + quote("园区道路"): 4,     # 3+ characters: through the trigram index
    "q=" + quote("园区"): 4,         # 2 characters: no trigram
    "q={code}": 5,                    # a tracking code
}


def _list_costs(api, engine, who: str, first: dict) -> dict[str, int]:
    cursor = api.ok("GET", "/api/v1/issues?limit=2", who)["next_cursor"]
    costs = {}
    for query in LIST_BUDGETS:
        path = "/api/v1/issues?limit=50&" + query.format(fgj=api.county.dept_id("fgj"), cursor=cursor,
                                                         code=first["code"])
        costs[query] = _cost(api, engine, path, who)
    return costs


def test_every_list_variant_keeps_its_budget_however_long_the_page(api, engine):
    first = issue_in(api, "in_progress")
    for _ in range(2):
        issue_in(api, "in_progress")
    small = {who: _list_costs(api, engine, who, first) for who in ("coordinator", "fgj")}
    for _ in range(10):
        issue_in(api, "in_progress")
    for who in ("coordinator", "fgj"):
        large = _list_costs(api, engine, who, first)
        assert large == small[who], who
        over = {q: n for q, n in large.items() if n > LIST_BUDGETS[q]}
        assert not over, (who, over)


def test_a_search_finds_the_same_issues_through_the_index_as_by_reading_them(api):
    """The trigram path (3+ characters) and the plain path agree: title or content, any
    position, newest first, paged by the cursor; a code finds its issue; several words all."""
    road = issue_in(api, "assigned", title="园区道路破损", content="货车绕行")
    power = issue_in(api, "assigned", title="用电报装慢", content="园区道路旁的厂房等待接电")
    other = issue_in(api, "assigned", title="企业招工难", content="缺少技术工人")

    def found(q: str, limit: int = 50, cursor: str | None = None) -> tuple[list[int], str | None]:
        path = f"/api/v1/issues?limit={limit}&q={quote(q)}" + (f"&cursor={cursor}" if cursor else "")
        body = api.ok("GET", path, "coordinator")
        return [i["id"] for i in body["items"]], body["next_cursor"]

    assert found("园区道路")[0] == [power["id"], road["id"]]
    assert found("园区")[0] == [power["id"], road["id"]]
    assert found("技术工人")[0] == [other["id"]]
    assert found("不存在的问题")[0] == []
    assert found(other["code"])[0] == [other["id"]]
    # the index holds the fields joined by a space: no match straddles two of them
    assert found("破损货车")[0] == [] and found("难缺少")[0] == []
    # words separated by spaces must all occur, each in any field
    assert found("破损 货车")[0] == [road["id"]]
    assert found("难 缺少")[0] == [other["id"]]
    page, cursor = found("园区道路", limit=1)
    assert page == [power["id"]] and cursor
    assert found("园区道路", limit=1, cursor=cursor) == ([road["id"]], None)
    # edited text is found by its new words only
    api.ok("PATCH", f"/api/v1/issues/{other['id']}", "operator",
           json={"version": other["version"], "content": "缺少熟练焊工"})
    assert found("技术工人")[0] == []
    assert found("熟练焊工")[0] == [other["id"]]


def test_an_issue_and_its_timeline_cost_a_fixed_number_of_statements(api, engine):
    issue = issue_in(api, "published")
    # + the 整改评估 in force, read for a closed or published issue only, + the issues merged into it
    assert _cost(api, engine, f"/api/v1/issues/{issue['id']}", "fgj") <= 6
    assert _cost(api, engine, f"/api/v1/issues/{issue['id']}/events") <= 4


def test_details_timelines_and_actions_keep_their_budgets(api, engine):
    short = issue_in(api, "in_progress")
    long = issue_in(api, "in_progress")
    for n in range(8):
        api.ok("POST", f"/api/v1/issues/{long['id']}/actions/progress", "fgj", json={"note": f"进展{n}"})
    # token with user, issue, co-handling departments (+ BEGIN on SQLite); zrj co-handles, and
    # which actions it may take asks once whether it does; + the issues merged into it (one
    # query; one more for their ratings when there are some)
    for who, budget in (("coordinator", 5), ("fgj", 5), ("zrj", 6)):
        costs = {_cost(api, engine, f"/api/v1/issues/{i['id']}", who) for i in (short, long)}
        assert costs == {min(costs)} and min(costs) <= budget, (who, costs)
    timeline = {_cost(api, engine, f"/api/v1/issues/{i['id']}/events") for i in (short, long)}
    assert len(timeline) == 1 and timeline.pop() <= 4  # token with user, issue, events with their actors
    body = {"title": "天然气接入费用高", "content": "园区企业反映接入费用高。", "channel": "hotline",
            "type": "help", "reporter": {"name": "王建国", "phone": "13812345678"}}
    # a new issue has no co-handling department and no deadline yet: neither is looked up; its
    # receipt to the reporter reads the TD list, the channel's switch and the wording (3 more)
    assert _cost(api, engine, "/api/v1/issues", "operator", "POST", 201, json=body) <= 10
    # a step that computes no deadline does not read the holiday overrides
    assert _cost(api, engine, f"/api/v1/issues/{long['id']}/actions/progress", "coordinator", "POST",
                 json={"note": "已督促"}) <= 7


def test_the_lean_dump_of_a_page_is_what_the_schema_gives(app, api, county):
    """The list is dumped by `present.dumper`, not marshmallow: same fields, same formats, for
    issues in every state and with every optional field empty or set."""
    from sqlmodel import select

    from models import Issue
    from web.api.present import dumper, issue_dicts
    from web.context import db
    from web.schemas.issues import IssueOut, IssuePage

    for state in ("collected", "assigned", "suspended", "replied", "published", "rejected"):
        issue_in(api, state)
    with app.test_request_context("/api/v1/issues", headers={
            "Authorization": f"Bearer {county.tokens['coordinator']}"}):
        from web.context import current_user
        issues = list(db().execute(select(Issue).order_by(Issue.id.desc())).scalars())
        for user in (None, current_user()):
            dicts = issue_dicts(db(), issues, user)
            assert [dumper(IssueOut())(d) for d in dicts] == [IssueOut().dump(d) for d in dicts]
    body = api.ok("GET", "/api/v1/issues?limit=50", "coordinator")
    assert len(body["items"]) == 6
    assert set(body) == set(IssuePage().fields)
    assert {"published_at", "reporter", "deadlines", "co_department_ids", "flag"} <= set(body["items"][0])



def test_each_search_term_is_a_statement_of_its_own_on_postgresql(api, engine):
    """psycopg prepares a statement its connection has run 5 times, and the server may then keep
    one generic plan for all values. The best plan of a 3+ character search depends on the term
    (walk the newest issues for a common one, ask the trigram index for a rare one), so each
    term is sent in its own statement text and planned for itself; quotes stay quoted."""
    issue_in(api, "assigned", title="园区道路破损", content="货车绕行")
    texts = {}
    for term in ("园区道路", "河西镇光伏", "园区'道路", "园区道路"):
        with counted(engine) as statements:
            api.ok("GET", "/api/v1/issues?q=" + quote(term), "coordinator")
        texts.setdefault(term, set()).add(next(s for s in statements if "ORDER BY" in s))
    assert all(len(found) == 1 for found in texts.values())  # the same term: the same statement
    distinct = {next(iter(found)) for found in texts.values()}
    if engine.dialect.name == "postgresql":
        assert len(distinct) == 3
        assert "园区''道路" in next(iter(texts["园区'道路"]))
