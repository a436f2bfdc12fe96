"""Working days. A pure calendar: the days off and the swapped working days are passed in.

The days come from the `chinese_calendar` package (the State Council's arrangement, known a
year ahead at most) plus the administrator's overrides in `calendar_day`, which win.
"""
import functools
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from chinese_calendar import constants as national
from sqlalchemy import select
from sqlmodel import Session

from models import CalendarDay, User
from models.permissions import Permission
from service.core.errors import NotFound, require
from service.identity import permissions as access

LOCAL_TZ = ZoneInfo("Asia/Shanghai")


def local_date(moment: datetime, tz: ZoneInfo = LOCAL_TZ) -> date:
    return moment.astimezone(tz).date()


@dataclass(frozen=True)
class WorkCalendar:
    """Weekends are off, except `extra_workdays` (调休); `holidays` are off too."""

    holidays: frozenset[date] = field(default_factory=frozenset)
    extra_workdays: frozenset[date] = field(default_factory=frozenset)

    def is_working_day(self, day: date) -> bool:
        if day in self.extra_workdays:
            return True
        if day in self.holidays:
            return False
        return day.weekday() < 5

    def add_working_days(self, start: date, n: int) -> date:
        """The n-th working day after `start` (n < 0: before). n == 0 gives `start`."""
        step = 1 if n >= 0 else -1
        day, left = start, abs(n)
        while left:
            day += timedelta(days=step)
            if self.is_working_day(day):
                left -= 1
        return day

    def working_days_between(self, start: date, end: date) -> int:
        """Working days in (start, end]; negative when end is before start."""
        if end < start:
            return -self.working_days_between(end, start)
        count, day = 0, start
        while day < end:
            day += timedelta(days=1)
            if self.is_working_day(day):
                count += 1
        return count


WEEKDAYS = WorkCalendar()


# --- the national calendar and the administrator's overrides ---------------------------------

HOLIDAY, WORKDAY = "holiday", "workday"
OVERRIDE_KINDS = (HOLIDAY, WORKDAY)
# chinese_calendar names its holidays in English; the office reads Chinese.
HOLIDAY_NAMES = {
    "New Year's Day": "元旦", "Spring Festival": "春节", "Tomb-sweeping Day": "清明节",
    "Labour Day": "劳动节", "Dragon Boat Festival": "端午节", "National Day": "国庆节",
    "Mid-autumn Festival": "中秋节", "Anti-Fascist 70th Day": "抗战胜利70周年纪念日",
}


@functools.cache
def national_calendar() -> WorkCalendar:
    """The State Council's holidays and swapped working days (调休), as packaged."""
    return WorkCalendar(holidays=frozenset(national.holidays),
                        extra_workdays=frozenset(national.workdays))


@functools.cache
def national_years() -> frozenset[int]:
    """Years whose arrangement the package knows (it is updated once a year, after publication)."""
    return frozenset(d.year for d in (*national.holidays, *national.workdays))


def national_days(year: int) -> tuple[list[tuple[date, str]], list[tuple[date, str]]]:
    """(days off, swapped working days) of `year` with the holiday's Chinese name."""
    def pick(days: dict) -> list[tuple[date, str]]:
        return sorted((d, HOLIDAY_NAMES.get(name, name)) for d, name in days.items() if d.year == year)
    return pick(national.holidays), pick(national.workdays)


def with_overrides(base: WorkCalendar, overrides: Iterable[tuple[date, str]]) -> WorkCalendar:
    """`base` with each (day, kind) override applied; an override wins over `base`."""
    holidays, workdays = set(base.holidays), set(base.extra_workdays)
    for day, kind in overrides:
        if kind == HOLIDAY:
            holidays.add(day)
            workdays.discard(day)
        elif kind == WORKDAY:
            workdays.add(day)
            holidays.discard(day)
    return WorkCalendar(holidays=frozenset(holidays), extra_workdays=frozenset(workdays))


def load_calendar(session: Session) -> WorkCalendar:
    """The national calendar plus the administrator's overrides, as they stand now."""
    rows = session.execute(select(CalendarDay.day, CalendarDay.kind)).all()
    return with_overrides(national_calendar(), ((r.day, r.kind) for r in rows))


# Changed whenever this process changes an override: every CalendarCache reloads at once.
_generation = 0


def _note_change() -> None:
    global _generation
    _generation += 1


