"""企业评议: enterprises rate the departments that handled their issues (docs/assessment.md,
“企业评议”).

Once a period the office opens a round. Every enterprise on record (企业库) whose issues a
department led in the period, assigned within it (the department's 交办件, as the assessment
counts them), gets one SMS with a signed link to a phone page that rates each of those
departments 1-5 with a comment. Each enterprise rates each department once; an answer is never
changed. Rounds never overlap, so one enterprise's dealings are never rated twice, and never
cross a quarter's end, so every rating counts in exactly one quarter of the contest.

The results per department (number of ratings, average) feed the 擂台赛 with the weight the
administrator sets, once a department has at least the rules' minimum number of ratings, and
appear on the department's 成绩单. A department sees its own figures, never which enterprise
said what.
"""
import secrets
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from openpyxl.workbook import Workbook
from sqlalchemy import func, select, update
from sqlmodel import Session

from models import (
    RATING_SCORE_LABELS,
    RATING_SCORES,
    Department,
    DepartmentRating,
    Enterprise,
    Issue,
    RatingInvitation,
    RatingRound,
    SmsMessage,
    User,
)
from models.permissions import Permission
from service.assessment.periods import Period, check_period
from service.core import links
from service.core.errors import Conflict, Invalid, NotFound, require
from service.core.masking import mask_phone, masking_of, scrub_text
from service.core.phones import is_mobile
from service.core.xlsx import Column, workbook_bytes, write_table
from service.deadlines.calendar import LOCAL_TZ, WorkCalendar, local_date
from service.identity import permissions as access
from service.reminders.outbox import mobile_digits, opted_out, queue_sms

RATING_LINK = "department-rating"   # the purpose the enterprise's signed link is made for
TITLE_MAX, COMMENT_MAX = 100, 300
ANSWER_DAYS = 10                     # working days to answer, unless the office gives a date
MAX_ANSWER_SPAN = timedelta(days=60)
LOW = 2                              # a score this low needs a reason
SKIP_REASONS = {"no_mobile": "企业库和反映记录中没有手机号", "opted_out": "该手机号已回复退订（TD）"}


# --- who is asked -----------------------------------------------------------------------------

def dealings(session: Session, period: Period) -> dict[int, dict[int, int]]:
    """enterprise id → {department id: issues it led for the enterprise, assigned in the period}."""
    lo, hi = period.bounds
    rows = session.execute(
        select(Issue.enterprise_id, Issue.lead_department_id, func.count())
        .where(Issue.enterprise_id.is_not(None), Issue.lead_department_id.is_not(None),
               Issue.assigned_at >= lo, Issue.assigned_at < hi)
        .group_by(Issue.enterprise_id, Issue.lead_department_id)).all()
    out: dict[int, dict[int, int]] = defaultdict(dict)
    for enterprise_id, department_id, count in rows:
        out[enterprise_id][department_id] = int(count)
    return dict(out)


def _phone_for(session: Session, enterprise: Enterprise, period: Period) -> str | None:
    """The enterprise's contact mobile, else the mobile of its latest reporter in the period."""
    candidates = [enterprise.contact_phone]
    lo, hi = period.bounds
    candidates += session.execute(
        select(Issue.reporter_phone).where(Issue.enterprise_id == enterprise.id, Issue.assigned_at >= lo,
                                           Issue.assigned_at < hi, Issue.reporter_phone.is_not(None))
        .order_by(Issue.assigned_at.desc(), Issue.id.desc())).scalars().all()
    for phone in candidates:
        digits = mobile_digits(phone)
        if digits and is_mobile(digits):
            return digits
    return None


def _overlapping(session: Session, period: Period) -> RatingRound | None:
    return session.execute(select(RatingRound).where(
        RatingRound.period_from <= period.end, RatingRound.period_to >= period.start)
        .order_by(RatingRound.id).limit(1)).scalars().first()


def _quarter(day: date) -> tuple[int, int]:
    return day.year, (day.month - 1) // 3 + 1


def round_code(rnd: RatingRound) -> str:
    """The round's short reference in its SMS (two texts to one number never read alike)."""
    return f"PY{rnd.id:04d}"


def _invite_params(rnd: RatingRound, departments: int, public_base: str, secret: str, nonce: str) -> dict:
    return {"code": round_code(rnd), "period": Period(rnd.period_from, rnd.period_to).label, "count": departments,
            "due": rnd.answer_by.isoformat(), "link": f"{public_base}/rate/{links.sign(secret, RATING_LINK, nonce)}"}


