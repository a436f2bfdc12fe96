"""复查: the supervision office's half-monthly re-inspection of closed issues (docs/assessment.md,
“复查与问责”).

A half-month's sample holds every issue closed (or published) in it that was ever reopened or
judged late, and a share of the rest drawn at random with a seed kept in the sample, so the
draw can be shown again. A half-month is drawn once: drawing it again answers the stored
sample. Each member's verdict is the workflow step `recheck` (service.workflow.transition):
属实 changes nothing, 不属实 reopens the issue and counts against the department.
"""
import math
import random
import secrets
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import and_, exists, or_, select
from sqlmodel import Session

from models import (
    DeadlineJudgement,
    Issue,
    RecheckMember,
    RecheckReason,
    RecheckSample,
    RecheckVerdict,
    Status,
    User,
)
from models.permissions import Permission
from service.assessment.periods import Period
from service.core.errors import Invalid, NotFound
from service.deadlines.calendar import local_date
from service.identity import permissions as access
from service.workflow.queries import department_names
from service.workflow.transition import WorkflowOptions, transition

DEFAULT_SHARE = 0.20
FIRST_DAY = date(2000, 1, 1)


def _check_share(share) -> float:
    if isinstance(share, bool) or not isinstance(share, int | float) or not 0 <= share <= 1 \
            or not math.isfinite(share):
        raise Invalid("抽查比例须为0%至100%之间的数", {"share": "抽查比例须为0%至100%之间的数"})
    return float(share)


def half_month_of(day: date, now: datetime) -> Period:
    """The half-month containing `day`, once it has ended (its last issues are closed by then)."""
    if day < FIRST_DAY:
        raise Invalid(f"日期不能早于{FIRST_DAY.isoformat()}", {"day": f"日期不能早于{FIRST_DAY.isoformat()}"})
    period = Period.half_month(day)
    if period.end >= local_date(now):
        message = f"{period.label}尚未结束，结束后才能抽取复查样本"
        raise Invalid(message, {"day": message})
    return period


def _pool(session: Session, period: Period) -> list[tuple[int, str | None]]:
    """(issue id, why it must be drawn) of the issues closed or published in the half-month and
    closed or published now; None for those drawn only by chance."""
    lo, hi = period.bounds
    late = exists().where(DeadlineJudgement.issue_id == Issue.id, DeadlineJudgement.on_time.is_(False))
    rows = session.execute(select(Issue.id, Issue.reopen_count, late).where(
        Issue.status.in_((Status.CLOSED, Status.PUBLISHED)),
        or_(and_(Issue.closed_at >= lo, Issue.closed_at < hi),
            and_(Issue.published_at >= lo, Issue.published_at < hi)),
    ).order_by(Issue.id)).all()
    return [(i, RecheckReason.REOPENED if reopens else RecheckReason.LATE if was_late else None)
            for i, reopens, was_late in rows]


def draw(pool: list[tuple[int, str | None]], share: float, seed: int) -> list[tuple[int, str]]:
    """The sample of `pool`: every issue that must be drawn, and ⌈share × the rest⌉ of the rest
    chosen by `seed` (the same pool, share and seed always give the same sample)."""
    must = [(i, why) for i, why in pool if why]
    rest = [i for i, why in pool if not why]
    picked = random.Random(seed).sample(rest, math.ceil(round(share * len(rest), 6)))
    return sorted(must + [(i, RecheckReason.DRAWN) for i in picked])


def draw_sample(session: Session, actor: User | None, day: date, share: float | None,
                now: datetime) -> tuple[RecheckSample, bool]:
    """(sample, created): the half-month's sample, drawn now or as stored. Commits."""
    access.require(actor, Permission.RECHECK_DRAW)
    share = DEFAULT_SHARE if share is None else _check_share(share)
    period = half_month_of(day, now)
    stored = _stored(session, period)
    if stored is not None:
        return stored, False
    pool = _pool(session, period)
    sample = RecheckSample(period_start=period.start, period_end=period.end, share=share,
                           seed=secrets.randbelow(2**31), pool=len(pool),
                           drawn_by_id=actor.id if actor else None, drawn_at=now)
    session.add(sample)
    session.flush()
    departments = dict(session.execute(select(Issue.id, Issue.lead_department_id).where(
        Issue.id.in_([i for i, _ in pool]))).all()) if pool else {}
    session.add_all(RecheckMember(sample_id=sample.id, issue_id=i, reason=why, department_id=departments.get(i))
                    for i, why in draw(pool, share, sample.seed))
    session.commit()
    return sample, True


def _stored(session: Session, period: Period) -> RecheckSample | None:
    return session.execute(select(RecheckSample).where(RecheckSample.period_start == period.start)).scalars().first()


# --- reading --------------------------------------------------------------------------------

@dataclass
class MemberRow:
    member: RecheckMember
    code: str
    title: str
    status: str
    department: str | None
    closed_at: datetime | None
    may_decide: bool


@dataclass
class SampleView:
    sample: RecheckSample
    period: Period
    members: list[MemberRow]

    @property
    def decided(self) -> int:
        return sum(1 for m in self.members if m.member.verdict)

    @property
    def not_true(self) -> int:
        return sum(1 for m in self.members if m.member.verdict == RecheckVerdict.FALSE)


def samples(session: Session, actor: User | None, limit: int = 24) -> list[RecheckSample]:
    """The latest samples, newest half-month first."""
    access.require(actor, Permission.RECHECK_READ)
    return list(session.execute(select(RecheckSample).order_by(RecheckSample.period_start.desc())
                                .limit(limit)).scalars())


def sample_view(session: Session, actor: User | None, sample_id: int) -> SampleView:
    access.require(actor, Permission.RECHECK_READ)
    sample = session.get(RecheckSample, sample_id)
    if sample is None:
        raise NotFound("没有这个复查样本", code="sample_not_found")
    rows = session.execute(select(RecheckMember, Issue).join(Issue, Issue.id == RecheckMember.issue_id)
                           .where(RecheckMember.sample_id == sample.id).order_by(RecheckMember.id)).all()
    names = department_names(session, {m.department_id for m, _ in rows if m.department_id})
    may_decide = access.may(actor, Permission.RECHECK_DRAW)
    members = [MemberRow(member=m, code=i.code, title=i.title, status=i.status, department=names.get(m.department_id),
                         closed_at=i.closed_at,
                         may_decide=may_decide and m.verdict is None and i.status in (Status.CLOSED, Status.PUBLISHED))
               for m, i in rows]
    return SampleView(sample=sample, period=Period(sample.period_start, sample.period_end), members=members)


def decide(session: Session, actor: User, member_id: int, verdict: str | None, note: str | None,
           now: datetime, options: WorkflowOptions = WorkflowOptions()) -> RecheckMember:
    """The verdict on one member, through the workflow step `recheck` (its event on the issue's
    timeline; 不属实 reopens the issue). Commits, or raises having changed nothing."""
    access.require(actor, Permission.RECHECK_READ)
    member = session.get(RecheckMember, member_id)
    if member is None:
        raise NotFound("没有这条复查记录", code="member_not_found")
    if member.verdict is not None:
        raise Invalid("这件问题已经复查过了", {"verdict": "这件问题已经复查过了"})
    transition(session, actor, member.issue_id, "recheck", {"verdict": verdict, "note": note, "member_id": member.id},
               now, options)
    session.refresh(member)
    return member
