"""Aliyun and Tencent Cloud SMS through their real SDKs, against local fakes that check each
request's signature; then the outbox delivering through them. Nothing here may reach a real
provider (see `only_loopback`, and the session's guard in conftest)."""
import socket
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from sqlmodel import Session, select

from models import SmsMessage
from notifications import SendError
from notifications.aliyun_sender import AliyunSender
from notifications.aliyun_sender import receipts_from_push as aliyun_receipts
from notifications.template_sms import ProviderTemplate, mainland_mobile
from notifications.tencent_sender import TencentSender
from service.reminders.outbox import dispatch_due, queue_sms

from ..fake_cn_sms import FakeAliyun, FakeTencent
from ..loopback import loopback_only

SH = ZoneInfo("Asia/Shanghai")
SIGN = "某县营商办"
URGED = ("code", "title")  # the approved template's variables
PARAMS = {"code": "YS2026-000001", "title": "园区道路破损", "note": "请尽快"}


@pytest.fixture(autouse=True)
def only_loopback(monkeypatch):
    """Every HTTP request made in this module goes to 127.0.0.1, or the test fails before it leaves."""
    yield from loopback_only(monkeypatch)


def book(code: str, names=URGED):
    return lambda key: ProviderTemplate(code, tuple(names)) if key == "urged" else None


@pytest.fixture
def aliyun():
    with FakeAliyun(templates={"SMS_1001": URGED}, sign_name=SIGN) as fake:
        yield fake


@pytest.fixture
def tencent():
    with FakeTencent(templates={"2001": URGED}, sign_name=SIGN) as fake:
        yield fake


def aliyun_sender(fake, lookup=None, **kw):
    return AliyunSender(fake.access_key_id, kw.pop("secret", fake.access_key_secret), SIGN,
                        lookup or book("SMS_1001"), endpoint=fake.base_url, **kw)


def tencent_sender(fake, lookup=None, **kw):
    return TencentSender(fake.secret_id, kw.pop("secret", fake.secret_key), fake.sdk_app_id, SIGN,
                         lookup or book("2001"), endpoint=fake.base_url, **kw)


SENDERS = {"aliyun": (aliyun_sender, "SMS_1001"), "tencent": (tencent_sender, "2001")}


@pytest.fixture(params=sorted(SENDERS))
def provider(request, aliyun, tencent):
    """(fake, make_sender, approved template code) for each provider."""
    fake = aliyun if request.param == "aliyun" else tencent
    make, code = SENDERS[request.param]
    return request.param, fake, make, code


@pytest.mark.parametrize("given, expected", [
    ("13812345678", "13812345678"), ("+86 138-1234-5678", "13812345678"), ("008613812345678", "13812345678"),
    ("8613812345678", "13812345678"), ("+14155550100", None), ("09151234001", None), ("", None),
])
def test_only_mainland_mobiles_are_sent(given, expected):
    assert mainland_mobile(given) == expected


def test_aliyun_sends_the_template_with_named_values(aliyun, only_loopback):
    biz_id = aliyun_sender(aliyun).send("13812345678", "urged", PARAMS, "正文不发送")
    [seen] = aliyun.requests
    assert seen.authorized and seen.action == "SendSms" and biz_id == seen.message_id
    assert seen.fields["PhoneNumbers"] == "13812345678" and seen.fields["SignName"] == SIGN
    assert seen.fields["TemplateCode"] == "SMS_1001"
    assert seen.fields["TemplateParam"] == '{"code": "YS2026-000001", "title": "园区道路破损"}'
    assert only_loopback and all(u.startswith(aliyun.base_url) for u in only_loopback)


def test_tencent_sends_the_template_with_values_in_order(tencent):
    serial = tencent_sender(tencent).send("13812345678", "urged", PARAMS, "正文不发送")
    [seen] = tencent.requests
    assert seen.authorized and seen.action == "SendSms" and serial == seen.message_id
    assert seen.fields["PhoneNumberSet"] == ["+8613812345678"]
    assert seen.fields["TemplateId"] == "2001" and seen.fields["SignName"] == SIGN
    assert seen.fields["TemplateParamSet"] == ["YS2026-000001", "园区道路破损"]
    assert seen.fields["SmsSdkAppId"] == tencent.sdk_app_id


