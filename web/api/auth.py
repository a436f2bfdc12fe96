from flask_smorest import Blueprint

from service.identity import login as auth
from service.identity import sessions

from ..context import bearer_token, client_address, current_user, db, login_limits, now
from ..schemas.directory import TokenIn, TokenOut

blp = Blueprint("auth", __name__, url_prefix="/api/v1/auth", description="登录取得访问令牌，退出时吊销")


@blp.post("/token")
@blp.arguments(TokenIn)
@blp.response(200, TokenOut)
def token(body):
    """用户名和密码换取 Bearer 令牌（12 小时有效）

    开启了两步验证的账号（管理员必须开启）还须在 `otp` 中给出验证器 App 上当前的 6 位验证码：
    缺少时答 401 `otp_required`，错误或重复使用时答 401 `otp_invalid`；
    尚未设置两步验证的管理员答 403 `two_factor_setup_required`。

    与工作台登录共用同一份登录额度（按客户端地址计，所有进程共享）：同一客户端每分钟最多
    `LOGIN_RATE_LIMIT` 次登录尝试，超出答 429 `too_many_requests`；同一客户端对同一用户名连续
    答错 5 次后须等待（1 分钟起，每错一次加倍，最长 30 分钟），其间答 429 `login_delayed`，
    均带 `Retry-After`。其他客户端不受影响，不存在的用户名得到完全相同的答复。"""
    value, expires_at = auth.login(db(), body["username"], body["password"], now(), otp=body.get("otp"),
                                   client=client_address(), limits=login_limits())
    return {"token": value, "expires_at": expires_at}


@blp.post("/logout")
@blp.response(204)
def logout():
    """吊销本次请求所用的令牌：此后用它的请求答 401"""
    current_user()
    sessions.revoke(db(), bearer_token())
