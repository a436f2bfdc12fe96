"""Passwords: which ones staff may choose (OWASP ASVS 5.0 V6.2), and how they are kept (scrypt).

At least 8 characters (ASVS 6.2.1; longer is better and up to 256 are taken), no composition
rules (6.2.5), and refused when the password is a commonly used or breached one (6.2.4, 6.2.12)
or is built on the username (6.2.11). The county intranet has no internet, so the breached
list ships with the code: `data/common-passwords.txt.gz`, the 20,000 most common passwords of
public breach corpora as compiled by Royce Williams and shipped by Django (BSD licence, see
`data/COMMON-PASSWORDS-LICENSE.txt`). Compared case-insensitively, so "Password1" counts as
"password1".
"""
import gzip
from functools import cache
from pathlib import Path

from werkzeug.security import check_password_hash, generate_password_hash

from service.core.errors import require

# How new passwords are kept, by the PASSWORD_HASH setting: werkzeug's scrypt (N=2^15, r=8,
# p=1, about 0.1–0.2 s a check), or the same at N=2^8 (under 1 ms) for the test suite, which logs in hundreds of
# times. A stored hash names its own parameters, so either kind is checked whatever the setting.
METHODS = {"scrypt": "scrypt", "fast": "scrypt:256:8:1"}
_method = METHODS["scrypt"]
# Compared against when the user does not exist, so both paths take the same time.
_DUMMY_HASH = generate_password_hash("not-a-real-password", method=_method)


def use_hash(name: str) -> None:
    """Keep new passwords by the method the PASSWORD_HASH setting names (set at start-up)."""
    global _method, _DUMMY_HASH
    if METHODS[name] != _method:
        _method = METHODS[name]
        _DUMMY_HASH = generate_password_hash("not-a-real-password", method=_method)

MIN_LENGTH = 8
MAX_LENGTH = 256
LIST_PATH = Path(__file__).parent / "data" / "common-passwords.txt.gz"


@cache
def common_passwords() -> frozenset[str]:
    with gzip.open(LIST_PATH, "rt", encoding="utf-8") as f:
        return frozenset(line.strip().lower() for line in f if line.strip())


def password_problem(password: str | None, username: str | None = None) -> str | None:
    """Why this password may not be chosen, in words for the user; None when it may."""
    password = password or ""
    if len(password) < MIN_LENGTH:
        return f"密码至少 {MIN_LENGTH} 位"
    if len(password) > MAX_LENGTH:
        return f"密码最多 {MAX_LENGTH} 位"
    lowered = password.lower()
    if username and len(username) >= 3 and username.lower() in lowered:
        return "密码不能包含用户名"
    if len(set(lowered)) == 1:
        return "密码不能由同一个字符重复组成"
    if lowered in common_passwords() or lowered.strip("0123456789!@#.") in common_passwords():
        return "这是常见或已泄露的密码，容易被猜中，请换一个"
    return None


def check_new_password(password: str | None, username: str | None = None, field: str = "password") -> None:
    """Raise Invalid naming `field` when the password may not be chosen."""
    problem = password_problem(password, username)
    if problem:
        require({field: problem})


def hash_password(password: str) -> str:
    return generate_password_hash(password, method=_method)


def check_password(stored_hash: str, password: str) -> bool:
    return check_password_hash(stored_hash, password)


def spend_as_much(password: str) -> None:
    """The cost of checking a password, for a username that does not exist: both answers take
    the same time."""
    check_password_hash(_DUMMY_HASH, password)
