"""Aliyun's and Tencent Cloud's pushes: delivery receipts and reporters' replies (上行短信), each
let in only with the token its address carries."""
from datetime import datetime, timezone
from zoneinfo import ZoneInfo

import pytest
from sqlmodel import Session, select

from models import SmsInbound, SmsMessage
from service.reminders.outbox import queue_sms

from ..helpers import REPORTER as REPORTER_DATA
from ..helpers import issue_in
from .sent import one_urge_sent, the_message

SH = ZoneInfo("Asia/Shanghai")
TOKENS = {"aliyun": "aliyun-callback-token-0123456789", "tencent": "tencent-callback-token-0123456789"}
PHONE = REPORTER_DATA["phone"]

@pytest.fixture
def tokens(app):
    before = {k: app.config[k] for k in ("ALIYUN_SMS_CALLBACK_TOKEN", "TENCENT_SMS_CALLBACK_TOKEN")}
    app.config["ALIYUN_SMS_CALLBACK_TOKEN"] = TOKENS["aliyun"]
    app.config["TENCENT_SMS_CALLBACK_TOKEN"] = TOKENS["tencent"]
    yield TOKENS
    app.config.update(before)

@pytest.fixture
def sent(tokens, engine) -> SmsMessage:
    return one_urge_sent(engine, "cn:1")

def _post(client, provider: str, what: str, payload, token: str | None = "right"):
    url = f"/webhooks/sms/{provider}/{what}"
    if token is not None:
        url += "?token=" + (TOKENS[provider] if token == "right" else token)
    return client.post(url, json=payload)

def _aliyun_receipt(msg, ok: bool, code="DELIVERED"):
    return [{"phone_number": "13800000001", "send_time": "2026-11-20 12:00:00", "report_time": "2026-11-20 12:00:04",
             "success": ok, "err_code": code, "err_msg": "", "sms_size": "1", "biz_id": msg.provider_id,
             "out_id": "YS2026-000001"}]

def _tencent_receipt(msg, ok: bool, code="DELIVRD"):
    return [{"user_receive_time": "2026-11-20 12:00:04", "nationcode": "86", "mobile": "13800000001",
             "report_status": "SUCCESS" if ok else "FAIL", "errmsg": code, "description": "用户短信送达成功",
             "sid": msg.provider_id}]

RECEIPTS = {"aliyun": _aliyun_receipt, "tencent": _tencent_receipt}
ANSWERS = {"aliyun": {"code": 0, "msg": "成功"}, "tencent": {"result": 0, "errmsg": "OK"}}

@pytest.mark.parametrize("provider", ["aliyun", "tencent"])
def test_a_delivery_receipt_with_the_token_marks_the_message_delivered(client, engine, sent, provider):
    resp = _post(client, provider, "report", RECEIPTS[provider](sent, True))
    assert resp.status_code == 200 and resp.get_json() == ANSWERS[provider]
    assert "Set-Cookie" not in resp.headers
    msg = the_message(engine)
    assert msg.status == "delivered" and msg.delivered_at is not None

@pytest.mark.parametrize("provider, code, says", [
    ("aliyun", "MN:0001", "号码为空号"), ("tencent", "MK:0008", "MK:0008")])
def test_a_failed_receipt_says_why(client, engine, sent, provider, code, says):
    assert _post(client, provider, "report", RECEIPTS[provider](sent, False, code)).status_code == 200
    msg = the_message(engine)
    assert msg.status == "failed" and says in msg.last_error
    assert ("阿里云" if provider == "aliyun" else "腾讯云") in msg.last_error

@pytest.mark.parametrize("provider", ["aliyun", "tencent"])
@pytest.mark.parametrize("token", ["wrong-token", "", None])
def test_a_receipt_with_a_wrong_or_missing_token_changes_nothing(client, engine, sent, provider, token):
    resp = _post(client, provider, "report", RECEIPTS[provider](sent, True), token=token)
    assert resp.status_code == 403 and resp.get_json()["error"]["code"] == "invalid_token"
    assert the_message(engine).status == "sent"

def test_pushes_are_refused_while_no_token_is_set(app, client, engine, sent):
    before = app.config["ALIYUN_SMS_CALLBACK_TOKEN"]
    app.config["ALIYUN_SMS_CALLBACK_TOKEN"] = None
    try:
        assert _post(client, "aliyun", "report", _aliyun_receipt(sent, True), token="").status_code == 403
    finally:
        app.config["ALIYUN_SMS_CALLBACK_TOKEN"] = before
    assert the_message(engine).status == "sent"
    assert client.post("/webhooks/sms/pigeon/report?token=x", json=[]).status_code == 404

