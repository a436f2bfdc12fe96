"""One issue's history: the `Walk` through its scenario, and the building blocks (assign, accept,
reply, visit, …) that the scenarios are made of."""
import random
from collections.abc import Iterator
from datetime import date, timedelta

from sqlalchemy import select

from demo.county import HISTORY_DAYS, LAPSE, Act, County, Plan, _at_local
from demo.texts import (
    ASSIGN_NOTES,
    CLOSE_OFF_REASON,
    CO_PROGRESS,
    ESCALATION_ANSWERS,
    ESCALATION_DOCS,
    ESCALATION_FOLLOWUPS,
    ESCALATIONS,
    EVALUATION_EVIDENCE,
    EXTENSION_DECISIONS,
    EXTENSION_REASONS,
    INSTRUCT_NOTES,
    INTERIM_ANSWERS,
    LEAD_PROGRESS,
    MERGE_NOTES,
    PLAN_OBJECTIONS,
    PLAN_PROCEED_REASON,
    REJECT_NOTES,
    REPORTS,
    RESUME_NOTE,
    RETURN_OVERRULED,
    RETURN_REASON,
    SUSPEND_REASONS,
    UNREACHED_NOTES,
    URGE_NOTES,
    VISIT_NOTES,
    WITHHOLD_REASONS,
)
from models import Department, Issue, PlanConsultation, Role, Satisfaction, User
from service.deadlines.calendar import WEEKDAYS, local_date
from service.workflow.visibility import reporter_actor