def test_wrong_secret_is_refused_for_good(provider):
    name, fake, make, _ = provider
    with pytest.raises(SendError) as err:
        make(fake, secret="not-the-secret").send("13812345678", "urged", PARAMS, "")
    assert err.value.retryable is False and "签名" in str(err.value)
    assert fake.requests[0].authorized is False and fake.sent() == []


def test_invalid_number_is_refused_for_good(provider):
    name, fake, make, _ = provider
    fake.invalid.add("13800000002")
    with pytest.raises(SendError) as err:
        make(fake).send("13800000002", "urged", PARAMS, "")
    assert err.value.retryable is False and "号码无效" in str(err.value)


def test_throttling_is_retried(provider):
    name, fake, make, _ = provider
    fake.throttled["13800000004"] = 1
    sender = make(fake)
    with pytest.raises(SendError) as err:
        sender.send("13800000004", "urged", PARAMS, "")
    assert err.value.retryable is True and "频率" in str(err.value)
    assert sender.send("13800000004", "urged", PARAMS, "")
    assert len(fake.sent("13800000004")) == 1


def test_a_template_that_does_not_match_the_approved_one_is_refused(provider):
    """The administrator named one variable too many: the provider refuses, for good."""
    name, fake, make, code = provider
    with pytest.raises(SendError) as err:
        make(fake, book(code, ("code", "title", "note"))).send("13812345678", "urged", PARAMS, "")
    assert err.value.retryable is False and "模板参数与短信内容不符" in str(err.value)
    assert fake.sent() == []


def test_a_template_naming_a_value_the_message_lacks_is_refused_before_sending(provider):
    name, fake, make, code = provider
    with pytest.raises(SendError) as err:
        make(fake, book(code, ("code", "complete_due"))).send("13812345678", "urged", PARAMS, "")
    assert err.value.retryable is False and "complete_due" in str(err.value)
    assert fake.requests == []


def test_a_kind_without_a_template_is_refused_before_sending(provider):
    name, fake, make, _ = provider
    with pytest.raises(SendError) as err:
        make(fake).send("13812345678", "overdue", PARAMS, "")
    assert err.value.retryable is False and "未配置" in str(err.value) and fake.requests == []


def test_server_error_is_retried_then_succeeds(provider):
    name, fake, make, _ = provider
    fake.flaky["13800000003"] = 1
    sender = make(fake)
    with pytest.raises(SendError) as err:
        sender.send("13800000003", "urged", PARAMS, "")
    assert err.value.retryable is True
    message_id = sender.send("13800000003", "urged", PARAMS, "")
    assert [r.message_id for r in fake.sent("13800000003")] == [message_id]


def test_an_answer_that_never_comes_is_not_retried(provider):
    """The request went out: it may have been sent, and a retry could send it twice."""
    name, fake, make, _ = provider
    fake.slow.add("13800000005")
    fake.slow_seconds = 2.5
    with pytest.raises(SendError) as err:
        make(fake, timeout=1).send("13800000005", "urged", PARAMS, "")
    assert err.value.retryable is False and "超时" in str(err.value) and "可能已发出" in str(err.value)
    assert len(fake.sent("13800000005")) == 1


def test_an_unreachable_provider_is_retried(provider):
    name, fake, make, _ = provider
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    fake_base, fake._base_url = fake._base_url, f"http://127.0.0.1:{port}"
    try:
        with pytest.raises(SendError) as err:
            make(fake).send("13812345678", "urged", PARAMS, "")
    finally:
        fake._base_url = fake_base
    assert err.value.retryable is True


def test_aliyun_receipts_are_pulled_by_query(aliyun):
    sender = aliyun_sender(aliyun)
    ok, bad, waiting = (sender.send(p, "urged", PARAMS, "") for p in ("13800000011", "13800000012", "13800000013"))
    aliyun.fates = {ok: (True, "DELIVERED"), bad: (False, "MN:0001")}
    day = datetime(2026, 6, 2, 10, tzinfo=SH)
    receipts = sender.pull_receipts([(ok, "13800000011", day), (bad, "13800000012", day),
                                     (waiting, "13800000013", day)])
    assert [(r.provider_id, r.status, r.error_code) for r in receipts] == [
        (ok, "delivered", None), (bad, "undelivered", "MN:0001")]
    assert receipts[1].reason == "号码为空号"
    queries = [r for r in aliyun.requests if r.action == "QuerySendDetails"]
    assert all(r.authorized for r in queries) and queries[0].fields["SendDate"] == "20260602"


