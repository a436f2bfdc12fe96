"""Signed links sent to people without a login (the reporter's 征求意见 page): the token carries a
random value the database keeps, signed with the service's secret key, so a token cannot be
made up or altered; when it stops working is kept beside the value."""
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import select
from sqlmodel import Session

from service.core.errors import NotFound

LINK_BROKEN = "链接无效，请使用短信中的完整链接"


def sign(secret: str, purpose: str, value: str) -> str:
    return URLSafeSerializer(secret, salt=purpose).dumps(value)


def unsign(secret: str, purpose: str, token: str) -> str | None:
    """The value a token carries, or None for a token not made here for `purpose`."""
    if not token or len(token) > 200:
        return None
    try:
        value = URLSafeSerializer(secret, salt=purpose).loads(token)
    except BadSignature:
        return None
    return value if isinstance(value, str) else None


def row_of(session: Session, model, secret: str, purpose: str, token: str, code: str):
    """The row of `model` whose `nonce` the token carries; a token not made here for `purpose`,
    or whose row is gone, answers 404 `code` (a made-up link and a stale one look alike)."""
    nonce = unsign(secret, purpose, token)
    found = nonce and session.execute(select(model).where(model.nonce == nonce)).scalars().first()
    if not found:
        raise NotFound(LINK_BROKEN, code=code)
    return found
