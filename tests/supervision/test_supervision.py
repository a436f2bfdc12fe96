"""The supervision board as the service gives it: counts per colour and filters, worked out by
hand for a fixed day; the office's queues and the publication preview."""
from datetime import date, datetime, timezone

import pytest
from sqlalchemy import update
from sqlmodel import Session

from models import Issue, SmsMessage, User
from service.core.errors import Forbidden
from service.deadlines.calendar import WEEKDAYS
from service.supervision import board as supervision
from service.supervision import office_queues as queues
from service.supervision.board import BoardFilters

from ..core.test_query_counts import counted
from ..helpers import future, issue_in

# Wednesday 18 November 2026; with weekdays as working days the yellow band ends Friday the 20th.
TODAY = date(2026, 11, 18)


def _due(engine, issue_id: int, key: str, day: date) -> None:
    """Make `key` the issue's nearest open deadline, on `day` (test setup only)."""
    with Session(engine) as s:
        s.execute(update(Issue).where(Issue.id == issue_id).values({key: day, "next_due": day}))
        s.commit()


@pytest.fixture
def board_issues(api, county, engine):
    """Six issues on the board and two off it:

    | issue | state       | lead | co  | leader  | channel | nearest deadline | colour    |
    | A     | in_progress | fgj  | zrj | leader  | hotline | Fri 13 Nov       | red, 3 wd |
    | B     | assigned    | zrj  |     | leader2 | mailbox | Tue 17 Nov       | red, 1 wd |
    | C     | in_progress | fgj  |     | leader  | hotline | Wed 18 Nov       | yellow    |
    | D     | replied     | scj  | fgj | leader2 | hotline | Fri 20 Nov       | yellow    |
    | E     | in_progress | scj  |     | leader  | hotline | Mon 23 Nov       | green     |
    | F     | suspended   | zrj  |     | leader  | hotline | —                | suspended |
    plus a closed and a collected issue, which the board leaves out.
    """
    d, u = county.dept_id, county.user_id

    def assign(**over):
        return api.assign_body(**over)
    rows = {
        "A": ("in_progress", {}, assign(), "complete_due", date(2026, 11, 13)),
        "B": ("assigned", {"channel": "mailbox"},
              assign(lead_department_id=d("zrj"), co_department_ids=[], lead_leader_id=u("leader2")),
              "accept_due", date(2026, 11, 17)),
        "C": ("in_progress", {}, assign(co_department_ids=[]), "reply_due", date(2026, 11, 18)),
        "D": ("replied", {}, assign(lead_department_id=d("scj"), co_department_ids=[d("fgj")],
                                    lead_leader_id=u("leader2")), "visit_due", date(2026, 11, 20)),
        "E": ("in_progress", {}, assign(lead_department_id=d("scj"), co_department_ids=[]),
              "complete_due", date(2026, 11, 23)),
        "F": ("suspended", {}, assign(lead_department_id=d("zrj"), co_department_ids=[]), None, None),
    }
    made = {}
    for name, (state, fields, body, key, day) in rows.items():
        issue = api.create_issue(title=f"问题{name}", **fields)
        steps = {"assigned": [("assign", "coordinator", body)]}
        steps["in_progress"] = steps["assigned"] + [("accept", _dept_user(body, county), {"note": "签收"})]
        steps["replied"] = steps["in_progress"] + [("reply", _dept_user(body, county), {"result": "已办理"})]
        steps["suspended"] = steps["in_progress"] + [("suspend", "coordinator",
                                                      {"reason": "需省级审批", "review_on": future(30)})]
        for action, who, step_body in steps[state]:
            resp = api.act(issue["id"], action, who, step_body)
            assert resp.status_code == 200, (name, action, resp.get_json())
        if key:
            _due(engine, issue["id"], key, day)
        made[name] = issue["id"]
    made["closed"] = issue_in(api, "closed")["id"]
    made["collected"] = api.create_issue()["id"]
    return made


def _dept_user(body: dict, county) -> str:
    return next(code for code in ("fgj", "zrj", "scj") if county.dept_id(code) == body["lead_department_id"])


def _user(engine, county, name: str) -> User:
    with Session(engine, expire_on_commit=False) as s:
        return s.get(User, county.user_id(name))


def _board(engine, county, who="supervisor", **filters):
    with Session(engine, expire_on_commit=False) as s:
        return supervision.board(s, _user(engine, county, who), BoardFilters(**filters), TODAY, WEEKDAYS)


