"""部门考核 and the channel/meeting figures as the service gives them (docs/assessment.md), for
issues walked through the real workflow at chosen moments. Every expected number is worked
out by hand in the comments.

Working days are weekdays (WorkflowOptions' default calendar). November 2026: Mon 2, Mon 9,
Mon 16, Mon 23, Mon 30; the assessment is read on Tuesday 1 December at 10:00.
"""
from datetime import date, datetime, timedelta

import pytest
from sqlmodel import Session

from models import Department, User
from service.assessment.channels import ChannelFigures, channel_figures, hot_spots, percent, summary_sentence
from service.assessment.rates import Period, department_assessment, department_row, flags_now, parse_period
from service.core.errors import Invalid
from service.deadlines.calendar import LOCAL_TZ, WEEKDAYS
from service.intake.issues import create_issue
from service.workflow.meetings import create_meeting
from service.workflow.transition import transition

# Runs on both databases: the same SQL may answer differently on each engine (dates, text, aggregates).
pytestmark = pytest.mark.both_db

NOVEMBER = Period.month(2026, 11)
NOW = datetime(2026, 12, 1, 10, 0, tzinfo=LOCAL_TZ)


def at(month: int, day: int, hour: int = 10, minute: int = 0) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=LOCAL_TZ)


def nov(day: int) -> date:
    return date(2026, 11, day)


class Walk:
    """Issues created and moved through `service.workflow.transition` at given moments."""

    def __init__(self, session: Session, county):
        self.s, self.county = session, county
        self.ids: dict[str, int] = {}

    def user(self, name: str) -> User:
        return self.s.get(User, self.county.user_id(name))

    def create(self, name: str, when: datetime, channel: str = "hotline", **fields) -> int:
        data = {"title": f"问题{name}", "content": "企业反映的问题", "channel": channel,
                "type": "help", "township": "城关镇",
                "reporter": {"name": "王建国", "phone": "13812345678", "kind": "enterprise"}}
        data.update(fields)
        issue = create_issue(self.s, self.user("operator"), data, when)
        self.ids[name] = issue.id
        return issue.id

    def step(self, name: str, action: str, who: str, when: datetime, **body) -> None:
        issue = transition(self.s, self.user(who), self.ids[name], action, body, when)
        assert issue is not None

    def assign(self, name: str, dept: str, when: datetime, accept: date, reply: date,
               complete: date) -> None:
        self.step(name, "assign", "coordinator", when,
                  lead_department_id=self.county.dept_id(dept), lead_leader_id=self.county.user_id("leader"),
                  responsible_person="李明", responsible_phone="13700001111",
                  deadlines={"accept_due": accept, "reply_due": reply, "complete_due": complete,
                             "report_due": complete + timedelta(days=3),
                             "visit_due": complete + timedelta(days=7)})


