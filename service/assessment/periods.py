"""Reporting periods (统计区间): inclusive local dates, their labels, and their bounds in UTC.

Every figure of the assessment counts moments (assigned_at, created_at, held_at …) that are
stored as UTC. A period is a span of county dates, so its bounds are local midnights turned
into UTC: an issue assigned at 23:30 on 30 November in Asia/Shanghai (15:30 UTC) belongs to
November.
"""
import calendar as _gregorian
import re
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone

from service.core.errors import require
from service.deadlines.calendar import LOCAL_TZ

QUARTER_NAMES = {1: "第一季度", 2: "第二季度", 3: "第三季度", 4: "第四季度"}
MIN_YEAR, MAX_YEAR = 2000, 2100
MAX_DAYS = 3660  # ten years: a longer span is a typing mistake, not a report
DATE_RE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")

MONTH, QUARTER, YEAR, HALF_MONTH, SPAN = "month", "quarter", "year", "half_month", "span"


def _month_end(year: int, month: int) -> date:
    return date(year, month, _gregorian.monthrange(year, month)[1])


def local_midnight_utc(day: date) -> datetime:
    """The start of `day` in the county, as an aware UTC datetime."""
    return datetime.combine(day, time(0), tzinfo=LOCAL_TZ).astimezone(timezone.utc)


