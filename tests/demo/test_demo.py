"""The demo county: what someone trying the system out would notice."""
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import func, select

import demo
from models import (
    AccountabilityRecord,
    Channel,
    Department,
    DepartmentRating,
    DisclosureBatch,
    Escalation,
    Evaluation,
    Issue,
    IssueEvent,
    IssueReport,
    IssueType,
    Meeting,
    MeetingKind,
    Notice,
    Objection,
    PlanConsultation,
    RatingInvitation,
    RatingRound,
    RecheckMember,
    RecheckSample,
    Role,
    SmsMessage,
    Status,
    User,
)
from service.assessment import ratings
from service.assessment.contest import quarter_choices, stored_quarter
from service.assessment.periods import Period
from service.core.errors import Conflict
from service.deadlines.calendar import local_date
from service.identity.login import authenticate

SECRET = "the-demo-service-secret"


def _all(db, column, *where):
    return set(db.execute(select(column).where(*where)).scalars())


def test_demo_county_runs_every_part_of_the_loop(db):
    now = datetime.now(timezone.utc)
    assert demo.has_data(db) is False and demo.has_demo_users(db) is False

    summary = demo.seed(db, now, issue_count=240, link_secret=SECRET)

    assert demo.has_data(db) is True and demo.has_demo_users(db) is True
    assert "问题240件" in summary
    assert db.execute(select(func.count(Department.id))).scalar_one() >= 18
    assert _all(db, User.role) == set(Role)
    assert _all(db, Meeting.kind) == set(MeetingKind)

    issues = list(db.execute(select(Issue)).scalars())
    assert len(issues) >= 200
    assert {i.channel for i in issues} == set(Channel)
    assert {i.status for i in issues} == set(Status)
    assert {i.type for i in issues} == set(IssueType)

    today = local_date(now)
    open_states = (Status.ASSIGNED, Status.IN_PROGRESS, Status.REPLIED)
    assert any(i.status in open_states and i.next_due and i.next_due < today for i in issues)
    assert any(i.extension_count >= 1 for i in issues)
    assert any(i.reopen_count >= 1 for i in issues)
    # 整改评估: every issue published since has one; some found 未解决 went back to the department
    evaluated = set(db.execute(select(Evaluation.issue_id)).scalars())
    assert evaluated and db.execute(select(func.count()).where(IssueEvent.action == "reopen")).scalar_one() >= 1
    assert all(i.id in evaluated for i in issues if i.status == "published")
    # a 公示批次 in its 公示期, one objection answered and one awaiting the office
    batch = db.execute(select(DisclosureBatch)).scalars().one()
    assert batch.starts_on <= local_date(now) <= batch.ends_on
    answers = [o.answer for o in db.execute(select(Objection).order_by(Objection.id)).scalars()]
    assert len(answers) == 2 and answers[0] and answers[1] is None
    assert any(i.answered_on_spot for i in issues)
    assert db.execute(select(func.count()).where(IssueEvent.action == "return")).scalar_one() >= 1
    # 答复 and 办理情况报告 as their own steps: interim answers, reports read and unread.
    assert db.execute(select(func.count()).where(IssueEvent.action == "answer")).scalar_one() >= 5
    assert any(i.reported_on_time is True for i in issues) and any(i.reported_on_time is False for i in issues)
    assert db.execute(select(func.count()).where(IssueEvent.action == "close_off")).scalar_one() >= 1
    # 提请上级: one waiting on the higher level after a follow-up, one answered and back at work
    escalations = list(db.execute(select(Escalation)).scalars())
    waiting = [x for x in escalations if x.answered_at is None]
    assert waiting and all(db.get(Issue, x.issue_id).status == Status.ESCALATED for x in waiting)
    assert any(x.followups for x in waiting)
    assert any(x.answer and db.get(Issue, x.issue_id).status != Status.ESCALATED for x in escalations)
    assert db.execute(select(func.count()).where(IssueEvent.action == "unreached")).scalar_one() >= 4
    # Reporters of merged issues rated the main issue's outcome by SMS, one of them 不满意.
    merged_ratings = [e.data["satisfaction"] for e in db.execute(
        select(IssueEvent).where(IssueEvent.action == "merged_rating")).scalars()]
    assert len(merged_ratings) >= 2 and "unsatisfied" in merged_ratings
    # 征求意见: plans put to their reporters were agreed, objected to (the office then went ahead)
    # or left unanswered (无异议), each on the timeline in the order it happened.
    outcomes = set(db.execute(select(PlanConsultation.outcome)).scalars())
    assert {"agreed", "objected", "no_objection"} <= outcomes
    assert db.execute(select(func.count()).where(IssueEvent.action == "proceed_plan")).scalar_one() >= 1
    lapsed = db.execute(select(IssueEvent).where(IssueEvent.action == "plan_no_objection")).scalars().first()
    times = list(db.execute(select(IssueEvent.at).where(IssueEvent.issue_id == lapsed.issue_id)
                            .order_by(IssueEvent.id)).scalars())
    assert times == sorted(times)
    reads = [r.read_at is None for r in db.execute(select(IssueReport)).scalars()]
    assert len(reads) >= 30 and True in reads and False in reads

    meetings = {m.id: m for m in db.execute(select(Meeting)).scalars()}
    for issue in issues:
        if issue.channel in (Channel.BREAKFAST, Channel.FORUM, Channel.EVENING_TEA):
            assert issue.meeting_id is not None and meetings[issue.meeting_id].kind == issue.channel
        assert issue.reporter_phone and len(issue.reporter_phone) == 11

    for issue in issues:
        if issue.status == Status.PUBLISHED:
            assert issue.public_summary
            assert issue.reporter_name not in issue.public_summary
            assert issue.reporter_phone not in issue.public_summary

    # The enterprise register: townships, enterprises with valid credit codes and their 包保
    # leaders, issues linked to them, this month's visits by leaders and on their behalf.
    from models import Enterprise, EnterpriseLeader, LeaderVisit, Township
    from service.enterprises.credit_code import is_valid
    assert set(_all(db, Township.name)) >= {i.township for i in issues if i.township}
    firms = list(db.execute(select(Enterprise)).scalars())
    assert len(firms) >= 20 and all(is_valid(f.credit_code) for f in firms)
    assert {f.scale for f in firms} == {"above", "sme", "individual"}
    leaders = _all(db, EnterpriseLeader.leader_id)
    assert leaders == {u.id for u in db.execute(select(User).where(User.role == Role.LEADER)).scalars()}
    assert sum(1 for i in issues if i.enterprise_id) >= 50
    visits = list(db.execute(select(LeaderVisit)).scalars())
    assert {v.on_behalf for v in visits} == {True, False} or len(visits) < 2

    # 擂台赛: the last finished quarter is stored, with one 一事一表扬 among its bonuses.
    year, quarter = quarter_choices(local_date(now), 1)[0]
    stored = stored_quarter(db, year, quarter)
    assert stored is not None and sum(row["praises"] for row in stored.table) == 1
    assert sum(row["bonus"] for row in stored.table) == stored.rules["bonuses"]["praise"]

    # 企业评议 of that quarter: every enterprise it dealt with was texted its link; most rated
    # their departments through it (mostly 4 or 5, the low scores with their reason), a few
    # never did, and a department rated often enough is weighed in the stored quarter.
    rnd = db.execute(select(RatingRound)).scalars().one()
    quarter_period = Period.quarter(year, quarter)
    assert (rnd.period_from, rnd.period_to) == (quarter_period.start, quarter_period.end)
    assert local_date(rnd.opened_at) > quarter_period.end and rnd.opened_at <= now
    invitations = list(db.execute(select(RatingInvitation)).scalars())
    invites = list(db.execute(select(SmsMessage).where(SmsMessage.template == "rating_invite")).scalars())
    assert len(invitations) >= 10 and len(invites) == len(invitations)
    assert {m.recipient_phone for m in invites} == {i.phone for i in invitations}
    given = list(db.execute(select(DepartmentRating)).scalars())
    answered = [r for r in given if r.score is not None]
    assert len(answered) > len(given) / 2 and len(answered) < len(given)
    assert sum(r.score >= 4 for r in answered) > 0.7 * len(answered) and any(r.score == 3 for r in answered)
    low = [r for r in answered if r.score <= 2]
    assert 1 <= len(low) <= 2 and all(len(r.comment) >= 20 for r in low)
    assert all(rnd.opened_at <= r.answered_at <= min(now, ratings.closes_at(rnd)) for r in answered)
    unanswered = {r.invitation_id for r in given if r.score is None}
    assert 1 <= len(unanswered) <= 2
    waiting = next(i for i in invitations if i.id in unanswered)
    text = next(m for m in invites if m.recipient_phone == waiting.phone)
    assert text.params["link"].startswith(demo.DEMO_PUBLIC_BASE + "/rate/")
    page = ratings.rating_page(db, SECRET, text.params["link"].rsplit("/", 1)[1], now)
    assert page.pending and not page.finished
    weighed = [row for row in stored.table if row["rating_score"] is not None]
    assert weighed and all(row["rating_count"] >= stored.rules["rating"]["min_ratings"] for row in weighed)
    assert any(row["rating_count"] and row["rating_score"] is None for row in stored.table)

    # 复查: the last ended half-month's sample, one issue found 不属实 and sent back; a 问责 record
    verdicts = [m.verdict for m in db.execute(select(RecheckMember)).scalars()]
    assert verdicts.count("false") == 1 and verdicts.count("true") == 1
    false_member = db.execute(select(RecheckMember).where(RecheckMember.verdict == "false")).scalar_one()
    assert db.get(Issue, false_member.issue_id).status in ("in_progress", "collected")
    record = db.execute(select(AccountabilityRecord)).scalar_one()
    assert record.kind == "criticism" and record.department_id == false_member.department_id
    # 站内通知: the demo office and the departments have some, read and unread.
    office = db.execute(select(User.id).where(User.username == "yingshang")).scalar_one()
    departments = select(User.id).where(User.role == Role.DEPARTMENT)
    for whose in (Notice.user_id == office, Notice.user_id.in_(departments)):
        rows = db.execute(select(Notice.kind, Notice.read_at.is_(None)).where(whose)).all()
        assert {unread for _, unread in rows} == {True, False}
    assert {"returned", "extension_requested"} <= _all(db, Notice.kind, Notice.user_id == office)
    assert {"assigned", "urged", "reopened"} <= _all(db, Notice.kind, Notice.user_id.in_(departments))

    # The county's history lies in the past and its messages were sent back then.
    assert db.execute(select(func.max(IssueEvent.at))).scalar_one() <= now
    assert _all(db, SmsMessage.status) == {"sent"}

    assert authenticate(db, "yingshang", demo.DEMO_PASSWORD).role == Role.COORDINATOR
    usernames = {u for u, _, _ in demo.demo_logins()}
    assert {"admin", "yingshang", "huawu", "ducha", "xianzhang"} <= usernames <= _all(db, User.username)


