"""The working-day calendar: the State Council's arrangement, the administrator's overrides,
and the warning when next year's arrangement is missing."""
from datetime import date, datetime, timezone

import pytest
from sqlalchemy import select
from sqlmodel import Session

from models import CalendarDay, User
from service.deadlines.calendar import (
    CalendarCache,
    calendar_warnings,
    known_years,
    load_calendar,
    local_date,
    missing_year_warnings,
    national_calendar,
)

CAL = "/api/v1/admin/calendar"


def fresh(engine, read):
    """`read` in a new session: one that began before the API's change would not see it."""
    with Session(engine) as session:
        return read(session)


def put_day(api, day, kind="holiday", who="admin", note=None):
    return api.call("PUT", f"{CAL}/{day}", who, json={"kind": kind, "note": note})


def test_national_day_2026_and_its_swapped_saturday(db):
    cal = load_calendar(db)
    # 国庆节 1-7 October off (and 中秋节 25-27 September); Sunday 20 September and
    # Saturday 10 October are worked in exchange.
    assert cal.add_working_days(date(2026, 9, 30), 1) == date(2026, 10, 8)
    assert not any(cal.is_working_day(date(2026, 10, d)) for d in range(1, 8))
    assert cal.add_working_days(date(2026, 10, 9), 1) == date(2026, 10, 10)
    assert cal.is_working_day(date(2026, 9, 20))
    assert not cal.is_working_day(date(2026, 9, 25))  # 中秋节, a Friday
    # Five working days from the last day before the holiday: 8, 9, 10 (Sat), 12, 13 October.
    assert cal.add_working_days(date(2026, 9, 30), 5) == date(2026, 10, 13)
    assert cal.working_days_between(date(2026, 9, 30), date(2026, 10, 13)) == 5


def test_spring_festival_2026(db):
    cal = load_calendar(db)
    # 15-23 February off; Saturdays 14 and 28 February worked.
    assert cal.add_working_days(date(2026, 2, 13), 1) == date(2026, 2, 14)
    assert cal.add_working_days(date(2026, 2, 14), 1) == date(2026, 2, 24)
    assert cal.is_working_day(date(2026, 2, 28))
    assert cal.working_days_between(date(2026, 2, 13), date(2026, 2, 27)) == 5


def test_an_override_wins_over_the_national_calendar(api, engine):
    assert fresh(engine, load_calendar).add_working_days(date(2026, 12, 31), 1) == date(2027, 1, 1)
    put_day(api, "2027-01-01", note="元旦")
    put_day(api, "2026-10-05", "workday", note="抗洪抢险，全员上班")
    put_day(api, "2026-10-10", "holiday", note="调休取消")
    cal = fresh(engine, load_calendar)
    assert cal.add_working_days(date(2026, 12, 31), 1) == date(2027, 1, 4)
    assert cal.is_working_day(date(2026, 10, 5))
    assert not cal.is_working_day(date(2026, 10, 10))
    assert national_calendar().is_working_day(date(2026, 10, 10))  # the package is untouched

    assert api.call("DELETE", f"{CAL}/2026-10-10", "admin").status_code == 204
    assert fresh(engine, load_calendar).is_working_day(date(2026, 10, 10))


def test_holidays_entered_today_move_the_next_assignment(api, engine):
    """Whatever today is: make the next five working days holidays, and the department's
    one working day to sign for the issue starts after them."""
    today = local_date(datetime.now(timezone.utc))
    before = fresh(engine, load_calendar)
    coming = [before.add_working_days(today, n) for n in range(1, 6)]
    for day in coming:
        api.ok("PUT", f"{CAL}/{day.isoformat()}", "admin", json={"kind": "holiday", "note": "临时放假"})

    issue = api.create_issue()
    assigned = api.act(issue["id"], "assign", "coordinator", api.assign_body())
    assert assigned.status_code == 200, assigned.get_json()
    accept_due = date.fromisoformat(assigned.get_json()["deadlines"]["accept_due"])
    assert accept_due == before.add_working_days(today, 6)
    assert accept_due > coming[-1]


def _holiday_elsewhere(engine, day: date) -> None:
    """A day off entered through another worker: the database changes, this process is not told."""
    with Session(engine) as session:
        session.add(CalendarDay(day=day, kind="holiday", note="临时放假",
                                updated_at=datetime.now(timezone.utc)))
        session.commit()


def test_a_worker_keeps_the_overrides_for_colours_for_at_most_max_age(api, engine):
    clock = [1000.0]
    cache = CalendarCache(max_age=30, clock=lambda: clock[0])
    day = date(2026, 12, 30)  # a Wednesday
    assert fresh(engine, cache.get).is_working_day(day)
    _holiday_elsewhere(engine, day)
    clock[0] += 29
    assert fresh(engine, cache.get).is_working_day(day)  # kept: no statement sent
    clock[0] += 2
    assert not fresh(engine, cache.get).is_working_day(day)  # older than 30 s: read again
    # a change made through this process applies at once
    put_day(api, "2026-12-31")
    assert not fresh(engine, cache.get).is_working_day(date(2026, 12, 31))
    assert api.call("DELETE", f"{CAL}/2026-12-31", "admin").status_code == 204
    assert fresh(engine, cache.get).is_working_day(date(2026, 12, 31))


