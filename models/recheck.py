"""复查 and 问责: the supervision office's half-monthly re-inspection samples of closed issues,
their verdicts, and the accountability records (约谈, 通报批评, 移交纪检监察机关)."""
from datetime import date, datetime

from sqlalchemy import JSON, Column, Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from .types import UTCDateTime, utcnow


class RecheckSample(SQLModel, table=True):
    """One half-month's 复查 sample: drawn once (the seed kept, so the draw can be shown again);
    drawing the same half-month again answers this one."""

    __tablename__ = "recheck_sample"
    __table_args__ = (UniqueConstraint("period_start", name="uq_recheck_sample_period"),)

    id: int | None = Field(default=None, primary_key=True)
    period_start: date
    period_end: date
    share: float               # the share of the rest drawn at random (0-1)
    seed: int
    pool: int                  # issues closed or published in the half-month
    drawn_by_id: int | None = Field(default=None, foreign_key="user_account.id")
    drawn_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime, nullable=False))


class RecheckMember(SQLModel, table=True):
    """An issue of a sample, why it was drawn, and its 复查 verdict once given (through the
    workflow step `recheck`, which writes the timeline event)."""

    __tablename__ = "recheck_member"
    __table_args__ = (UniqueConstraint("sample_id", "issue_id", name="uq_recheck_member_issue"),
                      Index("ix_recheck_member_issue", "issue_id", "verdict"),
                      Index("ix_recheck_member_department", "department_id", "verdict", "decided_at"))

    id: int | None = Field(default=None, primary_key=True)
    sample_id: int = Field(foreign_key="recheck_sample.id", index=True)
    issue_id: int = Field(foreign_key="issue.id")
    reason: str = Field(max_length=16)            # models.RecheckReason
    # the lead department when drawn; the 不属实 counts against the one leading at the verdict
    department_id: int | None = Field(default=None, foreign_key="department.id")
    verdict: str | None = Field(default=None, max_length=8)   # models.RecheckVerdict; None: not yet
    note: str | None = None
    decided_by_id: int | None = Field(default=None, foreign_key="user_account.id")
    decided_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime, nullable=True))
    event_id: int | None = Field(default=None, foreign_key="issue_event.id")


class AccountabilityRecord(SQLModel, table=True):
    """问责: a decision against a department, with the issues it concerns and its document."""

    __tablename__ = "accountability_record"
    __table_args__ = (Index("ix_accountability_department", "department_id", "decided_on"),)

    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(max_length=16)              # models.AccountabilityKind
    department_id: int = Field(foreign_key="department.id")
    issue_ids: list[int] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    document_no: str = Field(max_length=64)       # 决定文号
    decided_on: date = Field(index=True)          # 决定日期: places it in a period
    note: str | None = None
    # the decision document (PDF), kept like an issue's attachment
    document_filename: str | None = Field(default=None, max_length=200)
    document_stored_name: str | None = Field(default=None, max_length=80, unique=True)
    document_size: int | None = None
    created_by_id: int | None = Field(default=None, foreign_key="user_account.id")
    created_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime, nullable=False))
