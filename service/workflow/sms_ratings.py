"""回访 by SMS: a reporter answers the "reply 1, 2 or 3" text, and that reply is the visit.

The reporter of an issue merged into another (重复反映) is asked the same when the main issue
gets its 办结答复 (the `merged_outcome` text); their reply rates that outcome on their own
issue (the `rate_outcome` step) and leaves the main issue's visit to its own reporter."""
import logging
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from models import SATISFACTION_LABELS, Issue, Satisfaction, SmsInbound, SmsMessage, SmsOptOut, Status
from service.core.errors import DomainError
from service.workflow import consultation
from service.workflow.transition import WorkflowOptions, transition
from service.workflow.visibility import reporter_actor

log = logging.getLogger(__name__)

RATINGS = {
    "1": Satisfaction.SATISFIED, "满意": Satisfaction.SATISFIED,
    "2": Satisfaction.BASICALLY, "基本满意": Satisfaction.BASICALLY,
    "3": Satisfaction.UNSATISFIED, "不满意": Satisfaction.UNSATISFIED,
}

# What became of a text (SmsInbound.outcome).
RATED = "rated"
NOT_A_RATING = "not_a_rating"
NO_ISSUE = "no_replied_issue"
REFUSED = "refused"  # the visit could not be taken (e.g. staff visited the issue meanwhile)
OPTED_OUT = "opted_out"  # TD (退订): no more automatic texts to this number
OPINION = "plan_opinion"  # 1/2 on a plan put to the reporter (征求意见)
MERGED_RATED = "merged_rated"  # a merged issue's reporter rated the main issue's outcome
OPT_OUT_WORDS = frozenset({"TD", "退订", "T", "STOP", "UNSUBSCRIBE", "取消"})


def is_opt_out(body: str | None) -> bool:
    text = unicodedata.normalize("NFKC", body or "")
    return re.sub(r"\s+", "", text).rstrip("。.!！").upper() in OPT_OUT_WORDS


@dataclass(frozen=True)
class ReplyOutcome:
    outcome: str
    issue_code: str | None = None
    satisfaction: str | None = None
    status: str | None = None      # the issue's state after the visit
    duplicate: bool = False        # a text already received (the provider retried)
    main_code: str | None = None   # MERGED_RATED: the main issue whose outcome was rated


def parse_rating(body: str | None) -> str | None:
    """The satisfaction a reply names: "1"/"2"/"3" (full-width too) or the words; else None."""
    text = unicodedata.normalize("NFKC", body or "")
    text = re.sub(r"\s+", "", text).rstrip("。.!！")
    return RATINGS.get(text)


def local_mobile(phone: str | None) -> str:
    """+86 138 1234 5678, 008613812345678, 13812345678 → 13812345678; other numbers as digits."""
    digits = re.sub(r"\D", "", phone or "")
    for prefix in ("0086", "86"):
        if digits.startswith(prefix) and len(digits) == len(prefix) + 11 and digits[len(prefix)] == "1":
            return digits[len(prefix):]
    return digits


def _issue_awaiting_visit(session: Session, phone: str) -> Issue | None:
    """The phone's most recently replied issue still waiting for its visit."""
    if not phone:
        return None
    return session.execute(
        select(Issue).where(Issue.reporter_phone.in_([phone, f"+86{phone}"]),
                            Issue.status == Status.REPLIED)
        .order_by(Issue.replied_at.desc().nulls_last(), Issue.id.desc()).limit(1)
    ).scalars().first()


def _merged_asked(session: Session, phone: str) -> tuple[Issue, datetime] | None:
    """The merged issue whose reporter was last sent the main issue's outcome (`merged_outcome`,
    which asks for a rating), and when it was sent."""
    if not phone:
        return None
    row = session.execute(
        select(SmsMessage.params, SmsMessage.created_at).where(
            SmsMessage.recipient_phone.in_([phone, f"+86{phone}"]), SmsMessage.template == "merged_outcome")
        .order_by(SmsMessage.created_at.desc(), SmsMessage.id.desc()).limit(1)).first()
    code = (row.params or {}).get("code") if row is not None else None
    if not code:
        return None
    issue = session.execute(select(Issue).where(Issue.code == code, Issue.status == Status.REJECTED,
                                                Issue.merged_into_id.is_not(None))).scalars().first()
    return (issue, row.created_at) if issue is not None else None


