"""Logging in (within the login budgets, with the second step where there is one) and changing
one's own password. The sessions it opens are service.identity.sessions'."""
from datetime import datetime, timezone

from sqlmodel import Session, select

from models import User
from service.core.errors import Invalid, NotAuthenticated
from service.identity import login_throttle, two_factor
from service.identity.login_throttle import DEFAULT_LIMITS, LoginLimits
from service.identity.passwords import check_new_password, check_password, hash_password, spend_as_much
from service.identity.sessions import end_sessions, issue_token


def authenticate(session: Session, username: str, password: str, now: datetime | None = None,
                 client: str | None = None, limits: LoginLimits = DEFAULT_LIMITS) -> User:
    """The user with these credentials, within the login budgets of `client` (its address):
    too many attempts from it, or too many wrong answers from it for this username, get 429
    for a while (service/identity/login_throttle.py); nothing is locked for the account's owner.
    Unknown usernames get the same answers, at the same cost, as existing ones. Commits the
    counts."""
    now = now or datetime.now(timezone.utc)
    login_throttle.admit(session, client, now, limits)
    login_throttle.check(session, username, client, now, limits)
    user = session.exec(select(User).where(User.username == username)).first()
    if user is None:
        spend_as_much(password)
    if user is None or not check_password(user.password_hash, password) or not user.active:
        login_throttle.failed(session, username, client, now)
        raise NotAuthenticated("用户名或密码不正确")
    # With two-factor login the count is cleared only by the second step, so that knowing the
    # password does not buy fresh guesses at the code.
    if user.totp_enabled_at is None:
        login_throttle.succeeded(session, username, client, now)
    return user


def change_password(session: Session, user: User, current: str, new: str) -> User:
    """Change the user's own password; every other session and token of theirs ends. Commits."""
    if not check_password(user.password_hash, current):
        raise Invalid("当前密码不正确", {"current_password": "当前密码不正确"})
    check_new_password(new, user.username, field="new_password")
    if new == current:
        raise Invalid("新密码不能与当前密码相同", {"new_password": "不能与当前密码相同"})
    user.password_hash = hash_password(new)
    end_sessions(session, user)
    session.commit()
    return user


def login(session: Session, username: str, password: str, now: datetime, otp: str | None = None,
          client: str | None = None, limits: LoginLimits = DEFAULT_LIMITS) -> tuple[str, datetime]:
    """A token for these credentials; users with two-factor login also give the current code."""
    user = authenticate(session, username, password, now, client, limits)
    two_factor.check_for_token(session, user, otp, now, client, limits)
    return issue_token(session, user, now)
