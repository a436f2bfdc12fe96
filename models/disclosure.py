"""公示批次 (a batch of published issues on its own public page) and the objections (异议)
raised on it during its 公示期."""
from datetime import date, datetime

from sqlalchemy import Column, Index
from sqlmodel import Field, SQLModel

from .types import UTCDateTime, utcnow


class DisclosureBatch(SQLModel, table=True):
    __tablename__ = "disclosure_batch"

    id: int | None = Field(default=None, primary_key=True)
    title: str = Field(max_length=200)
    starts_on: date   # 公示期, both ends included (county dates)
    ends_on: date
    meeting_id: int | None = Field(default=None, foreign_key="meeting.id")
    created_by_id: int | None = Field(default=None, foreign_key="user_account.id")
    created_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime, nullable=False))


class DisclosureBatchIssue(SQLModel, table=True):
    __tablename__ = "disclosure_batch_issue"

    batch_id: int = Field(foreign_key="disclosure_batch.id", primary_key=True)
    issue_id: int = Field(foreign_key="issue.id", primary_key=True, index=True)


class Objection(SQLModel, table=True):
    """异议: raised by anyone during the batch's 公示期, answered by the office. The contact is
    personal data: never on a public page unmasked."""

    __tablename__ = "objection"
    __table_args__ = (Index("ix_objection_batch", "batch_id", "id"),)

    id: int | None = Field(default=None, primary_key=True)
    batch_id: int = Field(foreign_key="disclosure_batch.id")
    issue_id: int | None = Field(default=None, foreign_key="issue.id")
    name: str | None = Field(default=None, max_length=64)
    phone: str = Field(max_length=20)
    content: str
    at: datetime = Field(sa_column=Column(UTCDateTime, nullable=False))
    answer: str | None = None
    answered_by_id: int | None = Field(default=None, foreign_key="user_account.id")
    answered_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime, nullable=True))