def test_deadlines_read_the_overrides_fresh_whatever_a_worker_keeps(api, engine):
    """The worker has just read the calendar for a list; another worker then enters five days
    off. An assignment made at once already counts its deadline after them."""
    api.ok("GET", "/api/v1/issues", "coordinator")
    today = local_date(datetime.now(timezone.utc))
    before = fresh(engine, load_calendar)
    coming = [before.add_working_days(today, n) for n in range(1, 6)]
    for day in coming:
        _holiday_elsewhere(engine, day)
    issue = api.create_issue()
    assigned = api.act(issue["id"], "assign", "coordinator", api.assign_body())
    assert assigned.status_code == 200, assigned.get_json()
    assert date.fromisoformat(assigned.get_json()["deadlines"]["accept_due"]) == before.add_working_days(today, 6)


def test_warning_when_next_year_is_missing(api, engine):
    late_2026 = date(2026, 11, 20)
    years = fresh(engine, known_years)
    assert 2026 in years and 2027 not in years
    admin = fresh(engine, lambda s: s.execute(select(User).where(User.role == "admin")).scalars().first())
    coordinator = fresh(engine, lambda s: s.execute(select(User).where(User.role == "coordinator")).scalars().first())
    assert fresh(engine, lambda s: calendar_warnings(s, late_2026, coordinator)) == []  # who cannot enter it
    warnings = fresh(engine, lambda s: calendar_warnings(s, late_2026, admin))
    assert len(warnings) == 1
    assert "2027年" in warnings[0] and "请系统管理员尽快录入" in warnings[0]
    assert fresh(engine, lambda s: calendar_warnings(s, date(2026, 10, 31), admin)) == []  # too early

    put_day(api, "2027-01-01", note="元旦")
    assert fresh(engine, lambda s: calendar_warnings(s, late_2026, admin)) == []
    assert 2027 in fresh(engine, known_years)


def test_warning_for_the_current_year():
    warnings = missing_year_warnings({2026}, date(2027, 3, 1))
    assert len(warnings) == 1 and "2027年" in warnings[0]
    assert len(missing_year_warnings(set(), date(2027, 12, 1))) == 2


def test_year_overview(api):
    year = api.ok("GET", f"{CAL}?year=2026", "coordinator")
    assert year["national_known"] is True
    assert {"day": "2026-10-01", "name": "国庆节"} in year["national_holidays"]
    assert {"day": "2026-10-10", "name": "国庆节"} in year["national_workdays"]
    assert {"day": "2026-02-17", "name": "春节"} in year["national_holidays"]
    assert year["overrides"] == []
    assert isinstance(year["warnings"], list)

    put_day(api, "2027-01-01", note="元旦")
    next_year = api.ok("GET", f"{CAL}?year=2027", "admin")
    assert next_year["national_known"] is False and next_year["national_holidays"] == []
    assert [(o["day"], o["kind"], o["note"]) for o in next_year["overrides"]] == [
        ("2027-01-01", "holiday", "元旦")]

    changed = api.ok("PUT", f"{CAL}/2027-01-01", "admin", json={"kind": "workday"})
    assert (changed["kind"], changed["note"]) == ("workday", None)
    assert len(api.ok("GET", f"{CAL}?year=2027", "admin")["overrides"]) == 1


def test_who_may_see_and_change_the_calendar(api):
    assert api.get(CAL, "coordinator").status_code == 200
    assert put_day(api, "2027-01-01", who="coordinator").status_code == 403
    assert api.call("DELETE", f"{CAL}/2027-01-01", "coordinator").status_code == 403
    for who in ("fgj", "operator", "leader"):
        resp = api.get(CAL, who)
        assert resp.status_code == 403, who
        assert resp.get_json()["error"]["code"] == "forbidden"
    assert api.get(CAL).status_code == 401


@pytest.mark.parametrize("path, body, field", [
    ("2027-01-01", {"kind": "vacation"}, "kind"),
    ("2027-01-01", {}, "kind"),
    ("2027-13-01", {"kind": "holiday"}, "day"),
    ("20270101", {"kind": "holiday"}, "day"),
    ("1899-01-01", {"kind": "holiday"}, "day"),
    ("2027-01-01", {"kind": "holiday", "note": "x" * 101}, "note"),
])
def test_bad_calendar_input_names_the_field(api, path, body, field):
    resp = api.call("PUT", f"{CAL}/{path}", "admin", json=body)
    assert resp.status_code == 422, resp.get_json()
    assert field in resp.get_json()["error"]["fields"]


def test_bad_year_and_missing_override(api):
    resp = api.get(f"{CAL}?year=1900", "admin")
    assert resp.status_code == 422 and "year" in resp.get_json()["error"]["fields"]
    resp = api.call("DELETE", f"{CAL}/2027-05-05", "admin")
    assert resp.status_code == 404 and resp.get_json()["error"]["code"] == "not_found"
