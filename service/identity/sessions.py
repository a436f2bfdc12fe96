"""The sessions on the server: API bearer tokens and console logins, issued, checked and ended."""
import hashlib
import secrets
from datetime import datetime, timedelta

from sqlalchemy import bindparam, update
from sqlmodel import Session, select

from models import ApiToken, User
from service.core.errors import NotAuthenticated

TOKEN_LIFETIME = timedelta(hours=12)
API, CONSOLE = "api", "console"  # the kinds of session a token stands for


def token_digest(token: str) -> str:
    """What is stored of a bearer token: its SHA-256, in hex."""
    return hashlib.sha256(token.encode()).hexdigest()


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


def issue_token(session: Session, user: User, now: datetime, lifetime: timedelta = TOKEN_LIFETIME,
                kind: str = API) -> tuple[str, datetime]:
    """A new token (API) or console session for the user; only its digest is kept. Commits."""
    token = secrets.token_urlsafe(32)
    expires_at = now + lifetime
    session.add(ApiToken(user_id=user.id, token_hash=token_digest(token), kind=kind, created_at=now,
                         expires_at=expires_at))
    session.commit()
    return token, expires_at


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
