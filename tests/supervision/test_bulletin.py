"""督查通报: which overdue issues land in which half-month's bulletin, how late they were in
working days (a county holiday counts as a day off), and the order the office reads them in."""
import io
from datetime import date, datetime, time, timedelta

import pytest
from openpyxl import load_workbook
from sqlmodel import Session

from models import User
from service.assessment.periods import Period
from service.core.errors import Forbidden, Invalid
from service.deadlines.calendar import LOCAL_TZ, WEEKDAYS, WorkCalendar
from service.supervision.bulletin import bulletin_workbook, half_month_number, overdue_bulletin
from service.workflow.transition import WorkflowOptions, transition

from ..helpers import REPORTER

# A day off the county declared (a Wednesday in the second half of March 2026).
HOLIDAY = date(2026, 3, 18)
CALENDAR = WorkCalendar(holidays=frozenset({HOLIDAY}))
TODAY = date(2026, 4, 10)
FIRST_HALF, SECOND_HALF, APRIL = (Period.half_month(date(2026, 3, 5)), Period.half_month(date(2026, 3, 20)),
                                  Period.half_month(TODAY))


def at(day: date, hour: int = 10) -> datetime:
    return datetime.combine(day, time(hour), LOCAL_TZ)


class History:
    """Issues walked through the workflow at past moments, on the county's calendar."""

    def __init__(self, api, county, engine):
        self.api, self.county, self.engine = api, county, engine

    def step(self, issue_id: int, action: str, who: str, day: date, body: dict | None = None):
        with Session(self.engine, expire_on_commit=False) as s:
            actor = s.get(User, self.county.user_id(who))
            return transition(s, actor, issue_id, action, body or {}, at(day),
                              WorkflowOptions(calendar=CALENDAR))

    def assigned(self, title: str, dept: str, on: date, accept: date, complete: date) -> int:
        issue = self.api.create_issue(title=title)
        body = self.api.assign_body(lead_department_id=self.county.dept_id(dept), co_department_ids=[],
                                    responsible_person=f"{dept}责任人",
                                    deadlines={"accept_due": accept, "reply_due": complete,
                                               "complete_due": complete})
        self.step(issue["id"], "assign", "coordinator", on, body)
        return issue["id"]

    def accepted(self, title, dept, on, accept, complete, accepted_on=None) -> int:
        issue_id = self.assigned(title, dept, on, accept, complete)
        self.step(issue_id, "accept", dept, accepted_on or on, {"note": "已签收"})
        return issue_id

    def reply(self, issue_id: int, dept: str, day: date) -> None:
        self.step(issue_id, "reply", dept, day, {"result": "已办理完毕"})


@pytest.fixture
def history(api, county, engine):
    return History(api, county, engine)


