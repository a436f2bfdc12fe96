"""Enterprises on record (企业库), the county's townships, the county leaders' 包保 of
enterprises and the leaders' month-end visits (县长月末回访)."""
from datetime import datetime

from sqlalchemy import Column, Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from .types import UTCDateTime, utcnow


class Township(SQLModel, table=True):
    """One of the county's townships (乡镇/街道), a list the office maintains; intake picks
    from it. Retired ones stay for the issues that name them."""

    __tablename__ = "township"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=64, unique=True)
    sort_order: int = Field(default=0)
    active: bool = Field(default=True)


class Enterprise(SQLModel, table=True):
    __tablename__ = "enterprise"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=200, unique=True)
    # 统一社会信用代码 (GB 32100-2015), 18 characters with its check digit; None: not known.
    credit_code: str | None = Field(default=None, max_length=18, unique=True)
    industry: str | None = Field(default=None, max_length=64)
    township: str | None = Field(default=None, max_length=64)
    scale: str = Field(default="sme", max_length=16)  # EnterpriseScale
    # The enterprise's contact: personal data, never on a public surface.
    contact_name: str | None = Field(default=None, max_length=64)
    contact_phone: str | None = Field(default=None, max_length=20)
    # 帮扶特派员: the official sent to help the enterprise (a name and a phone, not a login).
    envoy_name: str | None = Field(default=None, max_length=64)
    envoy_phone: str | None = Field(default=None, max_length=20)
    created_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime, nullable=False))
    updated_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime, nullable=False))


class EnterpriseLeader(SQLModel, table=True):
    """包保: a county leader answers for an enterprise (一对一帮扶)."""

    __tablename__ = "enterprise_leader"

    enterprise_id: int = Field(foreign_key="enterprise.id", primary_key=True)
    leader_id: int = Field(foreign_key="user_account.id", primary_key=True, index=True)


class LeaderVisit(SQLModel, table=True):
    """县长月末回访: a leader's visit to the reporter of an issue in a month, recorded by the
    leader or by the office on the leader's behalf (代为记录, `recorded_by_id` is then the
    office's user). One per issue, leader and month. Rows are only ever appended."""

    __tablename__ = "leader_visit"
    __table_args__ = (
        UniqueConstraint("issue_id", "leader_id", "month", name="uq_leader_visit_month"),
        Index("ix_leader_visit_leader_month", "leader_id", "month"),
    )

    id: int | None = Field(default=None, primary_key=True)
    issue_id: int = Field(foreign_key="issue.id", index=True)
    leader_id: int = Field(foreign_key="user_account.id")
    recorded_by_id: int = Field(foreign_key="user_account.id")
    on_behalf: bool = Field(default=False)
    month: str = Field(max_length=7)  # YYYY-MM, Asia/Shanghai
    satisfaction: str = Field(max_length=16)
    note: str | None = None
    at: datetime = Field(sa_column=Column(UTCDateTime, nullable=False))
