"""The Twilio sender through the real twilio SDK, against a local fake Twilio; then the outbox
delivering through it. Nothing here may reach the real provider (see `only_loopback`)."""
import socket
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from sqlmodel import Session, select

from app import create_app
from models import SmsMessage
from notifications import SendError
from notifications.twilio_sender import TwilioSender, e164
from service.reminders.outbox import dispatch_due, queue_sms

from ..fake_twilio import FakeTwilio
from ..loopback import loopback_only

SH = ZoneInfo("Asia/Shanghai")
FROM = "+15005550006"
CALLBACK = "https://ys.example.gov.cn/webhooks/sms/twilio/status"
TWILIO_ENV = ("TWILIO_ACCOUNT_SID", "TWILIO_AUTH_TOKEN", "TWILIO_FROM", "TWILIO_FROM_NUMBER",
              "TWILIO_MESSAGING_SERVICE_SID", "TWILIO_API_BASE", "TWILIO_EDGE", "TWILIO_REGION")


@pytest.fixture(autouse=True)
def only_loopback(monkeypatch):
    """Every HTTP request made in this module goes to 127.0.0.1, or the test fails before it leaves."""
    yield from loopback_only(monkeypatch, (*TWILIO_ENV, "SMS_BACKEND"))


@pytest.fixture
def fake():
    with FakeTwilio() as server:
        yield server
    assert all(r.url.startswith(server.base_url + "/2010-04-01/") for r in server.requests)


def sender_for(fake: FakeTwilio, **kw) -> TwilioSender:
    kw.setdefault("from_number", FROM)
    return TwilioSender(fake.account_sid, fake.auth_token, api_base=fake.base_url,
                        status_callback=CALLBACK, **kw)


@pytest.mark.parametrize("given, expected", [
    ("13812345678", "+8613812345678"),
    ("138 1234 5678", "+8613812345678"),
    ("8613812345678", "+8613812345678"),
    ("008613812345678", "+8613812345678"),
    ("+8613812345678", "+8613812345678"),
    ("+14155550100", "+14155550100"),
    ("09151234001", "+869151234001"),
    ("0915-1234001", "+869151234001"),
    ("12345", None),
    ("", None),
])
def test_numbers_become_e164(given, expected):
    assert e164(given) == expected


def test_send_returns_the_message_sid(fake, only_loopback):
    sid = sender_for(fake).send("13812345678", "urged", {"code": "YS2026-000001"}, "【督查办】YS2026-000001催办")
    [seen] = fake.requests
    assert sid.startswith("SM") and sid == seen.sid
    assert seen.authorized and seen.account_sid == fake.account_sid
    assert seen.form == {"To": "+8613812345678", "From": FROM, "Body": "【督查办】YS2026-000001催办",
                         "StatusCallback": CALLBACK}
    assert only_loopback == [seen.url]


def test_send_through_a_messaging_service(fake):
    sender = sender_for(fake, from_number=None, messaging_service_sid="MG" + "a" * 32)
    sender.send("+14155550100", "urged", {}, "hello YS2026-000002")
    [seen] = fake.requests
    assert seen.form["MessagingServiceSid"] == "MG" + "a" * 32 and "From" not in seen.form
    assert seen.form["To"] == "+14155550100"


def test_a_sender_needs_a_from_number_or_a_service():
    with pytest.raises(ValueError):
        TwilioSender("AC" + "0" * 32, "token", api_base="http://127.0.0.1:9")


def test_invalid_number_is_refused_for_good(fake):
    fake.invalid.add("+8613800000002")
    with pytest.raises(SendError) as err:
        sender_for(fake).send("13800000002", "urged", {}, "text YS2026-000003")
    assert err.value.retryable is False and "21211" in str(err.value)


def test_wrong_credentials_are_not_retried(fake):
    sender = TwilioSender(fake.account_sid, "wrong-token", from_number=FROM, api_base=fake.base_url)
    with pytest.raises(SendError) as err:
        sender.send("13800000001", "urged", {}, "text YS2026-000004")
    assert err.value.retryable is False and "20003" in str(err.value)
    assert fake.requests[0].authorized is False


def test_server_errors_and_rate_limits_are_retried(fake):
    fake.flaky["+8613800000003"] = 1
    fake.rate_limited["+8613800000004"] = 1
    sender = sender_for(fake)
    with pytest.raises(SendError) as err:
        sender.send("13800000003", "urged", {}, "text YS2026-000005")
    assert err.value.retryable is True and "500" in str(err.value)
    with pytest.raises(SendError) as err:
        sender.send("13800000004", "urged", {}, "text YS2026-000006")
    assert err.value.retryable is True and "20429" in str(err.value)
    assert sender.send("13800000003", "urged", {}, "text YS2026-000005").startswith("SM")


