"""Aliyun SMS (dysmsapi, 2017-05-25) through the official SDK: template sending, the error codes
sorted into retry / refused / may-have-gone-out, the pull of delivery receipts
(QuerySendDetails), and the two pushes it makes to us (receipts and replies, HTTP batch push).

The only module of ours that imports the Aliyun SDK. With `endpoint` set (`127.0.0.1:8091`,
`http://...`), every request goes there instead of dysmsapi.aliyuncs.com, so tests and staging
talk to a local fake through the real SDK.
"""
import json
from datetime import datetime
from urllib.parse import urlsplit

from alibabacloud_dysmsapi20170525 import models as sms_models
from alibabacloud_dysmsapi20170525.client import Client
from alibabacloud_tea_openapi import models as api_models
from darabonba.runtime import RuntimeOptions

from .sender import SendError
from .template_sms import (
    Receipt,
    Reply,
    TemplateLookup,
    mainland_mobile,
    network_failure,
    template_for,
    template_values,
)

PROVIDER = "阿里云短信"

# The codes (response Code) worth their own words; any other isv.* is refused for good.
REFUSALS = {
    "isv.MOBILE_NUMBER_ILLEGAL": "号码无效",
    "isv.MOBILE_COUNT_OVER_LIMIT": "号码数量超过上限",
    "isv.SMS_TEMPLATE_ILLEGAL": "模板不存在或未通过审核",
    "isv.SMS_SIGNATURE_ILLEGAL": "签名不存在或未通过审核",
    "isv.TEMPLATE_MISSING_PARAMETERS": "模板参数与短信内容不符（缺少变量）",
    "isv.TEMPLATE_PARAMS_ILLEGAL": "模板参数与短信内容不符（变量不合规）",
    "isv.INVALID_JSON_PARAM": "模板参数格式错误",
    "isv.PARAM_LENGTH_LIMIT": "模板变量超过长度限制",
    "isv.BLACK_KEY_CONTROL_LIMIT": "内容含禁用词",
    "isv.AMOUNT_NOT_ENOUGH": "账户余额不足",
    "isv.OUT_OF_SERVICE": "账户已停机",
    "isv.ACCOUNT_NOT_EXISTS": "账户不存在",
    "isv.ACCOUNT_ABNORMAL": "账户异常",
    "isv.DENY_IP_RANGE": "源 IP 不在白名单",
    "SignatureDoesNotMatch": "AccessKey 签名不符，请核对 ALIYUN_SMS_ACCESS_KEY_SECRET",
    "InvalidAccessKeyId.NotFound": "AccessKey 不存在，请核对 ALIYUN_SMS_ACCESS_KEY_ID",
    "Forbidden.RAM": "AccessKey 无短信发送权限",
}
# Limits that lift by themselves (per number: 1 a minute, 5 an hour, 10 a day; the account's
# flow control) and the provider's own trouble: try again later.
RETRY = {
    "isv.BUSINESS_LIMIT_CONTROL": "触发号码发送频率限制",
    "isv.DAY_LIMIT_CONTROL": "触发当日发送量限制",
    "Throttling": "请求过于频繁",
    "Throttling.User": "请求过于频繁",
    "Throttling.Api": "请求过于频繁",
    "isp.SYSTEM_ERROR": "服务方系统错误",
    "isp.RAM_PERMISSION_DENY": "服务方授权暂不可用",
    "ServiceUnavailable": "服务暂时不可用",
    "InternalError": "服务方内部错误",
}
# Delivery receipts: err_code of a failure, as the office should read it.
DELIVERY_ERRORS = {
    "MK:0000": "运营商拦截",
    "MN:0001": "号码为空号",
    "MN:0017": "号码已停机",
    "MK:0008": "对方关机或不在服务区",
    "IC:0055": "对方已退订或拒收",
    "DB:0141": "号码在黑名单中",
}


