"""Tencent Cloud SMS (sms 2021-01-11) through the official SDK: template sending, the error codes
sorted into retry / refused / may-have-gone-out, the pull of receipts and replies
(PullSmsSendStatus, PullSmsReplyStatus), and the two pushes it makes to us.

The only module of ours that imports the Tencent Cloud SDK. With `endpoint` set
(`http://127.0.0.1:8092`), every request goes there instead of sms.tencentcloudapi.com.
"""
from datetime import datetime, timedelta, timezone
from urllib.parse import urlsplit

from tencentcloud.common import credential
from tencentcloud.common.exception.tencent_cloud_sdk_exception import TencentCloudSDKException
from tencentcloud.common.profile.client_profile import ClientProfile
from tencentcloud.common.profile.http_profile import HttpProfile
from tencentcloud.sms.v20210111 import models, sms_client

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

PROVIDER = "腾讯云短信"
BEIJING = timezone(timedelta(hours=8))  # the times Tencent Cloud reports are Beijing time

REFUSALS = {
    "InvalidParameterValue.IncorrectPhoneNumber": "号码无效",
    "FailedOperation.PhoneNumberInBlacklist": "号码在黑名单中（对方已退订或投诉）",
    "FailedOperation.TemplateParamSetNotMatchApprovedTemplate": "模板参数与短信内容不符",
    "FailedOperation.TemplateIncorrectOrUnapproved": "模板不存在或未通过审核",
    "FailedOperation.SignatureIncorrectOrUnapproved": "签名不存在或未通过审核",
    "FailedOperation.MissingTemplateToModify": "模板不存在",
    "FailedOperation.InsufficientBalanceInSmsPackage": "套餐包余量不足",
    "FailedOperation.ContainSensitiveWord": "内容含敏感词",
    "InvalidParameterValue.TemplateParameterFormatError": "模板变量格式错误",
    "InvalidParameterValue.TemplateParameterLengthLimit": "模板变量超过长度限制",
    "UnauthorizedOperation.SmsSdkAppIdVerifyFail": "SmsSdkAppId 校验失败，请核对 TENCENT_SMS_SDK_APP_ID",
    "AuthFailure.SignatureFailure": "密钥签名不符，请核对 TENCENT_SMS_SECRET_KEY",
    "AuthFailure.SecretIdNotFound": "SecretId 不存在，请核对 TENCENT_SMS_SECRET_ID",
    "UnsupportedOperation.ContainDomesticAndInternationalPhoneNumber": "号码类型不支持",
}
RETRY = {
    "LimitExceeded.PhoneNumberThirtySecondLimit": "触发号码 30 秒发送频率限制",
    "LimitExceeded.PhoneNumberOneHourLimit": "触发号码 1 小时发送频率限制",
    "LimitExceeded.PhoneNumberDailyLimit": "触发号码当日发送量限制",
    "LimitExceeded.PhoneNumberSameContentDailyLimit": "触发相同内容当日发送限制",
    "LimitExceeded.DailyLimit": "触发当日发送量限制",
    "RequestLimitExceeded": "请求过于频繁",
    "InternalError": "服务方内部错误",
    "InternalError.Timeout": "服务方处理超时",
    "InternalError.OtherError": "服务方内部错误",
    "InternalError.SendAndRecvFail": "服务方内部通信失败",
    "InternalError.RequestTimeException": "请求时间与服务方相差过大",
    "ServerNetworkError": "服务暂时不可用",
}