def default_title(period: Period) -> str:
    return f"{period.label}企业评议部门服务"


def open_round(session: Session, actor: User | None, first: date | None, last: date | None,
               answer_by: date | None, title: str | None, now: datetime, calendar: WorkCalendar,
               public_base: str, secret: str) -> RatingRound:
    """The office opens a round over a finished period: every enterprise that dealt with
    departments in it is sent its link (queued in the outbox, in this transaction). Commits."""
    access.require(actor, Permission.RATING_RUN)
    today = local_date(now)
    period = check_period(first, last)
    problems = {}
    if period.end >= today:
        problems["to"] = "评议区间须已结束：截止日期须早于今天"
    elif _quarter(period.start) != _quarter(period.end):
        problems["to"] = "评议区间不能跨季度：评议结果按季度计入擂台赛，请按季度（或季度内的月份）分别发起"
    title = (title or "").strip() or default_title(period)
    if len(title) > TITLE_MAX:
        problems["title"] = f"标题不能超过{TITLE_MAX}字（现{len(title)}字）"
    answer_by = answer_by or calendar.add_working_days(today, ANSWER_DAYS)
    if answer_by < today:
        problems["answer_by"] = "评议截止日期不能早于今天"
    elif answer_by > today + MAX_ANSWER_SPAN:
        problems["answer_by"] = f"评议截止日期不能晚于{(today + MAX_ANSWER_SPAN).isoformat()}（60天内）"
    require(problems)
    clash = _overlapping(session, period)
    if clash is not None:
        message = (f"与已发起的“{clash.title}”（{clash.period_from.isoformat()}至{clash.period_to.isoformat()}）"
                   "区间重叠：同一企业的办理不能重复评议")
        raise Conflict(message, {"from": message}, code="rating_round_overlap")
    dealt = dealings(session, period)
    if not dealt:
        raise Invalid("该区间没有交办给部门的企业库企业问题，无需评议",
                      {"from": "该区间没有交办给部门的企业库企业问题，无需评议"})
    rnd = RatingRound(title=title, period_from=period.start, period_to=period.end, answer_by=answer_by,
                      opened_by_id=actor.id if actor else None, opened_at=now, skipped=[])
    session.add(rnd)
    session.flush()
    skipped = []
    for enterprise in session.execute(select(Enterprise).where(Enterprise.id.in_(dealt))
                                      .order_by(Enterprise.id)).scalars():
        phone = _phone_for(session, enterprise, period)
        reason = "no_mobile" if phone is None else "opted_out" if opted_out(session, phone) else None
        if reason:
            skipped.append({"enterprise_id": enterprise.id, "reason": reason})
            continue
        nonce = secrets.token_urlsafe(12)
        invitation = RatingInvitation(round_id=rnd.id, enterprise_id=enterprise.id, phone=phone, nonce=nonce,
                                      sent_at=now)
        session.add(invitation)
        session.flush()
        departments = dealt[enterprise.id]
        for department_id, count in sorted(departments.items()):
            session.add(DepartmentRating(round_id=rnd.id, invitation_id=invitation.id,
                                         department_id=department_id, issues=count))
        queue_sms(session, dedupe_key=f"rating:{rnd.id}:{enterprise.id}", phone=phone, kind="enterprise",
                  template="rating_invite", issue_id=None, now=now,
                  params=_invite_params(rnd, len(departments), public_base, secret, nonce))
    if len(skipped) == len(dealt):
        session.rollback()
        raise Invalid("该区间有问题的企业都没有可用的手机号（或已退订），无法发送评议短信",
                      {"from": "该区间有问题的企业都没有可用的手机号（或已退订），无法发送评议短信"})
    rnd.skipped = skipped
    session.add(rnd)
    session.commit()
    return rnd


