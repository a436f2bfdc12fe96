"""Twilio's callbacks: signatures, delivery status, and reporters rating by SMS reply."""
import uuid
from datetime import datetime, timezone
from zoneinfo import ZoneInfo

import pytest
from sqlmodel import Session, select
from twilio.request_validator import RequestValidator

from models import Issue, SmsInbound, SmsMessage, User
from models.workflow import REPORTER
from service.core.errors import NotFound
from service.workflow.queries import get_visible
from service.workflow.sms_ratings import record_reply

from ..helpers import REPORTER as REPORTER_DATA
from ..helpers import issue_in
from .sent import one_urge_sent, the_message

SH = ZoneInfo("Asia/Shanghai")
TOKEN = "test-twilio-auth-token"
PUBLIC = "https://ys.example.gov.cn"  # PUBLIC_BASE_URL of the test app; requests reach it via a proxy
STATUS, INBOUND = "/webhooks/sms/twilio/status", "/webhooks/sms/twilio/inbound"
PHONE = REPORTER_DATA["phone"]

@pytest.fixture
def twilio_app(app):
    before = app.config["TWILIO_AUTH_TOKEN"]
    app.config["TWILIO_AUTH_TOKEN"] = TOKEN
    yield app
    app.config["TWILIO_AUTH_TOKEN"] = before

def signed_post(client, path: str, params: dict, *, token: str = TOKEN, url: str | None = None,
                signature: str | None = None):
    if signature is None:
        signature = RequestValidator(token).compute_signature(url or PUBLIC + path, params)
    return client.post(path, data=params, headers={"X-Twilio-Signature": signature})

def sid() -> str:
    return "SM" + uuid.uuid4().hex

# --- delivery status ----------------------------------------------------------------------------

@pytest.fixture
def sent_message(twilio_app, engine) -> SmsMessage:
    return one_urge_sent(engine, "wh:1")

def _status(client, message: SmsMessage, status: str, **extra):
    params = {"MessageSid": message.provider_id, "MessageStatus": status, "SmsStatus": status,
              "AccountSid": "AC" + "0" * 32, "To": "+8613800000001", "From": "+15005550006", **extra}
    return signed_post(client, STATUS, params)

def test_delivered_after_sent(client, engine, sent_message):
    resp = _status(client, sent_message, "sent")
    assert resp.status_code == 204 and "Set-Cookie" not in resp.headers
    assert the_message(engine).status == "sent" and the_message(engine).provider_status == "sent"

    assert _status(client, sent_message, "delivered").status_code == 204
    msg = the_message(engine)
    assert msg.status == "delivered" and msg.delivered_at is not None and msg.provider_status == "delivered"

    assert _status(client, sent_message, "sent").status_code == 204  # late, out of order
    late = the_message(engine)
    assert late.status == "delivered" and late.delivered_at == msg.delivered_at

def test_undelivered_names_the_code(client, engine, sent_message):
    assert _status(client, sent_message, "undelivered", ErrorCode="30005").status_code == 204
    msg = the_message(engine)
    assert msg.status == "failed" and "30005" in msg.last_error and "停机" in msg.last_error
    assert _status(client, sent_message, "delivered").status_code == 204
    assert the_message(engine).status == "delivered"

def test_unknown_message_is_ignored(client, engine, sent_message):
    resp = signed_post(client, STATUS, {"MessageSid": sid(), "MessageStatus": "delivered"})
    assert resp.status_code == 204
    assert the_message(engine).status == "sent"

