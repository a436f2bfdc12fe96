"""A user's saved views of the issue list: a name and the list's filters and sort."""
from datetime import datetime

from sqlalchemy import JSON, Column, UniqueConstraint
from sqlmodel import Field, SQLModel

from .types import UTCDateTime


class SavedView(SQLModel, table=True):
    """The filters and sort of the issue list as the user saved them under a name of his own
    (unique per user); only he sees it."""

    __tablename__ = "saved_view"
    __table_args__ = (UniqueConstraint("user_id", "name", name="uq_saved_view_user_name"),)

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user_account.id", index=True)
    name: str = Field(max_length=30)
    query: dict = Field(sa_column=Column(JSON, nullable=False))
    created_at: datetime = Field(sa_column=Column(UTCDateTime, nullable=False))
