"""站内通知: what a console user is told in the bell, stored per user."""
from datetime import datetime

from sqlalchemy import Column, Index, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from .types import UTCDateTime, utcnow

# What a notice is about, in the console's words (the list page's badge).
NOTICE_KINDS = {
    "returned": "退单",
    "extension_requested": "延期申请",
    "plan_objected": "方案有意见",
    "sms_failed": "短信未送达",
    "review_due": "复核日期已到",
    "assigned": "新交办",
    "co_assigned": "协办交办",
    "reassigned_away": "已改派他单位",
    "reopened": "重办",
    "urged": "催办",
    "extension_decided": "延期审批结果",
    "instructed": "领导批示",
    "reported": "办理情况报告",
    "visits_due": "月末回访待办",
}


class Notice(SQLModel, table=True):
    """One notice to one user. `dedupe_key` names what caused it (an event, a message, a review
    date), unique per user, so the same cause can never notify the same person twice."""

    __tablename__ = "notice"
    __table_args__ = (
        UniqueConstraint("user_id", "dedupe_key", name="uq_notice_user_key"),
        # the bell's count and the list: a user's notices, unread first by the partial scan
        Index("ix_notice_user_read", "user_id", "read_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user_account.id")
    kind: str = Field(max_length=32)
    issue_id: int | None = Field(default=None, foreign_key="issue.id")
    text: str = Field(sa_column=Column(Text, nullable=False))
    link: str = Field(max_length=200)
    dedupe_key: str = Field(max_length=200)
    created_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime, nullable=False))
    read_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime, nullable=True))