class Walk:
    """Walks one issue through its scenario. The building blocks below are generators of acts;
    between two acts the driver performs the first, so `self.issue` is always current."""

    def __init__(self, county: County, plan: Plan, n: int):
        self.c, self.p, self.n = county, plan, n
        self.rng = random.Random(county.rng.random())
        self.t = plan.t0
        self.issue: Issue | None = None
        self.co: list[Department] = []
        self.acts = plan.scenario.run(self)

    # -- time and actors ---------------------------------------------------------------------

    def advance(self, days: int = 0) -> date:
        """Move to office hours `days` working days on (0: later the same day); the local date."""
        if days:
            day = WEEKDAYS.add_working_days(local_date(self.t), days)
            moment = _at_local(day, self.rng.randint(8, 17), self.rng.randint(0, 59))
        else:
            moment = self.t + timedelta(minutes=self.rng.randint(10, 90))
        if moment >= self.c.now:
            # The history has reached the present: squeeze the remaining steps in before it.
            moment = self.t + (self.c.now - self.t) * self.rng.uniform(0.2, 0.5)
        self.t = moment
        return local_date(moment)

    def act(self, actor: User | None, action: str, body: dict | None = None) -> Act:
        return Act(self.t, actor, action, body or {})

    def step(self, actor: User | None, action: str, body: dict | None = None, days: int = 0) -> Act:
        self.advance(days)
        return self.act(actor, action, body)

    @property
    def handler(self) -> User:
        return self.c.handlers[self.issue.lead_department_id]

    def coordinator(self) -> User:
        return self.rng.choice(self.c.of_role(Role.COORDINATOR))

    # -- building blocks ---------------------------------------------------------------------

    def create(self) -> Iterator[Act]:
        yield self.act(self.p.creator, "create", self.p.data)
        self.c.by_topic.setdefault(self.p.topic.key, []).append(self.issue)

    def assign(self, dept: Department | None = None, note: str | None = None, days: int | None = None,
               closing_soon: bool = False) -> Iterator[Act]:
        if days is None:
            days = 0 if self.p.meeting else self.rng.choice((0, 1, 1, 2))  # meetings: on the spot
        today = self.advance(days)
        lead = dept or self.p.lead
        self.co = [d for d in self.p.co if d.id != lead.id]
        person, phone = self.c.responsible[lead.id]
        body = {"lead_department_id": lead.id, "co_department_ids": [d.id for d in self.co],
                "lead_leader_id": self.p.leader.id, "responsible_person": person,
                "responsible_phone": phone, "note": note or self.rng.choice(ASSIGN_NOTES)}
        if closing_soon:
            body["deadlines"] = self._deadlines_closing_soon(today)
        yield self.act(self.coordinator(), "assign", body)

    def _deadlines_closing_soon(self, today: date) -> dict[str, date]:
        """Deadlines that fall one or two working days after the real today: a yellow issue."""
        due = WEEKDAYS.add_working_days(self.c.today, self.rng.choice((1, 2)))
        return {"accept_due": min(WEEKDAYS.add_working_days(today, 1), due), "reply_due": due,
                "complete_due": due, "report_due": WEEKDAYS.add_working_days(due, 2),
                "visit_due": WEEKDAYS.add_working_days(due, 5)}

    def give_back(self, reason: str) -> Iterator[Act]:
        yield self.step(self.handler, "return", {"reason": reason}, days=self.rng.choice((0, 1)))

    def accept(self) -> Iterator[Act]:
        yield self.step(self.handler, "accept", {"note": "已签收"}, days=self.rng.choice((0, 1)))

    def work(self) -> Iterator[Act]:
        rng = self.rng
        if self.p.plan and rng.random() < 0.7:
            yield self.step(self.handler, "plan", {"plan": self.p.plan}, days=rng.randint(1, 2))
            yield from self.plan_answered()
        if self.co and rng.random() < 0.7:
            co_handler = self.c.handlers[rng.choice(self.co).id]
            yield self.step(co_handler, "progress", {"note": rng.choice(CO_PROGRESS)}, days=rng.randint(1, 2))
        if rng.random() < 0.4:
            yield self.step(self.handler, "progress", {"note": rng.choice(LEAD_PROGRESS)},
                            days=rng.randint(1, 2))
        if rng.random() < 0.3:  # an interim 答复 to the reporter before the result
            yield self.step(self.handler, "answer", {"answer": rng.choice(INTERIM_ANSWERS)}, days=rng.randint(1, 2))
        if rng.random() < (0.6 if self.p.channel == "breakfast" else 0.15):
            yield from self.instruct()

    def plan_answered(self) -> Iterator[Act]:
        """The reporter's answer when the plan was put to them (征求意见, forum and breakfast): by
        the link or an SMS reply the same day, agreeing or objecting (the office then goes ahead
        with the plan, with its reason); or none."""
        consultation = self.c.session.execute(
            select(PlanConsultation).where(PlanConsultation.issue_id == self.issue.id,
                                           PlanConsultation.outcome == "open")
            .order_by(PlanConsultation.id.desc()).limit(1)).scalars().first()
        if consultation is None:
            return
        reporter, chance = reporter_actor(consultation.phone), self.rng.random()
        if chance < 0.5:
            yield self.step(reporter, "plan_opinion", {"opinion": "agree", "via": self.rng.choice(("link", "sms"))})
        elif chance < 0.7:
            yield self.step(reporter, "plan_opinion", {"opinion": "object", "via": "link",
                                                       "reason": self.rng.choice(PLAN_OBJECTIONS)})
            yield self.step(self.coordinator(), "proceed_plan", {"reason": PLAN_PROCEED_REASON})
        # otherwise no answer: the scheduler's nightly round (NightlyRounds) records 无异议

    def instruct(self, days: int = 1) -> Iterator[Act]:
        dept = next(d.name for d in self.c.depts.values() if d.id == self.issue.lead_department_id)
        note = self.rng.choice(INSTRUCT_NOTES).format(dept=dept)
        yield self.step(self.p.leader, "instruct", {"note": note}, days=days)

    def urge(self, days: int) -> Iterator[Act]:
        yield self.step(self.c.users["ducha"], "urge", {"note": self.rng.choice(URGE_NOTES)}, days=days)

    def reply(self, result: str | None = None) -> Iterator[Act]:
        """Mostly within the deadline; some late."""
        due = self.issue.complete_due
        left = WEEKDAYS.working_days_between(local_date(self.t), due) if due else 3
        if self.rng.random() < 0.15:
            days = max(left, 0) + self.rng.randint(1, 4)
        else:
            days = self.rng.randint(1, max(1, left))
        yield self.step(self.handler, "reply", {"result": result or self.p.result}, days=days)

    def handled(self) -> Iterator[Act]:
        yield from self.create()
        yield from self.assign()
        yield from self.accept()
        yield from self.work()
        yield from self.reply()
        if self.rng.random() < 0.7:
            yield from self.report()

    def report(self) -> Iterator[Act]:
        """办理情况报告 to the lead leader, mostly by 限期报告."""
        body = {"report": self.rng.choice(REPORTS).format(result=self.p.result)}
        yield self.step(self.handler, "report", body, days=self.rng.choice((0, 1, 1, 2, 4)))

    def visit(self, satisfaction: str | None = None) -> Iterator[Act]:
        sat = satisfaction or self.rng.choices((Satisfaction.SATISFIED, Satisfaction.BASICALLY), (4, 1))[0]
        body = {"satisfaction": sat, "note": self.rng.choice(VISIT_NOTES[sat])}
        yield self.step(self.coordinator(), "visit", body, days=self.rng.randint(1, 3))

    def unreached(self) -> Iterator[Act]:
        yield self.step(self.coordinator(), "unreached", {"note": self.rng.choice(UNREACHED_NOTES)},
                        days=self.rng.randint(1, 2))

    def close_off(self) -> Iterator[Act]:
        yield self.step(self.coordinator(), "close_off", {"reason": CLOSE_OFF_REASON}, days=1)

    def evaluate(self, verdict: str = "resolved") -> Iterator[Act]:
        yield self.step(self.coordinator(), "evaluate",
                        {"verdict": verdict, "evidence": self.rng.choice(EVALUATION_EVIDENCE[verdict])},
                        days=self.rng.randint(1, 3))

    def publish(self) -> Iterator[Act]:
        yield from self.evaluate(self.rng.choices(("resolved", "partial"), (5, 1))[0])
        yield self.step(self.coordinator(), "publish", {"public_summary": self.p.summary},
                        days=self.rng.randint(1, 5))

    def withhold(self) -> Iterator[Act]:
        yield self.step(self.coordinator(), "withhold", {"reason": self.rng.choice(WITHHOLD_REASONS)},
                        days=self.rng.randint(1, 5))

    def extension(self, approve: bool = True) -> Iterator[Act]:
        today = self.advance(self.rng.randint(1, 4))
        extra = self.rng.choice((10, 15, 20))
        wanted = max(WEEKDAYS.add_working_days(self.issue.complete_due, extra),
                     WEEKDAYS.add_working_days(today, extra))
        yield self.act(self.handler, "request_extension",
                       {"complete_due": wanted, "reason": self.rng.choice(EXTENSION_REASONS)})
        yield self.step(self.coordinator(), "decide_extension",
                        {"approve": approve, "note": EXTENSION_DECISIONS[approve]},
                        days=self.rng.choice((0, 1)))

    def suspend(self) -> Iterator[Act]:
        today = self.advance(self.rng.randint(2, 5))
        body = {"reason": self.rng.choice(SUSPEND_REASONS),
                "review_on": today + timedelta(days=self.rng.randint(30, 120))}
        yield self.act(self.coordinator(), "suspend", body)

    def resume(self) -> Iterator[Act]:
        yield self.step(self.coordinator(), "resume", {"note": RESUME_NOTE}, days=self.rng.randint(10, 20))

    def escalate(self) -> Iterator[Act]:
        today = self.advance(self.rng.randint(2, 5))
        level, agency, reason = self.rng.choice(ESCALATIONS)
        body = {"level": level, "agency": agency, "reason": reason, "sent_on": today,
                "document_no": self.rng.choice(ESCALATION_DOCS).format(n=self.rng.randint(10, 99)),
                "review_on": today + timedelta(days=self.rng.randint(20, 40))}
        yield self.act(self.coordinator(), "escalate", body)

    def escalation_followup(self) -> Iterator[Act]:
        today = self.advance(self.rng.randint(5, 10))
        body = {"note": self.rng.choice(ESCALATION_FOLLOWUPS),
                "review_on": today + timedelta(days=self.rng.randint(20, 40))}
        yield self.act(self.coordinator(), "escalation_followup", body)

    def escalation_answer(self) -> Iterator[Act]:
        yield self.step(self.coordinator(), "escalation_answer", {"answer": self.rng.choice(ESCALATION_ANSWERS)},
                        days=self.rng.randint(5, 15))

    def answer(self, satisfied: bool) -> Iterator[Act]:
        body = {"answer": self.p.result}
        if satisfied:
            body["satisfaction"] = Satisfaction.SATISFIED
        answerer = self.p.creator if self.p.creator is not None else self.coordinator()
        yield self.step(answerer, "answer_on_spot", body)

    def reject(self) -> Iterator[Act]:
        self.advance(self.rng.randint(0, 2))
        earlier = [i for i in self.c.by_topic[self.p.topic.key]
                   if i.id != self.issue.id and i.status != "rejected"]
        if earlier and self.rng.random() < 0.6:
            target = self.rng.choice(earlier)
            reason = self.rng.choice(("duplicate", "merged"))
            body = {"reason": reason, "merged_into": target.id,
                    "note": MERGE_NOTES[reason].format(code=target.code)}
        else:
            reason, note = self.rng.choice(REJECT_NOTES)
            body = {"reason": reason, "note": note}
        yield self.act(self.coordinator(), "reject", body)

    def wrong_department(self) -> Department:
        """Where an issue is first sent before the department returns it; now and then the right
        one, whose return the office overrules."""
        if self.rng.random() < 0.3:
            return self.p.lead
        if self.p.co:
            return self.p.co[0]
        return self.rng.choice([d for d in self.c.depts.values() if d.id != self.p.lead.id])

    def returned(self) -> Iterator[Act]:
        """Logged, assigned to the wrong department and returned by it. True when the department
        was the right one after all, so that the office will overrule the return."""
        yield from self.create()
        wrong = self.wrong_department()
        yield from self.assign(dept=wrong)
        overruled = wrong.id == self.p.lead.id
        yield from self.give_back(RETURN_OVERRULED[0] if overruled
                                  else RETURN_REASON.format(dept=self.p.lead.name))
        return overruled


class NightlyRounds:
    """The scheduler's nightly round over the county's history, taken in time order with the
    walks: plans put to reporters that got no answer by their last day are recorded as 无异议
    just after midnight, as the `plan_consultations` job does."""

    n = -1

    def __init__(self, county: County):
        self.c, self.issue = county, None
        self.acts = self._rounds()

    def _rounds(self) -> Iterator[Act]:
        first = local_date(self.c.now) - timedelta(days=HISTORY_DAYS + 30)
        for offset in range((local_date(self.c.now) - first).days + 1):
            at = _at_local(first + timedelta(days=offset), 0, 10)
            if at < self.c.now:
                yield Act(at, None, LAPSE, {})