class CalendarCache:
    """`load_calendar` kept by one process for at most `max_age` seconds, for what only shows
    the calendar's effect (colours, days overdue) and so need not read the overrides on every
    request. An override changed in this process applies here at once, in another process
    within `max_age`. Deadlines are computed from `load_calendar` itself (see workflow)."""

    def __init__(self, max_age: float = 30.0, clock=time.monotonic):
        self.max_age, self.clock = max_age, clock
        self._value: WorkCalendar | None = None
        self._loaded_at = 0.0
        self._generation = -1

    def get(self, session: Session) -> WorkCalendar:
        """The kept calendar, or the database's if it is older than `max_age` or changed here."""
        if (self._value is None or self._generation != _generation
                or self.clock() - self._loaded_at > self.max_age):
            return self.load(session)
        return self._value

    def load(self, session: Session) -> WorkCalendar:
        """The calendar as the database has it now, kept from now on."""
        generation, loaded_at = _generation, self.clock()
        self._value = load_calendar(session)
        self._generation, self._loaded_at = generation, loaded_at
        return self._value

    def clear(self) -> None:
        self._value = None


def known_years(session: Session) -> set[int]:
    """Years with an arrangement: packaged, or entered by an administrator (one day suffices)."""
    days = session.execute(select(CalendarDay.day)).scalars()
    return set(national_years()) | {d.year for d in days}


def missing_year_warnings(years: set[int], today: date) -> list[str]:
    """Warnings for the current year, and from November the coming one, having no arrangement."""
    warnings = []
    if today.year not in years:
        warnings.append(f"尚未录入{today.year}年法定节假日和调休安排，当前时限只按周末计算，"
                        "请系统管理员尽快录入。")
    if today.month >= 11 and today.year + 1 not in years:
        warnings.append(f"尚未录入{today.year + 1}年法定节假日和调休安排，跨年时限将只按周末计算，"
                        "请系统管理员尽快录入。")
    return warnings


def calendar_warnings(session: Session, today: date, actor: User | None) -> list[str]:
    """The missing-arrangement warnings, for the one who can act on them: the administrator who
    keeps the calendar. Other users' pages stay quiet."""
    if actor is None or not access.may(actor, Permission.CALENDAR_EDIT):
        return []
    return missing_year_warnings(known_years(session), today)


# --- what the administrator does (admin writes; admin and coordinator read) ---------------------

MIN_YEAR, MAX_YEAR = 2000, 2100


def _may_read(actor: User | None) -> None:
    access.require(actor, Permission.CALENDAR_READ)


def _may_write(actor: User | None) -> None:
    access.require(actor, Permission.CALENDAR_EDIT)


def _check_year(year: int, field_name: str) -> None:
    if not MIN_YEAR <= year <= MAX_YEAR:
        require({field_name: f"年份须在 {MIN_YEAR}-{MAX_YEAR} 之间"})


def year_overview(session: Session, actor: User | None, year: int, today: date) -> dict:
    """One year: the national arrangement, the overrides and the warnings of today."""
    _may_read(actor)
    _check_year(year, "year")
    holidays, workdays = national_days(year)
    overrides = session.execute(
        select(CalendarDay).where(CalendarDay.day >= date(year, 1, 1), CalendarDay.day <= date(year, 12, 31))
        .order_by(CalendarDay.day)).scalars().all()
    return {
        "year": year,
        "national_known": year in national_years(),
        "national_holidays": [{"day": d, "name": n} for d, n in holidays],
        "national_workdays": [{"day": d, "name": n} for d, n in workdays],
        "overrides": list(overrides),
        "warnings": calendar_warnings(session, today, actor),
    }


# The longest run of days set at once (a holiday with its days around it is at most nine).
MAX_RANGE_DAYS = 31


def set_day(session: Session, actor: User | None, day: date, kind: str, note: str | None,
            now: datetime, until: date | None = None) -> CalendarDay:
    """Make `day` (through `until`, when given) days off or working days, whatever the national
    calendar says; all of them or none. Commits; answers the first day's row."""
    _may_write(actor)
    _check_year(day.year, "day")
    if kind not in OVERRIDE_KINDS:
        require({"kind": "取值须为：holiday（放假）或 workday（上班）"})
    last = until or day
    if last < day:
        require({"until": "结束日期不能早于开始日期"})
    if (last - day).days + 1 > MAX_RANGE_DAYS:
        require({"until": f"一次最多设置 {MAX_RANGE_DAYS} 天，请分段录入"})
    _check_year(last.year, "until")
    rows = []
    for n in range((last - day).days + 1):
        one = day + timedelta(days=n)
        row = session.get(CalendarDay, one) or CalendarDay(day=one, kind=kind)
        row.kind, row.note = kind, (note or "").strip() or None
        row.updated_by_id, row.updated_at = actor.id if actor else None, now
        session.add(row)
        rows.append(row)
    session.commit()
    _note_change()
    return rows[0]


def delete_day(session: Session, actor: User | None, day: date) -> None:
    """Drop the override of `day`: the national calendar applies again. Commits."""
    _may_write(actor)
    row = session.get(CalendarDay, day)
    if row is None:
        raise NotFound(f"{day.isoformat()} 没有手工设置的安排")
    session.delete(row)
    session.commit()
    _note_change()