@pytest.fixture
def march(history):
    """The second half of March 2026 seen from 10 April: what each issue is there for."""
    h = history
    ids = {
        # never accepted: late to accept from 4 March on, still late on 31 March
        "unaccepted": h.assigned("园区企业用电增容迟迟未签收", "fgj", date(2026, 3, 2), date(2026, 3, 3),
                                 date(2026, 3, 13)),
        # replied late inside the half-month
        "late_reply": h.accepted("物流园道路照明不足", "fgj", date(2026, 3, 2), date(2026, 3, 3),
                                 date(2026, 3, 17)),
        # replied late, but before the half-month began
        "late_before": h.accepted("企业开办登记材料重复提交", "zrj", date(2026, 2, 23), date(2026, 2, 24),
                                  date(2026, 3, 5)),
        # due on the half-month's last day: late only from 1 April
        "due_last_day": h.accepted("厂房不动产权证办理缓慢", "zrj", date(2026, 3, 2), date(2026, 3, 3),
                                   date(2026, 3, 31)),
        # replied on time
        "on_time": h.accepted("食品生产许可现场核查预约", "scj", date(2026, 3, 2), date(2026, 3, 3),
                              date(2026, 3, 20)),
        # the deadline passed, but an approved extension moved it beyond the half-month
        "extended": h.accepted("工业用地规划条件调整", "zrj", date(2026, 3, 2), date(2026, 3, 3),
                               date(2026, 3, 20)),
        # late from 11 March, suspended (挂账) on 12 March: only in the first half's bulletin
        "suspended": h.accepted("跨省运输车辆通行证审批", "scj", date(2026, 2, 23), date(2026, 2, 24),
                                date(2026, 3, 10)),
        # due on Friday 13 March: on Sunday the 15th not yet a working day late
        "friday": h.accepted("园区污水管网接入审批", "scj", date(2026, 3, 2), date(2026, 3, 3),
                             date(2026, 3, 13)),
        # late in the first half, still late at the end of the second
        "long_late": h.accepted("标准厂房租金补贴未兑现", "zrj", date(2026, 2, 23), date(2026, 2, 24),
                                date(2026, 3, 12)),
    }
    h.reply(ids["late_reply"], "fgj", date(2026, 3, 20))
    h.reply(ids["late_before"], "zrj", date(2026, 3, 10))
    h.reply(ids["on_time"], "scj", date(2026, 3, 19))
    h.step(ids["extended"], "request_extension", "zrj", date(2026, 3, 16),
           {"complete_due": date(2026, 4, 30), "reason": "需等待省级部门批复"})
    h.step(ids["extended"], "decide_extension", "coordinator", date(2026, 3, 17), {"approve": True})
    h.step(ids["suspended"], "suspend", "coordinator", date(2026, 3, 12),
           {"reason": "需省级审批", "review_on": date(2026, 6, 30)})
    for day in (date(2026, 3, 20), date(2026, 3, 25), date(2026, 4, 3)):
        h.step(ids["unaccepted"], "urge", "supervisor", day, {"note": "请立即签收"})
    return ids


def rows_of(bulletin) -> dict[int, tuple[str, object]]:
    return {r.issue_id: (s.department, r) for s in bulletin.sections for r in s.rows}


def test_second_half_of_march_lists_what_was_late_in_it(db, county, march):
    supervisor = db.get(User, county.user_id("supervisor"))
    b = overdue_bulletin(db, supervisor, SECOND_HALF, TODAY, CALENDAR)
    assert (b.period.start, b.period.end, b.as_of) == (date(2026, 3, 16), date(2026, 3, 31), date(2026, 3, 31))
    assert b.number == 6 and b.title == "营商环境问题督查通报（2026年第6期）"
    rows = rows_of(b)
    assert set(rows) == {march["unaccepted"], march["late_reply"], march["long_late"], march["friday"]}

    dept, unaccepted = rows[march["unaccepted"]]
    assert dept == "县发改局" and unaccepted.due_key == "accept_due" and unaccepted.due == date(2026, 3, 3)
    # 4-31 March has 20 weekdays; the county's holiday on the 18th is not a working day.
    assert unaccepted.overdue_days == 19 and unaccepted.still_overdue
    # Urged on 20 and 25 March; the urge of 3 April came after this half-month.
    assert unaccepted.urges == 2
    assert unaccepted.leader == "leader" and unaccepted.responsible_person == "fgj责任人"

    _, late_reply = rows[march["late_reply"]]
    # Due 17 March, replied on the 20th: 18th is the holiday, so 19th and 20th.
    assert (late_reply.due_key, late_reply.overdue_days, late_reply.done_on) == ("complete_due", 2, date(2026, 3, 20))
    assert not late_reply.still_overdue

    dept, long_late = rows[march["long_late"]]
    assert dept == "县自然资源局" and long_late.still_overdue and long_late.due == date(2026, 3, 12)


def test_the_holiday_changes_the_count_of_working_days(db, county, march):
    supervisor = db.get(User, county.user_id("supervisor"))
    on_weekdays = rows_of(overdue_bulletin(db, supervisor, SECOND_HALF, TODAY, WEEKDAYS))
    with_holiday = rows_of(overdue_bulletin(db, supervisor, SECOND_HALF, TODAY, CALENDAR))
    for key in ("unaccepted", "late_reply", "long_late"):
        assert on_weekdays[march[key]][1].overdue_days == with_holiday[march[key]][1].overdue_days + 1


