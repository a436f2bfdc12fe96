"""Passwords, logging in, and the sessions on the server: API bearer tokens and console logins."""
import hashlib
import secrets
from datetime import datetime, timedelta, timezone

from sqlalchemy import bindparam, update
from sqlmodel import Session, select
from werkzeug.security import check_password_hash, generate_password_hash

from models import ApiToken, User
from service.core.errors import Invalid, NotAuthenticated
from service.identity import login_throttle
from service.identity.login_throttle import DEFAULT_LIMITS, LoginLimits
from service.identity.passwords import check_new_password

TOKEN_LIFETIME = timedelta(hours=12)
# Compared against when the user does not exist, so both paths take the same time.
_DUMMY_HASH = generate_password_hash("not-a-real-password", method="scrypt")


def hash_password(password: str) -> str:
    return generate_password_hash(password, method="scrypt")


def token_digest(token: str) -> str:
    """What is stored of a bearer token: its SHA-256, in hex."""
    return hashlib.sha256(token.encode()).hexdigest()


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
        check_password_hash(_DUMMY_HASH, password)
    if user is None or not check_password_hash(user.password_hash, password) or not user.active:
        login_throttle.failed(session, username, client, now)
        raise NotAuthenticated("用户名或密码不正确")
    # With two-factor login the count is cleared only by the second step, so that knowing the
    # password does not buy fresh guesses at the code.
    if user.totp_enabled_at is None:
        login_throttle.succeeded(session, username, client, now)
    return user


def end_sessions(session: Session, user: User) -> None:
    """Every console session and API token of `user` ends, on every device, and a login half
    done (two-factor code still to come) is void: for a password change or reset, disabling,
    and a two-factor reset. Does not commit."""
    user.session_epoch += 1
    session.add(user)
    session.execute(update(ApiToken).where(ApiToken.user_id == user.id, ApiToken.revoked.is_(False))
                    .values(revoked=True))


def revoke(session: Session, token: str) -> None:
    """This one token or console session ends (logging out). Commits."""
    session.execute(update(ApiToken).where(ApiToken.token_hash == token_digest(token))
                    .values(revoked=True))
    session.commit()


def change_password(session: Session, user: User, current: str, new: str) -> User:
    """Change the user's own password; every other session and token of theirs ends. Commits."""
    if not check_password_hash(user.password_hash, current):
        raise Invalid("当前密码不正确", {"current_password": "当前密码不正确"})
    check_new_password(new, user.username, field="new_password")
    if new == current:
        raise Invalid("新密码不能与当前密码相同", {"new_password": "不能与当前密码相同"})
    user.password_hash = hash_password(new)
    end_sessions(session, user)
    session.commit()
    return user


API, CONSOLE = "api", "console"  # the kinds of session a token stands for


def issue_token(session: Session, user: User, now: datetime, lifetime: timedelta = TOKEN_LIFETIME,
                kind: str = API) -> tuple[str, datetime]:
    """A new token (API) or console session for the user; only its digest is kept. Commits."""
    token = secrets.token_urlsafe(32)
    expires_at = now + lifetime
    session.add(ApiToken(user_id=user.id, token_hash=token_digest(token), kind=kind, created_at=now,
                         expires_at=expires_at))
    session.commit()
    return token, expires_at


def login(session: Session, username: str, password: str, now: datetime, otp: str | None = None,
          client: str | None = None, limits: LoginLimits = DEFAULT_LIMITS) -> tuple[str, datetime]:
    """A token for these credentials; users with two-factor login also give the current code."""
    from service.identity import two_factor  # it builds on this module's login budgets
    user = authenticate(session, username, password, now, client, limits)
    two_factor.check_for_token(session, user, otp, now, client, limits)
    return issue_token(session, user, now)


# Built once: every authenticated request runs it, and building the expression costs more
# than SQLAlchemy's cached compilation of it.
_TOKEN_USER = (select(User, ApiToken.revoked, ApiToken.expires_at, ApiToken.kind)
               .join(ApiToken, ApiToken.user_id == User.id)
               .where(ApiToken.token_hash == bindparam("digest")))


def user_for_token(session: Session, token: str, now: datetime, kind: str = API) -> User:
    """The active user a live token of this kind names (token and user read in one
    statement): a console session is no bearer token, and a bearer token no console session."""
    row = session.exec(_TOKEN_USER, params={"digest": token_digest(token)}).first()
    if row is None:
        raise NotAuthenticated("登录已失效，请重新登录")
    user, revoked, expires_at, token_kind = row
    if revoked or expires_at <= now or not user.active or token_kind != kind:
        raise NotAuthenticated("登录已失效，请重新登录")
    return user
