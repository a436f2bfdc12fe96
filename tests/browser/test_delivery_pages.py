"""The group robots' admin page and the delivery report in a real browser, wide and narrow."""
from datetime import datetime, timezone
from zoneinfo import ZoneInfo

from sqlmodel import Session

from models import SmsMessage
from service.reminders.robots import save_robot

from .conftest import login, screenshot

SH = ZoneInfo("Asia/Shanghai")
NOON = datetime(2026, 11, 20, 12, 0, tzinfo=SH).astimezone(timezone.utc)
DING = "https://oapi.dingtalk.com/robot/send?access_token=dingtoken0123456789abcdef"
SECRET = "SEC" + "0123456789abcdef" * 4
SIZES = {"wide": {"width": 1366, "height": 768}, "narrow": {"width": 390, "height": 844}}


def test_the_robots_admin_page(live_server, page, county, db):
    save_robot(db, None, NOON, department_id=county.dept_id("fgj"), kind="dingtalk", name="发改局工作群",
               webhook_url=DING, secret=SECRET, templates=["assigned_department", "urged", "overdue"])
    login(page, live_server, "admin")
    for name, size in SIZES.items():
        page.set_viewport_size(size)
        page.goto(f"{live_server}/console/admin/robots")
        text = page.locator("main").inner_text() if page.locator("main").count() else page.content()
        assert "发改局工作群" in text and "dingtoken0123456789abcdef" not in page.content()
        assert SECRET not in page.content()
        screenshot(page, f"admin-robots-{name}")
    # A wrong address is refused, naming the field, and the typed address is not sent back.
    page.set_viewport_size(SIZES["wide"])
    form = page.locator("form[action$='/console/admin/robots']")
    form.locator("select[name=department_id]").select_option(str(county.dept_id("zrj")))
    form.locator("input[name=name]").fill("自然资源局群")
    form.locator("input[name=webhook_url]").fill("https://evil.example.com/robot/send?access_token=stolen")
    form.locator("button.btn-primary").click()
    assert "须为 https://oapi.dingtalk.com/" in page.content() and "stolen" not in page.content()
    screenshot(page, "admin-robots-refused")


def test_the_delivery_report(live_server, page, county, engine, app):
    with Session(engine) as s:
        for i, (status, provider, kind, error) in enumerate([
                ("delivered", "aliyun", "department", None), ("delivered", "aliyun", "reporter", None),
                ("sent", "aliyun", "department", None),
                ("failed", "aliyun", "reporter", "阿里云短信 isv.MOBILE_NUMBER_ILLEGAL：号码无效"),
                ("delivered", "robot", "robot", None),
                ("failed", "robot", "robot", "钉钉群机器人 310000：签名、关键词或 IP 校验未通过（请核对加签密钥）")]):
            phone = "robot:1" if kind == "robot" else f"1380000{i:04d}"
            s.add(SmsMessage(dedupe_key=f"shot:{i}", recipient_phone=phone,
                             recipient_kind=kind, template="urged", params={"code": f"YS2026-{i:06d}"},
                             body="【督查办】催办", status=status, provider=provider, attempts=1, last_error=error,
                             sent_at=NOON, next_attempt_at=NOON, created_at=NOON, updated_at=NOON))
        s.commit()
    app.config["CONSOLE_NOW"] = "2026-11-21T10:00:00+08:00"
    try:
        login(page, live_server, "coordinator")
        for name, size in SIZES.items():
            page.set_viewport_size(size)
            page.goto(f"{live_server}/console/board/delivery?start=2026-11-20&end=2026-11-20")
            lines = page.locator("#delivery-lines").inner_text()
            assert "阿里云短信" in lines and "群机器人" in lines
            assert "号码无效" in page.locator("#delivery-failures").inner_text()
            screenshot(page, f"delivery-report-{name}")
        page.set_viewport_size(SIZES["wide"])
        page.locator("#delivery-failures button:has-text('重发')").first.click()
        assert "已重新排队发送" in page.content() and "已重发" in page.locator("#delivery-failures").inner_text()
        screenshot(page, "delivery-report-resent")
    finally:
        app.config["CONSOLE_NOW"] = None


def test_the_reporter_messages_admin_page(live_server, page, county):
    login(page, live_server, "admin")
    page.set_viewport_size(SIZES["wide"])
    page.goto(f"{live_server}/console/admin/reporter-messages")
    box = page.get_by_label("服务企业早餐会 登记回执")
    assert box.is_checked()
    box.uncheck()
    page.get_by_role("button", name="保存").click()
    assert "已保存反映人短信的发送设置" in page.content()
    assert not page.get_by_label("服务企业早餐会 登记回执").is_checked()
    assert page.get_by_label("12345/营商环境热线 登记回执").is_checked()
    screenshot(page, "admin-reporter-messages-wide")
