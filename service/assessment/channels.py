"""Per channel and per meeting: meetings held, issues collected and resolved, and the summary
sentence for the work report. Rules in docs/assessment.md (“渠道与会议”); SQL aggregates only."""
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import case, func, literal, select
from sqlmodel import Session

from models import (
    MEETING_KIND_LABELS,
    Channel,
    Escalation,
    Issue,
    IssueClass,
    IssueClassMember,
    Meeting,
    MeetingKind,
    Satisfaction,
    Status,
)
from service.assessment.periods import MONTH, QUARTER, YEAR, Period
from service.assessment.rates import rate

RESOLVED = (Status.CLOSED, Status.PUBLISHED)   # 已办结: closed after the return visit
SATISFIED = (Satisfaction.SATISFIED, Satisfaction.BASICALLY)
# The order the work report names meetings in (the county's own sentence starts with the forum).
SENTENCE_KINDS = (MeetingKind.FORUM, MeetingKind.BREAKFAST, MeetingKind.EVENING_TEA, MeetingKind.OTHER)
PERIOD_WORDS = {MONTH: "本月", QUARTER: "本季度", YEAR: "本年度"}


@dataclass
class ChannelRow:
    channel: str
    collected: int
    resolved: int
    on_spot: int
    open: int


@dataclass
class MeetingRow:
    meeting_id: int
    kind: str
    title: str
    held_at: datetime
    collected: int
    resolved: int
    on_spot: int


@dataclass
class MonthRow:
    """月度走势: one calendar month of the period (clipped to it), counted exactly as the cards:
    the months add up to the period's totals."""

    month: str       # "2026-11"
    collected: int   # 收集
    resolved: int    # 已办结 (closed after the return visit, or published)
    open: int        # 未办结


@dataclass
class ChannelFigures:
    meetings_by_kind: dict[str, int]
    channels: list[ChannelRow]
    meetings: list[MeetingRow]
    total: int
    resolved: int
    resolution_rate: float | None
    satisfaction_rate: float | None
    rated: int = 0
    satisfied: int = 0     # 满意 + 基本满意
    months: list[MonthRow] = field(default_factory=list)
    # 类案 grouped in the period (by when they were grouped) and the issues they hold
    classes: int = 0
    class_issues: int = 0
    # 提请上级 in the period (issues raised to a higher level then), and those answered by now
    escalated: int = 0
    escalations_answered: int = 0


def _count(condition):
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


def _collected_in(period: Period):
    """Issues collected in the period (by created_at), rejected ones (duplicates, merged, out of
    scope) left out."""
    lo, hi = period.bounds
    return (Issue.created_at >= lo, Issue.created_at < hi, Issue.status != Status.REJECTED)


def _month_bucket(period: Period):
    """The index of the period's calendar month an issue was collected in, by the UTC bounds of
    each local month (23:30 local on a month's last day stays in that month)."""
    months = period.months()
    if len(months) == 1:
        return literal(0)
    return case(*[(Issue.created_at < m.bounds[1], i) for i, m in enumerate(months[:-1])],
                else_=len(months) - 1)


def channel_figures(session: Session, period: Period, now: datetime) -> ChannelFigures:
    """The cards, the channel table and the monthly trend of a period, from one aggregate, so
    that every figure on a page agrees; and the meetings held."""
    lo, hi = period.bounds
    bucket = _month_bucket(period).label("bucket")
    rows = session.execute(select(
        Issue.channel, bucket, func.count(), _count(Issue.status.in_(RESOLVED)),
        _count(Issue.answered_on_spot.is_(True)), _count(Issue.satisfaction.is_not(None)),
        _count(Issue.satisfaction.in_(SATISFIED)),
    ).where(*_collected_in(period)).group_by(Issue.channel, bucket)).all()
    by_channel: dict[str, list[int]] = {}
    by_month: dict[int, list[int]] = {}
    for channel, month, *figures in rows:
        for target, key in ((by_channel, channel), (by_month, int(month))):
            sums = target.setdefault(key, [0] * len(figures))
            for i, value in enumerate(figures):
                sums[i] += int(value)
    months = [MonthRow(f"{m.start.year}-{m.start.month:02d}", n, r, n - r)
              for i, m in enumerate(period.months()) for n, r in [by_month.get(i, [0, 0])[:2]]]
    known = [c.value for c in Channel]
    channels = [ChannelRow(c, n, r, s, n - r) for c in known + sorted(set(by_channel) - set(known))
                for n, r, s, _rated, _sat in [by_channel.get(c, [0, 0, 0, 0, 0])]]

    # A meeting counts as held once its time has come within the period (there is no
    # cancelled state; a planned meeting in the future is not yet held).
    meetings = session.execute(select(Meeting).where(
        Meeting.held_at >= lo, Meeting.held_at < hi, Meeting.held_at <= now,
    ).order_by(Meeting.held_at, Meeting.id)).scalars().all()
    per_meeting = {}
    if meetings:
        per_meeting = {row[0]: [int(v) for v in row[1:]] for row in session.execute(select(
            Issue.meeting_id, func.count(), _count(Issue.status.in_(RESOLVED)),
            _count(Issue.answered_on_spot.is_(True)),
        ).where(Issue.meeting_id.in_([m.id for m in meetings]), Issue.status != Status.REJECTED)
            .group_by(Issue.meeting_id))}
    kinds = Counter(m.kind for m in meetings)

    total = sum(v[0] for v in by_channel.values())
    resolved = sum(v[1] for v in by_channel.values())
    rated = sum(v[3] for v in by_channel.values())
    satisfied = sum(v[4] for v in by_channel.values())
    classes, class_issues = session.execute(
        select(func.count(func.distinct(IssueClass.id)), func.count(IssueClassMember.issue_id))
        .select_from(IssueClass).outerjoin(IssueClassMember, IssueClassMember.class_id == IssueClass.id)
        .where(IssueClass.created_at >= lo, IssueClass.created_at < hi)).one()
    escalated, escalations_answered = escalation_figures(session, period)
    return ChannelFigures(
        meetings_by_kind={k.value: kinds.get(k.value, 0) for k in MeetingKind},
        channels=channels,
        meetings=[MeetingRow(m.id, m.kind, m.title, m.held_at, *per_meeting.get(m.id, [0, 0, 0]))
                  for m in meetings],
        total=total, resolved=resolved, resolution_rate=rate(resolved, total),
        satisfaction_rate=rate(satisfied, rated), rated=rated, satisfied=satisfied, months=months,
        classes=classes, class_issues=class_issues,
        escalated=escalated, escalations_answered=escalations_answered,
    )


