"""企业评议: once a period the office asks each enterprise that dealt with departments in it to
rate those departments (1-5 and a comment) on a phone page its signed SMS link opens."""
from datetime import date, datetime

from sqlalchemy import JSON, CheckConstraint, Column, UniqueConstraint
from sqlmodel import Field, SQLModel

from .types import UTCDateTime, utcnow

RATING_SCORES = (1, 2, 3, 4, 5)
RATING_SCORE_LABELS = {5: "很满意", 4: "满意", 3: "一般", 2: "不满意", 1: "很不满意"}


class RatingRound(SQLModel, table=True):
    """One round over a period of county dates. Rounds never overlap, so an enterprise's
    dealings are rated once. `skipped` lists the enterprises that dealt with departments in the
    period but got no link ({enterprise_id, reason}): no mobile on record, or they answered TD."""

    __tablename__ = "rating_round"

    id: int | None = Field(default=None, primary_key=True)
    title: str = Field(max_length=100)
    period_from: date = Field(index=True)
    period_to: date
    answer_by: date          # the last day (county date) an answer is taken
    skipped: list = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    opened_by_id: int | None = Field(default=None, foreign_key="user_account.id")
    opened_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime, nullable=False))


class RatingInvitation(SQLModel, table=True):
    """An enterprise asked in a round: the phone the link went to and the random value its
    signed link carries."""

    __tablename__ = "rating_invitation"
    __table_args__ = (UniqueConstraint("round_id", "enterprise_id", name="uq_rating_invitation_enterprise"),)

    id: int | None = Field(default=None, primary_key=True)
    round_id: int = Field(foreign_key="rating_round.id", index=True)
    enterprise_id: int = Field(foreign_key="enterprise.id")
    phone: str = Field(max_length=20)
    nonce: str = Field(max_length=32, unique=True)
    sent_at: datetime = Field(sa_column=Column(UTCDateTime, nullable=False))


class DepartmentRating(SQLModel, table=True):
    """One enterprise's rating of one department in a round: empty until answered, then never
    changed (one answer per enterprise and department)."""

    __tablename__ = "department_rating"
    __table_args__ = (
        UniqueConstraint("invitation_id", "department_id", name="uq_department_rating_once"),
        CheckConstraint("score IS NULL OR (score >= 1 AND score <= 5)", name="ck_department_rating_score"),
    )

    id: int | None = Field(default=None, primary_key=True)
    round_id: int = Field(foreign_key="rating_round.id", index=True)
    invitation_id: int = Field(foreign_key="rating_invitation.id", index=True)
    department_id: int = Field(foreign_key="department.id", index=True)
    issues: int = Field(default=0)    # how many of the enterprise's issues it led in the period
    score: int | None = None
    comment: str | None = Field(default=None, max_length=300)
    answered_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime, nullable=True))