def remind(session: Session, actor: User | None, round_id: int, now: datetime, public_base: str,
           secret: str) -> int:
    """The office sends the link again to every enterprise that has not rated all its departments
    yet, while the round is open; at most once a day per enterprise (a second press the same day
    sends nothing). Commits. Returns how many were queued."""
    access.require(actor, Permission.RATING_RUN)
    rnd = session.get(RatingRound, round_id)
    if rnd is None:
        raise NotFound("没有这一轮企业评议")
    if now >= closes_at(rnd):
        raise Conflict(f"本次评议已于{rnd.answer_by.isoformat()}截止，不能再提醒", code="rating_closed")
    waiting = select(DepartmentRating.invitation_id).where(DepartmentRating.round_id == rnd.id,
                                                           DepartmentRating.score.is_(None))
    today, queued = local_date(now), 0
    for invitation in session.execute(select(RatingInvitation).where(RatingInvitation.id.in_(waiting))
                                      .order_by(RatingInvitation.id)).scalars():
        key = f"rating:{rnd.id}:{invitation.enterprise_id}:{today.isoformat()}"
        if opted_out(session, invitation.phone) or session.execute(
                select(SmsMessage.id).where(SmsMessage.dedupe_key == key)).first():
            continue
        count = session.execute(select(func.count()).where(DepartmentRating.invitation_id == invitation.id)).scalar()
        queue_sms(session, dedupe_key=key, phone=invitation.phone, kind="enterprise", template="rating_invite",
                  issue_id=None, now=now, params=_invite_params(rnd, count, public_base, secret, invitation.nonce))
        queued += 1
    session.commit()
    return queued


# --- the enterprise's page ---------------------------------------------------------------------

def by_token(session: Session, secret: str, token: str) -> RatingInvitation:
    return links.row_of(session, RatingInvitation, secret, RATING_LINK, token, "rating_not_found")


def closes_at(rnd: RatingRound) -> datetime:
    """The end of the round's last day, county time."""
    return datetime.combine(rnd.answer_by + timedelta(days=1), time(0), tzinfo=LOCAL_TZ)


@dataclass(frozen=True)
class PageIssue:
    code: str
    title: str


@dataclass(frozen=True)
class PageDepartment:
    department_id: int
    name: str
    issues: list[PageIssue]
    score: int | None
    comment: str | None


@dataclass(frozen=True)
class RatingPage:
    token: str
    title: str
    period_label: str
    answer_by: date
    departments: list[PageDepartment]
    answerable: bool        # something left to rate, and the round still open
    finished: bool          # every department rated

    @property
    def pending(self) -> list[PageDepartment]:
        return [d for d in self.departments if d.score is None]


def _ratings(session: Session, invitation_id: int) -> list[tuple[DepartmentRating, str]]:
    return list(session.execute(
        select(DepartmentRating, Department.name).join(Department, Department.id == DepartmentRating.department_id)
        .where(DepartmentRating.invitation_id == invitation_id).order_by(DepartmentRating.department_id)).all())


def rating_page(session: Session, secret: str, token: str, now: datetime) -> RatingPage:
    """What the enterprise's link shows: the departments to rate, with the codes and titles of
    the issues each handled (titles masked as on the public side: the link may be passed on)."""
    invitation = by_token(session, secret, token)
    rnd = session.get(RatingRound, invitation.round_id)
    period = Period(rnd.period_from, rnd.period_to)
    lo, hi = period.bounds
    issues: dict[int, list[PageIssue]] = defaultdict(list)
    for issue in session.execute(select(Issue).where(
            Issue.enterprise_id == invitation.enterprise_id, Issue.assigned_at >= lo, Issue.assigned_at < hi,
            Issue.lead_department_id.is_not(None)).order_by(Issue.assigned_at, Issue.id)).scalars():
        issues[issue.lead_department_id].append(
            PageIssue(issue.code, scrub_text(issue.title, **masking_of(issue)) or ""))
    departments = [PageDepartment(r.department_id, name, issues.get(r.department_id, []), r.score, r.comment)
                   for r, name in _ratings(session, invitation.id)]
    finished = all(d.score is not None for d in departments)
    return RatingPage(token=token, title=rnd.title, period_label=period.label, answer_by=rnd.answer_by,
                      departments=departments, answerable=not finished and now < closes_at(rnd),
                      finished=finished)


def _score(raw) -> int | None:
    if isinstance(raw, bool):
        return None
    if isinstance(raw, str) and raw.strip().isdigit():
        raw = int(raw.strip())
    return raw if isinstance(raw, int) and raw in RATING_SCORES else None


