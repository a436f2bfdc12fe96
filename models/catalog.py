"""Issue categories (also the Open311 services) and files attached to issues."""
from datetime import datetime

from sqlalchemy import Column, Index
from sqlmodel import Field, SQLModel

from .types import UTCDateTime, utcnow


class Category(SQLModel, table=True):
    """A kind of problem (行政审批, 用地, 水电气 …). `Issue.category` holds its name."""

    __tablename__ = "category"

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(max_length=32, unique=True)   # the Open311 service_code
    name: str = Field(max_length=64, unique=True)
    description: str | None = Field(default=None, max_length=300)
    sort: int = 0
    active: bool = True


class Attachment(SQLModel, table=True):
    """A file kept on disk under the instance folder; served only to those who may see the issue."""

    __tablename__ = "attachment"
    __table_args__ = (Index("ix_attachment_issue", "issue_id", "id"),)

    id: int | None = Field(default=None, primary_key=True)
    issue_id: int = Field(foreign_key="issue.id")
    filename: str = Field(max_length=200)        # as uploaded, for display
    stored_name: str = Field(max_length=80, unique=True)
    content_type: str = Field(max_length=100)
    size: int
    uploaded_by_id: int | None = Field(default=None, foreign_key="user_account.id")
    uploaded_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime, nullable=False))
    # A photo sent with a public submission (网上反映): "pending" until the office decides,
    # "approved" (shown on the public issue page) or "hidden". None: a staff attachment, never public.
    public_status: str | None = Field(default=None, max_length=16)
    reviewed_by_id: int | None = Field(default=None, foreign_key="user_account.id")
    reviewed_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime, nullable=True))
