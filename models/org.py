"""Departments, staff users, their sessions and tokens, and the login budgets."""
from datetime import datetime

from sqlalchemy import BigInteger, Column, Index
from sqlmodel import Field, SQLModel

from .types import UTCDateTime, utcnow


class Department(SQLModel, table=True):
    __tablename__ = "department"

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(max_length=32, unique=True)
    name: str = Field(max_length=64, unique=True)
    contact_phone: str | None = Field(default=None, max_length=20)
    active: bool = Field(default=True)
    created_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime, nullable=False))


class User(SQLModel, table=True):
    __tablename__ = "user_account"

    id: int | None = Field(default=None, primary_key=True)
    username: str = Field(max_length=64, unique=True)
    display_name: str = Field(max_length=64)
    phone: str | None = Field(default=None, max_length=20)
    role: str = Field(max_length=16)
    department_id: int | None = Field(default=None, foreign_key="department.id", index=True)
    password_hash: str = Field(max_length=256)
    active: bool = Field(default=True)
    # Bumped whenever the user's sessions end (service.identity.sessions.end_sessions): a login half done
    # (password given, two-factor code still to come) that began under an older value is void.
    session_epoch: int = Field(default=0)
    # Two-factor login (service/identity/two_factor.py): the base32 TOTP secret, set at enrolment and
    # in force once `totp_enabled_at` is set; the last accepted time step refuses a replayed code.
    totp_secret: str | None = Field(default=None, max_length=64)
    totp_enabled_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime, nullable=True))
    totp_last_step: int | None = Field(default=None, sa_column=Column(BigInteger, nullable=True))
    created_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime, nullable=False))


class ApiToken(SQLModel, table=True):
    """A session on the server: an API bearer token (`kind` "api") or a console login
    (`kind` "console", whose token travels in the signed session cookie). Only the token's
    SHA-256 digest is stored; logging out, or ending all the user's sessions, sets `revoked`."""

    __tablename__ = "api_token"
    __table_args__ = (Index("ix_api_token_user", "user_id"),)

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user_account.id")
    token_hash: str = Field(max_length=64, unique=True)
    kind: str = Field(default="api", max_length=8, sa_column_kwargs={"server_default": "api"})
    created_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime, nullable=False))
    expires_at: datetime = Field(sa_column=Column(UTCDateTime, nullable=False))
    revoked: bool = Field(default=False)


class LoginThrottle(SQLModel, table=True):
    """Login budgets shared by every worker and every login route (service/identity/login_throttle.py).

    A row with `account` "" counts one client's login attempts in the current window; a row
    with an account counts that client's wrong answers for that account in a row. Usernames
    and client addresses are kept only as SHA-256 digests."""

    __tablename__ = "login_throttle"
    __table_args__ = (Index("ix_login_throttle_updated_at", "updated_at"),)

    account: str = Field(max_length=64, primary_key=True)
    client: str = Field(max_length=64, primary_key=True)
    hits: int = Field(default=0)
    window_start: datetime = Field(sa_column=Column(UTCDateTime, nullable=False))
    failures: int = Field(default=0)
    last_failure_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime, nullable=True))
    updated_at: datetime = Field(sa_column=Column(UTCDateTime, nullable=False))