@pytest.fixture
def walk(db, county) -> Walk:
    """Twelve issues of the fourth quarter, collected at two forums and a breakfast among others:

    | issue | channel  | lead        | story                                                           |
    | A     | forum    | fgj         | accepted on time; extended twice (10→13→20 Nov; the second decided |
    |       |          |             | by its lead leader); replied 18th: on time; 满意                   |
    | B     | breakfast| fgj         | accepted a day late; replied 9th against the 6th: late; 基本满意 |
    | C     | hotline  | fgj         | replied on time, 不满意 → 重办 (round 2) due 12th; replied 16th: late; 满意 |
    | D     | mailbox  | zrj         | accepted on time, 挂账 on the 5th (deadlines 11th pass while suspended) |
    | E     | hotline  | scj → zrj   | scj returns it on the 6th; zrj gets it on the 9th; replied 19th, on time; 满意 |
    | F     | forum    | —           | answered on the spot at the forum, 满意                           |
    | G     | window   | zrj         | replied on time, 不满意 → 重办 due 20th; still in progress on 1 Dec |
    | H     | online   | scj         | assigned 23rd, never accepted: every deadline (24th, 27th) passed |
    | I     | hotline  | fgj         | assigned Mon 30 Nov at 23:30 local: November's; accept due 1 Dec |
    | J     | hotline  | scj         | assigned 1 Dec 00:10 local: December's                          |
    | K     | hotline  | —           | rejected as a duplicate of A: counted nowhere                   |
    | L     | hotline  | scj → —     | assigned 24th, returned by scj on the 25th, not yet reassigned  |
    """
    w = Walk(db, county)
    coordinator = w.user("coordinator")
    forum1 = create_meeting(db, coordinator, {"kind": "forum", "title": "第四季度政企面对面恳谈会",
                                              "held_at": at(11, 2, 9)}, at(10, 20))
    create_meeting(db, coordinator, {"kind": "forum", "title": "专题恳谈会", "held_at": at(11, 25, 15)},
                   at(10, 20))
    breakfasts = [create_meeting(db, coordinator, {"kind": "breakfast", "title": f"早餐会{i}",
                                                   "held_at": held}, at(10, 1))
                  for i, held in enumerate([at(10, 8, 7), at(10, 22, 7), at(11, 3, 7), at(11, 17, 7),
                                            at(11, 26, 7), at(12, 1, 7)], start=1)]
    # Later in the quarter than the reading: not held yet, so left out.
    create_meeting(db, coordinator, {"kind": "evening_tea", "title": "晚茶会", "held_at": at(12, 15, 19)},
                   at(10, 1))
    create_meeting(db, coordinator, {"kind": "breakfast", "title": "九月早餐会", "held_at": at(9, 28, 7)},
                   at(9, 1))

    w.create("A", at(11, 2, 9), channel="forum", meeting_id=forum1.id, category="基础设施")
    w.assign("A", "fgj", at(11, 2), accept=nov(3), reply=nov(10), complete=nov(10))
    w.step("A", "accept", "fgj", at(11, 3))
    w.step("A", "request_extension", "fgj", at(11, 4), complete_due=nov(13), reason="需要协调")
    w.step("A", "decide_extension", "coordinator", at(11, 4, 15), approve=True)
    w.step("A", "request_extension", "fgj", at(11, 11), complete_due=nov(20), reason="仍需协调")
    w.step("A", "decide_extension", "leader", at(11, 11, 15), approve=True)  # a second extension
    w.step("A", "reply", "fgj", at(11, 18), result="已修复")
    w.step("A", "visit", "coordinator", at(11, 19), satisfaction="satisfied")

    w.create("B", at(11, 2, 9), channel="breakfast", meeting_id=breakfasts[2].id, category="基础设施")
    w.assign("B", "fgj", at(11, 2), accept=nov(3), reply=nov(6), complete=nov(6))
    w.step("B", "accept", "fgj", at(11, 4))
    w.step("B", "reply", "fgj", at(11, 9), result="已办理")
    w.step("B", "visit", "coordinator", at(11, 10), satisfaction="basically")

    w.create("C", at(11, 3, 9), category="基础设施")
    w.assign("C", "fgj", at(11, 3), accept=nov(4), reply=nov(10), complete=nov(10))
    w.step("C", "accept", "fgj", at(11, 3, 16))
    w.step("C", "reply", "fgj", at(11, 5), result="已答复")
    w.step("C", "visit", "coordinator", at(11, 6), satisfaction="unsatisfied", note="路面仍有坑洼未修",
           deadlines={"reply_due": nov(12), "complete_due": nov(12)})
    w.step("C", "reply", "fgj", at(11, 16), result="重新办理")
    w.step("C", "visit", "coordinator", at(11, 17), satisfaction="satisfied")

    w.create("D", at(11, 4, 9), channel="mailbox", category="用地保障", township="柳林镇")
    w.assign("D", "zrj", at(11, 4), accept=nov(5), reply=nov(11), complete=nov(11))
    w.step("D", "accept", "zrj", at(11, 4, 15))
    w.step("D", "suspend", "coordinator", at(11, 5), reason="需省级审批", review_on=date(2026, 12, 31))

    w.create("E", at(11, 5, 9), category="用地保障", township="柳林镇")
    w.assign("E", "scj", at(11, 5), accept=nov(6), reply=nov(13), complete=nov(13))
    w.step("E", "return", "scj", at(11, 6), reason="不属于本部门职责")
    w.assign("E", "zrj", at(11, 9), accept=nov(10), reply=nov(20), complete=nov(20))
    w.step("E", "accept", "zrj", at(11, 10))
    w.step("E", "reply", "zrj", at(11, 19), result="已办结")
    w.step("E", "visit", "coordinator", at(11, 20), satisfaction="satisfied")

    w.create("F", at(11, 2, 9, 30), channel="forum", meeting_id=forum1.id)
    w.step("F", "answer_on_spot", "coordinator", at(11, 2, 9, 40), answer="现场答复政策", satisfaction="satisfied")

    w.create("G", at(11, 9, 9), channel="window", category="融资服务")
    w.assign("G", "zrj", at(11, 9), accept=nov(10), reply=nov(16), complete=nov(16))
    w.step("G", "accept", "zrj", at(11, 9, 15))
    w.step("G", "reply", "zrj", at(11, 12), result="已答复")
    w.step("G", "visit", "coordinator", at(11, 13), satisfaction="unsatisfied", note="贷款仍未放款",
           deadlines={"reply_due": nov(20), "complete_due": nov(20)})

    w.create("H", at(11, 23, 9), channel="online", category="基础设施")
    w.assign("H", "scj", at(11, 23), accept=nov(24), reply=nov(27), complete=nov(27))

    w.create("I", at(11, 30, 23, 0))
    w.assign("I", "fgj", at(11, 30, 23, 30), accept=date(2026, 12, 1), reply=date(2026, 12, 14),
             complete=date(2026, 12, 14))

    w.create("J", at(12, 1, 0, 5))
    w.assign("J", "scj", at(12, 1, 0, 10), accept=date(2026, 12, 10), reply=date(2026, 12, 18),
             complete=date(2026, 12, 18))

    w.create("K", at(11, 20), category="融资服务")
    w.step("K", "reject", "coordinator", at(11, 20, 11), reason="duplicate", merged_into=w.ids["A"])

    w.create("L", at(11, 24, 9))
    w.assign("L", "scj", at(11, 24), accept=nov(25), reply=nov(30), complete=nov(30))
    w.step("L", "return", "scj", at(11, 25), reason="应由属地乡镇办理")
    return w


