"""征求意见 from the reporter's side: the plan page their signed link opens, their answer there
or by SMS (1 同意, 2 有意见), and the lapse to 无异议 when the policy's days pass unanswered. The
steps themselves (`plan`, `plan_opinion`, `proceed_plan`) are in `transition`."""
import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlmodel import Session

from models import STATUS_LABELS, Issue, IssueEvent, PlanConsultation, Status
from service.core import links
from service.core.errors import Conflict
from service.core.masking import masking_of, scrub_text
from service.deadlines.calendar import local_date
from service.workflow.queries import department_names
from service.workflow.transition import CONSULT_LINK, WorkflowOptions, transition
from service.workflow.visibility import reporter_actor

OUTCOME_LABELS = {"open": "待您回复", "agreed": "已同意", "objected": "已提出意见",
                  "no_objection": "期满未回复，视为无异议", "superseded": "方案已修改，请查看新的短信链接"}
LAPSE_NOTE = "征求意见期满未回复，视为无异议"


def by_token(session: Session, secret: str, token: str) -> PlanConsultation:
    return links.row_of(session, PlanConsultation, secret, CONSULT_LINK, token, "consultation_not_found")


@dataclass(frozen=True)
class PlanPage:
    token: str
    code: str
    title: str
    status_label: str
    department: str | None
    plan: str
    due_on: date
    outcome: str
    outcome_label: str
    reason: str | None
    answerable: bool


def plan_page(session: Session, secret: str, token: str, now: datetime) -> PlanPage:
    """What the reporter's link shows: the plan, masked as the public side is (names of people
    and a company that has not agreed to be named never appear), and whether they may answer."""
    c = by_token(session, secret, token)
    issue = session.get(Issue, c.issue_id)
    who = masking_of(issue)
    names = department_names(session, {issue.lead_department_id} if issue.lead_department_id else set())
    answerable = c.outcome == "open" and now < c.expires_at and issue.status == Status.IN_PROGRESS
    return PlanPage(token=token, code=issue.code, title=scrub_text(issue.title, **who) or "",
                    status_label=STATUS_LABELS[Status(issue.status)], department=names.get(issue.lead_department_id),
                    plan=scrub_text(c.plan, **who) or "", due_on=c.due_on, outcome=c.outcome,
                    outcome_label=OUTCOME_LABELS.get(c.outcome, c.outcome), reason=c.reason, answerable=answerable)


def answer_by_link(session: Session, secret: str, token: str, opinion: str, reason: str | None, now: datetime,
                   options: WorkflowOptions = WorkflowOptions()) -> Issue:
    """The reporter agrees (`agree`) or objects (`object`, with a reason) on the page. Commits."""
    c = by_token(session, secret, token)
    if c.outcome != "open":
        raise Conflict(f"该方案已不再征求意见：{OUTCOME_LABELS.get(c.outcome, c.outcome)}", code="consultation_closed")
    return transition(session, reporter_actor(c.phone), c.issue_id, "plan_opinion",
                      {"opinion": opinion, "reason": reason, "via": "link"}, now, options)


AGREE_WORDS = frozenset({"1", "同意", "同意方案"})
OBJECT_WORDS = ("2", "有意见", "不同意")


def parse_opinion(body: str | None) -> tuple[str, str | None] | None:
    """("agree", None) for 1/同意, ("object", what follows) for 2/有意见 …; else None."""
    text = unicodedata.normalize("NFKC", body or "").strip()
    if re.sub(r"\s+", "", text).rstrip("。.!！") in AGREE_WORDS:
        return "agree", None
    for word in OBJECT_WORDS:
        if text.startswith(word):
            rest = text[len(word):].strip(" ，,:：。")
            return "object", rest or None
    return None


def open_for_phone(session: Session, phone: str) -> PlanConsultation | None:
    if not phone:
        return None
    return session.execute(
        select(PlanConsultation).where(PlanConsultation.phone.in_([phone, f"+86{phone}"]),
                                       PlanConsultation.outcome == "open")
        .order_by(PlanConsultation.sent_at.desc(), PlanConsultation.id.desc()).limit(1)).scalars().first()


def answer_by_sms(session: Session, consultation: PlanConsultation, opinion: str, reason: str | None,
                  now: datetime, options: WorkflowOptions) -> Issue:
    """An SMS reply taken as the answer, in the caller's transaction (no commit)."""
    if opinion == "object" and not reason:
        reason = "短信回复有意见（未写明具体意见，请电话联系反映人）"
    return transition(session, reporter_actor(consultation.phone), consultation.issue_id, "plan_opinion",
                      {"opinion": opinion, "reason": reason, "via": "sms"}, now, options, commit=False,
                      event_data={"via": "sms"})


def lapse(session: Session, now: datetime) -> int:
    """Consultations whose last day has passed unanswered: 无异议, on the issue's timeline. Commits."""
    today = local_date(now)
    waiting = session.execute(select(PlanConsultation).where(
        PlanConsultation.outcome == "open", PlanConsultation.due_on < today)).scalars().all()
    for c in waiting:
        c.outcome, c.via, c.answered_at = "no_objection", "lapse", now
        issue = session.get(Issue, c.issue_id)
        session.add(IssueEvent(issue_id=c.issue_id, at=now, actor_id=None, action="plan_no_objection",
                               from_status=issue.status, to_status=issue.status, note=LAPSE_NOTE,
                               data={"due_on": c.due_on.isoformat()}))
        session.add(c)
    session.commit()
    return len(waiting)
