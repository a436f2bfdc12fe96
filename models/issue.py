"""Issues, their co-handling departments, timeline, extension requests and code counter."""
from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Column, Index, Integer, UniqueConstraint
from sqlmodel import Field, SQLModel

from .types import UTCDateTime, utcnow

_VERSION = Column("version", Integer, nullable=False)


def _ts(nullable: bool = True, index: bool = False) -> Any:
    return Field(default=None, sa_column=Column(UTCDateTime, nullable=nullable, index=index))


class Issue(SQLModel, table=True):
    __tablename__ = "issue"
    __table_args__ = (
        UniqueConstraint("year", "seq", name="uq_issue_year_seq"),
        Index("ix_issue_status_id", "status", "id"),
        Index("ix_issue_lead_department_id", "lead_department_id", "id"),
        Index("ix_issue_channel_id", "channel", "id"),
        Index("ix_issue_next_due", "next_due"),
        Index("ix_issue_reporter_phone", "reporter_phone"),
        Index("ix_issue_lead_leader_id", "lead_leader_id", "id"),
        Index("ix_issue_disclosure", "disclosure", "id"),
        # The public figures page and the Atom feed (migration 0004, which also adds the
        # search structures that are not expressed here: FTS5 on SQLite, pg_trgm on PostgreSQL).
        Index("ix_issue_figures", "year", "status", "channel", "lead_department_id",
              "completed_on_time", "satisfaction"),
        Index("ix_issue_published_at", "published_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(max_length=20, unique=True)
    year: int
    seq: int
    title: str = Field(max_length=200)
    content: str
    category: str | None = Field(default=None, max_length=64)
    type: str = Field(default="help", max_length=16)
    channel: str = Field(max_length=16)
    meeting_id: int | None = Field(default=None, foreign_key="meeting.id", index=True)
    township: str | None = Field(default=None, max_length=64)
    # The enterprise on record that raised it (企业库); the reporter's organisation stays as typed.
    enterprise_id: int | None = Field(default=None, foreign_key="enterprise.id", index=True)

    # The reporter's own data: never shown on a public page.
    reporter_name: str | None = Field(default=None, max_length=64)
    reporter_org: str | None = Field(default=None, max_length=200)
    reporter_phone: str | None = Field(default=None, max_length=20)
    reporter_kind: str = Field(default="enterprise", max_length=16)
    reporter_consent_public: bool = Field(default=False)

    status: str = Field(default="collected", max_length=16)
    lead_department_id: int | None = Field(default=None, foreign_key="department.id")
    lead_leader_id: int | None = Field(default=None, foreign_key="user_account.id")
    responsible_person: str | None = Field(default=None, max_length=64)
    responsible_phone: str | None = Field(default=None, max_length=20)
    # The lead department's handler (责任人) picked from its staff; the name and phone above are
    # then the user's. None: the responsible person was typed in.
    handler_user_id: int | None = Field(default=None, foreign_key="user_account.id", index=True)
    plan: str | None = None
    result: str | None = None
    answered_on_spot: bool = Field(default=False)

    accept_due: date | None = None
    reply_due: date | None = None
    complete_due: date | None = None
    report_due: date | None = None
    visit_due: date | None = None
    # The nearest deadline still to be met; NULL while the clock is stopped.
    next_due: date | None = None

    # 办理轮次: 1 at the first assignment, one more at each reassignment and each 重办. Each
    # round's deadlines are judged on their own (DeadlineJudgement); a new round never clears
    # an earlier round's lateness.
    round_no: int = Field(default=0)
    # The current round's judgements, as first recorded (None: not judged yet). The history of
    # every round is in `deadline_judgement`.
    accepted_on_time: bool | None = None
    replied_on_time: bool | None = None
    completed_on_time: bool | None = None
    reported_on_time: bool | None = None
    # 办结 judged late in any round of this issue: the public "on time" never forgets one.
    late_completions: int = Field(default=0)
    # 原定办结时限: the round's complete_due as set at assignment or reopening, before extensions.
    original_complete_due: date | None = None

    satisfaction: str | None = Field(default=None, max_length=16)
    reopen_count: int = Field(default=0)
    extension_count: int = Field(default=0)
    disclosure: str = Field(default="pending", max_length=16)
    public_title: str | None = Field(default=None, max_length=200)
    public_summary: str | None = None
    withhold_reason: str | None = None
    reject_reason: str | None = Field(default=None, max_length=16)
    merged_into_id: int | None = Field(default=None, foreign_key="issue.id")
    review_on: date | None = None

    created_by_id: int | None = Field(default=None, foreign_key="user_account.id")
    created_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime, nullable=False))
    updated_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime, nullable=False))
    assigned_at: datetime | None = _ts()
    accepted_at: datetime | None = _ts()
    replied_at: datetime | None = _ts()
    # 答复: the first answer to the reporter (an interim 答复 or the 办结答复), this round.
    answered_at: datetime | None = _ts()
    # 办理情况报告: the latest report to the lead leader in the current round.
    reported_at: datetime | None = _ts()
    closed_at: datetime | None = _ts()
    published_at: datetime | None = _ts()
    suspended_at: datetime | None = _ts()

    # Optimistic locking: every UPDATE checks and bumps it; a stale write raises StaleDataError.
    version: int = Field(default=1, sa_column=_VERSION)

    __mapper_args__ = {"version_id_col": _VERSION}