def answer(session: Session, secret: str, token: str, ratings: dict[int, dict], now: datetime) -> RatingPage:
    """The enterprise rates every department it has not rated yet: {department id: {"score":
    1-5, "comment": text}}. A score of 1 or 2 needs a reason. A department already rated keeps
    its rating (409). Commits."""
    invitation = by_token(session, secret, token)
    rnd = session.get(RatingRound, invitation.round_id)
    if now >= closes_at(rnd):
        raise Conflict(f"本次评议已于{rnd.answer_by.isoformat()}截止", code="rating_closed")
    rows = _ratings(session, invitation.id)
    pending = [(r, name) for r, name in rows if r.score is None]
    if not pending:
        raise Conflict("您已完成本次评议，每个部门只能评价一次", code="rating_done")
    known = {r.department_id for r, _ in rows}
    problems = {}
    for department_id in ratings:
        if department_id not in known:
            problems[f"score_{department_id}"] = "该部门不在本次评议范围内"
        elif department_id not in {r.department_id for r, _ in pending}:
            problems[f"score_{department_id}"] = "您已评价过该部门，每个部门只能评价一次"
    chosen = {}
    for r, name in pending:
        given = ratings.get(r.department_id) or {}
        score = _score(given.get("score"))
        comment = given.get("comment")
        comment = comment.strip() if isinstance(comment, str) else None
        if score is None:
            problems[f"score_{r.department_id}"] = f"请为{name}打分（1至5分）"
        elif score <= LOW and not comment:
            problems[f"comment_{r.department_id}"] = f"给{name}打{score}分，请写明不满意的原因，便于部门改进"
        if comment and len(comment) > COMMENT_MAX:
            problems[f"comment_{r.department_id}"] = f"对{name}的意见不能超过{COMMENT_MAX}字（现{len(comment)}字）"
        chosen[r.id] = (score, comment or None)
    require(problems)
    for rating_id, (score, comment) in chosen.items():
        done = session.execute(update(DepartmentRating).where(
            DepartmentRating.id == rating_id, DepartmentRating.score.is_(None),
        ).values(score=score, comment=comment, answered_at=now))
        if done.rowcount != 1:  # answered meanwhile from another tab or phone
            session.rollback()
            raise Conflict("您已完成本次评议，每个部门只能评价一次", code="rating_done")
    session.commit()
    return rating_page(session, secret, token, now)


# --- results ------------------------------------------------------------------------------------

@dataclass
class DepartmentResult:
    department_id: int
    name: str
    asked: int                      # enterprises asked to rate it
    rated: int                      # ratings given
    total: int = 0
    counts: dict[int, int] = field(default_factory=lambda: dict.fromkeys(RATING_SCORES, 0))

    @property
    def average(self) -> float | None:
        return round(self.total / self.rated, 2) if self.rated else None

    @property
    def low(self) -> int:
        return sum(n for s, n in self.counts.items() if s <= LOW)


def _results(session: Session, *where) -> list[DepartmentResult]:
    out: dict[int, DepartmentResult] = {}
    rows = session.execute(
        select(DepartmentRating.department_id, Department.name, DepartmentRating.score, func.count())
        .join(Department, Department.id == DepartmentRating.department_id).where(*where)
        .group_by(DepartmentRating.department_id, Department.name, DepartmentRating.score)).all()
    for department_id, name, score, count in rows:
        result = out.setdefault(department_id, DepartmentResult(department_id, name, 0, 0))
        result.asked += count
        if score is not None:
            result.rated += count
            result.total += score * count
            result.counts[score] += count
    return sorted(out.values(), key=lambda r: (r.average is None, -(r.average or 0), -r.rated, r.department_id))


def round_results(session: Session, round_id: int) -> list[DepartmentResult]:
    return _results(session, DepartmentRating.round_id == round_id)


def period_results(session: Session, period: Period) -> dict[int, DepartmentResult]:
    """Per department, the ratings of every round whose period lies within `period` (the
    contest's quarter, a 成绩单's period)."""
    inside = select(RatingRound.id).where(RatingRound.period_from >= period.start,
                                          RatingRound.period_to <= period.end)
    return {r.department_id: r for r in _results(session, DepartmentRating.round_id.in_(inside))}


@dataclass
class RoundSummary:
    round: RatingRound
    asked: int
    answered: int      # enterprises that rated every department
    skipped: int


def rounds(session: Session, actor: User | None) -> list[RoundSummary]:
    access.require(actor, Permission.RATING_READ)
    found = session.execute(select(RatingRound).order_by(RatingRound.period_from.desc(),
                                                         RatingRound.id.desc())).scalars().all()
    asked = dict(session.execute(select(RatingInvitation.round_id, func.count())
                                 .group_by(RatingInvitation.round_id)).all())
    waiting = (select(DepartmentRating.invitation_id).where(DepartmentRating.score.is_(None)))
    answered = dict(session.execute(select(RatingInvitation.round_id, func.count())
                                    .where(RatingInvitation.id.not_in(waiting))
                                    .group_by(RatingInvitation.round_id)).all())
    return [RoundSummary(r, int(asked.get(r.id, 0)), int(answered.get(r.id, 0)), len(r.skipped or []))
            for r in found]


