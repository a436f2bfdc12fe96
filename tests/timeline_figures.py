"""Every department figure of the assessment worked out again from the timeline alone.

Written apart from `service.assessment` and from the workflow: it reads the `issue_event` rows
(in the order they were appended) and the list of departments, and nothing else — no column of
`issue`, no `deadline_judgement`. It follows the rules as docs/assessment.md states them:

- each assignment and each 重办 starts a round; in a round each deadline is judged once, by the
  step that meets it (签收 by 签收 or 退单, 回复 by the first 答复 or 办结答复, 办结 by the
  办结答复, 报告 by the 办理情况报告), on time when the step falls on or before the due date
  (county time);
- when 挂账, 退单 or 重新确定时限 comes after a deadline of the issue's stage has passed unmet,
  that deadline is judged late there and then; an extension moves the deadline only when it was
  asked before the deadline passed (approved later, the miss is judged late at the approval);
- a 重办 ends the round: a report owed past its deadline is judged late there;
- an issue still on the department's desk past a deadline not judged in its round counts late
  (the report is owed in every state from 已交办 on but 挂账);
- 当前逾期 looks at the deadlines of the issue's stage, less 限期回复 once the reporter has been
  answered in the round and 限期报告 once the report is made;
- a period takes the rounds of the assignments made in it, returns by their own date.

If the service's figures and these ever differ, one of them breaks the rules.
"""
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import select
from sqlmodel import Session

from models import Department, IssueEvent
from service.assessment.periods import Period
from service.deadlines.calendar import local_date

DEPARTMENT_DEADLINES = ("accept_due", "reply_due", "complete_due", "report_due")
REPORT_OWED = ("assigned", "in_progress", "replied", "closed", "published")
# The deadlines still ahead in each state whose clock runs (docs/assessment.md).
STAGE = {"assigned": ("accept_due", "reply_due", "complete_due"),
         "in_progress": ("reply_due", "complete_due", "report_due"),
         "replied": ("visit_due",)}
WEIGHTS = {"accept_rate": 0.10, "reply_rate": 0.10, "complete_rate": 0.40, "satisfaction_rate": 0.40}
PENALTY = {"reopens": 2.0, "returned": 1.0, "overdue_now": 2.0}


@dataclass
class Judgement:
    department: int | None
    assigned_at: datetime | None
    deadline: str
    on_time: bool


@dataclass
class Story:
    """One issue as its events tell it."""

    status: str = "collected"
    lead: int | None = None
    assigned_at: datetime | None = None
    deadlines: dict[str, date | None] = field(default_factory=dict)
    judged: set[str] = field(default_factory=set)   # judged in the current round
    satisfaction: str | None = None
    reopens: int = 0
    extensions: int = 0
    asked_late: bool = False   # the pending extension was asked after the deadline it would move
    answered: bool = False     # the reporter has been answered in this round: 限期回复 is met
    reported: bool = False     # the report is made in this round: 限期报告 is met
    escalated_from: str | None = None  # 提请上级 from the work in hand or from a closed issue


def _dates(raw: dict | None) -> dict[str, date | None]:
    return {k: date.fromisoformat(v) if v else None for k, v in (raw or {}).items()}