class IssueCoDepartment(SQLModel, table=True):
    __tablename__ = "issue_co_department"

    issue_id: int = Field(foreign_key="issue.id", primary_key=True)
    department_id: int = Field(foreign_key="department.id", primary_key=True, index=True)
    # The co-handling department's own handler (经办人), when the office names one: its notices go
    # to his mobile.
    handler_user_id: int | None = Field(default=None, foreign_key="user_account.id", index=True)


class IssueEvent(SQLModel, table=True):
    """One line of an issue's timeline. Rows are only ever appended."""

    __tablename__ = "issue_event"
    __table_args__ = (Index("ix_issue_event_issue", "issue_id", "id"),)

    id: int | None = Field(default=None, primary_key=True)
    issue_id: int = Field(foreign_key="issue.id")
    at: datetime = Field(sa_column=Column(UTCDateTime, nullable=False))
    actor_id: int | None = Field(default=None, foreign_key="user_account.id")
    action: str = Field(max_length=32)
    from_status: str | None = Field(default=None, max_length=16)
    to_status: str | None = Field(default=None, max_length=16)
    note: str | None = None
    data: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))


class ExtensionRequest(SQLModel, table=True):
    __tablename__ = "extension_request"
    __table_args__ = (Index("ix_extension_request_issue", "issue_id", "status"),)

    id: int | None = Field(default=None, primary_key=True)
    issue_id: int = Field(foreign_key="issue.id")
    requested_by_id: int | None = Field(default=None, foreign_key="user_account.id")
    requested_at: datetime = Field(sa_column=Column(UTCDateTime, nullable=False))
    current_due: date | None = None
    requested_due: date
    reason: str
    status: str = Field(default="pending", max_length=16)
    decided_by_id: int | None = Field(default=None, foreign_key="user_account.id")
    decided_at: datetime | None = _ts()
    decision_note: str | None = None