def escalation_figures(session: Session, period: Period) -> tuple[int, int]:
    """(issues raised to a higher level in the period, those of them answered by now): by the
    time of the step 提请上级; an issue raised twice in the period counts once, answered when
    its latest escalation of the period was."""
    lo, hi = period.bounds
    latest = (select(Escalation.issue_id, func.max(Escalation.id).label("id"))
              .where(Escalation.at >= lo, Escalation.at < hi).group_by(Escalation.issue_id).subquery())
    n, answered = session.execute(
        select(func.count(), _count(Escalation.answered_at.is_not(None)))
        .select_from(latest).join(Escalation, Escalation.id == latest.c.id)).one()
    return int(n), int(answered)


def hot_spots(session: Session, period: Period, limit: int = 10
              ) -> tuple[list[tuple[str, int]], list[tuple[str, int]]]:
    """The categories and the townships most issues collected in the period came from."""
    def top(column) -> list[tuple[str, int]]:
        n = func.count().label("n")
        stmt = (select(column, n).where(*_collected_in(period), column.is_not(None), column != "")
                .group_by(column).order_by(n.desc(), column).limit(limit))
        return [(name, int(count)) for name, count in session.execute(stmt)]
    return top(Issue.category), top(Issue.township)


def percent(rate: float) -> str:
    """0.875 → "87.5%", 1.0 → "100%": one decimal, none when it is whole. Rounding never makes
    an unfinished 99.97% read as 100% or a few in ten thousand read as 0%."""
    value = min(max(round(rate * 100, 1), 0.1 if rate > 0 else 0.0), 99.9 if rate < 1 else 100.0)
    return f"{value:g}%"


def summary_sentence(period: Period, figures: ChannelFigures) -> str:
    """The sentence for the work report, e.g. “本季度共召开政企面对面恳谈会2次、服务企业早餐会6次，
    收集问题40件，已办结32件，办结率80%，满意率95%，归并类案2类，涉及问题9件，提请上级解决问题2件，
    已答复1件”. Meeting kinds not held are left out, the 类案 when none was grouped in the period,
    and the 提请上级 when none was raised in it."""
    when = PERIOD_WORDS.get(period.shape, "本期")
    held = [f"{MEETING_KIND_LABELS[k]}{figures.meetings_by_kind.get(k.value, 0)}次"
            for k in SENTENCE_KINDS if figures.meetings_by_kind.get(k.value, 0)]
    head = f"{when}共召开{'、'.join(held)}，" if held else f"{when}共"
    escalated = (f"，提请上级解决问题{figures.escalated}件，已答复{figures.escalations_answered}件"
                 if figures.escalated else "")
    if not figures.total:
        return (f"{head}未收集到问题" if held else f"{when}未收集到问题") + escalated
    text = (f"{head}收集问题{figures.total}件，已办结{figures.resolved}件，"
            f"办结率{percent(figures.resolution_rate or 0)}")
    text += "，暂无满意度评价" if figures.satisfaction_rate is None else f"，满意率{percent(figures.satisfaction_rate)}"
    if figures.classes:
        text += f"，归并类案{figures.classes}类，涉及问题{figures.class_issues}件"
    return text + escalated