CODES = {"县发改局": "fgj", "县自然资源局": "zrj", "县市场监管局": "scj"}


def _rows(db, period=NOVEMBER, now=NOW) -> dict:
    """The rows by department code (the county fixture's three departments)."""
    return {CODES.get(r.department_name, r.department_name): r
            for r in department_assessment(db, period, now)}


def test_department_rows_of_november(db, walk):
    rows = _rows(db)

    fgj = rows["fgj"]
    # Received A, B, C and I (assigned 23:30 local on 30 Nov).
    assert fgj.received == 4
    # Accepted on time A, C; B a day late; I not yet (due today, 1 Dec): 2 of 3.
    assert (fgj.accepted_on_time, fgj.accept_judged, fgj.accept_rate) == (2, 3, 0.6667)
    # Replies, round by round: A on the 18th against the 20th (moved by extensions asked in
    # time): on time; B on the 9th against the 6th: late; C's first reply on the 5th against the
    # 10th: on time; its reply after the reopening on the 16th against the 12th: late. 2 of 4.
    assert (fgj.replied_on_time, fgj.reply_judged, fgj.reply_rate) == (2, 4, 0.5)
    # Completion is the same reply against complete_due: A and C's first round on time, B and
    # C's second round late. The reopening does not wash out either round.
    assert (fgj.completed, fgj.completed_on_time, fgj.completed_late) == (3, 2, 2)
    assert (fgj.complete_judged, fgj.complete_rate) == (4, 0.5)
    assert (fgj.open, fgj.suspended, fgj.overdue_now) == (1, 0, 0)   # I, not yet late
    # A 满意, B 基本满意, C 满意 at last: (2 + 1) / 3.
    assert (fgj.satisfied, fgj.basically, fgj.unsatisfied, fgj.rated) == (2, 1, 0, 3)
    assert fgj.satisfaction_rate == 1.0
    assert (fgj.reopened, fgj.reopens, fgj.extended, fgj.extensions, fgj.returned) == (1, 1, 1, 2, 0)
    # 100 × (0.1 × 0.6667 + 0.1 × 0.5 + 0.4 × 0.5 + 0.4 × 1) − 2 (one reopening) = 71.667 − 2
    assert (fgj.penalty, fgj.score) == (2.0, 69.67)

    zrj = rows["zrj"]
    # D, E (reassigned to it on the 9th) and G.
    assert zrj.received == 3
    # D on the 4th (due 5th), E on the 10th (due 10th), G on the 9th (due 10th).
    assert (zrj.accepted_on_time, zrj.accept_judged, zrj.accept_rate) == (3, 3, 1.0)
    # E replied on the 19th (due 20th); G's first reply on the 12th (due 16th); G, reopened,
    # still owes the reply due the 20th: late though nothing is recorded yet. D is suspended
    # (suspended before its deadlines passed): judged on nothing. 2 of 3.
    assert (zrj.replied_on_time, zrj.reply_judged, zrj.reply_rate) == (2, 3, 0.6667)
    assert (zrj.completed, zrj.completed_on_time, zrj.completed_late) == (1, 2, 0)
    assert (zrj.complete_judged, zrj.complete_rate) == (3, 0.6667)    # E, G's first round; G now late
    assert (zrj.open, zrj.suspended, zrj.overdue_now) == (1, 1, 1)   # G open and red; D apart
    # E 满意, G 不满意 (its latest rating): 1 / 2.
    assert (zrj.satisfied, zrj.basically, zrj.unsatisfied, zrj.rated) == (1, 0, 1, 2)
    assert zrj.satisfaction_rate == 0.5
    assert (zrj.reopened, zrj.extended, zrj.extensions, zrj.returned) == (1, 0, 0, 0)
    # 100 × (0.1 × 1 + 0.1 × 0.6667 + 0.4 × 0.6667 + 0.4 × 0.5) − 2 (reopening) − 2 (G overdue)
    assert (zrj.penalty, zrj.score) == (4.0, 59.33)

    scj = rows["scj"]
    # H only (E moved to zrj; L waits for the office; J is December's); the returns of E and L
    # count against scj.
    assert (scj.received, scj.returned) == (1, 2)
    # 签收: E and L were returned by their 限期签收 (on time); H never answered, due the 24th:
    # late. Reply and completion of H, due the 27th, passed unanswered: 0 of 1 each.
    assert (scj.accepted_on_time, scj.accept_judged, scj.reply_judged, scj.complete_judged) == (2, 3, 1, 1)
    assert (scj.accept_rate, scj.reply_rate, scj.complete_rate) == (0.6667, 0.0, 0.0)
    assert (scj.open, scj.overdue_now, scj.rated, scj.satisfaction_rate) == (1, 1, 0, None)
    # Nothing rated: 100 × (0.1 × 0.6667 + 0.1 × 0 + 0.4 × 0) / 0.6 − 2 (returns) − 2 (H overdue)
    assert (scj.penalty, scj.score) == (4.0, 7.11)

    assert [(r.department_name, r.rank) for r in department_assessment(db, NOVEMBER, NOW)] == [
        ("县发改局", 1), ("县自然资源局", 2), ("县市场监管局", 3)]
    for row in rows.values():
        # The row adds up: every received issue is completed, open or suspended.
        assert row.received == row.completed + row.open + row.suspended