def test_unreachable_provider_is_retried():
    with socket.socket() as probe:  # a port that nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    sender = TwilioSender("AC" + "0" * 32, "token", from_number=FROM, api_base=f"http://127.0.0.1:{port}")
    with pytest.raises(SendError) as err:
        sender.send("13800000001", "urged", {}, "text")
    assert err.value.retryable is True


def test_a_provider_that_does_not_answer_times_out_and_is_not_retried():
    """The request was sent: a retry could deliver it twice, so the message fails visibly."""
    with socket.socket() as silent:  # accepts connections (backlog) and never answers
        silent.bind(("127.0.0.1", 0))
        silent.listen(4)
        port = silent.getsockname()[1]
        sender = TwilioSender("AC" + "0" * 32, "token", from_number=FROM,
                              api_base=f"http://127.0.0.1:{port}", timeout=0.3)
        with pytest.raises(SendError) as err:
            sender.send("13800000001", "urged", {}, "text")
    assert err.value.retryable is False and "超时" in str(err.value)


def test_unrecognised_number_is_refused_without_calling_twilio(fake):
    with pytest.raises(SendError) as err:
        sender_for(fake).send("12345", "urged", {}, "text")
    assert err.value.retryable is False and fake.requests == []


# --- configuration ----------------------------------------------------------------------------

def test_twilio_backend_names_the_missing_setting(tmp_path):
    config = {"DATABASE_URL": f"sqlite:///{tmp_path / 'x.db'}", "SECRET_KEY": "k", "SMS_BACKEND": "twilio",
              "TWILIO_ACCOUNT_SID": "AC" + "0" * 32, "TWILIO_FROM": FROM}
    with pytest.raises(RuntimeError, match="TWILIO_AUTH_TOKEN"):
        create_app(config)
    config.update(TWILIO_AUTH_TOKEN="t", TWILIO_FROM=None)
    with pytest.raises(RuntimeError, match="TWILIO_FROM"):
        create_app(config)


def test_twilio_backend_from_settings_reaches_the_api_base(tmp_path, fake):
    app = create_app({"DATABASE_URL": f"sqlite:///{tmp_path / 'x.db'}", "SECRET_KEY": "k",
                      "SMS_BACKEND": "twilio", "TWILIO_ACCOUNT_SID": fake.account_sid,
                      "TWILIO_AUTH_TOKEN": fake.auth_token, "TWILIO_FROM_NUMBER": FROM,
                      "TWILIO_API_BASE": fake.base_url, "PUBLIC_BASE_URL": "https://ys.example.gov.cn/"})
    sender = app.extensions["ys"]["sms_sender"]
    assert sender.name == "twilio"
    sid = sender.send("13812345678", "urged", {}, "text YS2026-000007")
    [seen] = fake.requests
    assert seen.sid == sid and seen.form["StatusCallback"] == CALLBACK and seen.form["From"] == FROM
    app.extensions["ys"]["engine"].dispose()


# --- the outbox delivering through Twilio -----------------------------------------------------

def test_outbox_retries_the_flaky_fails_the_invalid_and_sends_each_once(engine, fake):
    ok, bad, flaky = "13800000001", "13800000002", "13800000003"
    fake.invalid.add("+86" + bad)
    fake.flaky["+86" + flaky] = 1
    noon = datetime(2026, 11, 20, 12, 0, tzinfo=SH).astimezone(timezone.utc)
    with Session(engine) as s:
        for i, phone in enumerate((ok, bad, flaky), start=1):
            queue_sms(s, dedupe_key=f"twilio:{i}", phone=phone, kind="department", template="urged",
                      params={"code": f"YS2026-{i:06d}", "title": "园区道路破损", "note": ""},
                      issue_id=None, now=noon)
        s.commit()
    sender = sender_for(fake)

    assert dispatch_due(engine, sender, noon) == {"sent": 1, "retry": 1, "failed": 1}
    assert dispatch_due(engine, sender, noon + timedelta(seconds=30)) == {"sent": 0, "retry": 0, "failed": 0}
    assert dispatch_due(engine, sender, noon + timedelta(minutes=1)) == {"sent": 1, "retry": 0, "failed": 0}
    assert dispatch_due(engine, sender, noon + timedelta(hours=2)) == {"sent": 0, "retry": 0, "failed": 0}

    with Session(engine) as s:
        rows = {m.recipient_phone: m for m in s.exec(select(SmsMessage))}
    assert rows[ok].status == rows[flaky].status == "sent"
    assert (rows[ok].attempts, rows[flaky].attempts, rows[bad].attempts) == (1, 2, 1)
    assert rows[bad].status == "failed" and "21211" in rows[bad].last_error
    for phone in (ok, flaky):
        assert [r.sid for r in fake.accepted("+86" + phone)] == [rows[phone].provider_id]
    assert [r.status for r in fake.requests if r.form["To"] == "+86" + flaky] == [500, 201]
    assert [r.status for r in fake.requests if r.form["To"] == "+86" + bad] == [400]
    assert len(fake.requests) == 4
    assert all(r.form["StatusCallback"] == CALLBACK for r in fake.requests)
