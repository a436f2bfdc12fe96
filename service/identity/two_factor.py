"""Two-factor login with time-based one-time codes (TOTP, RFC 6238; OWASP ASVS 5.0 V6.5, V6.6).

Optional for every staff user, required for administrators: an administrator without it is
sent to enrol right after the password and can do nothing else until done (web/console/auth.py).

- Enrolment stores a fresh secret that is in force only once a code made from it has been
  confirmed (`totp_enabled_at`); until then the password alone logs in.
- A code is good for its 30-second step and one step either side (clock drift); the last
  accepted step is kept, so the same code, or an older one, is refused a second time.
- Wrong codes count toward the same login budgets as wrong passwords
  (service/identity/login_throttle.py); only a right code clears the count of a user who has it.
- Lost phone: there are no recovery codes; an administrator resets the user's two-factor
  login (`reset`, console user list or `flask reset-2fa`), which ends the user's sessions, and
  the user enrols again at the next login. The last administrator resets his own from the
  command line on the server.
"""
from datetime import datetime

import pyotp
from pyotp.utils import strings_equal
from sqlmodel import Session

from models import User
from models.permissions import Permission
from service.core.errors import Conflict, Forbidden, Invalid, NotAuthenticated
from service.identity import login_throttle
from service.identity import permissions as access
from service.identity.directory import get_user
from service.identity.login_throttle import DEFAULT_LIMITS, LoginLimits
from service.identity.sessions import end_sessions

ISSUER = "营商环境问题督办系统"
DRIFT_STEPS = 1


def required(user: User) -> bool:
    """Whose role must log in with a second factor."""
    return access.may(user, Permission.DIRECTORY_MANAGE)


def enabled(user: User) -> bool:
    return user.totp_enabled_at is not None


def must_enrol(user: User) -> bool:
    return required(user) and not enabled(user)


def begin_enrolment(session: Session, user: User) -> str:
    """A new secret for `user` to put in an authenticator app (kept pending until confirmed);
    an unconfirmed earlier one is replaced. Commits."""
    if enabled(user):
        raise Conflict("已开启两步验证；如需更换手机，请管理员先重置", code="two_factor_enabled")
    user.totp_secret = pyotp.random_base32()
    user.totp_last_step = None
    session.add(user)
    session.commit()
    return user.totp_secret


def provisioning_uri(user: User) -> str:
    """The otpauth:// address an authenticator app reads from the QR code."""
    return pyotp.TOTP(user.totp_secret).provisioning_uri(name=user.username, issuer_name=ISSUER)


def _matching_step(secret: str, code: str, now: datetime) -> int | None:
    code = (code or "").strip().replace(" ", "")
    if len(code) != 6 or not code.isdigit():
        return None
    totp = pyotp.TOTP(secret)
    current = totp.timecode(now)
    for step in range(current - DRIFT_STEPS, current + DRIFT_STEPS + 1):
        if strings_equal(totp.generate_otp(step), code):
            return step
    return None


def confirm_enrolment(session: Session, user: User, code: str, now: datetime) -> User:
    """Turn two-factor login on once a code from the pending secret proves the app has it.
    Commits."""
    if enabled(user):
        raise Conflict("已开启两步验证", code="two_factor_enabled")
    if not user.totp_secret:
        raise Conflict("请先开始设置两步验证", code="two_factor_not_started")
    step = _matching_step(user.totp_secret, code, now)
    if step is None:
        raise Invalid("验证码不正确，请核对手机时间后输入验证器 App 上当前的 6 位数字",
                      {"code": "验证码不正确"})
    user.totp_enabled_at, user.totp_last_step = now, step
    session.add(user)
    session.commit()
    return user


def verify(session: Session, user: User, code: str | None, now: datetime, client: str | None = None,
           limits: LoginLimits = DEFAULT_LIMITS, *, new_attempt: bool = True) -> User:
    """The second step of a login, from `client`. It draws on the same login budgets as the
    password (`new_attempt` False: the password step of the same request counted it already);
    a wrong, stale or replayed code counts as a wrong answer, a good one clears the count.
    Commits."""
    if new_attempt:
        login_throttle.admit(session, client, now, limits)
    login_throttle.check(session, user.username, client, now, limits)
    step = _matching_step(user.totp_secret or "", code or "", now) if enabled(user) else None
    if step is None or (user.totp_last_step is not None and step <= user.totp_last_step):
        login_throttle.failed(session, user.username, client, now)
        raise NotAuthenticated("验证码不正确或已使用过，请输入验证器 App 上当前的 6 位数字",
                               {"otp": "验证码不正确或已使用过"}, code="otp_invalid")
    user.totp_last_step = step
    session.add(user)
    login_throttle.succeeded(session, user.username, client, now)
    return user


def check_for_token(session: Session, user: User, otp: str | None, now: datetime,
                    client: str | None = None, limits: LoginLimits = DEFAULT_LIMITS) -> None:
    """What a user must add to the password to get an API token. Commits on a code."""
    if enabled(user):
        if not (otp or "").strip():
            raise NotAuthenticated("此账号已开启两步验证：请在 otp 字段填写验证器 App 上的 6 位验证码",
                                   {"otp": "必填：两步验证码"}, code="otp_required")
        verify(session, user, otp, now, client, limits, new_attempt=False)
    elif required(user):
        raise Forbidden("管理员须先在工作台（/console）登录并设置两步验证，才能取得 API 令牌",
                        code="two_factor_setup_required")


def disable_own(session: Session, user: User, code: str, now: datetime, client: str | None = None,
                limits: LoginLimits = DEFAULT_LIMITS) -> User:
    """A user turns off his optional two-factor login, proving it with a current code (which
    draws on the login budgets like a login). Commits."""
    if required(user):
        raise Forbidden("管理员必须使用两步验证，不能关闭", code="two_factor_required")
    verify(session, user, code, now, client, limits)
    _clear(user)
    session.add(user)
    session.commit()
    return user


def reset(session: Session, actor: User | None, user_id: int) -> User:
    """An administrator (or, `actor` None, the command line) clears a user's two-factor login,
    e.g. after a lost phone: his sessions and tokens end, and he enrols again (an
    administrator at his next login). Commits."""
    access.require(actor, Permission.DIRECTORY_MANAGE, "只有系统管理员可以重置两步验证")
    user = get_user(session, user_id)
    _clear(user)
    end_sessions(session, user)
    session.commit()
    return user


def _clear(user: User) -> None:
    user.totp_secret = user.totp_enabled_at = user.totp_last_step = None