def test_suspension_and_reopening_as_the_columns_say(db, walk):
    # Three weeks on (22 December) D is still suspended: never overdue, never late.
    later = datetime(2026, 12, 22, 10, tzinfo=LOCAL_TZ)
    zrj = _rows(db, now=later)["zrj"]
    assert (zrj.suspended, zrj.overdue_now, zrj.complete_judged) == (1, 1, 3)   # E, G twice
    # The coordinator resumes D on 23 December: its deadlines move by the 34 working days lost
    # (Thu 5 Nov to Wed 23 Dec; D's reply and completion were due Wed 11 Nov → Tue 29 Dec).
    w = walk
    w.step("D", "resume", "coordinator", datetime(2026, 12, 23, 10, tzinfo=LOCAL_TZ))
    assert WEEKDAYS.working_days_between(nov(5), date(2026, 12, 23)) == 34
    on_24th = _rows(db, now=datetime(2026, 12, 24, 10, tzinfo=LOCAL_TZ))["zrj"]
    assert (on_24th.suspended, on_24th.open, on_24th.overdue_now) == (0, 2, 1)  # D open, on track
    # G, reopened, replied again on 24 December (due 20 Nov): late; rated 满意 at last.
    w.step("G", "reply", "zrj", datetime(2026, 12, 24, 11, tzinfo=LOCAL_TZ), result="再次办理")
    w.step("G", "visit", "coordinator", datetime(2026, 12, 24, 15, tzinfo=LOCAL_TZ), satisfaction="satisfied")
    zrj = _rows(db, now=datetime(2026, 12, 28, 9, tzinfo=LOCAL_TZ))["zrj"]
    # Received unchanged (3); G counted once as an issue, its two rounds judged apart (on
    # time, then late), in 重办; satisfaction E, G: 2 / 2.
    assert (zrj.received, zrj.completed, zrj.completed_on_time, zrj.completed_late, zrj.reopened) == \
        (3, 2, 2, 1, 1)
    assert (zrj.satisfied, zrj.unsatisfied, zrj.satisfaction_rate) == (2, 0, 1.0)
    # D due 29 Dec: not yet late on the 28th.
    assert (zrj.open, zrj.overdue_now, zrj.complete_judged) == (1, 0, 3)