class Replay:
    def __init__(self) -> None:
        self.issues: dict[int, Story] = {}
        self.judgements: list[Judgement] = []
        self.returns: list[tuple[int, datetime]] = []

    def judge(self, story: Story, key: str, day: date, met: bool = True) -> None:
        if key in story.judged:
            return
        due = story.deadlines.get(key)
        story.judged.add(key)
        self.judgements.append(Judgement(story.lead, story.assigned_at, key,
                                         met and (due is None or day <= due)))

    def missed(self, story: Story, day: date) -> None:
        for key in STAGE.get(story.status, ()):
            due = story.deadlines.get(key)
            if due is not None and due < day:
                self.judge(story, key, day, met=False)

    def event(self, e: IssueEvent) -> None:
        story = self.issues.setdefault(e.issue_id, Story())
        day, data = local_date(e.at), e.data or {}
        if e.action == "assign":
            story.lead, story.assigned_at = data["lead_department_id"], e.at
            story.deadlines, story.judged = _dates(data["deadlines"]), set()
            story.answered = story.reported = False
        elif e.action == "accept":
            self.judge(story, "accept_due", day)
        elif e.action == "return":
            self.judge(story, "accept_due", day)
            self.missed(story, day)
            self.returns.append((data["department_id"], e.at))
            story.lead, story.deadlines = None, {}
        elif e.action == "reassign":   # 改派: the old round ends as at a 退单, the new department's begins
            self.missed(story, day)
            story.lead, story.assigned_at = data["lead_department_id"], e.at
            story.deadlines, story.judged = _dates(data["deadlines"]), set()
            story.answered = story.reported = False
        elif e.action == "request_extension":
            due = story.deadlines.get("complete_due")
            story.asked_late = due is not None and day > due
        elif e.action == "decide_extension" and data.get("approve"):
            if story.asked_late:  # too late to move the deadline on-time is judged by
                self.judge(story, "complete_due", day, met=False)
            story.deadlines.update(_dates(data["deadlines"]))
            story.extensions += 1
        elif e.action == "set_deadline":
            self.missed(story, day)
            story.deadlines.update(_dates(data["deadlines"]))
        elif e.action == "suspend":
            self.missed(story, day)
        elif e.action == "resume":
            story.deadlines.update(_dates(data["deadlines"]))
        elif e.action == "escalate":   # 提请上级: the clock stops as for 挂账
            self.missed(story, day)
            story.escalated_from = e.from_status
            if e.from_status == "closed":   # after 整改评估 未解决: no longer settled
                story.satisfaction = None
        elif e.action == "escalation_answer" and story.escalated_from == "closed":
            if e.to_status == "in_progress":   # a new round, as 重办
                report_due = story.deadlines.get("report_due")
                if report_due is not None and report_due < day:
                    self.judge(story, "report_due", day, met=False)
                story.reopens += 1
                story.answered = story.reported = False
                story.judged -= {"reply_due", "complete_due", "report_due", "visit_due"}
                story.deadlines.update(_dates(data["deadlines"]))
        elif e.action == "escalation_answer":   # back to the work in hand, as 恢复办理
            story.deadlines.update(_dates(data["deadlines"]))
        elif e.action == "answer":
            self.judge(story, "reply_due", day)
            story.answered = True
        elif e.action == "report":
            self.judge(story, "report_due", day)
            story.reported = True
        elif e.action == "reply":
            story.answered = True
            self.judge(story, "reply_due", day)
            self.judge(story, "complete_due", day)
        elif e.action in ("visit", "answer_on_spot"):
            if e.action == "visit" and story.lead is not None:
                self.judge(story, "visit_due", day)
            story.satisfaction = data.get("satisfaction", story.satisfaction)
            if e.action == "visit" and e.to_status == "in_progress":   # 重办: a new round
                report_due = story.deadlines.get("report_due")
                if report_due is not None and report_due < day:
                    self.judge(story, "report_due", day, met=False)
                story.reopens += 1
                story.answered = story.reported = False
                story.judged -= {"reply_due", "complete_due", "report_due", "visit_due"}
                story.deadlines.update(_dates(data["deadlines"]))
        elif e.action == "reopen" and e.to_status == "in_progress":   # 重办 after 整改评估 未解决
            story.satisfaction = None
            story.reopens += 1
            story.judged -= {"reply_due", "complete_due", "report_due", "visit_due"}
            story.deadlines.update(_dates(data["deadlines"]))
        story.status = e.to_status or story.status


def replay(session: Session) -> Replay:
    r = Replay()
    for e in session.execute(select(IssueEvent).order_by(IssueEvent.issue_id, IssueEvent.id)).scalars():
        r.event(e)
    return r


