"""What administrators maintain: the holiday calendar, deadline policies and SMS texts."""
from datetime import date, datetime

from sqlalchemy import Column, UniqueConstraint
from sqlmodel import Field, SQLModel

from .types import UTCDateTime, utcnow


class CalendarDay(SQLModel, table=True):
    """An override of the national calendar: a day off, or a working day (调休)."""

    __tablename__ = "calendar_day"

    day: date = Field(primary_key=True)
    kind: str = Field(max_length=16)  # "holiday" | "workday"
    note: str | None = Field(default=None, max_length=100)
    updated_by_id: int | None = Field(default=None, foreign_key="user_account.id")
    updated_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime, nullable=False))


class DeadlinePolicy(SQLModel, table=True):
    """Working days allowed, per issue type and channel (channel NULL: every other channel)."""

    __tablename__ = "deadline_policy"
    __table_args__ = (UniqueConstraint("issue_type", "channel", name="uq_deadline_policy"),)

    id: int | None = Field(default=None, primary_key=True)
    issue_type: str = Field(max_length=16)
    channel: str | None = Field(default=None, max_length=16)
    accept_days: int = 1
    reply_days: int | None = None  # None: the reply is due with completion
    complete_days: int
    report_after: int = 2   # working days after complete_due
    visit_after: int = 5    # working days after complete_due
    # 销号 without the reporter's word: the return-visit attempts that must have failed first
    visit_attempts: int = 3
    # 征求意见: working days the reporter has to answer on the plan (None: the plan is not shown)
    consult_days: int | None = None
    updated_by_id: int | None = Field(default=None, foreign_key="user_account.id")
    updated_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime, nullable=False))


class SmsTemplate(SQLModel, table=True):
    """An administrator's wording of one message kind; the built-in text applies otherwise."""

    __tablename__ = "sms_template"

    key: str = Field(primary_key=True, max_length=32)
    body: str = Field(max_length=300)
    updated_by_id: int | None = Field(default=None, foreign_key="user_account.id")
    updated_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime, nullable=False))


class SmsProviderTemplate(SQLModel, table=True):
    """A message kind as a mainland provider approved it (短信模板): its template code, and the
    names of the kind's values it takes, in the template's order, separated by commas."""

    __tablename__ = "sms_provider_template"

    provider: str = Field(primary_key=True, max_length=16)  # "aliyun" | "tencent"
    key: str = Field(primary_key=True, max_length=32)
    template_code: str = Field(max_length=64)
    params: str = Field(default="", max_length=300)
    updated_by_id: int | None = Field(default=None, foreign_key="user_account.id")
    updated_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime, nullable=False))


class DepartmentRobot(SQLModel, table=True):
    """A department's work-group robot (企业微信 or 钉钉): its webhook address (a secret: it holds
    the robot's key), DingTalk's signing secret, and the message kinds it posts."""

    __tablename__ = "department_robot"

    id: int | None = Field(default=None, primary_key=True)
    department_id: int = Field(foreign_key="department.id", index=True)
    kind: str = Field(max_length=16)  # "wecom" | "dingtalk"
    name: str = Field(max_length=64)
    webhook_url: str = Field(max_length=500)
    secret: str | None = Field(default=None, max_length=200)
    templates: str = Field(default="", max_length=500)  # message kinds, separated by commas
    active: bool = Field(default=True)
    updated_by_id: int | None = Field(default=None, foreign_key="user_account.id")
    updated_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime, nullable=False))