def test_department_row_and_unknown_department(db, county, walk):
    row = department_row(db, NOVEMBER, NOW, county.dept_id("zrj"))
    assert (row.department_name, row.rank, row.received) == ("县自然资源局", 2, 3)
    assert department_row(db, NOVEMBER, NOW, 999_999) is None


def test_december_keeps_what_was_assigned_after_midnight(db, walk):
    december = _rows(db, period=Period.month(2026, 12), now=datetime(2026, 12, 2, 10, tzinfo=LOCAL_TZ))
    # J, assigned 00:10 local on 1 December (16:10 UTC on 30 November), is December's.
    assert (december["scj"].received, december["fgj"].received, december["zrj"].received) == (1, 0, 0)
    # On 2 December none of J's deadlines has come: nothing to judge, so no score and no rank
    # (本期无可评), never 100; the same for the departments that received nothing.
    assert (december["scj"].score, december["scj"].rank, december["scj"].accept_rate) == (None, None, None)
    assert december["fgj"].rank is None and december["fgj"].score is None
    # The return of E was in November: nothing returned in December.
    assert december["scj"].returned == 0


def test_ranking_ties_overdue_and_received(db, county, password_hash):
    """Five departments on one day's assignments, read on 20 December:

    | dept | issues | state on 20 Dec                          | score | overdue | rank |
    | jsj  | 2      | accepted on time, due 31 Dec              | 100   | 0       | 1    |
    | jtj  | 1      | accepted on time, due 31 Dec              | 100   | 0       | 2 (fewer received) |
    | zrj  | 1      | never accepted, all due by 4 Dec          | 0     | 1       | 3    |
    | scj  | 1      | the same                                  | 0     | 1       | 3 (tied with zrj) |
    | fgj  | 2      | the same                                  | 0     | 2       | 5 (more overdue) |
    | lyj  | 0      | nothing to judge                          | —     | 0       | —    |
    """
    for code, name in (("jsj", "县住建局"), ("jtj", "县交通局"), ("lyj", "县林业局")):
        dept = Department(code=code, name=name)
        db.add(dept)
        db.flush()
        county.depts[code] = dept
        user = User(username=code, display_name=code, role="department", department_id=dept.id,
                    password_hash=password_hash)
        db.add(user)
        county.users[code] = user
    db.commit()
    w = Walk(db, county)

    def dec(day: int) -> date:
        return date(2026, 12, day)
    plan = [("jsj", True), ("jsj", True), ("jtj", True), ("zrj", False), ("scj", False),
            ("fgj", False), ("fgj", False)]
    for i, (dept, accepted) in enumerate(plan):
        name = f"{dept}{i}"
        w.create(name, at(12, 1, 9))
        if accepted:
            w.assign(name, dept, at(12, 1), accept=dec(2), reply=dec(31), complete=dec(31))
            w.step(name, "accept", dept, at(12, 1, 15))
        else:
            w.assign(name, dept, at(12, 1), accept=dec(2), reply=dec(4), complete=dec(4))
    rows = department_assessment(db, Period.month(2026, 12), datetime(2026, 12, 20, 10, tzinfo=LOCAL_TZ))
    assert [(r.department_name, r.score, r.overdue_now, r.received, r.rank) for r in rows] == [
        ("县住建局", 100.0, 0, 2, 1), ("县交通局", 100.0, 0, 1, 2),
        ("县自然资源局", 0.0, 1, 1, 3), ("县市场监管局", 0.0, 1, 1, 3),
        ("县发改局", 0.0, 2, 2, 5), ("县林业局", None, 0, 0, None)]