def test_tencent_receipts_and_replies_are_pulled(tencent):
    sender = tencent_sender(tencent)
    ok = sender.send("13800000011", "urged", PARAMS, "")
    bad = sender.send("13800000012", "urged", PARAMS, "")
    tencent.fates = {ok: (True, "DELIVRD"), bad: (False, "MK:0008")}
    tencent.replies = [{"CountryCode": "86", "SubscriberNumber": "13800000011", "PhoneNumber": "+8613800000011",
                        "ReplyTime": "2026-06-02 10:05:00", "ReplyContent": "1",
                        "SignName": SIGN, "ExtendCode": ""}]
    receipts = sender.pull_receipts()
    assert {(r.provider_id, r.status) for r in receipts} == {(ok, "delivered"), (bad, "undelivered")}
    assert sender.pull_receipts() == []  # each receipt is given once
    [reply] = sender.pull_replies()
    assert (reply.phone, reply.text) == ("13800000011", "1")


def test_aliyun_receipt_push_is_read():
    items = [{"phone_number": "13800000011", "send_time": "2026-06-02 10:00:00", "report_time": "2026-06-02 10:00:05",
              "success": True, "err_code": "DELIVERED", "err_msg": "用户接收成功", "sms_size": "1", "biz_id": "1^0",
              "out_id": "YS2026-000001"},
             {"phone_number": "13800000012", "success": False, "err_code": "MN:0001", "biz_id": "2^0"},
             {"no": "biz id"}, "junk"]
    assert [(r.provider_id, r.status, r.error_code, r.reason) for r in aliyun_receipts(items)] == [
        ("1^0", "delivered", None, None), ("2^0", "undelivered", "MN:0001", "号码为空号")]


# --- the outbox delivering through each provider ----------------------------------------------

def test_outbox_retries_the_flaky_fails_the_invalid_and_sends_each_once(engine, provider):
    name, fake, make, _ = provider
    ok, bad, flaky = "13800000001", "13800000002", "13800000003"
    fake.invalid.add(bad)
    fake.flaky[flaky] = 1
    noon = datetime(2026, 11, 20, 12, 0, tzinfo=SH).astimezone(timezone.utc)
    with Session(engine) as s:
        for i, phone in enumerate((ok, bad, flaky), start=1):
            queue_sms(s, dedupe_key=f"{name}:{i}", phone=phone, kind="department", template="urged",
                      params={"code": f"YS2026-{i:06d}", "title": "园区道路破损", "note": ""},
                      issue_id=None, now=noon)
        s.commit()
    sender = make(fake)
    assert dispatch_due(engine, sender, noon) == {"sent": 1, "retry": 1, "failed": 1}
    assert dispatch_due(engine, sender, noon + timedelta(minutes=1)) == {"sent": 1, "retry": 0, "failed": 0}
    assert dispatch_due(engine, sender, noon + timedelta(hours=2)) == {"sent": 0, "retry": 0, "failed": 0}
    with Session(engine) as s:
        rows = {m.recipient_phone: m for m in s.exec(select(SmsMessage))}
    assert rows[ok].status == rows[flaky].status == "sent" and rows[bad].status == "failed"
    assert "号码无效" in rows[bad].last_error
    for phone in (ok, flaky):
        assert [r.message_id for r in fake.sent(phone)] == [rows[phone].provider_id]


# --- the templates an administrator records ---------------------------------------------------

TEMPLATES_URL = "/api/v1/admin/sms-templates"


