"""Departments' group robots (企业微信, 钉钉): kept by the administrator with their address masked,
posting Markdown cards through the outbox, and never faster than the services allow."""
from collections import Counter
from datetime import datetime, timedelta, timezone
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import pytest
from requests.adapters import HTTPAdapter
from sqlmodel import Session, select

from models import SmsMessage
from notifications import SendError
from notifications.robots import RobotSender, dingtalk_sign, mask_url
from service.core.errors import Invalid
from service.reminders.outbox import dispatch_due
from service.reminders.robots import card_maker, list_robots, queue_robot_messages, robot_book, save_robot

from ..fake_robots import PER_MINUTE, FakeRobots

SH = ZoneInfo("Asia/Shanghai")
NOON = datetime(2026, 11, 20, 12, 0, tzinfo=SH).astimezone(timezone.utc)
SECRET = "SEC" + "0123456789abcdef" * 4
DING = "https://oapi.dingtalk.com/robot/send?access_token=dingtoken0123456789abcdef"
WECOM = "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=0a1b2c3d-wecom-key-9876"
PARAMS = {"code": "YS2026-000123", "title": "园区道路破损影响货车通行", "complete_due": "2026-11-27", "issue_id": 7,
          "note": ""}


@pytest.fixture(autouse=True)
def only_loopback(monkeypatch):
    real_send = HTTPAdapter.send

    def send(adapter, request, *args, **kwargs):
        assert urlsplit(request.url).hostname == "127.0.0.1", f"request would leave the machine: {request.url}"
        return real_send(adapter, request, *args, **kwargs)

    monkeypatch.setattr(HTTPAdapter, "send", send)


@pytest.fixture
def fake():
    with FakeRobots(dingtalk_secrets={"dingtoken0123456789abcdef": SECRET}) as server:
        yield server


class Clock:
    def __init__(self, at: datetime):
        self.at = at

    def __call__(self) -> float:
        return self.at.timestamp()


def _robot(db, county, kind="dingtalk", url=DING, secret=SECRET, templates=("assigned_department", "urged")):
    return save_robot(db, None, NOON, department_id=county.dept_id("fgj"), kind=kind, name="发改局工作群",
                      webhook_url=url, secret=secret, templates=list(templates))


def _sender(engine, fake, clock=None):
    return RobotSender(robot_book(engine), card_maker(engine, "https://ys.example.gov.cn"),
                       api_base=fake.base_url, clock=clock or Clock(NOON))


def test_dingtalk_sign_is_hmac_sha256_over_timestamp_and_secret():
    # The example of DingTalk's documentation, worked by hand with the standard library.
    import base64
    import hashlib
    import hmac
    from urllib.parse import quote_plus
    digest = hmac.new(b"SECxyz", b"1700000000000\nSECxyz", hashlib.sha256).digest()
    assert dingtalk_sign("SECxyz", 1700000000000) == quote_plus(base64.b64encode(digest).decode())
    assert "%" in dingtalk_sign(SECRET, 1700000000000) or dingtalk_sign(SECRET, 1700000000000).isalnum()


def test_robot_addresses_are_masked_and_secrets_never_shown(db, county):
    saved = _robot(db, county)
    assert saved["webhook_url"] == "https://oapi.dingtalk.com/robot/send?…cdef"
    assert "dingtoken" not in str(saved) and SECRET not in str(saved) and saved["signed"] is True
    assert mask_url(WECOM) == "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?…9876"
    # Changing the kinds without retyping the address or the secret keeps both.
    again = save_robot(db, None, NOON, robot_id=saved["id"], department_id=county.dept_id("fgj"), kind="dingtalk",
                       name="发改局工作群", webhook_url="", secret="", templates="urged")
    assert again["templates"] == ["urged"] and again["signed"] is True
    assert robot_book(db.get_bind())(saved["id"]).url == DING
    assert [r["id"] for r in list_robots(db, None, county.dept_id("fgj"))] == [saved["id"]]


