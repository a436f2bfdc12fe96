"""擂台赛: a department's points for a quarter, stored with the rules in force when computed."""
from datetime import datetime

from sqlalchemy import JSON, Column, UniqueConstraint
from sqlmodel import Field, SQLModel

from .types import UTCDateTime, utcnow


class ContestResult(SQLModel, table=True):
    """One computed quarter: the table and the rules it was computed under (a snapshot), so a
    quarter's table never changes when the rules change afterwards."""

    __tablename__ = "contest_result"
    __table_args__ = (UniqueConstraint("year", "quarter", name="uq_contest_result_quarter"),)

    id: int | None = Field(default=None, primary_key=True)
    year: int
    quarter: int
    rules: dict = Field(sa_column=Column(JSON, nullable=False))
    table: list = Field(sa_column=Column(JSON, nullable=False))
    computed_by_id: int | None = Field(default=None, foreign_key="user_account.id")
    computed_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime, nullable=False))