def test_provider_templates_are_checked_against_what_the_kind_provides(api):
    url = f"{TEMPLATES_URL}/urged/providers/aliyun"
    bad = api.call("PUT", url, "admin", json={"template_code": "SMS_1001", "params": ["code", "complete_due"]})
    assert bad.status_code == 422
    fields = bad.get_json()["error"]["fields"]
    assert "complete_due" in fields["params"] and "title" in fields["params"]  # names what is on offer
    no_code = api.call("PUT", url, "admin", json={"template_code": "SMS_1001", "params": ["title"]})
    assert no_code.status_code == 422 and "code" in no_code.get_json()["error"]["fields"]["params"]
    blank = api.call("PUT", url, "admin", json={"template_code": " ", "params": ["code"]})
    assert blank.status_code == 422 and "模板编号" in blank.get_json()["error"]["fields"]["template_code"]
    odd = api.call("PUT", url, "admin", json={"template_code": "SMS 1001；", "params": ["code"]})
    assert odd.status_code == 422 and "字母、数字" in odd.get_json()["error"]["fields"]["template_code"]
    twice = api.call("PUT", url, "admin", json={"template_code": "SMS_1001", "params": ["code", "title", "code"]})
    assert twice.status_code == 422 and "不能重复" in twice.get_json()["error"]["fields"]["params"]
    assert api.call("PUT", f"{TEMPLATES_URL}/urged/providers/pigeon", "admin",
                    json={"template_code": "1", "params": ["code"]}).status_code == 404
    assert api.call("PUT", url, "coordinator", json={"template_code": "SMS_1", "params": ["code"]}).status_code == 403

    saved = api.ok("PUT", url, "admin", json={"template_code": "SMS_1001", "params": ["code", "title"]})
    assert saved == {"provider": "aliyun", "key": "urged", "template_code": "SMS_1001", "params": ["code", "title"]}
    listed = next(t for t in api.ok("GET", TEMPLATES_URL, "admin")["items"] if t["key"] == "urged")
    assert listed["providers"]["aliyun"]["template_code"] == "SMS_1001"
    assert api.call("DELETE", url, "admin").status_code == 204
    listed = next(t for t in api.ok("GET", TEMPLATES_URL, "admin")["items"] if t["key"] == "urged")
    assert listed["providers"] == {}


# --- configuration ----------------------------------------------------------------------------

def _config(tmp_path, **values):
    return {"DATABASE_URL": f"sqlite:///{tmp_path / 'x.db'}", "SECRET_KEY": "k", **values}


@pytest.mark.parametrize("backend, given, missing", [
    ("aliyun", {"ALIYUN_SMS_ACCESS_KEY_ID": "id", "ALIYUN_SMS_SIGN_NAME": SIGN}, "ALIYUN_SMS_ACCESS_KEY_SECRET"),
    ("aliyun", {"ALIYUN_SMS_ACCESS_KEY_ID": "id", "ALIYUN_SMS_ACCESS_KEY_SECRET": "s"}, "ALIYUN_SMS_SIGN_NAME"),
    ("tencent", {"TENCENT_SMS_SECRET_ID": "id", "TENCENT_SMS_SECRET_KEY": "k", "TENCENT_SMS_SIGN_NAME": SIGN},
     "TENCENT_SMS_SDK_APP_ID"),
    ("tencent", {}, "TENCENT_SMS_SECRET_ID"),
])
def test_a_missing_credential_refuses_to_start_naming_it(tmp_path, monkeypatch, backend, given, missing):
    for key in ("ALIYUN_SMS_ACCESS_KEY_ID", "ALIYUN_SMS_ACCESS_KEY_SECRET", "ALIYUN_SMS_SIGN_NAME",
                "TENCENT_SMS_SECRET_ID", "TENCENT_SMS_SECRET_KEY", "TENCENT_SMS_SDK_APP_ID", "TENCENT_SMS_SIGN_NAME"):
        monkeypatch.delenv(key, raising=False)
    from app import create_app
    with pytest.raises(RuntimeError, match=missing):
        create_app(_config(tmp_path, SMS_BACKEND=backend, **given))


def test_each_backend_from_settings_sends_the_recorded_template(tmp_path, aliyun, tencent):
    from app import create_app
    from service.core.migrate import upgrade
    from service.reminders.sms_texts import set_provider_template
    apps = {
        "aliyun": create_app(_config(tmp_path, SMS_BACKEND="aliyun", ALIYUN_SMS_ACCESS_KEY_ID=aliyun.access_key_id,
                                     ALIYUN_SMS_ACCESS_KEY_SECRET=aliyun.access_key_secret,
                                     ALIYUN_SMS_SIGN_NAME=SIGN, ALIYUN_SMS_ENDPOINT=aliyun.base_url)),
        "tencent": create_app(_config(tmp_path, SMS_BACKEND="tencent", TENCENT_SMS_SECRET_ID=tencent.secret_id,
                                      TENCENT_SMS_SECRET_KEY=tencent.secret_key,
                                      TENCENT_SMS_SDK_APP_ID=tencent.sdk_app_id, TENCENT_SMS_SIGN_NAME=SIGN,
                                      TENCENT_SMS_ENDPOINT=tencent.base_url)),
    }
    engine = apps["aliyun"].extensions["ys"]["engine"]
    upgrade(engine)
    sender = apps["aliyun"].extensions["ys"]["sms_sender"]
    with pytest.raises(SendError, match="未配置"):
        sender.send("13812345678", "urged", PARAMS, "")
    with Session(engine) as s:
        set_provider_template(s, None, "aliyun", "urged", "SMS_1001", "code, title", NOW_UTC)
        set_provider_template(s, None, "tencent", "urged", "2001", ["code", "title"], NOW_UTC)
    assert sender.send("13812345678", "urged", PARAMS, "") == aliyun.sent()[0].message_id
    serial = apps["tencent"].extensions["ys"]["sms_sender"].send("13812345678", "urged", PARAMS, "")
    assert serial == tencent.sent()[0].message_id
    for app in apps.values():
        app.extensions["ys"]["engine"].dispose()