@pytest.mark.parametrize("kind, url, secret, templates, field", [
    ("dingtalk", "https://evil.example.com/robot/send?access_token=x", None, [], "webhook_url"),
    ("dingtalk", "http://oapi.dingtalk.com/robot/send?access_token=abc", None, [], "webhook_url"),
    ("wecom", DING, None, [], "webhook_url"),
    ("wecom", WECOM, SECRET, [], "secret"),
    ("dingtalk", DING, "not-a-secret", [], "secret"),
    ("dingtalk", DING, None, ["assigned_reporter"], "templates"),
    ("pigeon", DING, None, [], "kind"),
])
def test_a_wrong_robot_is_refused_naming_the_field(db, county, kind, url, secret, templates, field):
    with pytest.raises(Invalid) as err:
        save_robot(db, None, NOON, department_id=county.dept_id("fgj"), kind=kind, name="群", webhook_url=url,
                   secret=secret, templates=templates)
    assert field in err.value.fields


def test_a_signed_dingtalk_card_names_the_issue_and_mentions_the_person(db, engine, county, fake):
    robot = _robot(db, county)
    _sender(engine, fake).send(f"robot:{robot['id']}", "assigned_department", {**PARAMS, "mention": "13700001111"},
                               "【营商办】YS2026-000123已交办贵单位")
    [post] = fake.posts
    assert post.errcode == 0 and post.kind == "dingtalk"
    text = post.payload["markdown"]["text"]
    assert "YS2026-000123" in text and "园区道路破损" in text and "2026-11-27" in text
    assert "https://ys.example.gov.cn/console/issues/7" in text and "@13700001111" in text
    assert post.payload["at"] == {"atMobiles": ["13700001111"], "isAtAll": False}


def test_an_overdue_card_is_red(db, engine, county, fake):
    robot = _robot(db, county, templates=["overdue"])
    _sender(engine, fake).send(f"robot:{robot['id']}", "overdue", {**PARAMS, "due": "2026-11-18"}, "超期")
    assert 'color="#d9363e"' in fake.posts[0].payload["markdown"]["text"]


def test_a_wrong_signing_secret_fails_for_good_without_naming_the_address(db, engine, county, fake):
    robot = _robot(db, county, secret="SEC" + "f" * 64)
    with pytest.raises(SendError) as err:
        _sender(engine, fake).send(f"robot:{robot['id']}", "urged", PARAMS, "催办")
    assert err.value.retryable is False and "310000" in str(err.value)
    assert "dingtoken" not in str(err.value)


def test_wecom_posts_markdown(db, engine, county, fake):
    robot = _robot(db, county, kind="wecom", url=WECOM, secret=None)
    _sender(engine, fake).send(f"robot:{robot['id']}", "urged", {**PARAMS, "mention": "13700001111"}, "催办")
    [post] = fake.posts
    assert post.kind == "wecom" and post.robot == "0a1b2c3d-wecom-key-9876" and post.errcode == 0
    assert "YS2026-000123" in post.payload["markdown"]["content"]
    assert post.payload["markdown"]["mentioned_mobile_list"] == ["13700001111"]


def test_a_busy_service_is_retried(db, engine, county, fake):
    robot = _robot(db, county, kind="wecom", url=WECOM, secret=None)
    fake.flaky["0a1b2c3d-wecom-key-9876"] = 1
    sender = _sender(engine, fake)
    with pytest.raises(SendError) as err:
        sender.send(f"robot:{robot['id']}", "urged", PARAMS, "催办")
    assert err.value.retryable is True and "dingtoken" not in str(err.value)
    assert sender.send(f"robot:{robot['id']}", "urged", PARAMS, "催办")


def test_sixty_messages_for_one_robot_go_out_twenty_a_minute_none_dropped(db, engine, county, fake):
    robot = _robot(db, county)
    for i in range(60):
        queue_robot_messages(db, dedupe_key=f"load:{i}", department_id=county.dept_id("fgj"), template="urged",
                             params={**PARAMS, "code": f"YS2026-{i:06d}"}, issue_id=None, now=NOON)
    db.commit()
    clock = Clock(NOON)
    sender = _sender(engine, fake, clock)
    sent_per_round = []
    for step in range(0, 6 * 60, 5):  # a dispatcher every 5 seconds for six minutes
        clock.at = NOON + timedelta(seconds=step)
        sent_per_round.append(dispatch_due(engine, sender, clock.at)["sent"])
    assert sum(sent_per_round) == 60
    assert [p.errcode for p in fake.posts] == [0] * 60  # the service never had to refuse one
    with Session(engine) as s:
        rows = s.exec(select(SmsMessage).where(SmsMessage.recipient_phone == f"robot:{robot['id']}")).all()
    assert Counter(r.status for r in rows) == {"sent": 60}
    times = sorted(r.sent_at for r in rows)
    for i, start in enumerate(times):  # in no minute more than PER_MINUTE
        assert sum(1 for t in times[i:] if t < start + timedelta(seconds=60)) <= PER_MINUTE
    assert times[-1] - times[0] >= timedelta(minutes=2, seconds=50)  # spread over three minutes
    assert sorted(int(p.payload["markdown"]["text"].split()[1][-6:]) for p in fake.posts) == list(range(60))