def test_channel_and_meeting_figures_of_the_quarter(db, walk):
    q4 = Period.quarter(2026, 4)
    figures = channel_figures(db, q4, NOW)
    # Held by 1 Dec 10:00: two forums, six breakfasts (the 1 Dec one at 07:00 included); the
    # tea of 15 December has not come yet, the September breakfast is last quarter's.
    assert figures.meetings_by_kind == {"breakfast": 6, "forum": 2, "evening_tea": 0, "other": 0}
    # Collected A-J and L (K rejected as a duplicate is left out): 11. Resolved (closed): A, B,
    # C, E and F: 5 / 11 = 0.4545. Rated: A, B, C, E, F 满意/基本满意 and G 不满意: 5 / 6 = 0.8333.
    assert (figures.total, figures.resolved, figures.resolution_rate) == (11, 5, 0.4545)
    assert (figures.rated, figures.satisfied, figures.satisfaction_rate) == (6, 5, 0.8333)
    channels = {c.channel: (c.collected, c.resolved, c.on_spot, c.open) for c in figures.channels if c.collected}
    assert channels == {"forum": (2, 2, 1, 0), "breakfast": (1, 1, 0, 0), "hotline": (5, 2, 0, 3),
                        "mailbox": (1, 0, 0, 1), "window": (1, 0, 0, 1), "online": (1, 0, 0, 1)}
    meetings = [(m.title, m.collected, m.resolved, m.on_spot) for m in figures.meetings]
    assert meetings == [("早餐会1", 0, 0, 0), ("早餐会2", 0, 0, 0), ("第四季度政企面对面恳谈会", 2, 2, 1),
                        ("早餐会3", 1, 1, 0), ("早餐会4", 0, 0, 0), ("专题恳谈会", 0, 0, 0),
                        ("早餐会5", 0, 0, 0), ("早餐会6", 0, 0, 0)]
    assert summary_sentence(q4, figures) == (
        "本季度共召开政企面对面恳谈会2次、服务企业早餐会6次，收集问题11件，已办结5件，办结率45.5%，满意率83.3%")


