"""统计分析: the console's dashboard — the assessment's figures for one period in one place.

The figures themselves are `service.assessment`'s; this module picks the period from the
dashboard's presets and gathers what the page shows, for the roles that may see all of it.
"""
from dataclasses import dataclass
from datetime import date, datetime

from sqlmodel import Session

from models import User
from models.permissions import Permission
from service.assessment import periods
from service.assessment.channels import ChannelFigures, MonthRow, channel_figures, hot_spots, summary_sentence
from service.assessment.periods import Period
from service.assessment.rates import DepartmentRow, department_assessment, flags_now, parse_period
from service.core.errors import require
from service.deadlines.calendar import WorkCalendar, local_date
from service.identity import permissions as access

# The offices and the county leaders see every department; a department sees its report card.
PRESETS = (*periods.PRESETS, "custom")
HOT_SPOTS = 10


def pick_period(preset: str | None, start: str | None, end: str | None, today: date) -> Period:
    """The period of a preset relative to `today`, or of `from`/`to` for `custom`. No preset:
    `custom` when a date is given, else this month. Raises Invalid naming the field at fault."""
    preset = preset or ("custom" if (start or end) else "this_month")
    if preset not in PRESETS:
        require({"preset": "请选择本月、上月、本季度、本年或自定义时段"})
    if preset == "custom":
        return parse_period(start, end, today)
    return periods.preset_period(preset, today)


@dataclass
class Dashboard:
    period: Period
    departments: list[DepartmentRow]     # ranked
    figures: ChannelFigures
    trend: list[MonthRow]
    flags: dict[str, int]                # open issues by colour now, and suspended
    categories: list[tuple[str, int]]    # hot categories (name, issues)
    townships: list[tuple[str, int]]
    sentence: str

    @property
    def ranked(self) -> int:
        return sum(1 for r in self.departments if r.rank is not None)


def months_begun(rows: list, now: datetime) -> list:
    """The months of a trend up to this one: a month still to come would plot as a drop to 0."""
    this_month = f"{local_date(now):%Y-%m}"
    return [r for r in rows if r.month <= this_month]


def may_see(actor: User) -> None:
    access.require(actor, Permission.DASHBOARD)


def dashboard(session: Session, actor: User, period: Period, now: datetime,
              calendar: WorkCalendar) -> Dashboard:
    may_see(actor)
    figures = channel_figures(session, period, now)
    categories, townships = hot_spots(session, period, HOT_SPOTS)
    return Dashboard(period=period, departments=department_assessment(session, period, now),
                     figures=figures, trend=months_begun(figures.months, now),
                     flags=flags_now(session, now, calendar), categories=list(categories),
                     townships=list(townships), sentence=summary_sentence(period, figures))