def test_assigning_an_issue_queues_a_card_for_the_lead_departments_robot(db, engine, county, api):
    from ..helpers import issue_in
    robot = _robot(db, county)
    issue = issue_in(api, "assigned")
    with Session(engine) as s:
        [row] = s.exec(select(SmsMessage).where(SmsMessage.recipient_kind == "robot")).all()
    assert row.recipient_phone == f"robot:{robot['id']}" and row.template == "assigned_department"
    assert row.issue_id == issue["id"] and row.params["mention"] == "13700001111"
    assert row.params["issue_id"] == issue["id"]


# --- the admin page ---------------------------------------------------------------------------

def test_the_robots_page_keeps_the_address_secret(app, county):
    from ..console import Console
    admin = Console(app, "admin")
    form = {"department_id": str(county.dept_id("fgj")), "kind": "dingtalk", "name": "发改局工作群",
            "webhook_url": DING, "secret": SECRET, "templates": ["assigned_department", "overdue"]}
    bad = admin.post("/console/admin/robots", {**form, "webhook_url": "https://evil.example.com/x?access_token=1"})
    text = bad.get_data(as_text=True)
    assert bad.status_code == 422 and "oapi.dingtalk.com" in text and SECRET not in text
    assert admin.post("/console/admin/robots", form).status_code == 302
    page = admin.text("/console/admin/robots")
    assert "发改局工作群" in page and "https://oapi.dingtalk.com/robot/send?…cdef" in page
    assert "dingtoken0123456789abcdef" not in page and SECRET not in page and "加签" in page
    with Session(app.extensions["ys"]["engine"]) as s:
        [robot] = list_robots(s, None)
    assert robot["templates"] == ["assigned_department", "overdue"]
    # Saving without retyping the address or the secret keeps them.
    edit = {**form, "webhook_url": "", "secret": "", "templates": ["urged"]}
    assert admin.post(f"/console/admin/robots/{robot['id']}", edit).status_code == 302
    assert robot_book(app.extensions["ys"]["engine"])(robot["id"]).url == DING
    assert Console(app, "coordinator").get("/console/admin/robots").status_code == 403
    assert admin.post(f"/console/admin/robots/{robot['id']}/delete").status_code == 302
    assert f'id="robot-{robot["id"]}"' not in admin.text("/console/admin/robots")


def test_a_robot_that_keeps_saying_too_fast_never_loses_the_message(db, engine, county, fake):
    """Ten "send too fast" answers in a row (more than the tries a failing message gets): the
    message waits a minute each time and goes out in the end."""
    _robot(db, county, kind="wecom", url=WECOM, secret=None)
    queue_robot_messages(db, dedupe_key="busy", department_id=county.dept_id("fgj"), template="urged",
                         params=PARAMS, issue_id=None, now=NOON)
    db.commit()
    fake.busy["0a1b2c3d-wecom-key-9876"] = 10  # others fill the group's minute, ten times over
    sender = _sender(engine, fake)
    for minute in range(10):
        assert dispatch_due(engine, sender, NOON + timedelta(minutes=minute, seconds=1)) == \
            {"sent": 0, "retry": 1, "failed": 0}
    assert [p.errcode for p in fake.posts] == [45009] * 10
    assert dispatch_due(engine, sender, NOON + timedelta(minutes=10, seconds=1))["sent"] == 1
    with Session(engine) as s:
        [row] = s.exec(select(SmsMessage).where(SmsMessage.recipient_kind == "robot")).all()
    assert row.status == "sent" and row.attempts == 1