def _rate(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def department_figures(session: Session, period: Period, now: datetime) -> dict[int, dict]:
    """Every active department's row (and any other with figures), keyed by id, with the
    fields of `service.assessment.rates.DepartmentRow` but the name."""
    r, today = replay(session), local_date(now)
    lo, hi = period.bounds

    def in_period(moment: datetime | None) -> bool:
        return moment is not None and lo <= moment < hi

    rows: dict[int, dict] = defaultdict(lambda: defaultdict(int))
    for j in r.judgements:
        if j.department is not None and in_period(j.assigned_at) and j.deadline in DEPARTMENT_DEADLINES:
            rows[j.department][f"{j.deadline}:judged"] += 1
            rows[j.department][f"{j.deadline}:on_time"] += int(j.on_time)
    for dept, at in r.returns:
        if in_period(at):
            rows[dept]["returned"] += 1
    for story in r.issues.values():
        if story.lead is None or not in_period(story.assigned_at):
            continue
        row = rows[story.lead]
        row["received"] += 1
        running = story.status in ("assigned", "in_progress")
        for key in DEPARTMENT_DEADLINES:
            due = story.deadlines.get(key)
            desk = (story.status == "assigned" if key == "accept_due"
                    else story.status in REPORT_OWED if key == "report_due" else running)
            if desk and due is not None and due < today and key not in story.judged:
                row[f"{key}:judged"] += 1
        row["completed"] += story.status in ("replied", "closed", "published")
        row["open"] += running
        row["suspended"] += story.status == "suspended"
        row["escalated"] += story.status == "escalated"
        met = {"reply_due": story.answered, "report_due": story.reported}
        ahead = [story.deadlines.get(k) for k in STAGE.get(story.status, ()) if not met.get(k)]
        ahead = [d for d in ahead if d is not None]
        row["overdue_now"] += running and bool(ahead) and min(ahead) < today
        if story.satisfaction:
            row[story.satisfaction] += 1
        row["reopened"] += story.reopens > 0
        row["reopens"] += story.reopens
        row["extended"] += story.extensions > 0
        row["extensions"] += story.extensions

    active = dict(session.execute(select(Department.id, Department.active)).all())
    out = {}
    for dept, is_active in active.items():
        if not is_active and dept not in rows:
            continue
        row = rows[dept]
        out[dept] = figures = {
            "department_id": dept, "received": row["received"],
            "accepted_on_time": row["accept_due:on_time"], "accept_judged": row["accept_due:judged"],
            "replied_on_time": row["reply_due:on_time"], "reply_judged": row["reply_due:judged"],
            "completed_on_time": row["complete_due:on_time"],
            "completed_late": sum(1 for j in r.judgements if j.department == dept and in_period(j.assigned_at)
                                  and j.deadline == "complete_due" and not j.on_time),
            "complete_judged": row["complete_due:judged"], "completed": row["completed"], "open": row["open"],
            "satisfied": row["satisfied"], "basically": row["basically"], "unsatisfied": row["unsatisfied"],
            "rated": row["satisfied"] + row["basically"] + row["unsatisfied"],
            "reopened": row["reopened"], "reopens": row["reopens"], "extended": row["extended"],
            "extensions": row["extensions"], "suspended": row["suspended"], "escalated": row["escalated"],
            "returned": row["returned"],
            "overdue_now": row["overdue_now"],
            "reported_on_time": row["report_due:on_time"], "report_judged": row["report_due:judged"],
            "report_rate": _rate(row["report_due:on_time"], row["report_due:judged"]),
        }
        rates = {"accept_rate": _rate(figures["accepted_on_time"], figures["accept_judged"]),
                 "reply_rate": _rate(figures["replied_on_time"], figures["reply_judged"]),
                 "complete_rate": _rate(figures["completed_on_time"], figures["complete_judged"]),
                 "satisfaction_rate": _rate(figures["satisfied"] + figures["basically"], figures["rated"])}
        penalty = float(PENALTY["reopens"] * figures["reopens"] + PENALTY["returned"] * figures["returned"]
                        + PENALTY["overdue_now"] * figures["overdue_now"])
        weights = {k: w for k, w in WEIGHTS.items() if rates[k] is not None}
        score = None
        if weights:
            mean = sum(w * rates[k] for k, w in weights.items()) / sum(weights.values())
            score = round(max(0.0, 100 * mean - penalty), 2)
        figures.update(rates, penalty=penalty, score=score)
    ranked = sorted((f for f in out.values() if f["score"] is not None),
                    key=lambda f: (-f["score"], f["overdue_now"], -f["received"]))
    for f in out.values():
        f["rank"] = None
    for f in ranked:
        f["rank"] = 1 + sum(1 for g in ranked if (-g["score"], g["overdue_now"], -g["received"])
                            < (-f["score"], f["overdue_now"], -f["received"]))
    return out