def test_demo_seeds_across_a_new_year_on_a_weekend(db):
    now = datetime(2027, 1, 2, 3, 0, tzinfo=timezone.utc)  # Saturday morning in Shanghai

    demo.seed(db, now, issue_count=40)
    with pytest.raises(Conflict):
        demo.seed(db, now, issue_count=40)  # only ever into an empty database

    issues = list(db.execute(select(Issue)).scalars())
    assert len(issues) == 40
    assert {i.year for i in issues} <= {2026, 2027}
    assert all(i.code.startswith(f"YS{i.year}-") for i in issues)
    assert len({i.code for i in issues}) == 40
    assert db.execute(select(func.max(IssueEvent.at))).scalar_one() <= now


def test_demo_seeds_in_the_first_minutes_of_a_quarter(db):
    now = datetime(2026, 9, 30, 16, 20, tzinfo=timezone.utc)  # 1 October, 00:20 in Shanghai

    demo.seed(db, now, issue_count=40)

    # the half-month and the quarter ended twenty minutes ago: the 复查 sample and the 企业评议
    # round of them are taken since midnight, and the quarter is computed with its ratings
    rnd = db.execute(select(RatingRound)).scalars().one()
    assert rnd.period_to == local_date(now) - timedelta(days=1) and rnd.opened_at < now
    sample = db.execute(select(RecheckSample)).scalars().one()
    assert sample.period_end == rnd.period_to and sample.drawn_at < now
    assert stored_quarter(db, 2026, 3) is not None
    assert db.execute(select(func.max(IssueEvent.at))).scalar_one() <= now
    assert db.execute(select(func.max(DepartmentRating.answered_at))).scalar_one() <= now