class DeadlineJudgement(SQLModel, table=True):
    """按时与否: the first judgement of one deadline in one round of an issue, recorded when it
    happened and never changed (append-only, like the timeline).

    `met` says whether the step that meets the deadline made it (签收, 答复, 办结, 回访; a 退单
    answers the 签收 deadline), or the deadline had already passed unmet when the clock was
    stopped or the deadline moved (挂账, 退单, 重新确定时限): then it is recorded late at once.
    `assigned_at` is the time of the assignment the round belongs to, which places it in a
    reporting period; `department_id` the lead department then.
    """

    __tablename__ = "deadline_judgement"
    __table_args__ = (
        UniqueConstraint("issue_id", "round_no", "deadline", name="uq_deadline_judgement_round"),
        Index("ix_deadline_judgement_department", "department_id", "assigned_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    issue_id: int = Field(foreign_key="issue.id", index=True)
    event_id: int | None = Field(default=None, foreign_key="issue_event.id")  # None: migrated
    round_no: int
    deadline: str = Field(max_length=16)
    department_id: int | None = Field(default=None, foreign_key="department.id")
    assigned_at: datetime | None = _ts()
    due: date | None = None
    original_due: date | None = None
    at: datetime = Field(sa_column=Column(UTCDateTime, nullable=False))
    on_time: bool
    met: bool = Field(default=True)


class Evaluation(SQLModel, table=True):
    """整改评估: the office's evaluation of a closed issue before it is published — verdict,
    evidence (text and the issue's attachments), evaluator and date. Written by the workflow
    step `evaluate` together with its timeline event; rows are only ever appended, the latest
    of the issue's current round is the one in force."""

    __tablename__ = "issue_evaluation"
    __table_args__ = (Index("ix_issue_evaluation_issue", "issue_id", "id"),)

    id: int | None = Field(default=None, primary_key=True)
    issue_id: int = Field(foreign_key="issue.id")
    event_id: int | None = Field(default=None, foreign_key="issue_event.id")
    round_no: int
    verdict: str = Field(max_length=16)
    evidence: str
    attachment_ids: list[int] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    evaluator_id: int | None = Field(default=None, foreign_key="user_account.id")
    evaluated_on: date
    at: datetime = Field(sa_column=Column(UTCDateTime, nullable=False))


class CodeCounter(SQLModel, table=True):
    """The last tracking-code number handed out per year."""

    __tablename__ = "code_counter"

    year: int = Field(primary_key=True, sa_column_kwargs={"autoincrement": False})
    last: int = Field(default=0)


class IssueReport(SQLModel, table=True):
    """办理情况报告: the lead department's report on an issue to its lead leader, who reads it."""

    __tablename__ = "issue_report"
    __table_args__ = (Index("ix_issue_report_leader", "leader_id", "read_at", "id"),)

    id: int | None = Field(default=None, primary_key=True)
    issue_id: int = Field(foreign_key="issue.id", index=True)
    event_id: int | None = Field(default=None, foreign_key="issue_event.id")
    leader_id: int | None = Field(default=None, foreign_key="user_account.id")
    department_id: int | None = Field(default=None, foreign_key="department.id")
    author_id: int | None = Field(default=None, foreign_key="user_account.id")
    at: datetime = Field(sa_column=Column(UTCDateTime, nullable=False))
    body: str
    read_at: datetime | None = _ts()


class PlanConsultation(SQLModel, table=True):
    """征求意见: the lead department's 办理方案 shown to the reporter, who agrees or objects by a
    signed link or an SMS reply; no answer by `due_on` is 无异议. An objection waits for the
    department's revised plan (a new consultation) or the office's decision to proceed."""

    __tablename__ = "plan_consultation"
    __table_args__ = (Index("ix_plan_consultation_issue", "issue_id"),
                      Index("ix_plan_consultation_open", "outcome", "due_on"))

    id: int | None = Field(default=None, primary_key=True)
    issue_id: int = Field(foreign_key="issue.id")
    # The random value the reporter's signed link carries.
    nonce: str = Field(max_length=40, unique=True)
    plan: str
    phone: str = Field(max_length=20)
    sent_at: datetime = Field(sa_column=Column(UTCDateTime, nullable=False))
    due_on: date            # the last day to answer (working days after sending, by the policy)
    expires_at: datetime = Field(sa_column=Column(UTCDateTime, nullable=False))  # the link's end
    # open | agreed | objected | no_objection (lapsed) | superseded (a revised plan replaced it)
    outcome: str = Field(default="open", max_length=16)
    reason: str | None = None                 # the reporter's objection
    answered_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime, nullable=True))
    via: str | None = Field(default=None, max_length=8)   # link | sms | lapse
    # After an objection: the office's decision to go ahead with the plan as it is.
    decided_by_id: int | None = Field(default=None, foreign_key="user_account.id")
    decided_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime, nullable=True))
    decision: str | None = None


class Escalation(SQLModel, table=True):
    """提请上级: an issue beyond the county's powers raised to the city, province or state — the
    level, the agency, the document (文号), the day it was sent, the follow-ups (催询), the
    higher level's answer, and the next review date (the office is reminded on it). Written by
    the workflow steps `escalate`, `escalation_followup` and `escalation_answer`; the latest row
    of an issue is the escalation in force."""

    __tablename__ = "issue_escalation"
    __table_args__ = (Index("ix_issue_escalation_issue", "issue_id", "id"),
                      Index("ix_issue_escalation_at", "at"))

    id: int | None = Field(default=None, primary_key=True)
    issue_id: int = Field(foreign_key="issue.id")
    event_id: int | None = Field(default=None, foreign_key="issue_event.id")
    from_status: str = Field(max_length=16)  # in_progress, or closed (评估为未解决)
    level: str = Field(max_length=16)        # models.EscalationLevel
    agency: str = Field(max_length=100)
    document_no: str | None = Field(default=None, max_length=64)
    reason: str
    sent_on: date
    review_on: date
    # [{"on": "2026-12-01", "note": "…", "review_on": "2027-01-05" | None, "event_id": 12}, …]
    followups: list[dict] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    answer: str | None = None
    answered_on: date | None = None
    answered_at: datetime | None = _ts()
    by_id: int | None = Field(default=None, foreign_key="user_account.id")
    at: datetime = Field(sa_column=Column(UTCDateTime, nullable=False))
