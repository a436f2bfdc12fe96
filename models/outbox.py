"""The SMS outbox: every message is a row before it is a text on someone's phone."""
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Column, Index
from sqlmodel import Field, SQLModel

from .types import UTCDateTime, utcnow


class SmsMessage(SQLModel, table=True):
    __tablename__ = "sms_outbox"
    __table_args__ = (
        Index("ix_sms_outbox_status_next", "status", "next_attempt_at"),
        Index("ix_sms_outbox_issue", "issue_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    # Unique per planned message, so a message can never be queued twice.
    dedupe_key: str = Field(max_length=200, unique=True)
    issue_id: int | None = Field(default=None, foreign_key="issue.id")
    recipient_phone: str = Field(max_length=20)
    recipient_kind: str = Field(max_length=16)
    template: str = Field(max_length=32)
    params: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    body: str
    status: str = Field(default="pending", max_length=16)
    attempts: int = Field(default=0)
    next_attempt_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime, nullable=False))
    provider_id: str | None = Field(default=None, max_length=64, index=True)
    provider_status: str | None = Field(default=None, max_length=32)
    # Who took the message: the SMS backend's name (aliyun, tencent, twilio, console) or "robot".
    provider: str | None = Field(default=None, max_length=16)
    # When a dispatcher took the row for sending; a row left "sending" long after it is
    # taken back (the dispatcher died).
    claimed_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime, nullable=True))
    delivered_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime, nullable=True))
    last_error: str | None = None
    created_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime, nullable=False))
    sent_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime, nullable=True))
    updated_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime, nullable=False))


class SmsInbound(SQLModel, table=True):
    """A text received from a reporter (their 1/2/3 rating), and what became of it."""

    __tablename__ = "sms_inbound"

    id: int | None = Field(default=None, primary_key=True)
    provider_id: str | None = Field(default=None, max_length=64, unique=True)
    from_phone: str = Field(max_length=20)
    body: str = Field(max_length=1600)
    received_at: datetime = Field(sa_column=Column(UTCDateTime, nullable=False))
    issue_id: int | None = Field(default=None, foreign_key="issue.id")
    outcome: str = Field(max_length=32)


class SmsOptOut(SQLModel, table=True):
    """A number that answered TD (退订): it gets no more automatic texts, only what the office
    sends by hand."""

    __tablename__ = "sms_opt_out"

    phone: str = Field(primary_key=True, max_length=20)
    opted_out_at: datetime = Field(sa_column=Column(UTCDateTime, nullable=False))
    via: str = Field(default="sms", max_length=16)


class SmsSwitchOff(SQLModel, table=True):
    """A kind of message to reporters switched off for one channel by the administrator: it is
    not queued for issues of that channel (what the office sends by hand still goes)."""

    __tablename__ = "sms_switch_off"

    template: str = Field(primary_key=True, max_length=32)
    channel: str = Field(primary_key=True, max_length=16)
    by_id: int | None = Field(default=None, foreign_key="user_account.id")
    at: datetime = Field(sa_column=Column(UTCDateTime, nullable=False))
