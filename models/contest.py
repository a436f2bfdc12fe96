"""擂台赛: a department's points for a quarter, stored with the rules in force when computed."""
from datetime import date, datetime

from sqlalchemy import JSON, Column, UniqueConstraint
from sqlmodel import Field, SQLModel

from .types import UTCDateTime, utcnow

# Each rule of the 擂台赛 by its field name: the console, the 通报, the workbook and the errors
# name it so.
RULE_LABELS = {
    "weights.accept_rate": "签收及时率权重", "weights.reply_rate": "回复及时率权重",
    "weights.complete_rate": "按期办结率权重", "weights.satisfaction_rate": "满意率权重",
    "weights.rating_score": "企业评议权重", "rating.min_ratings": "企业评议计入所需最少评价数",
    "penalties.reopens": "每次重办扣分", "penalties.returned": "每次退单扣分",
    "penalties.overdue_now": "每件当前超期扣分", "penalties.recheck_false": "每件复查不属实扣分",
    "penalties.accountability_talk": "每次约谈扣分", "penalties.accountability_criticism": "每次通报批评扣分",
    "penalties.accountability_referral": "每次移交纪检监察机关扣分", "bonuses.praise": "每次一事一表扬加分",
}


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


class ContestRules(SQLModel, table=True):
    """The rules in force for the next computation (one row; absent: the built-in defaults).
    A stored quarter keeps its own copy in `ContestResult.rules`."""

    __tablename__ = "contest_rules"

    id: int | None = Field(default=None, primary_key=True)
    rules: dict = Field(sa_column=Column(JSON, nullable=False))
    updated_by_id: int | None = Field(default=None, foreign_key="user_account.id")
    updated_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime, nullable=False))


class Praise(SQLModel, table=True):
    """一事一表扬: a praise the office records for a department, worth the points the rules gave
    a praise on the day it was entered; it adds to the department's points in its quarter."""

    __tablename__ = "contest_praise"

    id: int | None = Field(default=None, primary_key=True)
    department_id: int = Field(foreign_key="department.id", index=True)
    issue_id: int | None = Field(default=None, foreign_key="issue.id")
    day: date = Field(index=True)
    note: str = Field(max_length=200)
    points: float
    created_by_id: int | None = Field(default=None, foreign_key="user_account.id")
    created_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime, nullable=False))
