"""Meetings at which issues are collected and assigned."""
from datetime import datetime

from sqlalchemy import JSON, Column
from sqlmodel import Field, SQLModel

from .types import UTCDateTime, utcnow


class Meeting(SQLModel, table=True):
    __tablename__ = "meeting"

    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(max_length=16, index=True)
    title: str = Field(max_length=200)
    held_at: datetime = Field(sa_column=Column(UTCDateTime, nullable=False, index=True))
    host_leader_id: int | None = Field(default=None, foreign_key="user_account.id")
    attendees: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    location: str | None = Field(default=None, max_length=200)
    status: str = Field(default="planned", max_length=16)
    created_by_id: int | None = Field(default=None, foreign_key="user_account.id")
    created_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime, nullable=False))


class MeetingChange(SQLModel, table=True):
    """One correction of a meeting (title, time, host, attendees, place): who, when, what was
    before and after. Rows are only ever appended."""

    __tablename__ = "meeting_change"

    id: int | None = Field(default=None, primary_key=True)
    meeting_id: int = Field(foreign_key="meeting.id", index=True)
    at: datetime = Field(sa_column=Column(UTCDateTime, nullable=False))
    actor_id: int | None = Field(default=None, foreign_key="user_account.id")
    # field → [before, after], dates as ISO text
    changes: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    note: str | None = None
