"""Errors on console pages: a Chinese page with the right status (the JSON API keeps its
envelope, which the application-wide handlers in web/errors.py write)."""
from flask import render_template
from flask_babel import lazy_gettext as _l
from werkzeug.exceptions import HTTPException

from service.core.errors import DomainError

from .blueprint import bp

TITLES = {
    400: _l("请求有误"), 401: _l("请先登录"), 403: _l("无权操作"), 404: _l("没有找到"),
    405: _l("不支持的操作"), 409: _l("操作冲突"), 413: _l("文件过大"), 422: _l("填写有误"),
}
HTTP_MESSAGES = {
    403: _l("您没有权限访问这个页面。"),
    404: _l("您要找的页面或问题不存在，或者您无权查看。"),
    405: _l("这个页面不支持这种操作，请从页面上的按钮进入。"),
    413: _l("上传的文件超过 10 MB，请压缩或拆分后再上传。"),
}


def error_page(status: int, message: str):
    return render_template("console/error.html", title=TITLES.get(status, _l("出错了")),
                           message=message), status


@bp.errorhandler(DomainError)
def _domain_error(exc: DomainError):
    return error_page(exc.status, exc.message)


def _http_error(exc: HTTPException):
    return error_page(exc.code, HTTP_MESSAGES.get(exc.code, exc.description))


for _code in HTTP_MESSAGES:
    bp.register_error_handler(_code, _http_error)
