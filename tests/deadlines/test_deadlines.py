"""Working days and the default deadline policy: pure functions."""
from datetime import date

import pytest

from service.deadlines.calendar import WEEKDAYS, WorkCalendar
from service.deadlines.rules import builtin_policy, default_deadlines, flag_for

FRI, SAT, MON = date(2026, 11, 20), date(2026, 11, 21), date(2026, 11, 23)


def test_working_days_skip_weekends_both_ways():
    assert WEEKDAYS.add_working_days(FRI, 1) == MON
    assert WEEKDAYS.add_working_days(SAT, 1) == MON
    assert WEEKDAYS.add_working_days(MON, -1) == FRI
    assert WEEKDAYS.add_working_days(FRI, 10) == date(2026, 12, 4)
    assert WEEKDAYS.working_days_between(FRI, date(2026, 12, 4)) == 10
    assert WEEKDAYS.working_days_between(date(2026, 12, 4), FRI) == -10


def test_holidays_and_swapped_workdays_are_passed_in():
    national_day = WorkCalendar(
        holidays=frozenset(date(2026, 10, d) for d in range(1, 8)),
        extra_workdays=frozenset({date(2026, 10, 10)}))  # a Saturday worked in exchange
    assert national_day.add_working_days(date(2026, 9, 30), 1) == date(2026, 10, 8)
    assert national_day.add_working_days(date(2026, 10, 9), 1) == date(2026, 10, 10)


@pytest.mark.parametrize("issue_type, days", [("consult", 2), ("help", 10), ("suggestion", 10),
                                              ("complaint", 15), ("report", 15)])
def test_completion_deadline_follows_the_issue_type(issue_type, days):
    d = default_deadlines(builtin_policy(issue_type, "hotline"), FRI, WEEKDAYS)
    assert d["complete_due"] == WEEKDAYS.add_working_days(FRI, days)
    assert d["accept_due"] == MON
    assert d["reply_due"] == d["complete_due"]
    assert d["report_due"] == WEEKDAYS.add_working_days(d["complete_due"], 2)
    assert d["visit_due"] == WEEKDAYS.add_working_days(d["complete_due"], 5)


def test_evening_tea_has_an_early_reply_deadline():
    d = default_deadlines(builtin_policy("complaint", "evening_tea"), FRI, WEEKDAYS)
    assert d["reply_due"] == WEEKDAYS.add_working_days(FRI, 3) < d["complete_due"]
    consult = default_deadlines(builtin_policy("consult", "evening_tea"), FRI, WEEKDAYS)
    assert consult["reply_due"] <= consult["complete_due"]


def test_colours():
    today = MON
    assert flag_for(None, today, WEEKDAYS) is None
    assert flag_for(FRI, today, WEEKDAYS) == "red"
    assert flag_for(today, today, WEEKDAYS) == "yellow"
    assert flag_for(date(2026, 11, 25), today, WEEKDAYS) == "yellow"  # 2 working days ahead
    assert flag_for(date(2026, 11, 26), today, WEEKDAYS) == "green"
