"""Proof that the figures follow the facts: random sequences of workflow steps at random clock
times, across working days and holidays, and after every step the service's department
figures equal those worked out again from the timeline alone (tests/timeline_figures.py).

In `make test` the run is bounded (a few examples); a long run by hand:

    YS_PROPERTY_EXAMPLES=2000 YS_PROPERTY_STEPS=60 .venv/bin/python -m pytest -q \\
        tests/assessment/test_figures_follow_the_timeline.py --hypothesis-seed=1 --hypothesis-show-statistics
"""
import os
from dataclasses import asdict
from datetime import date, datetime, timedelta

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    Bundle,
    RuleBasedStateMachine,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)
from sqlmodel import Session

from models import Issue, User
from service.assessment.periods import Period
from service.assessment.rates import department_assessment
from service.core.errors import DomainError
from service.deadlines.calendar import LOCAL_TZ, national_calendar
from service.intake.issues import create_issue
from service.workflow.transition import WorkflowOptions, transition

from ..conftest import County, _empty
from ..timeline_figures import department_figures

# Runs on both databases: the same SQL may answer differently on each engine (dates, text, aggregates).
pytestmark = pytest.mark.both_db

EXAMPLES = int(os.environ.get("YS_PROPERTY_EXAMPLES", "6"))
STEPS = int(os.environ.get("YS_PROPERTY_STEPS", "30"))
# Late September to the new year: the National Day week (1-8 October 2026) and its swapped
# working days lie inside, so working days and holidays both pass under the clock.
START = datetime(2026, 9, 24, 9, 0, tzinfo=LOCAL_TZ)
WHOLE = Period(date(2026, 9, 1), date(2027, 3, 31))
OPTIONS = WorkflowOptions(calendar=national_calendar())
DEPARTMENTS = ("fgj", "zrj", "scj")
MAX_ISSUES = 4