def _names(result, made) -> list[str]:
    by_id = {v: k for k, v in made.items()}
    return [by_id[r.issue.id] for r in result.rows]


def test_counts_per_colour_and_the_most_urgent_first(engine, county, board_issues):
    result = _board(engine, county)
    assert result.counts == {"red": 2, "yellow": 2, "green": 1, "suspended": 1, "escalated": 0, "total": 6}
    assert _names(result, board_issues) == ["A", "B", "C", "D", "E", "F"]
    rows = {n: r for n, r in zip(_names(result, board_issues), result.rows, strict=True)}
    assert [rows[n].flag for n in "ABCDEF"] == ["red", "red", "yellow", "yellow", "green", "suspended"]
    # Overdue working days: Mon 16, Tue 17, Wed 18 after Friday 13; Wed 18 after Tue 17.
    assert [rows[n].overdue_days for n in "ABCDEF"] == [3, 1, 0, 0, 0, 0]
    assert rows["A"].due_key == "complete_due" and rows["B"].due_key == "accept_due"
    assert rows["D"].due_key == "visit_due" and rows["F"].due_key is None
    assert rows["A"].department == "县发改局" and rows["B"].leader == "leader2"
    # Urging is for assigned and in-progress issues.
    assert [rows[n].can_urge for n in "ABCDEF"] == [True, True, True, False, True, False]


def test_filters_narrow_the_rows_and_the_counts(engine, county, board_issues):
    d, u = county.dept_id, county.user_id

    def check(expected_rows, expected_counts, **filters):
        result = _board(engine, county, **filters)
        assert _names(result, board_issues) == expected_rows, filters
        counts = {k: v for k, v in result.counts.items() if v}
        assert counts == expected_counts, filters

    # A department counts where it leads or co-handles: fgj leads A and C, co-handles D.
    check(["A", "C", "D"], {"red": 1, "yellow": 2, "total": 3}, department_id=d("fgj"))
    check(["A", "B", "F"], {"red": 2, "suspended": 1, "total": 3}, department_id=d("zrj"))
    check(["B", "D"], {"red": 1, "yellow": 1, "total": 2}, leader_id=u("leader2"))
    check(["B"], {"red": 1, "total": 1}, channel="mailbox")
    check(["A", "B"], {"red": 2, "total": 2}, overdue=True)
    check(["A"], {"red": 1, "total": 1}, overdue=True, department_id=d("fgj"))
    # The colour picks rows; the counts still show every colour under the other filters.
    check(["C", "D"], {"red": 2, "yellow": 2, "green": 1, "suspended": 1, "total": 6}, flag="yellow")
    assert _names(_board(engine, county, flag="green"), board_issues) == ["E"]
    assert _names(_board(engine, county, flag="suspended"), board_issues) == ["F"]
    assert _names(_board(engine, county, flag="yellow", department_id=d("scj")), board_issues) == ["D"]


def test_pages_of_the_board(engine, county, board_issues):
    user = _user(engine, county, "coordinator")
    with Session(engine) as s:
        first = supervision.board(s, user, BoardFilters(), TODAY, WEEKDAYS, page=1, page_size=4)
        last = supervision.board(s, user, BoardFilters(), TODAY, WEEKDAYS, page=2, page_size=4)
    assert _names(first, board_issues) == ["A", "B", "C", "D"] and first.has_next
    assert _names(last, board_issues) == ["E", "F"] and not last.has_next


def test_the_board_costs_the_same_however_many_issues(api, engine, county, board_issues):
    user = _user(engine, county, "supervisor")
    with Session(engine) as s, counted(engine) as statements:
        supervision.board_counts(s, user, BoardFilters(department_id=county.dept_id("fgj")), TODAY, WEEKDAYS)
    selects = [st for st in statements if st.lstrip().upper().startswith("SELECT")]
    assert len(selects) == 1  # the four colours and the total in one aggregate

    def cost() -> int:
        with Session(engine) as s, counted(engine) as statements:
            supervision.board(s, user, BoardFilters(), TODAY, WEEKDAYS)
        return len(statements)
    small = cost()
    for _ in range(5):
        issue_in(api, "assigned")
    assert cost() == small


@pytest.mark.parametrize("who", ["operator", "fgj", "leader", "admin"])
def test_only_the_two_offices_see_the_board(engine, county, who):
    with Session(engine) as s, pytest.raises(Forbidden):
        supervision.board(s, _user(engine, county, who), BoardFilters(), TODAY, WEEKDAYS)


