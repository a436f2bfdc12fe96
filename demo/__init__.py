"""The demo county (秦川县): departments, users of every role, meetings, and issues that have
run the loop at past moments, every step taken through the service layer.

Each issue follows a scenario (published, overdue, extended, reopened, …). The scenarios are
generators of acts; the acts of all issues are performed in time order, so codes, timeline
events and SMS rows are numbered in the order they happened.

The package, each module importing only from those above it in this list: `texts` (people, places
and phrases), `topics` (the kinds of problem raised), `county` (directory, meetings, plans, acts),
`walk` (one issue's history), `scenarios` (the histories an issue may follow), `register` (the
enterprise register, 包保 and month-end visits) and this module,
which seeds the county.
"""
import heapq
import random
import secrets
from datetime import datetime, timedelta

from sqlalchemy import func, select, update
from sqlmodel import Session

from demo.county import DEMO_PASSWORD, Act, County, _at_local
from demo.register import seed_register
from demo.scenarios import SCENARIOS
from demo.texts import DEPARTMENTS, LISTED_DEPARTMENTS, LOW_RATINGS, RATING_COMMENTS, STAFF
from demo.walk import NightlyRounds, Walk
from models import (
    ROLE_LABELS,
    Department,
    DepartmentRating,
    Issue,
    IssueReport,
    Notice,
    RatingInvitation,
    Role,
    SmsMessage,
    SmsStatus,
    User,
)
from service.assessment import contest, ratings
from service.assessment.periods import Period
from service.core import links
from service.core.errors import Conflict
from service.deadlines.calendar import WEEKDAYS, local_date
from service.disclosure import batches
from service.disclosure.public import public_issues
from service.intake.categories import seed_defaults as seed_categories
from service.matching import repeats, suggestions
from service.supervision import accountability, recheck
from service.workflow import leader_reports
from service.workflow.sms_ratings import MERGED_RATED, record_reply
from service.workflow.transition import OUTCOME_STANDS

__all__ = ["DEMO_PASSWORD", "DEMO_PUBLIC_BASE", "demo_logins", "has_data", "has_demo_users", "seed"]

DEMO_PUBLIC_BASE = "http://127.0.0.1:5000"  # where `make run` serves the county


def demo_logins() -> list[tuple[str, str, str]]:
    """(username, role, department) of the main demo logins; all share DEMO_PASSWORD."""
    rows = [(u, f"{ROLE_LABELS[r]}（{post}）" if r == Role.LEADER else ROLE_LABELS[r], "")
            for u, r, _, post in STAFF]
    names = {code: name for code, name, _ in DEPARTMENTS}
    rows += [(f"dept_{code}", ROLE_LABELS[Role.DEPARTMENT], names[code]) for code in LISTED_DEPARTMENTS]
    return rows


def has_data(session: Session) -> bool:
    return any(session.execute(select(model.id).limit(1)).first() for model in (Department, User))


def has_demo_users(session: Session) -> bool:
    """Whether the logins of `demo_logins()` exist, so that they may be shown."""
    names = [username for username, _, _ in demo_logins()]
    found = session.execute(select(func.count()).select_from(User)
                            .where(User.username.in_(names))).scalar_one()
    return found == len(names)


def seed(session: Session, now: datetime, issue_count: int = 240, link_secret: str | None = None,
         public_base: str = DEMO_PUBLIC_BASE) -> str:
    """Load the demo county into an empty database; returns a one-line summary. `link_secret`
    and `public_base` make the links texted to the enterprises (企业评议): the service's
    SECRET_KEY and address, so that they open on it; without a secret, a throw-away one."""
    if has_data(session):
        raise Conflict("数据库中已有部门或用户，演示数据只能加载到空数据库", code="not_empty")
    seed_categories(session)
    county = County(session, now, random.Random(2026))
    county.add_departments()
    county.add_users()
    county.add_meetings()
    first_sms = session.execute(select(func.coalesce(func.max(SmsMessage.id), 0))).scalar_one()
    walks = [Walk(county, plan, n) for n, plan in enumerate(county.plan_issues(issue_count, SCENARIOS))]
    _perform_in_time_order(county, [*walks, NightlyRounds(county)])
    _merged_reporters_rate(session, now)
    seed_register(session, now, random.Random(2027))
    _leaders_read_reports(session, now, random.Random(17))
    _add_recheck(session, county, now)
    _staff_read_notices(session, now)
    _add_rating_round(session, county, now, link_secret or secrets.token_hex(32), public_base, random.Random(31))
    _mark_history_sent(session, first_sms)
    _add_disclosure_batch(session, county, now)
    _add_repeat_calls(session, county, now)
    _add_contest(session, county, now)
    suggestions.train(session, now)
    return (f"部门{len(county.depts)}个、用户{len(county.users)}个、会议{len(county.meetings)}次、"
            f"问题{len(walks)}件")


# Callers who rang again about an issue already being handled (重复反映), linked to it.
REPEAT_CALLS = (("13891550218", "任志刚", "又来电询问办理进度，希望尽快解决。"),
                ("15991552306", "孟丽", "同园区另一家企业反映同样的问题。"),
                ("18691557714", "白建华", "第三次来电，问题仍未解决。"))


