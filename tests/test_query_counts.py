"""Lists and details cost a fixed number of SQL statements, however many issues they show."""
from contextlib import contextmanager

from sqlalchemy import event

from .helpers import issue_in


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


def _cost(api, engine, path, who="coordinator"):
    with counted(engine) as statements:
        api.ok("GET", path, who)
    return len(statements)


def test_the_issue_list_does_not_grow_with_its_length(api, engine):
    for _ in range(3):
        issue_in(api, "assigned")
    small = _cost(api, engine, "/api/v1/issues?limit=50")
    for _ in range(12):
        issue_in(api, "in_progress")
    large = _cost(api, engine, "/api/v1/issues?limit=50")
    assert large == small <= 6
    assert _cost(api, engine, "/api/v1/issues?limit=50", "fgj") <= 6
    assert _cost(api, engine, "/api/v1/public/issues?limit=50", None) <= 4


def test_an_issue_and_its_timeline_cost_a_fixed_number_of_statements(api, engine):
    issue = issue_in(api, "published")
    assert _cost(api, engine, f"/api/v1/issues/{issue['id']}", "fgj") <= 8
    assert _cost(api, engine, f"/api/v1/issues/{issue['id']}/events") <= 6