@pytest.mark.parametrize("how", ["missing", "wrong_token", "local_url", "tampered"])
def test_unsigned_status_is_refused_and_changes_nothing(client, engine, sent_message, how):
    params = {"MessageSid": sent_message.provider_id, "MessageStatus": "delivered"}
    if how == "missing":
        resp = client.post(STATUS, data=params)
    elif how == "wrong_token":
        resp = signed_post(client, STATUS, params, token="another-token")
    elif how == "local_url":  # signed for the address behind the proxy, not the public one
        resp = signed_post(client, STATUS, params, url="http://localhost" + STATUS)
    else:
        good = RequestValidator(TOKEN).compute_signature(PUBLIC + STATUS, {**params, "MessageStatus": "sent"})
        resp = signed_post(client, STATUS, params, signature=good)
    assert resp.status_code == 403
    assert resp.get_json()["error"]["code"] == "invalid_signature"
    assert set(resp.get_json()["error"]) == {"code", "message", "fields"}
    assert the_message(engine).status == "sent"

def test_without_an_auth_token_every_callback_is_refused(app, client, engine):
    before, app.config["TWILIO_AUTH_TOKEN"] = app.config["TWILIO_AUTH_TOKEN"], None
    try:
        params = {"MessageSid": sid(), "MessageStatus": "delivered"}
        assert signed_post(client, STATUS, params, token="").status_code == 403
        assert client.post(INBOUND, data={"From": "+86" + PHONE, "Body": "1"}).status_code == 403
    finally:
        app.config["TWILIO_AUTH_TOKEN"] = before

# --- ratings by SMS reply -----------------------------------------------------------------------

def _inbound(client, body: str, *, phone: str = "+86" + PHONE, message_sid: str | None = None):
    params = {"MessageSid": message_sid or sid(), "AccountSid": "AC" + "0" * 32, "From": phone,
              "To": "+15005550006", "Body": body, "NumMedia": "0"}
    return signed_post(client, INBOUND, params)

def _twiml(resp) -> str:
    assert resp.status_code == 200 and resp.mimetype == "text/xml"
    text = resp.get_data(as_text=True)
    assert "<Response><Message>" in text and "Set-Cookie" not in resp.headers
    return text

def _issue(api, issue_id: int) -> dict:
    return api.ok("GET", f"/api/v1/issues/{issue_id}", "coordinator")

def _events(api, issue_id: int) -> list[dict]:
    return api.ok("GET", f"/api/v1/issues/{issue_id}/events", "coordinator")["items"]

def _inbound_rows(engine) -> list[SmsInbound]:
    with Session(engine) as s:
        return list(s.exec(select(SmsInbound).order_by(SmsInbound.id)))

@pytest.mark.parametrize("body, satisfaction, status", [
    ("1", "satisfied", "closed"),
    (" １ ", "satisfied", "closed"),
    ("基本满意", "basically", "closed"),
    ("3", "unsatisfied", "in_progress"),
])
def test_reply_rates_the_reporters_replied_issue(twilio_app, api, client, engine, body, satisfaction, status):
    issue = issue_in(api, "replied")
    text = _twiml(_inbound(client, body))
    assert issue["code"] in text

    after = _issue(api, issue["id"])
    assert after["status"] == status and after["satisfaction"] == satisfaction
    assert after["version"] == issue["version"] + 1
    assert after["reopen_count"] == (1 if status == "in_progress" else 0)
    event = _events(api, issue["id"])[-1]
    assert event["action"] == "visit" and event["actor_id"] is None
    assert event["from_status"] == "replied" and event["to_status"] == status
    assert event["data"]["via"] == "sms" and event["data"]["satisfaction"] == satisfaction
    assert "短信" in event["note"]
    [row] = _inbound_rows(engine)
    assert row.outcome == "rated" and row.issue_id == issue["id"] and row.from_phone == PHONE

def test_a_retried_webhook_changes_nothing_twice(twilio_app, api, client, engine):
    issue = issue_in(api, "replied")
    message_sid = sid()
    first = _twiml(_inbound(client, "3", message_sid=message_sid))
    reopened = _issue(api, issue["id"])
    events = _events(api, issue["id"])

    second = _twiml(_inbound(client, "3", message_sid=message_sid))
    assert second == first
    assert _issue(api, issue["id"]) == reopened
    assert reopened["status"] == "in_progress" and reopened["reopen_count"] == 1
    assert _events(api, issue["id"]) == events
    assert len(_inbound_rows(engine)) == 1