def _add_repeat_calls(session: Session, county: County, now: datetime) -> None:
    operator = county.users["huawu"]
    open_ids = list(session.execute(select(Issue.id).where(Issue.status.in_(("assigned", "in_progress")))
                                    .order_by(Issue.id.desc()).limit(2)).scalars())
    for n, (phone, name, said) in enumerate(REPEAT_CALLS):
        if open_ids:
            repeats.link_repeat(session, operator, open_ids[min(n, len(open_ids) - 1)],
                                {"channel": "hotline", "content": said,
                                 "reporter": {"phone": phone, "name": name, "org": None}},
                                now - timedelta(hours=3 - n))


# What the first reporters of merged issues texted back about the main issue's outcome.
MERGED_RATINGS = ("3", "1", "2")


def _merged_reporters_rate(session: Session, now: datetime) -> None:
    """A few reporters of issues merged into another answer the main issue's 办结答复 text by SMS
    reply this morning; the first is not satisfied."""
    told = session.execute(select(SmsMessage.recipient_phone).join(Issue, Issue.id == SmsMessage.issue_id)
                           .where(SmsMessage.template == "merged_outcome", Issue.status.in_(OUTCOME_STANDS))
                           .order_by(SmsMessage.id)).scalars().all()
    rated = 0
    for phone in told:
        if rated == len(MERGED_RATINGS):
            break
        when = now - timedelta(hours=len(MERGED_RATINGS) - rated)
        result = record_reply(session, phone, MERGED_RATINGS[rated], f"demo-merged-{rated}", when)
        rated += result.outcome == MERGED_RATED


# --- running the histories ------------------------------------------------------------------

def _perform_in_time_order(county: County, walks: list[Walk]) -> None:
    """Take the acts of all walks earliest first, so ids follow the county's own chronology."""
    queue: list[tuple[datetime, int, Act, Walk]] = []

    def push(walk: Walk) -> None:
        act = next(walk.acts, None)
        if act is not None:
            heapq.heappush(queue, (act.at, walk.n, act, walk))

    for walk in walks:
        push(walk)
    while queue:
        _, _, act, walk = heapq.heappop(queue)
        walk.issue = county.perform(act, walk.issue)
        push(walk)


def _leaders_read_reports(session: Session, now: datetime, rng: random.Random) -> None:
    """Most reports of more than two days ago have been read by their leader, a day after they
    came; the recent ones and a few older ones are unread."""
    for report in session.execute(select(IssueReport).order_by(IssueReport.id)).scalars().all():
        leader = session.get(User, report.leader_id) if report.leader_id else None
        if leader is not None and report.at < now - timedelta(days=2) and rng.random() < 0.8:
            leader_reports.mark_read(session, leader, report.id, report.at + timedelta(days=1))


def _staff_read_notices(session: Session, now: datetime) -> None:
    """The notices the walks gave the office, the departments and the leaders: those of more
    than three days ago were read the day after they came; the recent ones are still unread."""
    for notice in session.execute(select(Notice).where(Notice.created_at < now - timedelta(days=3))).scalars():
        notice.read_at = min(notice.created_at + timedelta(days=1), now)
        session.add(notice)
    session.commit()


def _add_disclosure_batch(session: Session, county: County, now: datetime) -> None:
    """公示批次 of the last month's published issues, in its 公示期, with two objections: one
    answered by the office, one awaiting its answer."""
    today = local_date(now)
    since = now - timedelta(days=45)
    ids = list(session.execute(public_issues().where(Issue.published_at >= since)
                               .with_only_columns(Issue.id).order_by(Issue.id).limit(12)).scalars())
    if not ids:
        return
    office = county.users["yingshang"]
    batch = batches.create_batch(session, office, {
        "title": f"{today.year}年第{today.month}期服务企业早餐会问题办理情况公示", "issue_ids": ids,
        "starts_on": today - timedelta(days=2), "ends_on": today + timedelta(days=5)}, now - timedelta(days=2))
    code = session.get(Issue, ids[0]).code
    first = batches.raise_objection(session, batch.id, {
        "issue_code": code, "name": "马建军", "phone": "13991500101",
        "content": "公示说问题已解决，但厂区门口路段雨天仍然积水，请再核实。"}, now - timedelta(days=1))
    batches.answer_objection(session, office, first.id, "经县营商办会同承办部门现场复核，积水路段排水管已疏通，"
                             "并纳入汛期巡查；如仍有积水请拨打 12345 反映。", now - timedelta(hours=3))
    later = {"phone": "13891500202", "content": "建议公示时写明整改完成的具体日期。"}
    batches.raise_objection(session, batch.id, later, now - timedelta(hours=1))


