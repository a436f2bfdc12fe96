"""Twilio's callbacks: delivery status of our texts, and the texts reporters send back.

No session cookie and no CSRF token here: each request is signed by Twilio (X-Twilio-Signature)
over the public URL it called and its form fields, and anything unsigned is refused before it
touches the database.
"""
import hmac
import logging

from flask import Blueprint, Response, current_app, jsonify, request

from models import SATISFACTION_LABELS, Satisfaction
from notifications.twilio_sender import messaging_twiml, signature_is_valid
from service.reminders.delivery import record_status
from service.workflow import sms_ratings as ratings

from .context import db, now, workflow_options
from .errors import envelope

log = logging.getLogger(__name__)

blp = Blueprint("webhooks", __name__, url_prefix="/webhooks/sms/twilio")

HOW_TO = "收到办理答复短信后，请回复1满意、2基本满意、3不满意。反映新问题请拨打12345热线。"
HELP = "【营商办】" + HOW_TO
REPLIES = {
    ratings.NOT_A_RATING: HELP,
    ratings.NO_ISSUE: "【营商办】您目前没有待评价的问题。" + HOW_TO,
    # the step was refused: staff visited meanwhile, the issue was reopened, or the plan moved on
    ratings.REFUSED: "【营商办】已收到您的回复，但该问题的办理情况刚有变化，本次回复未计为评价，请以最新短信为准；"
                     "如有意见请拨打12345热线。",
    ratings.OPTED_OUT: "【营商办】已退订，今后不再向您发送办理进度短信。",
}


def _reply_text(result: ratings.ReplyOutcome) -> str:
    label = SATISFACTION_LABELS.get(result.satisfaction, "")
    if result.outcome == ratings.MERGED_RATED:
        if result.satisfaction == Satisfaction.UNSATISFIED:
            return (f"【营商办】已收到您对{result.main_code}办理结果的评价：{label}（问题{result.issue_code}）。"
                    "县营商办将跟进并与您联系。")
        return f"【营商办】感谢您的评价！问题{result.issue_code}（并入{result.main_code}办理）已记为“{label}”。"
    if result.outcome != ratings.RATED:
        return REPLIES.get(result.outcome, HELP)
    if result.satisfaction == Satisfaction.UNSATISFIED:
        return f"【营商办】已收到您对问题{result.issue_code}的评价：{label}。我们将督促重新办理，并再与您联系。"
    return f"【营商办】感谢您的评价！问题{result.issue_code}已记为“{label}”，现已办结。"


@blp.before_request
def _check_signature():
    """Only Twilio, signing with our auth token, may call these."""
    url = current_app.config["PUBLIC_BASE_URL"].rstrip("/") + request.path
    if request.query_string:
        url += "?" + request.query_string.decode("latin-1")
    token = current_app.config["TWILIO_AUTH_TOKEN"] or ""
    if not token:
        log.warning("Twilio webhook refused: TWILIO_AUTH_TOKEN is not set")
    if not signature_is_valid(token, url, request.form, request.headers.get("X-Twilio-Signature"),
                              request.headers.get("X-Twilio-Webhooks-Signature-Settings")):
        return envelope(403, "invalid_signature", "请求签名无效，已拒绝")
    return None


@blp.post("/status")
def status():
    form = request.form
    record_status(db(), form.get("MessageSid", ""), form.get("MessageStatus") or form.get("SmsStatus", ""),
                  form.get("ErrorCode"), now())
    return Response(status=204)


@blp.post("/inbound")
def inbound():
    form = request.form
    result = ratings.record_reply(db(), form.get("From", ""), form.get("Body", ""),
                                  form.get("MessageSid") or None, now(), options=workflow_options())
    return Response(messaging_twiml(_reply_text(result)), mimetype="text/xml")


# --- Aliyun and Tencent Cloud ------------------------------------------------------------------
# Their pushes carry no signature of their own: the address each is given holds a secret token
# (`?token=`, ALIYUN_SMS_CALLBACK_TOKEN / TENCENT_SMS_CALLBACK_TOKEN), compared in constant time
# before anything is read. Receipts and replies come in batches (a JSON array), retried by the
# provider until answered as it expects.

mainland = Blueprint("mainland_webhooks", __name__, url_prefix="/webhooks/sms")

TOKENS = {"aliyun": "ALIYUN_SMS_CALLBACK_TOKEN", "tencent": "TENCENT_SMS_CALLBACK_TOKEN"}
LABELS = {"aliyun": "阿里云短信", "tencent": "腾讯云短信"}
# What each provider takes as "received, do not send again".
ACCEPTED = {"aliyun": {"code": 0, "msg": "成功"}, "tencent": {"result": 0, "errmsg": "OK"}}


@mainland.before_request
def _check_token():
    provider = (request.view_args or {}).get("provider")
    if provider not in TOKENS:
        return envelope(404, "not_found", "没有这个短信服务商")
    expected = current_app.config[TOKENS[provider]] or ""
    if not expected:
        log.warning("%s webhook refused: %s is not set", provider, TOKENS[provider])
    given = request.args.get("token") or request.headers.get("X-Callback-Token") or ""
    if not expected or not hmac.compare_digest(given.encode(), expected.encode()):
        return envelope(403, "invalid_token", "回调凭据无效，已拒绝")
    return None


def _items():
    data = request.get_json(silent=True)
    return data if data is not None else []


@mainland.post("/<provider>/report")
def mainland_report(provider: str):
    from notifications import aliyun_sender, tencent_sender
    reader = aliyun_sender if provider == "aliyun" else tencent_sender
    session = db()
    for receipt in reader.receipts_from_push(_items()):
        record_status(session, receipt.provider_id, receipt.status, receipt.error_code, now(),
                      provider=LABELS[provider], reason=receipt.reason)
    return jsonify(ACCEPTED[provider])


@mainland.post("/<provider>/reply")
def mainland_reply(provider: str):
    from notifications import aliyun_sender, tencent_sender
    items = _items()
    if provider == "aliyun":
        replies = [(r, f"aliyun:{r.provider_id}" if r.provider_id else None)
                   for r in aliyun_sender.replies_from_push(items)]
    else:
        replies = [(r, f"tencent:{items.get('mobile')}:{items.get('time')}" if items.get("time") else None)
                   for r in tencent_sender.replies_from_push(items)]
    for reply, key in replies:
        result = ratings.record_reply(db(), reply.phone, reply.text, key, now(), options=workflow_options())
        log.info("%s reply: %s", provider, result.outcome)
    return jsonify(ACCEPTED[provider])
