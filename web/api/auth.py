from flask import current_app
from flask_smorest import Blueprint

from service import auth

from ..context import db, now
from ..limits import limiter
from ..schemas.directory import TokenIn, TokenOut

blp = Blueprint("auth", __name__, url_prefix="/api/v1/auth", description="登录，取得访问令牌")


@blp.post("/token")
@limiter.limit(lambda: current_app.config["LOGIN_RATE_LIMIT"])
@blp.arguments(TokenIn)
@blp.response(200, TokenOut)
def token(body):
    """用户名和密码换取 Bearer 令牌（12 小时有效）

    开启了两步验证的账号（管理员必须开启）还须在 `otp` 中给出验证器 App 上当前的 6 位验证码：
    缺少时答 401 `otp_required`，错误或重复使用时答 401 `otp_invalid`，并计入登录失败次数；
    尚未设置两步验证的管理员答 403 `two_factor_setup_required`。"""
    value, expires_at = auth.login(db(), body["username"], body["password"], now(), otp=body.get("otp"))
    return {"token": value, "expires_at": expires_at}