def record_reply(session: Session, from_phone: str, body: str, provider_id: str | None, now: datetime,
                 *, options: WorkflowOptions | None = None) -> ReplyOutcome:
    """Keep a received text, and take the visit step when it is a rating. Commits once.

    A text already received under the same provider id changes nothing a second time.
    """
    if provider_id:
        seen = session.execute(select(SmsInbound).where(SmsInbound.provider_id == provider_id)).scalars().first()
        if seen is not None:
            return _outcome_of(session, seen)
    phone = local_mobile(from_phone)
    received = {"provider_id": provider_id or None, "from_phone": (phone or from_phone or "")[:20],
                "body": (body or "")[:1600], "received_at": now}
    inbound = SmsInbound(**received, outcome=NOT_A_RATING)
    if is_opt_out(body) and phone:
        inbound.outcome = OPTED_OUT
        if session.get(SmsOptOut, phone) is None:
            session.add(SmsOptOut(phone=phone[:20], opted_out_at=now, via="sms"))
        return _keep(session, inbound, ReplyOutcome(OPTED_OUT))
    satisfaction = parse_rating(body)
    issue = _issue_awaiting_visit(session, phone) if satisfaction else None
    merged = _merged_asked(session, phone) if satisfaction else None
    # A rating answers the later of the two asks: the reporter's own reply, or the outcome of
    # the issue theirs was merged into (the same moment: their own issue's visit).
    if merged is not None and (issue is None or issue.replied_at is None or issue.replied_at < merged[1]):
        issue, rating_asked = merged[0], merged[1]
    else:
        merged, rating_asked = None, issue.replied_at if issue is not None else None
    opinion = consultation.parse_opinion(body)
    asked = consultation.open_for_phone(session, phone) if opinion and phone else None
    # 1 or 2 answers what the reporter was asked last: the plan, or the reply's rating.
    if asked is not None and (issue is None or rating_asked is None or rating_asked <= asked.sent_at):
        return _opinion(session, inbound, received, asked, opinion, now, options)
    if satisfaction and issue is None:
        inbound.outcome = NO_ISSUE
    if issue is None:
        return _keep(session, inbound, ReplyOutcome(inbound.outcome))
    if merged is not None:
        return _merged_rating(session, inbound, received, issue, satisfaction, now, options)

    label = SATISFACTION_LABELS[satisfaction]
    options = options or WorkflowOptions()

    def visit() -> ReplyOutcome:
        done = transition(session, reporter_actor(issue.reporter_phone), issue.id, "visit",
                          {"satisfaction": satisfaction, "note": f"反映人短信回复：{label}"},
                          now, options, commit=False, event_data={"via": "sms"})
        return ReplyOutcome(RATED, done.code, satisfaction, done.status)
    return _apply(session, inbound, received, issue.id, RATED, "SMS rating", visit)


def _merged_rating(session: Session, inbound: SmsInbound, received: dict, issue: Issue, satisfaction: str,
                   now: datetime, options: WorkflowOptions | None) -> ReplyOutcome:
    options = options or WorkflowOptions()

    def rate() -> ReplyOutcome:
        done = transition(session, reporter_actor(issue.reporter_phone), issue.id, "rate_outcome",
                          {"satisfaction": satisfaction, "via": "sms"}, now, options,
                          commit=False, event_data={"via": "sms"})
        main = session.get(Issue, done.merged_into_id)
        return ReplyOutcome(MERGED_RATED, done.code, satisfaction, done.status, main_code=main.code)
    return _apply(session, inbound, received, issue.id, MERGED_RATED, "SMS rating of the main outcome", rate)


def _opinion(session: Session, inbound: SmsInbound, received: dict, asked, opinion: tuple[str, str | None],
             now: datetime, options: WorkflowOptions | None) -> ReplyOutcome:
    options = options or WorkflowOptions()

    def answer() -> ReplyOutcome:
        done = consultation.answer_by_sms(session, asked, *opinion, now, options)
        return ReplyOutcome(OPINION, done.code, None, done.status)
    return _apply(session, inbound, received, asked.issue_id, OPINION, "SMS opinion on the plan", answer)


def _apply(session: Session, inbound: SmsInbound, received: dict, issue_id: int, kind: str, what: str,
           step: Callable[[], ReplyOutcome]) -> ReplyOutcome:
    """Keep the text as `kind` of issue `issue_id` and take its step, in one transaction. The
    text's provider id is claimed first, so a concurrent retry stops there; a step refused
    (e.g. staff took the visit meanwhile, or the main issue was reopened) keeps the text, marked
    refused, and changes nothing else."""
    inbound.issue_id, inbound.outcome = issue_id, kind
    session.add(inbound)
    try:
        session.flush()
        outcome = step()
        session.commit()
    except IntegrityError:
        session.rollback()
        return _duplicate(session, inbound.provider_id)
    except DomainError as exc:
        session.rollback()
        log.info("%s for issue %s not applied: %s", what, issue_id, exc.message)
        return _keep(session, SmsInbound(**received, issue_id=issue_id, outcome=REFUSED), ReplyOutcome(REFUSED))
    return outcome


def _keep(session: Session, inbound: SmsInbound, outcome: ReplyOutcome) -> ReplyOutcome:
    session.add(inbound)
    try:
        session.commit()
    except IntegrityError:
        session.rollback()
        return _duplicate(session, inbound.provider_id)
    return outcome


def _duplicate(session: Session, provider_id: str | None) -> ReplyOutcome:
    seen = session.execute(select(SmsInbound).where(SmsInbound.provider_id == provider_id)).scalars().first()
    return _outcome_of(session, seen) if seen is not None else ReplyOutcome(NOT_A_RATING, duplicate=True)


def _outcome_of(session: Session, inbound: SmsInbound) -> ReplyOutcome:
    issue = session.get(Issue, inbound.issue_id) if inbound.issue_id else None
    main = session.get(Issue, issue.merged_into_id) if issue is not None and issue.merged_into_id else None
    rated = inbound.outcome in (RATED, MERGED_RATED)
    return ReplyOutcome(inbound.outcome, issue.code if issue else None,
                        parse_rating(inbound.body) if rated else None,
                        issue.status if issue else None, duplicate=True,
                        main_code=main.code if main is not None and inbound.outcome == MERGED_RATED else None)
