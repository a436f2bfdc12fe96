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
    """用户名和密码换取 Bearer 令牌（12 小时有效）"""
    value, expires_at = auth.login(db(), body["username"], body["password"], now())
    return {"token": value, "expires_at": expires_at}