def test_hot_spots_trend_and_flags(db, county, walk):
    q4 = Period.quarter(2026, 4)
    categories, townships = hot_spots(db, q4)
    # 基础设施: A, B, C, H; 用地保障: D, E; 融资服务: G (K rejected); F, I, J, L have none.
    assert categories == [("基础设施", 4), ("用地保障", 2), ("融资服务", 1)]
    assert townships == [("城关镇", 9), ("柳林镇", 2)]
    assert hot_spots(db, q4, limit=1) == ([("基础设施", 4)], [("城关镇", 9)])
    # The trend counts as the cards do, month by month, and adds up to them: collected in
    # October none; November A-I and L (K rejected) = 10, resolved A, B, C, E, F; December J.
    figures = channel_figures(db, q4, NOW)
    trend = [(m.month, m.collected, m.resolved, m.open) for m in figures.months]
    assert trend == [("2026-10", 0, 0, 0), ("2026-11", 10, 5, 5), ("2026-12", 1, 0, 1)]
    assert (sum(m.collected for m in figures.months), sum(m.resolved for m in figures.months)) == \
        (figures.total, figures.resolved)
    # The second half of November: H (23rd), L (24th) and I (30th, 23:00 local).
    half = channel_figures(db, Period(nov(16), nov(30)), NOW)
    assert [(m.month, m.collected) for m in half.months] == [("2026-11", 3)] and half.total == 3
    # On 1 Dec: G (due 20 Nov) and H (24 Nov) red; I due today yellow; J due 10 Dec green;
    # D suspended apart.
    assert flags_now(db, NOW, WEEKDAYS) == {"red": 2, "yellow": 1, "green": 1, "suspended": 1, "escalated": 0}
    assert flags_now(db, NOW, WEEKDAYS, county.dept_id("zrj")) == {"red": 1, "yellow": 0, "green": 0,
                                                                    "suspended": 1, "escalated": 0}


def test_summary_sentence_shapes():
    def figures(kinds: dict, total: int, resolved: int, rated: int, satisfied: int) -> ChannelFigures:
        return ChannelFigures({"breakfast": 0, "forum": 0, "evening_tea": 0, "other": 0, **kinds}, [], [],
                              total, resolved, resolved / total if total else None,
                              satisfied / rated if rated else None, rated, satisfied)

    month, half = Period.month(2026, 11), Period.half_month(date(2026, 11, 20))
    assert summary_sentence(month, figures({"evening_tea": 2}, 8, 7, 4, 4)) == \
        "本月共召开“听您说”晚茶会2次，收集问题8件，已办结7件，办结率87.5%，满意率100%"
    assert summary_sentence(Period.year(2026), figures({}, 3, 2, 3, 2)) == \
        "本年度共收集问题3件，已办结2件，办结率66.7%，满意率66.7%"
    assert summary_sentence(half, figures({"breakfast": 1}, 2, 0, 0, 0)) == \
        "本期共召开服务企业早餐会1次，收集问题2件，已办结0件，办结率0%，暂无满意度评价"
    assert summary_sentence(month, figures({}, 0, 0, 0, 0)) == "本月未收集到问题"
    assert summary_sentence(month, figures({"forum": 1}, 0, 0, 0, 0)) == "本月共召开政企面对面恳谈会1次，未收集到问题"


def test_percentages_in_the_sentence():
    assert [percent(r) for r in (0.0, 0.0004, 0.125, 0.5, 2 / 3, 0.9997, 1.0)] == \
        ["0%", "0.1%", "12.5%", "50%", "66.7%", "99.9%", "100%"]


