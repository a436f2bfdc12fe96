"""Login budgets that slow a guesser down without letting anyone lock an account.

Two budgets, both kept in the database so that every worker, every host and every login route
(the console's password and code steps, the API's token endpoint) draw on the same ones:

- per client: at most `per_client` login attempts per `window` (LOGIN_RATE_LIMIT, 10 per
  minute), whatever the usernames;
- per (account, client): after `free_failures` wrong answers in a row (password or two-factor
  code) for one username from one client, that client must wait before its next try for that
  username: `first_wait`, doubled with each further wrong answer, at most `max_wait`. A right
  answer from that client clears its count.

Nothing is kept per account alone: the owner, from his own client, with the right password
(and code) always gets in, however many wrong ones came from elsewhere. The username is taken
as typed, so an unknown username gets exactly the answers an existing one gets. Usernames and
client addresses are stored only as SHA-256 digests.

Both counters change by single UPDATE statements, so concurrent attempts from several workers
are all counted.
"""
import hashlib
import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import case, delete, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session

from models import LoginThrottle
from service.core.errors import TooManyRequests

CLIENT_BUDGET = ""  # the `account` of a client's own row
KEEP_FOR = timedelta(days=1)  # rows unused for this long are dropped


@dataclass(frozen=True)
class LoginLimits:
    per_client: int = 10
    window: timedelta = timedelta(minutes=1)
    free_failures: int = 5
    first_wait: timedelta = timedelta(minutes=1)
    max_wait: timedelta = timedelta(minutes=30)

    def wait_after(self, failures: int) -> timedelta:
        """How long a client waits after its `failures`-th wrong answer in a row."""
        if failures < self.free_failures:
            return timedelta(0)
        doublings = min(failures - self.free_failures, 30)
        return min(self.first_wait * (2 ** doublings), self.max_wait)


DEFAULT_LIMITS = LoginLimits()


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def account_key(username: str) -> str:
    """The same digest for every spelling that names one account (spaces and case aside)."""
    return _digest((username or "").strip().casefold()[:256])


def client_key(client: str | None) -> str:
    return _digest(client or "unknown")


def _insert(session: Session):
    return (postgresql if session.get_bind().dialect.name == "postgresql" else sqlite).insert


def _ensure_row(session: Session, account: str, client: str, now: datetime) -> None:
    stmt = _insert(session)(LoginThrottle).values(
        account=account, client=client, hits=0, window_start=now, failures=0, updated_at=now)
    session.execute(stmt.on_conflict_do_nothing(index_elements=["account", "client"]))


def _seconds(delta: timedelta) -> int:
    return max(1, math.ceil(delta.total_seconds()))


def _wait_text(delta: timedelta) -> str:
    seconds = _seconds(delta)
    return f"{seconds}秒" if seconds < 60 else f"{math.ceil(seconds / 60)}分钟"


def admit(session: Session, client: str | None, now: datetime,
          limits: LoginLimits = DEFAULT_LIMITS) -> None:
    """Count one login attempt of `client`; refuse it (429) beyond the client's budget for the
    window. Commits the count."""
    key = client_key(client)
    _ensure_row(session, CLIENT_BUDGET, key, now)
    cutoff = now - limits.window
    fresh = LoginThrottle.window_start <= cutoff
    row = session.execute(
        update(LoginThrottle)
        .where(LoginThrottle.account == CLIENT_BUDGET, LoginThrottle.client == key)
        .values(hits=case((fresh, 1), else_=LoginThrottle.hits + 1),
                window_start=case((fresh, now), else_=LoginThrottle.window_start),
                updated_at=now)
        .returning(LoginThrottle.hits, LoginThrottle.window_start)).one()
    session.commit()
    hits, window_start = row
    if hits > limits.per_client:
        wait = window_start + limits.window - now
        raise TooManyRequests(f"登录尝试过于频繁，请{_wait_text(wait)}后再试", retry_after=_seconds(wait))


def check(session: Session, username: str, client: str | None, now: datetime,
          limits: LoginLimits = DEFAULT_LIMITS) -> None:
    """Refuse (429) while this client must still wait after wrong answers for this username."""
    row = session.execute(select(LoginThrottle.failures, LoginThrottle.last_failure_at).where(
        LoginThrottle.account == account_key(username), LoginThrottle.client == client_key(client))).first()
    if row is None or row.last_failure_at is None:
        return
    until = row.last_failure_at + limits.wait_after(row.failures)
    if until > now:
        raise TooManyRequests(f"用户名、密码或验证码错误次数过多，请{_wait_text(until - now)}后再试",
                              code="login_delayed", retry_after=_seconds(until - now))


def failed(session: Session, username: str, client: str | None, now: datetime) -> None:
    """One more wrong password or code for this username from this client. Commits."""
    account, key = account_key(username), client_key(client)
    _ensure_row(session, account, key, now)
    session.execute(update(LoginThrottle)
                    .where(LoginThrottle.account == account, LoginThrottle.client == key)
                    .values(failures=LoginThrottle.failures + 1, last_failure_at=now, updated_at=now))
    session.commit()


def succeeded(session: Session, username: str, client: str | None, now: datetime) -> None:
    """A complete login clears this client's count for the username; rows unused for a day
    go. Commits."""
    session.execute(delete(LoginThrottle).where(LoginThrottle.account == account_key(username),
                                                LoginThrottle.client == client_key(client)))
    session.execute(delete(LoginThrottle).where(LoginThrottle.updated_at < now - KEEP_FOR))
    session.commit()


def forget_account(session: Session, username: str) -> None:
    """Every client's count for the username ends (an administrator set a new password).
    Does not commit."""
    session.execute(delete(LoginThrottle).where(LoginThrottle.account == account_key(username)))