class AliyunSender:
    """`SmsSender` through Aliyun's SendSms: the message kind's approved template and the values
    it names (TemplateParam, a JSON object); `body` is not sent."""

    name = "aliyun"

    def __init__(self, access_key_id: str, access_key_secret: str, sign_name: str,
                 templates: TemplateLookup, *, endpoint: str | None = None, timeout: float = 10,
                 connect_timeout: float = 5):
        config = api_models.Config(access_key_id=access_key_id, access_key_secret=access_key_secret,
                                   region_id="cn-hangzhou")
        if endpoint:
            parts = urlsplit(endpoint if "//" in endpoint else f"https://{endpoint}")
            config.endpoint = parts.netloc
            config.protocol = parts.scheme
        else:
            config.endpoint = "dysmsapi.aliyuncs.com"
        self.client = Client(config)
        self.sign_name = sign_name
        self.templates = templates
        self.runtime = RuntimeOptions(read_timeout=int(timeout * 1000),
                                      connect_timeout=int(connect_timeout * 1000), autoretry=False)

    def send(self, to: str, template: str, params: dict, body: str) -> str:
        number = mainland_mobile(to)
        if number is None:
            raise SendError("号码不是大陆手机号，未提交阿里云短信", retryable=False)
        approved = template_for(self.templates, PROVIDER, template)
        values = template_values(approved, params)
        request = sms_models.SendSmsRequest(
            phone_numbers=number, sign_name=self.sign_name, template_code=approved.code,
            template_param=json.dumps(dict(zip(approved.params, values, strict=True)), ensure_ascii=False),
            out_id=str(params.get("code") or "")[:64] or None)
        body_map = self._call(lambda: self.client.send_sms_with_options(request, self.runtime))
        code = body_map.get("Code")
        if code != "OK":
            raise _send_error(code, body_map.get("Message"), 200)
        return str(body_map.get("BizId"))

    def pull_receipts(self, sent: list[tuple[str, str, datetime]]) -> list[Receipt]:
        """QuerySendDetails for each (BizId, number, day sent) still waiting: a receipt for
        each whose fate is known (SendStatus 3 delivered, 2 failed; 1 still on its way)."""
        receipts = []
        for biz_id, phone, sent_at in sent:
            number = mainland_mobile(phone)
            if number is None:
                continue
            request = sms_models.QuerySendDetailsRequest(
                phone_number=number, biz_id=biz_id, send_date=sent_at.strftime("%Y%m%d"),
                page_size=10, current_page=1)
            body_map = self._call(lambda r=request: self.client.query_send_details_with_options(r, self.runtime))
            if body_map.get("Code") != "OK":
                raise _send_error(body_map.get("Code"), body_map.get("Message"), 200)
            details = ((body_map.get("SmsSendDetailDTOs") or {}).get("SmsSendDetailDTO")) or []
            for detail in details:
                status = {3: "delivered", 2: "undelivered"}.get(int(detail.get("SendStatus") or 1))
                if status:
                    code = detail.get("ErrCode") if status == "undelivered" else None
                    receipts.append(Receipt(biz_id, status, code, delivery_reason(code)))
        return receipts

    def _call(self, call) -> dict:
        try:
            return call().body.to_map()
        except Exception as exc:  # the SDK's exceptions carry the HTTP answer or the network error
            failure = network_failure(exc, PROVIDER)
            if failure is not None:
                raise failure from None
            status = getattr(exc, "status_code", None) or getattr(getattr(exc, "inner_exception", None),
                                                                  "status_code", None)
            code = getattr(exc, "code", None)
            raise _send_error(code, getattr(exc, "message", str(exc)), int(status or 0)) from None


def _send_error(code: str | None, message: str | None, status: int) -> SendError:
    code = str(code or "")
    label = f"{PROVIDER} {code}" if code else PROVIDER
    if code in RETRY or code.startswith(("Throttling", "isp.")):
        return SendError(f"{label}：{RETRY.get(code, '暂时失败')}，稍后重试", retryable=True)
    if status >= 500 or (status == 0 and not code):
        return SendError(f"{label}：服务暂时不可用（HTTP {status}）", retryable=True)
    reason = REFUSALS.get(code) or (message or "请求被拒绝")
    return SendError(f"{label}：{reason}", retryable=False)


def delivery_reason(code: str | None) -> str | None:
    if not code or code == "DELIVERED":
        return None
    return DELIVERY_ERRORS.get(code, "运营商退回")


def receipts_from_push(items) -> list[Receipt]:
    """Aliyun's receipt push (SmsReport, a JSON array): one Receipt per item it could read."""
    receipts = []
    for item in items if isinstance(items, list) else []:
        if not isinstance(item, dict) or not item.get("biz_id"):
            continue
        ok = item.get("success") in (True, "true", "True", 1, "1")
        code = None if ok else str(item.get("err_code") or "") or None
        receipts.append(Receipt(str(item["biz_id"]), "delivered" if ok else "undelivered", code,
                                None if ok else (delivery_reason(code) or item.get("err_msg"))))
    return receipts


def replies_from_push(items) -> list[Reply]:
    """Aliyun's reply push (SmsUp, a JSON array): the number and the text of each reply."""
    replies = []
    for item in items if isinstance(items, list) else []:
        if isinstance(item, dict) and item.get("phone_number") and item.get("content") is not None:
            replies.append(Reply(str(item["phone_number"]), str(item["content"]),
                                 str(item.get("sequence_id") or "") or None))
    return replies
