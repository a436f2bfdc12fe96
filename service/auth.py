"""Passwords and bearer tokens."""
import hashlib
import secrets
from datetime import datetime, timedelta, timezone

from sqlalchemy import bindparam, update
from sqlmodel import Session, select
from werkzeug.security import check_password_hash, generate_password_hash

from models import ApiToken, User

from .errors import Invalid, NotAuthenticated
from .passwords import check_new_password

TOKEN_LIFETIME = timedelta(hours=12)
# Compared against when the user does not exist, so both paths take the same time.
_DUMMY_HASH = generate_password_hash("not-a-real-password", method="scrypt")


def hash_password(password: str) -> str:
    return generate_password_hash(password, method="scrypt")


def token_digest(token: str) -> str:
    """What is stored of a bearer token: its SHA-256, in hex."""
    return hashlib.sha256(token.encode()).hexdigest()


MAX_FAILED_LOGINS = 5
LOCK_FOR = timedelta(minutes=15)


def authenticate(session: Session, username: str, password: str, now: datetime | None = None) -> User:
    """The user with these credentials. After MAX_FAILED_LOGINS wrong passwords in a row the
    account is locked for LOCK_FOR; the count lives in the database so every worker sees it.
    Commits the counter."""
    now = now or datetime.now(timezone.utc)
    user = session.exec(select(User).where(User.username == username)).first()
    if user is None:
        check_password_hash(_DUMMY_HASH, password)
        raise NotAuthenticated("用户名或密码不正确")
    if user.locked_until and user.locked_until > now:
        check_password_hash(_DUMMY_HASH, password)
        check_not_locked(user, now)
    if not check_password_hash(user.password_hash, password) or not user.active:
        record_failure(session, user, now)
        raise NotAuthenticated("用户名或密码不正确")
    # With two-factor login the count is cleared only by the second step, so that knowing the
    # password does not buy fresh guesses at the code.
    if (user.failed_logins or user.locked_until) and user.totp_enabled_at is None:
        clear_failures(session, user)
    return user


def check_not_locked(user: User, now: datetime) -> None:
    if user.locked_until and user.locked_until > now:
        minutes = max(1, int((user.locked_until - now).total_seconds() // 60) + 1)
        raise NotAuthenticated(f"错误次数过多，账号已锁定，请{minutes}分钟后再试", code="locked")


def record_failure(session: Session, user: User, now: datetime) -> None:
    """One more wrong password or code; the MAX_FAILED_LOGINS-th locks the account. Commits."""
    user.failed_logins += 1
    if user.failed_logins >= MAX_FAILED_LOGINS:
        user.failed_logins, user.locked_until = 0, now + LOCK_FOR
    session.add(user)
    session.commit()


def clear_failures(session: Session, user: User) -> None:
    """A complete login clears the count. Commits."""
    user.failed_logins, user.locked_until = 0, None
    session.add(user)
    session.commit()


def change_password(session: Session, user: User, current: str, new: str) -> User:
    """Change the user's own password; every other session and token of theirs ends. Commits."""
    if not check_password_hash(user.password_hash, current):
        raise Invalid("当前密码不正确", {"current_password": "当前密码不正确"})
    check_new_password(new, user.username, field="new_password")
    if new == current:
        raise Invalid("新密码不能与当前密码相同", {"new_password": "不能与当前密码相同"})
    user.password_hash = hash_password(new)
    user.session_epoch += 1
    session.add(user)
    session.execute(update(ApiToken).where(ApiToken.user_id == user.id).values(revoked=True))
    session.commit()
    return user


def issue_token(session: Session, user: User, now: datetime,
                lifetime: timedelta = TOKEN_LIFETIME) -> tuple[str, datetime]:
    """A new token for the user; only its digest is kept. Commits."""
    token = secrets.token_urlsafe(32)
    expires_at = now + lifetime
    session.add(ApiToken(user_id=user.id, token_hash=token_digest(token), created_at=now,
                         expires_at=expires_at))
    session.commit()
    return token, expires_at


def login(session: Session, username: str, password: str, now: datetime,
          otp: str | None = None) -> tuple[str, datetime]:
    """A token for these credentials; users with two-factor login also give the current code."""
    from . import two_factor  # it builds on this module's lock-out
    user = authenticate(session, username, password, now)
    two_factor.check_for_token(session, user, otp, now)
    return issue_token(session, user, now)


# Built once: every authenticated request runs it, and building the expression costs more
# than SQLAlchemy's cached compilation of it.
_TOKEN_USER = (select(User, ApiToken.revoked, ApiToken.expires_at)
               .join(ApiToken, ApiToken.user_id == User.id)
               .where(ApiToken.token_hash == bindparam("digest")))


def user_for_token(session: Session, token: str, now: datetime) -> User:
    """The active user a live token names (token and user read in one statement)."""
    row = session.exec(_TOKEN_USER, params={"digest": token_digest(token)}).first()
    if row is None:
        raise NotAuthenticated("登录已失效，请重新登录")
    user, revoked, expires_at = row
    if revoked or expires_at <= now or not user.active:
        raise NotAuthenticated("登录已失效，请重新登录")
    return user