@dataclass(frozen=True)
class EnterpriseLine:
    """One enterprise's answer about one department (the office's view)."""
    enterprise_id: int
    enterprise_name: str
    phone: str | None          # masked
    department_name: str
    issues: int
    score: int | None
    comment: str | None
    answered_at: datetime | None


@dataclass
class RoundDetail:
    round: RatingRound
    results: list[DepartmentResult]
    lines: list[EnterpriseLine]           # only for those who may open rounds (the office)
    skipped: list[tuple[str, str]]        # (enterprise name, reason), the office only
    asked: int
    answered: int
    may_see_enterprises: bool
    closed: bool

    @property
    def period(self) -> Period:
        return Period(self.round.period_from, self.round.period_to)


def round_detail(session: Session, actor: User | None, round_id: int, now: datetime) -> RoundDetail:
    access.require(actor, Permission.RATING_READ)
    rnd = session.get(RatingRound, round_id)
    if rnd is None:
        raise NotFound("没有这一轮企业评议")
    office = access.may(actor, Permission.RATING_RUN)
    rows = session.execute(
        select(DepartmentRating, RatingInvitation, Enterprise.name, Department.name)
        .join(RatingInvitation, RatingInvitation.id == DepartmentRating.invitation_id)
        .join(Enterprise, Enterprise.id == RatingInvitation.enterprise_id)
        .join(Department, Department.id == DepartmentRating.department_id)
        .where(DepartmentRating.round_id == rnd.id)
        .order_by(Enterprise.name, Department.name)).all()
    lines = [EnterpriseLine(inv.enterprise_id, enterprise, mask_phone(inv.phone), department, r.issues, r.score,
                            r.comment, r.answered_at) for r, inv, enterprise, department in rows]
    pending = {line.enterprise_id for line in lines if line.score is None}
    invited = {line.enterprise_id for line in lines}
    names = dict(session.execute(select(Enterprise.id, Enterprise.name).where(
        Enterprise.id.in_([s["enterprise_id"] for s in rnd.skipped or []]))).all())
    skipped = [(names.get(s["enterprise_id"], "—"), SKIP_REASONS.get(s["reason"], s["reason"]))
               for s in rnd.skipped or []]
    return RoundDetail(round=rnd, results=round_results(session, rnd.id), lines=lines if office else [],
                       skipped=skipped if office else [], asked=len(invited), answered=len(invited - pending),
                       may_see_enterprises=office, closed=now >= closes_at(rnd))


# --- the workbook -------------------------------------------------------------------------------

RESULT_COLUMNS = (Column("部门", 20), Column("邀请企业", 10, "int"), Column("评价数", 10, "int"),
                  Column("平均分", 10), *(Column(f"{s}分", 8, "int") for s in sorted(RATING_SCORES, reverse=True)))
LINE_COLUMNS = (Column("企业", 28), Column("手机", 14), Column("部门", 20), Column("问题数", 8, "int"),
                Column("评分", 8), Column("意见", 40, "wrap"), Column("评价时间", 18, "datetime"))


def round_workbook(detail: RoundDetail) -> bytes:
    """The round's results per department, and for the office each enterprise's answers (text
    written as text, never as formulas)."""
    wb = Workbook()
    ws = wb.active
    ws.title = "部门结果"
    rnd = detail.round
    write_table(ws, RESULT_COLUMNS,
                [(r.name, r.asked, r.rated, "—" if r.average is None else r.average,
                  *(r.counts[s] for s in sorted(RATING_SCORES, reverse=True))) for r in detail.results],
                title=rnd.title,
                note=f"评议区间：{rnd.period_from.isoformat()}至{rnd.period_to.isoformat()}；"
                     f"邀请{detail.asked}家企业，{detail.answered}家已完成评议；5分制")
    if detail.may_see_enterprises:
        write_table(wb.create_sheet("企业评价"), LINE_COLUMNS,
                    [(x.enterprise_name, x.phone or "", x.department_name, x.issues,
                      "未评价" if x.score is None else x.score, x.comment or "", x.answered_at)
                     for x in detail.lines], title=f"{rnd.title}：企业评价明细")
    return workbook_bytes(wb)


def score_label(score: int | None) -> str:
    return "未评价" if score is None else f"{score}分（{RATING_SCORE_LABELS[score]}）"