def test_departments_with_most_overdue_come_first_and_the_longest_late_within(db, county, march):
    supervisor = db.get(User, county.user_id("supervisor"))
    b = overdue_bulletin(db, supervisor, SECOND_HALF, TODAY, CALENDAR)
    # 县自然资源局 and 县市场监管局 have one issue each, still late: the longer late comes first
    # (from 12 March 12 working days by the 31st, the holiday left out; from 13 March 11).
    assert [(s.department, s.count, s.still_overdue) for s in b.sections] == [
        ("县发改局", 2, 1), ("县自然资源局", 1, 1), ("县市场监管局", 1, 1)]
    assert [r.overdue_days for r in b.sections[1].rows + b.sections[2].rows] == [12, 11]
    assert [r.issue_id for r in b.sections[0].rows] == [march["unaccepted"], march["late_reply"]]
    assert b.total == 4 and b.still_overdue == 3


def test_each_half_month_has_its_own_bulletin(db, county, march):
    supervisor = db.get(User, county.user_id("supervisor"))
    first = rows_of(overdue_bulletin(db, supervisor, FIRST_HALF, TODAY, CALENDAR))
    # Due on Friday the 13th and judged on Sunday the 15th: not yet a working day late.
    assert set(first) == {march["unaccepted"], march["late_before"], march["suspended"], march["long_late"]}
    assert first[march["suspended"]][1].suspended_on == date(2026, 3, 12)
    # Replied on 10 March, late since the 6th: 6, 9 and 10 March are working days.
    assert first[march["late_before"]][1].done_on == date(2026, 3, 10)
    assert first[march["late_before"]][1].overdue_days == 3
    # At the end of the first half the long-late issue was still late (it still is).
    assert first[march["long_late"]][1].still_overdue and first[march["long_late"]][1].overdue_days == 1

    # The current half-month is judged up to today: the issue due on 31 March is late now.
    april = overdue_bulletin(db, supervisor, APRIL, TODAY, CALENDAR)
    assert april.as_of == TODAY and april.number == 7
    current = rows_of(april)
    assert march["due_last_day"] in current and march["late_reply"] not in current
    assert current[march["due_last_day"]][1].overdue_days == 8  # 1-3 and 6-10 April


def test_a_half_month_still_to_come_is_refused(db, county):
    supervisor = db.get(User, county.user_id("supervisor"))
    with pytest.raises(Invalid) as err:
        overdue_bulletin(db, supervisor, Period.half_month(TODAY + timedelta(days=10)), TODAY, CALENDAR)
    assert "day" in err.value.fields


def test_only_the_offices_and_leaders_read_the_bulletin(db, county):
    for name in ("fgj", "operator"):
        with pytest.raises(Forbidden):
            overdue_bulletin(db, db.get(User, county.user_id(name)), SECOND_HALF, TODAY, CALENDAR)
    for name in ("coordinator", "supervisor", "leader", "admin"):
        overdue_bulletin(db, db.get(User, county.user_id(name)), SECOND_HALF, TODAY, CALENDAR)


def test_the_excel_bulletin_has_every_row_and_no_reporter(db, county, march):
    supervisor = db.get(User, county.user_id("supervisor"))
    b = overdue_bulletin(db, supervisor, SECOND_HALF, TODAY, CALENDAR)
    wb = load_workbook(io.BytesIO(bulletin_workbook(b)))
    sheet = wb["督查通报"]
    values = list(sheet.iter_rows(values_only=True))
    assert values[0][0] == "营商环境问题督查通报（2026年第6期）"
    header = values[2]
    assert header[:4] == ("序号", "承办单位", "编号", "问题")
    data = values[3:]
    assert [r[1] for r in data] == ["县发改局", "县发改局", "县自然资源局", "县市场监管局"]
    assert data[0][8] == 19 and data[0][10] == 2
    text = repr(values)
    assert REPORTER["name"] not in text and REPORTER["phone"] not in text
    counts = [r for r in wb["分单位统计"].iter_rows(values_only=True)][3:]
    assert counts == [(1, "县发改局", 2, 1), (2, "县自然资源局", 1, 1), (3, "县市场监管局", 1, 1)]


def test_numbers_run_two_a_month():
    assert half_month_number(Period.half_month(date(2026, 1, 15))) == 1
    assert half_month_number(Period.half_month(date(2026, 1, 16))) == 2
    assert half_month_number(Period.half_month(date(2026, 12, 31))) == 24
