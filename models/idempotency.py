"""Requests made safe to retry by an `Idempotency-Key` header (service/core/idempotency.py)."""
from datetime import datetime

from sqlalchemy import JSON, Column, Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from .types import UTCDateTime


class IdempotentRequest(SQLModel, table=True):
    """The first answer to a request sent with an `Idempotency-Key` header, kept with the step
    it answers (same transaction), so that a retry of that request gets the same answer."""

    __tablename__ = "idempotent_request"
    __table_args__ = (UniqueConstraint("user_id", "key", name="uq_idempotent_request_user_key"),
                      Index("ix_idempotent_request_created_at", "created_at"))

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user_account.id")
    key: str = Field(max_length=128)
    fingerprint: str = Field(max_length=64)
    status: int
    answer: dict = Field(sa_column=Column(JSON, nullable=False))
    created_at: datetime = Field(sa_column=Column(UTCDateTime, nullable=False))
