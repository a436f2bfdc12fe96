"""Repeat calls linked to an issue (重复反映), the department-suggestion model trained on the
county's own assignments, and 类案 (a class of similar issues handled together)."""
from datetime import datetime

from sqlalchemy import Column, Index, LargeBinary
from sqlmodel import Field, SQLModel

from .types import UTCDateTime


class IssueRepeat(SQLModel, table=True):
    """A call about an issue already on record, linked to it instead of becoming a new issue.
    The caller is a reporter of the issue too: they hear its outcome (办结答复). Personal data,
    staff eyes only."""

    __tablename__ = "issue_repeat"
    __table_args__ = (Index("ix_issue_repeat_issue", "issue_id", "id"),
                      Index("ix_issue_repeat_phone", "reporter_phone"))

    id: int | None = Field(default=None, primary_key=True)
    issue_id: int = Field(foreign_key="issue.id")
    at: datetime = Field(sa_column=Column(UTCDateTime, nullable=False))
    channel: str = Field(max_length=16)
    reporter_name: str | None = Field(default=None, max_length=64)
    reporter_phone: str | None = Field(default=None, max_length=20)
    reporter_org: str | None = Field(default=None, max_length=200)
    enterprise_id: int | None = Field(default=None, foreign_key="enterprise.id")
    # What the caller said this time (kept as said; the issue's own text is not changed).
    content: str | None = None
    created_by_id: int | None = Field(default=None, foreign_key="user_account.id")


class SuggestionModel(SQLModel, table=True):
    """The trained department-suggestion model (service/matching/suggestions.py), pickled with
    joblib. Every process reads the newest row; training adds a row and drops older ones."""

    __tablename__ = "suggestion_model"

    id: int | None = Field(default=None, primary_key=True)
    trained_at: datetime = Field(sa_column=Column(UTCDateTime, nullable=False))
    samples: int
    departments: int
    payload: bytes = Field(sa_column=Column(LargeBinary, nullable=False))


class IssueClass(SQLModel, table=True):
    """类案: similar issues the office handles as one, under a lead department and a lead
    leader, closed together by one policy-level answer."""

    __tablename__ = "issue_class"

    id: int | None = Field(default=None, primary_key=True)
    title: str = Field(max_length=200)
    lead_department_id: int = Field(foreign_key="department.id")
    lead_leader_id: int = Field(foreign_key="user_account.id")
    status: str = Field(default="open", max_length=16)  # open | answered
    answer: str | None = None
    created_by_id: int | None = Field(default=None, foreign_key="user_account.id")
    created_at: datetime = Field(sa_column=Column(UTCDateTime, nullable=False))
    answered_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime, nullable=True))


class IssueClassMember(SQLModel, table=True):
    """An issue's place in a 类案: one class per issue."""

    __tablename__ = "issue_class_member"

    issue_id: int = Field(foreign_key="issue.id", primary_key=True)
    class_id: int = Field(foreign_key="issue_class.id", index=True)