NOW_UTC = datetime(2026, 11, 20, 4, 0, tzinfo=timezone.utc)


@pytest.mark.parametrize("backend", ["aliyun", "tencent"])
def test_the_scheduler_pulls_receipts_and_replies(tmp_path, aliyun, tencent, backend):
    import scheduler
    from app import create_app
    from models import SmsInbound
    from service.core.migrate import upgrade
    from service.reminders.sms_texts import set_provider_template
    fake = aliyun if backend == "aliyun" else tencent
    settings = ({"ALIYUN_SMS_ACCESS_KEY_ID": aliyun.access_key_id,
                 "ALIYUN_SMS_ACCESS_KEY_SECRET": aliyun.access_key_secret, "ALIYUN_SMS_SIGN_NAME": SIGN,
                 "ALIYUN_SMS_ENDPOINT": aliyun.base_url} if backend == "aliyun" else
                {"TENCENT_SMS_SECRET_ID": tencent.secret_id, "TENCENT_SMS_SECRET_KEY": tencent.secret_key,
                 "TENCENT_SMS_SDK_APP_ID": tencent.sdk_app_id, "TENCENT_SMS_SIGN_NAME": SIGN,
                 "TENCENT_SMS_ENDPOINT": tencent.base_url})
    app = create_app(_config(tmp_path, SMS_BACKEND=backend, **settings))
    engine = app.extensions["ys"]["engine"]
    upgrade(engine)
    noon = datetime(2026, 11, 20, 12, 0, tzinfo=SH).astimezone(timezone.utc)
    with Session(engine) as s:
        set_provider_template(s, None, backend, "urged", "SMS_1001" if backend == "aliyun" else "2001",
                              ["code", "title"], noon)
        for i, phone in enumerate(("13800000021", "13800000022", "13800000023"), start=1):
            queue_sms(s, dedupe_key=f"pull:{i}", phone=phone, kind="department", template="urged",
                      params={"code": f"YS2026-{i:06d}", "title": "园区道路破损", "note": ""}, issue_id=None, now=noon)
        s.commit()
    assert scheduler.dispatch_outbox(app, noon)["sent"] == 3
    with Session(engine) as s:
        ids = {m.recipient_phone: m.provider_id for m in s.exec(select(SmsMessage))}
    fake.fates = {ids["13800000021"]: (True, "DELIVERED"), ids["13800000022"]: (False, "MK:0008")}
    if backend == "tencent":
        tencent.replies = [{"CountryCode": "86", "SubscriberNumber": "13800000021",
                            "PhoneNumber": "+8613800000021", "ReplyTime": "2026-11-20 12:05:00",
                            "ReplyContent": "1", "SignName": SIGN, "ExtendCode": ""}]
    later = noon + timedelta(minutes=5)
    counts = scheduler.pull_receipts(app, later)
    assert counts == {"receipts": 2, "replies": 1 if backend == "tencent" else 0}
    with Session(engine) as s:
        rows = {m.recipient_phone: m for m in s.exec(select(SmsMessage))}
        inbound = s.exec(select(SmsInbound)).all()
    assert rows["13800000021"].status == "delivered"
    assert rows["13800000022"].status == "failed" and "MK:0008" in rows["13800000022"].last_error
    assert rows["13800000023"].status == "sent"  # still on its way: asked again next time
    assert [(r.from_phone, r.body) for r in inbound] == ([("13800000021", "1")] if backend == "tencent" else [])
    assert scheduler.pull_receipts(app, later + timedelta(minutes=5))["receipts"] == 0  # nothing twice
    engine.dispose()