class Loop(RuleBasedStateMachine):
    """Issues moved through `service.workflow.transition` as the people of a small county
    would, some steps refused (nothing changes then), the clock moving forward between them."""

    engine = None
    password_hash = None
    issues = Bundle("issues")

    def __init__(self):
        super().__init__()
        _empty(self.engine)
        self.session = Session(self.engine, expire_on_commit=False)
        self.county = County(self.session, self.password_hash)
        self.now = START
        self.made = 0

    def teardown(self):
        self.session.close()

    def user(self, name: str) -> User:
        return self.session.get(User, self.county.user_id(name))

    def act(self, issue_id: int, who: str | None, action: str, body: dict) -> bool:
        """Take the step as `who` (None: the department the issue is with now); False when refused,
        and then nothing changed."""
        if who is None:
            lead = self.session.get(Issue, issue_id).lead_department_id
            who = next((code for code in DEPARTMENTS if self.county.dept_id(code) == lead), "fgj")
        try:
            transition(self.session, self.user(who), issue_id, action, body, self.now, OPTIONS)
        except DomainError:
            self.session.rollback()
            return False
        return True

    def day(self, working_days: int) -> date:
        return OPTIONS.calendar.add_working_days(self.now.astimezone(LOCAL_TZ).date(), working_days)

    # --- the clock -------------------------------------------------------------------------

    @rule(hours=st.integers(1, 120))
    def time_passes(self, hours):
        self.now += timedelta(hours=hours)

    # --- the steps --------------------------------------------------------------------------

    @precondition(lambda self: self.made < MAX_ISSUES)
    @rule(target=issues, kind=st.sampled_from(("help", "consult", "complaint")))
    def collect(self, kind):
        self.made += 1
        issue = create_issue(self.session, self.user("operator"), {
            "title": f"问题{self.made}", "content": "企业反映的问题", "channel": "hotline", "type": kind,
            "reporter": {"name": "王建国", "phone": "13812345678", "kind": "enterprise"}}, self.now)
        return issue.id

    def assign(self, issue, dept, given):
        body = {"lead_department_id": self.county.dept_id(dept), "lead_leader_id": self.county.user_id("leader"),
                "responsible_person": "李明", "responsible_phone": "13700001111"}
        if given is not None:  # deadlines by hand, some due today
            body["deadlines"] = {"accept_due": self.day(min(given, 1)), "reply_due": self.day(given),
                                 "complete_due": self.day(given)}
        return self.act(issue, "coordinator", "assign", body)

    def later_than_due(self, issue: int, days: int) -> date:
        due = self.session.get(Issue, issue).complete_due or self.now.astimezone(LOCAL_TZ).date()
        return OPTIONS.calendar.add_working_days(due, days)

    def ask_for_time(self, issue, days, decide):
        asked = self.act(issue, None, "request_extension",
                         {"complete_due": self.later_than_due(issue, days), "reason": "需要协调"})
        if asked and decide is not None:  # decided at once, by whoever decides this one
            who = "leader" if self.session.get(Issue, issue).extension_count else "coordinator"
            self.act(issue, who, "decide_extension", {"approve": decide, "note": "审批意见"})

    def other_department(self, issue: int) -> int:
        lead = self.session.get(Issue, issue).lead_department_id
        return next(self.county.dept_id(d) for d in DEPARTMENTS if self.county.dept_id(d) != lead)

    def body(self, issue: int, action: str, given: int | None, satisfaction: str) -> dict:
        due = self.day(given or 0)
        return {
            "accept": {}, "return": {"reason": "不属于本单位职责"}, "reply": {"result": "已办理"},
            "answer": {"answer": "已联系企业，正在办理"}, "report": {"report": "办理情况已报告"},
            "request_extension": {"complete_due": self.later_than_due(issue, 1 + (given or 0)), "reason": "需要协调"},
            "decide_extension": {"approve": satisfaction != "unsatisfied", "note": "审批意见"},
            "set_deadline": {"deadlines": {"complete_due": due}, "reason": "重新确定办理时限"},
            "suspend": {"reason": "需省级审批", "review_on": self.day(20)}, "resume": {"note": "恢复办理"},
            "escalate": {"level": "province", "agency": "省自然资源厅", "sent_on": self.now.astimezone(LOCAL_TZ).date(),
                         "reason": "需省级审批", "review_on": self.day(20)},
            "escalation_followup": {"note": "电话询问进展"},
            "escalation_answer": {"answer": "省厅已答复", **(
                {"deadlines": {"reply_due": due, "complete_due": due}} if given is not None else {})},
            "visit": {"satisfaction": satisfaction, "note": "回访记录：企业意见",
                      **({"deadlines": {"reply_due": due, "complete_due": due}} if given is not None else {})},
            "urge": {"note": "请加快办理"},
            "reassign": {"lead_department_id": self.other_department(issue), "responsible_person": "赵强",
                         "responsible_phone": "13700002222", "reason": "职责调整，改派",
                         **({"deadlines": {"reply_due": due, "complete_due": due}} if given is not None else {})},
            "reopen": {"reason": "整改评估为未解决，请重新办理",
                       **({"deadlines": {"reply_due": due, "complete_due": due}} if given is not None else {})},
        }[action]

    @rule(issue=issues, pick=st.integers(0, 6), given=st.none() | st.integers(0, 12),
          satisfaction=st.sampled_from(("satisfied", "basically", "unsatisfied", "unsatisfied")))
    def next_step(self, issue, pick, given, satisfaction):
        """The step the issue's state calls for (one of them): the loop goes deep, not only wide."""
        status = self.session.get(Issue, issue).status
        if status == "collected":
            self.assign(issue, DEPARTMENTS[pick % 3], given)
        elif status in ("assigned", "in_progress") and pick == 5 and given is not None:
            self.act(issue, "coordinator", "reassign", self.body(issue, "reassign", given, satisfaction))
        elif status == "assigned":
            self.act(issue, None, "return" if pick == 0 else "accept", self.body(issue, "accept", given, satisfaction)
                     if pick else self.body(issue, "return", given, satisfaction))
        elif status == "in_progress" and pick in (0, 6):
            self.ask_for_time(issue, 1 + (given or 0), {"satisfied": True, "basically": None}.get(satisfaction, False))
        elif status == "in_progress" and pick in (1, 2):
            action = "suspend" if pick == 1 else "escalate" if satisfaction == "basically" else "set_deadline"
            self.act(issue, "coordinator", action, self.body(issue, action, given, satisfaction))
        elif status == "in_progress" and pick == 3:
            self.act(issue, None, "answer", self.body(issue, "answer", given, satisfaction))
        elif status in ("replied", "closed") and pick == 4:
            self.act(issue, None, "report", self.body(issue, "report", given, satisfaction))
        elif status == "in_progress":
            self.act(issue, None, "reply", self.body(issue, "reply", given, satisfaction))
        elif status == "suspended":
            self.act(issue, "coordinator", "resume", self.body(issue, "resume", given, satisfaction))
        elif status == "escalated":
            action = "escalation_followup" if pick == 0 else "escalation_answer"
            self.act(issue, "coordinator", action, self.body(issue, action, given, satisfaction))
        elif status == "replied":
            self.act(issue, "coordinator", "visit", self.body(issue, "visit", given, satisfaction))
        elif status == "closed" and pick in (0, 1):
            # 整改评估 found 未解决: 重办, a new round like an unsatisfied visit's
            # 整改评估 found 未解决: 重办, or 提请上级 (a new round on the higher level's answer)
            self.act(issue, "coordinator", "evaluate", {"verdict": "unresolved", "evidence": "现场核查仍未解决"})
            action = "reopen" if pick == 0 else "escalate"
            self.act(issue, "coordinator", action, self.body(issue, action, given, satisfaction))

    @rule(issue=issues, action=st.sampled_from(("accept", "return", "answer", "reply", "report", "request_extension",
                                                "decide_extension", "set_deadline", "suspend", "resume",
                                                "escalate", "escalation_followup", "escalation_answer",
                                                "visit", "urge", "reassign")),
          who=st.sampled_from((None, "coordinator", "leader", "supervisor")), given=st.none() | st.integers(0, 12),
          satisfaction=st.sampled_from(("satisfied", "unsatisfied")))
    def any_step(self, issue, action, who, given, satisfaction):
        """Any step by anyone at any time: mostly refused, and a refusal changes nothing."""
        self.act(issue, who, action, self.body(issue, action, given, satisfaction))

    # --- the property ----------------------------------------------------------------------

    @invariant()
    def figures_equal_the_timeline(self):
        self.session.expire_all()
        local = self.now.astimezone(LOCAL_TZ)
        for period in (WHOLE, Period.month(local.year, local.month)):
            service = {r.department_id: {k: v for k, v in asdict(r).items() if k != "department_name"}
                       for r in department_assessment(self.session, period, self.now)}
            timeline = department_figures(self.session, period, self.now)
            assert service == timeline, _difference(service, timeline)


def _difference(service: dict, timeline: dict) -> str:
    lines = []
    for dept in sorted(set(service) | set(timeline)):
        a, b = service.get(dept, {}), timeline.get(dept, {})
        lines += [f"department {dept} {k}: service {a.get(k)!r}, timeline {b.get(k)!r}"
                  for k in sorted(set(a) | set(b)) if a.get(k) != b.get(k)]
    return "\n".join(lines)


def test_department_figures_equal_the_timeline_after_every_step(shared_app, password_hash):
    Loop.engine, Loop.password_hash = shared_app.extensions["ys"]["engine"], password_hash
    run_state_machine_as_test(Loop, settings=settings(
        max_examples=EXAMPLES, stateful_step_count=STEPS, deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much, HealthCheck.data_too_large]))