def test_failed_sms_are_listed_with_masked_recipients(api, engine, county):
    issue = issue_in(api, "assigned")
    with Session(engine) as s:
        s.execute(update(SmsMessage).where(SmsMessage.recipient_kind == "department")
                  .values(status="failed", attempts=5, last_error="21211 invalid number"))
        s.commit()
        page = supervision.failed_sms(s, _user(engine, county, "supervisor"))
    assert [m.recipient for m in page.rows] == ["137****1111"]
    assert page.rows[0].issue_code == issue["code"] and page.tab_counts["failed_sms"] == 1
    with Session(engine) as s, pytest.raises(Forbidden):
        supervision.failed_sms(s, _user(engine, county, "fgj"))


def test_the_office_queues(api, engine, county):
    waiting = issue_in(api, "in_progress")
    api.act(waiting["id"], "request_extension", "fgj", {"complete_due": future(60), "reason": "等待设备到货"})
    replied = issue_in(api, "replied")
    closed = issue_in(api, "closed")
    issue_in(api, "published")
    coordinator = _user(engine, county, "coordinator")
    with Session(engine) as s:
        extensions = queues.extension_queue(s, coordinator)
        visits = queues.visit_queue(s, coordinator)
        publication = queues.publication_queue(s, coordinator)
    assert [r.issue.id for r in extensions.rows] == [waiting["id"]] and extensions.rows[0].can_decide
    assert extensions.rows[0].requested_by == "fgj" and extensions.rows[0].request.reason == "等待设备到货"
    assert [r.issue.id for r in visits.rows] == [replied["id"]]
    assert [r.issue.id for r in publication.rows] == [closed["id"]]
    assert visits.counts == {"failed_sms": 0, "extensions": 1, "visits": 1, "publication": 1}
    with Session(engine) as s, pytest.raises(Forbidden):
        queues.visit_queue(s, _user(engine, county, "supervisor"))


def test_the_visit_queue_puts_the_longest_overdue_first_and_pages_in_that_order(api, engine, county):
    from datetime import date, timedelta

    from sqlalchemy import update

    from models import Issue
    today = date.today()
    dues = {"later": today + timedelta(days=5), "overdue": today - timedelta(days=6),
            "today": today, "undated": None, "overdue_more": today - timedelta(days=9)}
    ids = {}
    for name, due in dues.items():
        ids[name] = issue_in(api, "replied")["id"]
        with engine.begin() as conn:
            conn.execute(update(Issue).where(Issue.id == ids[name]).values(visit_due=due))
    coordinator = _user(engine, county, "coordinator")
    with Session(engine) as s:
        first = queues.visit_queue(s, coordinator, limit=2)
        second = queues.visit_queue(s, coordinator, limit=2, cursor=first.next_cursor)
        third = queues.visit_queue(s, coordinator, limit=2, cursor=second.next_cursor)
    order = [r.issue.id for r in first.rows + second.rows + third.rows]
    # one without a 回访 deadline comes after every dated one
    assert order == [ids["overdue_more"], ids["overdue"], ids["today"], ids["later"], ids["undated"]]
    assert third.next_cursor is None


def test_the_preview_masks_and_changes_nothing(api, engine, county):
    issue = issue_in(api, "closed")
    coordinator = _user(engine, county, "coordinator")
    when = datetime(2026, 11, 18, 2, 0, tzinfo=timezone.utc)
    with Session(engine) as s:
        draft = queues.publication_draft(s, coordinator, issue["id"], when, public_title="",
                                         public_summary="王建国（13812345678）反映的道路问题已修复。")
    preview = draft.preview
    assert preview["summary"] == "王*国（138****5678）反映的道路问题已修复。"
    assert preview["title"] == issue["title"] and preview["status"] == "published"
    assert preview["reporter"] == {"name": "王*国", "kind": "enterprise", "org": None}
    assert preview["published_at"].startswith("2026-11-18T10:00")
    assert draft.masked == ["summary"] and draft.may_publish
    assert "13812345678" not in str(preview) and "王建国" not in str(preview)
    after = api.ok("GET", f"/api/v1/issues/{issue['id']}", "coordinator")
    assert after["status"] == "closed" and after["public_summary"] is None and after["version"] == issue["version"]