def test_period_shapes_and_labels():
    assert Period.month(2026, 11) == Period(date(2026, 11, 1), date(2026, 11, 30))
    assert Period.month(2028, 2).end == date(2028, 2, 29)
    assert Period.quarter(2026, 4) == Period(date(2026, 10, 1), date(2026, 12, 31))
    assert Period.half_month(date(2026, 11, 15)) == Period(date(2026, 11, 1), date(2026, 11, 15))
    assert Period.half_month(date(2026, 11, 16)) == Period(date(2026, 11, 16), date(2026, 11, 30))
    labels = [p.label for p in (Period.month(2026, 11), Period.quarter(2026, 4), Period.year(2026),
                                Period.half_month(date(2026, 11, 3)), Period.half_month(date(2026, 11, 30)),
                                Period(date(2026, 1, 1), date(2026, 3, 30)),
                                Period(date(2025, 12, 20), date(2026, 1, 10)),
                                Period(date(2026, 5, 4), date(2026, 5, 4)))]
    assert labels == ["2026年11月", "2026年第四季度", "2026年", "2026年11月上半月", "2026年11月下半月",
                      "2026年1月1日至3月30日", "2025年12月20日至2026年1月10日", "2026年5月4日"]
    # A quarter written out by hand is a quarter.
    assert Period(date(2026, 1, 1), date(2026, 3, 31)).label == "2026年第一季度"
    # Bounds are local midnights: 30 Nov 23:30 in the county is before the end of November.
    lo, hi = Period.month(2026, 11).bounds
    assert lo == datetime(2026, 11, 1, tzinfo=LOCAL_TZ) and hi == datetime(2026, 12, 1, tzinfo=LOCAL_TZ)
    assert lo <= datetime(2026, 11, 30, 23, 30, tzinfo=LOCAL_TZ) < hi


def test_parse_period():
    today = date(2026, 11, 22)
    assert parse_period(None, None, today) == Period(date(2026, 11, 1), today)
    assert parse_period("", "", today) == Period(date(2026, 11, 1), today)
    assert parse_period("2026-10-01", "2026-12-31", today).label == "2026年第四季度"
    assert parse_period("2026-11-05", None, today) == Period(date(2026, 11, 5), today)
    assert parse_period(None, "2026-09-30", today) == Period.month(2026, 9)

    def fields(start, end) -> dict:
        with pytest.raises(Invalid) as caught:
            parse_period(start, end, today)
        return caught.value.fields

    assert set(fields("2026-13-01", None)) == {"from"}
    assert set(fields("2026/11/01", "2026-11-30")) == {"from"}
    assert set(fields("2026-11-01", "2026-02-30")) == {"to"}
    assert set(fields("abc", "xyz")) == {"from", "to"}
    assert set(fields("2026-11-30", "2026-11-01")) == {"to"}
    assert set(fields("2027-01-01", None)) == {"from"}         # after today, no end given
    assert set(fields("1999-12-31", "2026-01-01")) == {"from"}
    assert set(fields("2010-01-01", "2026-01-01")) == {"to"}   # more than ten years


def test_reply_on_time_by_the_local_date(db, county):
    """限期回复 is a county date: a reply at 23:50 local on the due day (15:50 UTC) is on time,
    one at 00:05 local the next morning (16:05 UTC the same UTC day) is late — on both databases."""
    w = Walk(db, county)
    for name, replied in (("on_time", at(11, 10, 23, 50)), ("late", at(11, 11, 0, 5))):
        w.create(name, at(11, 2, 9))
        w.assign(name, "fgj", at(11, 2), accept=nov(3), reply=nov(10), complete=nov(20))
        w.step(name, "accept", "fgj", at(11, 3))
        w.step(name, "reply", "fgj", replied, result="已答复")
    fgj = _rows(db, now=at(11, 30))["fgj"]
    # Both completed on time (due the 20th); one of the two replies in time.
    assert (fgj.replied_on_time, fgj.reply_judged, fgj.completed_on_time) == (1, 2, 2)