def _add_recheck(session: Session, county: County, now: datetime) -> None:
    """复查 and 问责: the supervision office's sample of the last ended half-month, one of its
    issues found 不属实 (back to its department in a new round) and one 属实; a 通报批评 of the
    department behind the 不属实 one. Done over the last hours, or since midnight when the
    half-month has only just ended."""
    office = county.users["ducha"]
    last_half = Period.half_month(local_date(now)).start - timedelta(days=1)
    since = max(now - timedelta(hours=5), _at_local(last_half + timedelta(days=1), 0))

    def hours_ago(n: int) -> datetime:  # n of the last five hours, shrunk to fit after `since`
        return since + (now - since) * (5 - n) / 5

    sample, _ = recheck.draw_sample(session, office, last_half, 0.2, hours_ago(4))
    waiting = [m.member for m in recheck.sample_view(session, office, sample.id).members
               if m.may_decide and m.member.department_id is not None]
    if not waiting:
        return
    found = waiting[0]
    recheck.decide(session, office, found.id, "false", "电话回访企业并实地查看：路灯仍未修复，与办理答复不符。",
                   hours_ago(3))
    if len(waiting) > 1:
        recheck.decide(session, office, waiting[1].id, "true", "实地查看，整改到位。", hours_ago(2))
    code = session.get(Issue, found.issue_id).code
    accountability.add_record(session, office, kind="criticism", department_id=found.department_id,
                              issue_codes=[code], document_no=f"县委督查办〔{local_date(now).year}〕3号",
                              decided_on=local_date(now), note="复查发现办理答复与实际不符，予以通报批评。",
                              now=hours_ago(1))


def _add_rating_round(session: Session, county: County, now: datetime, secret: str, public_base: str,
                      rng: random.Random) -> None:
    """企业评议 of the last finished quarter, before the 擂台赛 computes it: the office opened the
    round two working days after the quarter ended (earlier today when it has only just ended),
    and every enterprise it dealt with was texted its link. All but the last two answered
    through the link while the round was open, mostly 4 or 5, a few 3 and two low scores with
    their reason."""
    year, quarter = contest.quarter_choices(local_date(now), 1)[0]
    period = Period.quarter(year, quarter)
    if not ratings.dealings(session, period):
        return
    opened = _at_local(WEEKDAYS.add_working_days(period.end, 2), 9, 30)
    if opened > now - timedelta(hours=2):
        midnight = _at_local(period.end + timedelta(days=1), 0)
        opened = midnight + (now - midnight) * 0.2
    rnd = ratings.open_round(session, county.users["yingshang"], period.start, period.end, None, None, opened,
                             WEEKDAYS, public_base, secret)
    invitations = list(session.execute(select(RatingInvitation).where(RatingInvitation.round_id == rnd.id)
                                       .order_by(RatingInvitation.id)).scalars())
    answering = invitations[:-2] if len(invitations) > 2 else invitations[:-1]
    until = min(now, ratings.closes_at(rnd))
    moments = sorted(opened + (until - opened) * rng.random() ** 2 for _ in answering)  # most come early
    low = iter(LOW_RATINGS)
    for n, (invitation, at) in enumerate(zip(answering, moments, strict=True)):
        departments = session.execute(select(DepartmentRating.department_id).where(
            DepartmentRating.invitation_id == invitation.id).order_by(DepartmentRating.department_id)).scalars()
        given = {}
        for k, department_id in enumerate(departments):
            score = next(low, None) if n % 11 == 5 and k == 0 else None
            if score is None:
                mark = rng.choices((5, 4, 3), (10, 7, 2))[0]
                said = rng.choice(RATING_COMMENTS[mark]) if rng.random() < (0.4, 0.5, 1)[5 - mark] else ""
                score = (mark, said)
            given[department_id] = {"score": score[0], "comment": score[1]}
        ratings.answer(session, secret, links.sign(secret, ratings.RATING_LINK, invitation.nonce), given, at)


def _add_contest(session: Session, county: County, now: datetime) -> None:
    """擂台赛: one 一事一表扬 in the last finished quarter, and that quarter computed and stored
    by the office with the rules in force."""
    office = county.users["yingshang"]
    year, quarter = contest.quarter_choices(local_date(now), 1)[0]
    praised = session.execute(select(Issue).where(Issue.status.in_(("closed", "published")),
                                                  Issue.lead_department_id.is_not(None))
                              .order_by(Issue.id)).scalars().first()
    day = Period.quarter(year, quarter).end
    if praised is not None:
        contest.add_praise(session, office, praised.lead_department_id, praised.id, day,
                           "企业送来感谢信：承办单位主动上门、当天协调解决用电报装问题。", now)
    contest.run_quarter(session, office, year, quarter, now)


def _mark_history_sent(session: Session, after_id: int) -> None:
    """The demo's texts belong to its past: record them as sent back then, so that starting the
    demo does not send hundreds of messages to made-up numbers."""
    session.execute(update(SmsMessage).where(SmsMessage.id > after_id,
                                             SmsMessage.status == SmsStatus.PENDING)
                    .values(status=SmsStatus.SENT, attempts=1, sent_at=SmsMessage.next_attempt_at,
                            updated_at=SmsMessage.next_attempt_at, provider_id="demo"))
    session.commit()
