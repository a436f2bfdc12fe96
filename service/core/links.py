"""Signed links sent to people without a login (the reporter's 征求意见 page): the token carries a
random value the database keeps, signed with the service's secret key, so a token cannot be
made up or altered; when it stops working is kept beside the value."""
from itsdangerous import BadSignature, URLSafeSerializer


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