def test_malformed_pushes_change_nothing_and_do_not_fail(client, engine, sent):
    for payload in ({"not": "a list"}, ["junk", 3, None], [{"biz_id": None}]):
        assert _post(client, "aliyun", "report", payload).status_code == 200
    broken = client.post(f"/webhooks/sms/tencent/report?token={TOKENS['tencent']}", data="{{not json",
                         content_type="application/json")
    assert broken.status_code == 400  # a clear refusal, never a 500
    assert the_message(engine).status == "sent"

def _aliyun_reply(text: str, seq: int = 1):
    return [{"phone_number": PHONE, "send_time": "2026-11-20 12:30:00", "content": text, "sign_name": "某县营商办",
             "dest_code": "1234", "sequence_id": seq}]

def _tencent_reply(text: str, time: int = 1795000000):
    return {"extend": "", "mobile": PHONE, "nationcode": "86", "sign": "某县营商办", "text": text, "time": time}

REPLIES = {"aliyun": _aliyun_reply, "tencent": _tencent_reply}

@pytest.mark.parametrize("provider", ["aliyun", "tencent"])
def test_a_reply_rates_the_reporters_replied_issue_once(tokens, api, client, engine, provider):
    issue = issue_in(api, "replied")
    for _ in range(2):  # the provider pushes again when it did not hear us: nothing changes twice
        resp = _post(client, provider, "reply", REPLIES[provider]("3"))
        assert resp.status_code == 200 and resp.get_json() == ANSWERS[provider]
    after = api.ok("GET", f"/api/v1/issues/{issue['id']}", "coordinator")
    assert after["status"] == "in_progress" and after["satisfaction"] == "unsatisfied"
    assert after["reopen_count"] == 1
    with Session(engine) as s:
        [row] = s.exec(select(SmsInbound)).all()
    assert row.outcome == "rated" and row.issue_id == issue["id"]

@pytest.mark.parametrize("provider", ["aliyun", "tencent"])
@pytest.mark.parametrize("token", ["wrong-token", None])
def test_a_reply_without_the_token_stores_nothing(tokens, api, client, engine, provider, token):
    issue = issue_in(api, "replied")
    assert _post(client, provider, "reply", REPLIES[provider]("1"), token=token).status_code == 403
    assert api.ok("GET", f"/api/v1/issues/{issue['id']}", "coordinator")["status"] == "replied"
    with Session(engine) as s:
        assert s.exec(select(SmsInbound)).all() == []

@pytest.mark.parametrize("provider", ["aliyun", "tencent"])
@pytest.mark.parametrize("word", ["TD", "td", "退订", " ＴＤ "])
def test_td_stops_automatic_texts_to_the_reporter(tokens, api, client, engine, provider, word):
    """A reporter answers TD: the next steps of the issue send them nothing; the office and the
    department still get theirs."""
    issue = issue_in(api, "assigned")
    assert _post(client, provider, "reply", REPLIES[provider](word)).status_code == 200
    with Session(engine) as s:
        [row] = s.exec(select(SmsInbound)).all()
        assert row.outcome == "opted_out"
        before = {m.id for m in s.exec(select(SmsMessage))}
    for action, who, body in (("accept", "fgj", {"note": "已签收"}), ("reply", "fgj", {"result": "已完成路面修复。"})):
        resp = api.act(issue["id"], action, who, body)
        assert resp.status_code == 200, resp.get_json()
    with Session(engine) as s:
        new = [m for m in s.exec(select(SmsMessage)) if m.id not in before]
        assert all(m.recipient_phone != PHONE for m in new)
        # What the office sends by hand still goes.
        hand = queue_sms(s, dedupe_key="hand:1", phone=PHONE, kind="reporter", template="replied_reporter",
                         params={"code": issue["code"]}, issue_id=issue["id"], now=datetime.now(timezone.utc),
                         by_hand=True)
        assert hand is not None
        assert queue_sms(s, dedupe_key="auto:1", phone="+86" + PHONE, kind="reporter", template="replied_reporter",
                         params={"code": issue["code"]}, issue_id=issue["id"],
                         now=datetime.now(timezone.utc)) is None
        s.rollback()