def test_the_most_recently_replied_issue_is_rated(twilio_app, api, client):
    older = issue_in(api, "replied")
    newer = issue_in(api, "replied")
    _twiml(_inbound(client, "1"))
    assert _issue(api, newer["id"])["status"] == "closed"
    assert _issue(api, older["id"])["status"] == "replied"
    _twiml(_inbound(client, "2"))
    assert _issue(api, older["id"])["satisfaction"] == "basically"

@pytest.mark.parametrize("phone, body, outcome", [
    ("+8613900009999", "1", "no_replied_issue"),
    ("+86" + PHONE, "你好，请问什么时候修路？", "not_a_rating"),
    ("+86" + PHONE, "12", "not_a_rating"),
])
def test_other_texts_change_nothing_and_get_help(twilio_app, api, client, engine, phone, body, outcome):
    issue = issue_in(api, "replied")
    events = _events(api, issue["id"])
    text = _twiml(_inbound(client, body, phone=phone))
    assert "回复1满意、2基本满意、3不满意" in text
    after = _issue(api, issue["id"])
    assert after["status"] == "replied" and after["version"] == issue["version"]
    assert _events(api, issue["id"]) == events
    [row] = _inbound_rows(engine)
    assert row.outcome == outcome and row.issue_id is None and row.body == body

def test_unsigned_inbound_is_refused_and_stores_nothing(twilio_app, api, client, engine):
    issue = issue_in(api, "replied")
    resp = client.post(INBOUND, data={"MessageSid": sid(), "From": "+86" + PHONE, "Body": "1"})
    assert resp.status_code == 403 and resp.get_json()["error"]["code"] == "invalid_signature"
    assert _issue(api, issue["id"])["status"] == "replied"
    assert _inbound_rows(engine) == []

def test_rating_after_a_staff_visit_is_kept_but_changes_nothing(twilio_app, api, client, engine):
    issue = issue_in(api, "closed")
    text = _twiml(_inbound(client, "3"))
    assert "没有待评价" in text
    assert _issue(api, issue["id"])["status"] == "closed"
    assert [r.outcome for r in _inbound_rows(engine)] == ["no_replied_issue"]

def test_a_rating_that_loses_a_race_is_kept_and_changes_nothing(twilio_app, api, db, engine):
    issue = issue_in(api, "replied")
    held = db.get(Issue, issue["id"])  # this session holds the issue as it was, past its
    db.commit()                         # transaction (expire_on_commit=False): a racing request
    api.ok("POST", f"/api/v1/issues/{issue['id']}/actions/instruct", "leader", json={"note": "请回访"})

    result = record_reply(db, "+86" + PHONE, "1", sid(), datetime.now(timezone.utc))

    assert result.outcome == "refused" and held.status == "replied"
    after = _issue(api, issue["id"])
    assert after["status"] == "replied" and after["version"] == issue["version"] + 1
    assert [(r.outcome, r.issue_id) for r in _inbound_rows(engine)] == [("refused", issue["id"])]

def test_the_reporter_pseudo_user_sees_only_their_own_issues(twilio_app, api, db):
    mine = issue_in(api, "replied")
    other = issue_in(api, "replied", reporter={**REPORTER_DATA, "phone": "13900009999"})
    reporter = User(id=None, username="reporter", display_name="反映人", role=REPORTER, phone=PHONE,
                    password_hash="")
    assert get_visible(db, reporter, mine["id"]).id == mine["id"]
    with pytest.raises(NotFound):
        get_visible(db, reporter, other["id"])
    nobody = User(id=None, username="reporter", display_name="反映人", role=REPORTER, phone=None,
                  password_hash="")
    with pytest.raises(NotFound):
        get_visible(db, nobody, mine["id"])
