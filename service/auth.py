"""Passwords and bearer tokens."""
import hashlib
import secrets
from datetime import datetime, timedelta

from sqlmodel import Session, select
from werkzeug.security import check_password_hash, generate_password_hash

from models import ApiToken, User

from .errors import NotAuthenticated

TOKEN_LIFETIME = timedelta(hours=12)
# Compared against when the user does not exist, so both paths take the same time.
_DUMMY_HASH = generate_password_hash("not-a-real-password", method="scrypt")


def hash_password(password: str) -> str:
    return generate_password_hash(password, method="scrypt")


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def authenticate(session: Session, username: str, password: str) -> User:
    user = session.exec(select(User).where(User.username == username)).first()
    if user is None:
        check_password_hash(_DUMMY_HASH, password)
        raise NotAuthenticated("用户名或密码不正确")
    if not check_password_hash(user.password_hash, password) or not user.active:
        raise NotAuthenticated("用户名或密码不正确")
    return user


def issue_token(session: Session, user: User, now: datetime,
                lifetime: timedelta = TOKEN_LIFETIME) -> tuple[str, datetime]:
    """A new token for the user; only its digest is kept. Commits."""
    token = secrets.token_urlsafe(32)
    expires_at = now + lifetime
    session.add(ApiToken(user_id=user.id, token_hash=_digest(token), created_at=now,
                         expires_at=expires_at))
    session.commit()
    return token, expires_at


def login(session: Session, username: str, password: str, now: datetime) -> tuple[str, datetime]:
    return issue_token(session, authenticate(session, username, password), now)


def user_for_token(session: Session, token: str, now: datetime) -> User:
    row = session.exec(select(ApiToken).where(ApiToken.token_hash == _digest(token))).first()
    if row is None or row.revoked or row.expires_at <= now:
        raise NotAuthenticated("登录已失效，请重新登录")
    user = session.get(User, row.user_id)
    if user is None or not user.active:
        raise NotAuthenticated("登录已失效，请重新登录")
    return user