@dataclass(frozen=True)
class Period:
    """Inclusive local (Asia/Shanghai) dates."""

    start: date
    end: date
    # 本月, 本季度, 本年 so far (preset_period): the month, quarter or year it is a part of
    so_far: str | None = field(default=None, compare=False)

    @classmethod
    def month(cls, year: int, month: int) -> "Period":
        return cls(date(year, month, 1), _month_end(year, month))

    @classmethod
    def quarter(cls, year: int, q: int) -> "Period":
        first = 3 * (q - 1) + 1
        return cls(date(year, first, 1), _month_end(year, first + 2))

    @classmethod
    def year(cls, year: int) -> "Period":
        return cls(date(year, 1, 1), date(year, 12, 31))

    @classmethod
    def half_month(cls, day: date) -> "Period":
        """1st-15th or 16th-end of the month containing `day` (督查办's half-monthly round)."""
        if day.day <= 15:
            return cls(day.replace(day=1), day.replace(day=15))
        return cls(day.replace(day=16), _month_end(day.year, day.month))

    @property
    def shape(self) -> str:
        """month / quarter / year / half_month, or span for any other run of days."""
        if self.so_far:
            return self.so_far
        s, e = self.start, self.end
        if s.day == 1 and s.year == e.year:
            if s.month == 1 and (e.month, e.day) == (12, 31):
                return YEAR
            if e == _month_end(s.year, s.month):
                return MONTH
            if s.month % 3 == 1 and e == _month_end(s.year, s.month + 2):
                return QUARTER
            if e == s.replace(day=15):
                return HALF_MONTH
        if s.day == 16 and e == _month_end(s.year, s.month):
            return HALF_MONTH
        return SPAN

    @property
    def label(self) -> str:
        if self.so_far:
            whole = {MONTH: Period.month(self.start.year, self.start.month),
                     QUARTER: Period.quarter(self.start.year, (self.start.month - 1) // 3 + 1),
                     YEAR: Period.year(self.start.year)}[self.so_far]
            return f"{whole.label}（截至{self.end.month}月{self.end.day}日）"
        s, e, shape = self.start, self.end, self.shape
        if shape == YEAR:
            return f"{s.year}年"
        if shape == QUARTER:
            return f"{s.year}年{QUARTER_NAMES[(s.month - 1) // 3 + 1]}"
        if shape == MONTH:
            return f"{s.year}年{s.month}月"
        if shape == HALF_MONTH:
            return f"{s.year}年{s.month}月{'上' if s.day == 1 else '下'}半月"
        if s == e:
            return f"{s.year}年{s.month}月{s.day}日"
        tail = f"{e.month}月{e.day}日" if e.year == s.year else f"{e.year}年{e.month}月{e.day}日"
        return f"{s.year}年{s.month}月{s.day}日至{tail}"

    @property
    def bounds(self) -> tuple[datetime, datetime]:
        """[start, end) in UTC: local midnight of the first day to local midnight after the last."""
        return local_midnight_utc(self.start), local_midnight_utc(self.end + timedelta(days=1))

    def months(self) -> list["Period"]:
        """The calendar months the period touches, each clipped to the period."""
        out, first = [], self.start.replace(day=1)
        while first <= self.end:
            last = _month_end(first.year, first.month)
            out.append(Period(max(first, self.start), min(last, self.end)))
            first = last + timedelta(days=1)
        return out


def _parse_day(raw: str | None, field_name: str, problems: dict[str, str]) -> date | None:
    if raw is None or raw.strip() == "":
        return None
    raw = raw.strip()
    try:
        if not DATE_RE.match(raw):
            raise ValueError
        day = date.fromisoformat(raw)
    except ValueError:
        problems[field_name] = "日期格式须为 YYYY-MM-DD，且须是存在的日期"
        return None
    if not MIN_YEAR <= day.year <= MAX_YEAR:
        problems[field_name] = f"年份须在 {MIN_YEAR}-{MAX_YEAR} 之间"
        return None
    return day


def parse_day(raw: str | None, field_name: str) -> date | None:
    """One date (YYYY-MM-DD) of a form or query, None when left empty; raises Invalid naming
    `field_name` when it is not a real date of 2000-2100."""
    problems: dict[str, str] = {}
    day = _parse_day(raw, field_name, problems)
    require(problems)
    return day


def parse_period(start: str | None, end: str | None, today: date) -> Period:
    """The period of `from` and `to` (YYYY-MM-DD, inclusive).

    Both omitted: this month so far. Only `from`: from then to today. Only `to`: from the first
    of that month. Raises Invalid naming `from` or `to`.
    """
    problems: dict[str, str] = {}
    first = _parse_day(start, "from", problems)
    last = _parse_day(end, "to", problems)
    require(problems)
    if first is None and last is None:
        first, last = today.replace(day=1), today
    elif last is None:
        if first > today:
            require({"from": "起始日期不能晚于今天"})
        last = today
    elif first is None:
        first = last.replace(day=1)
    return _checked(first, last)


def _checked(first: date, last: date) -> Period:
    if last < first:
        require({"to": f"截止日期不能早于起始日期 {first.isoformat()}"})
    if (last - first).days >= MAX_DAYS:
        require({"to": "统计区间不能超过10年"})
    return Period(first, last)


def check_period(first: date | None, last: date | None) -> Period:
    """A period given as two dates (the ledger's API, console page and command line): both
    required, then the same rules as `parse_period`. Raises Invalid naming `from` or `to`."""
    problems: dict[str, str] = {}
    for name, day, missing in (("from", first, "请填写起始日期"), ("to", last, "请填写截止日期")):
        if day is None:
            problems[name] = missing
        elif not MIN_YEAR <= day.year <= MAX_YEAR:
            problems[name] = f"年份须在 {MIN_YEAR}-{MAX_YEAR} 之间"
    require(problems)
    return _checked(first, last)


THIS_MONTH, LAST_MONTH, THIS_QUARTER, THIS_YEAR = "this_month", "last_month", "this_quarter", "this_year"
PRESETS = (THIS_MONTH, LAST_MONTH, THIS_QUARTER, THIS_YEAR)


def preset_period(preset: str, today: date) -> Period:
    """本月, 本季度, 本年: from its first day to `today`, the period so far (as `parse_period`
    takes a period left open; a meeting scheduled later in the month is not yet held). 上月:
    the whole of last month. One meaning for the dashboard, the ledger and the API."""
    if preset == LAST_MONTH:
        last = today.replace(day=1) - timedelta(days=1)
        return Period.month(last.year, last.month)
    if preset == THIS_MONTH:
        return Period(today.replace(day=1), today, so_far=MONTH)
    if preset == THIS_QUARTER:
        return Period(date(today.year, 3 * ((today.month - 1) // 3) + 1, 1), today, so_far=QUARTER)
    if preset == THIS_YEAR:
        return Period(date(today.year, 1, 1), today, so_far=YEAR)
    raise ValueError(preset)