class TencentSender:
    """`SmsSender` through Tencent Cloud's SendSms: the approved template's id and its values in
    order (TemplateParamSet); `body` is not sent."""

    name = "tencent"

    def __init__(self, secret_id: str, secret_key: str, sdk_app_id: str, sign_name: str,
                 templates: TemplateLookup, *, endpoint: str | None = None, region: str = "ap-guangzhou",
                 timeout: float = 10):
        http = HttpProfile(reqTimeout=timeout)
        if endpoint:
            parts = urlsplit(endpoint if "//" in endpoint else f"https://{endpoint}")
            http.endpoint, http.protocol = parts.netloc, parts.scheme
            http.scheme = parts.scheme
        else:
            http.endpoint = "sms.tencentcloudapi.com"
        self.client = sms_client.SmsClient(credential.Credential(secret_id, secret_key), region,
                                           ClientProfile(httpProfile=http))
        self.sdk_app_id = sdk_app_id
        self.sign_name = sign_name
        self.templates = templates

    def send(self, to: str, template: str, params: dict, body: str) -> str:
        number = mainland_mobile(to)
        if number is None:
            raise SendError("号码不是大陆手机号，未提交腾讯云短信", retryable=False)
        approved = template_for(self.templates, PROVIDER, template)
        request = models.SendSmsRequest()
        request.PhoneNumberSet = ["+86" + number]
        request.SmsSdkAppId = self.sdk_app_id
        request.SignName = self.sign_name
        request.TemplateId = approved.code
        request.TemplateParamSet = template_values(approved, params)
        request.SessionContext = str(params.get("code") or "")[:64]
        response = self._call(lambda: self.client.SendSms(request))
        [status] = response.SendStatusSet
        if status.Code != "Ok":
            raise _send_error(status.Code, status.Message)
        return status.SerialNo

    def pull_receipts(self, limit: int = 100) -> list[Receipt]:
        """Receipts Tencent Cloud holds for us since the last pull (each is given once)."""
        request = models.PullSmsSendStatusRequest()
        request.SmsSdkAppId, request.Limit = self.sdk_app_id, limit
        response = self._call(lambda: self.client.PullSmsSendStatus(request))
        return [_receipt(item.SerialNo, item.ReportStatus, item.Description, item.UserReceiveTime)
                for item in response.PullSmsSendStatusSet or []]

    def pull_replies(self, limit: int = 100) -> list[Reply]:
        """Replies (上行短信) Tencent Cloud holds for us since the last pull."""
        request = models.PullSmsReplyStatusRequest()
        request.SmsSdkAppId, request.Limit = self.sdk_app_id, limit
        response = self._call(lambda: self.client.PullSmsReplyStatus(request))
        return [Reply(item.SubscriberNumber or item.PhoneNumber, item.ReplyContent, None)
                for item in response.PullSmsReplyStatusSet or []]

    def _call(self, call):
        try:
            return call()
        except TencentCloudSDKException as exc:
            failure = network_failure(exc, PROVIDER)
            if failure is not None:
                raise failure from None
            raise _send_error(exc.code, exc.message) from None


def _send_error(code: str | None, message) -> SendError:
    code = str(code or "")
    label = f"{PROVIDER} {code}" if code else PROVIDER
    if code in RETRY or code.startswith(("InternalError", "LimitExceeded.PhoneNumber")):
        return SendError(f"{label}：{RETRY.get(code, '暂时失败')}，稍后重试", retryable=True)
    if isinstance(message, bytes):
        message = message.decode("utf-8", "replace")
    reason = REFUSALS.get(code) or (str(message)[:100] if message else "请求被拒绝")
    return SendError(f"{label}：{reason}", retryable=False)


def _receipt(serial: str, report_status: str, description: str | None, at=None) -> Receipt:
    ok = str(report_status or "").upper() == "SUCCESS"
    when = None
    if at:
        try:
            when = datetime.strptime(str(at), "%Y-%m-%d %H:%M:%S").replace(tzinfo=BEIJING)
        except ValueError:
            when = None
    return Receipt(str(serial), "delivered" if ok else "undelivered", None if ok else (description or "FAIL"),
                   None if ok else (description or "运营商退回"), when)


def receipts_from_push(items) -> list[Receipt]:
    """Tencent Cloud's receipt push (a JSON array of {sid, report_status, errmsg, description})."""
    return [_receipt(item["sid"], item.get("report_status"), item.get("errmsg") or item.get("description"))
            for item in (items if isinstance(items, list) else [])
            if isinstance(item, dict) and item.get("sid")]


def replies_from_push(item) -> list[Reply]:
    """Tencent Cloud's reply push (one JSON object: {mobile, nationcode, text, ...})."""
    if isinstance(item, dict) and item.get("mobile") and item.get("text") is not None:
        return [Reply(str(item["mobile"]), str(item["text"]), None)]
    return []
