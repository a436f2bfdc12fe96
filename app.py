"""营商环境问题督办系统: the application factory and the command line.

    flask --app app init-db | seed-demo | create-user | create-department | run
"""
import json
import os
import secrets
import sys
from datetime import datetime, timezone
from pathlib import Path

import click
from flask import Flask

from service.core import settings
from service.core.db import make_engine, open_session
from service.core.errors import DomainError
from service.deadlines.calendar import CalendarCache
from service.identity.passwords import use_hash

# Switches of the libraries that are part of how the service works, not settings.
FIXED = {
    "WTF_CSRF_TIME_LIMIT": None,  # the token lives as long as the session
    "RATELIMIT_HEADERS_ENABLED": True,
}


class RefusedToStart(settings.SettingsError, click.ClickException):
    """A setting that does not parse: the `flask` commands print its one line and stop."""

    def __init__(self, refusal: settings.SettingsError):
        click.ClickException.__init__(self, str(refusal))
        self.name, self.value, self.allowed = refusal.name, refusal.value, refusal.allowed


def listening_address(values: dict) -> str:
    """Where this service listens (HOST and PORT, as `python app.py`, `make run` and gunicorn.conf.py
    read them): the default of PUBLIC_BASE_URL, so the tracking link sent by SMS reaches this
    service unless PUBLIC_BASE_URL says where the public reaches it."""
    host = values["HOST"]
    if host in ("0.0.0.0", "::"):
        host = "127.0.0.1"
    return f"http://{host}:{values['PORT']}"


def _secret_key(instance: Path) -> str:
    """A key kept in the instance folder, so sessions survive restarts without configuration."""
    path = instance / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_hex(32))
        path.chmod(0o600)
    return path.read_text().strip()


def create_app(config: dict | None = None) -> Flask:
    """The application, its settings read from the environment and then from `config` (which
    wins: tests pass theirs). A setting that does not parse raises settings.SettingsError."""
    config = dict(config or {})
    try:
        values = settings.load(os.environ, config)
    except settings.SettingsError as refusal:
        raise RefusedToStart(refusal) from None
    app = Flask(__name__, instance_relative_config=True)
    instance = Path(app.instance_path)
    instance.mkdir(parents=True, exist_ok=True)
    app.config.update(FIXED)
    app.config.update(values)
    # Flask's and its extensions' own keys (TESTING, WTF_CSRF_ENABLED, ...) as given.
    app.config.update({k: v for k, v in config.items() if k not in settings.BY_NAME})
    if not values["DATABASE_URL"]:
        app.config["DATABASE_URL"] = f"sqlite:///{instance / 'ys.db'}"
    if not values["PUBLIC_BASE_URL"]:
        app.config["PUBLIC_BASE_URL"] = listening_address(values)
    if not values["SECRET_KEY"]:
        app.config["SECRET_KEY"] = _secret_key(instance)
    app.json.ensure_ascii = False
    app.config["RATELIMIT_STORAGE_URI"] = values["REDIS_URL"] or "memory://"

    use_hash(values["PASSWORD_HASH"])
    engine = make_engine(app.config["DATABASE_URL"])
    base = app.config["PUBLIC_BASE_URL"].rstrip("/")
    app.extensions["ys"] = {
        "engine": engine,
        "track_url": f"{base}/track",  # the link reporters get by SMS
        "public_base": base,
        "sms_sender": _with_robots(_sms_sender(app.config, engine), engine, base, values["ROBOT_API_BASE"]),
        "calendar_cache": CalendarCache(max_age=values["CALENDAR_MAX_AGE"]),
    }

    from web import context, errors, health, i18n, limits, logs, metrics, open311, security, webhooks
    from web.api import register as register_api
    from web.console import register as register_console
    from web.public import register as register_public_site

    if values["PROXY_COUNT"]:
        # Behind N reverse proxies: the client's address and scheme come from X-Forwarded-*
        # (rate limits per client, https links); trusted only for the N nearest hops.
        from werkzeug.middleware.proxy_fix import ProxyFix
        hops = values["PROXY_COUNT"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)
    logs.init_app(app)
    metrics.init_app(app)
    limits.init_app(app)  # rate limits, and the request's shape checked before any handler
    security.init_app(app)
    i18n.init_app(app)
    errors.register(app)
    register_api(app)
    register_console(app)
    register_public_site(app)
    app.register_blueprint(open311.bp)
    app.register_blueprint(health.blp)
    app.register_blueprint(webhooks.blp)
    app.register_blueprint(webhooks.mainland)
    security.exempt_token_routes(app)
    app.teardown_appcontext(context.close_db)
    _register_cli(app)
    from commands.backup import backup_command
    app.cli.add_command(backup_command)
    return app


def _with_robots(sender, engine, base: str, api_base: str | None):
    """Outbox rows addressed to a department's group robot go to the robot, the rest by SMS."""
    from notifications.robots import RobotSender, RoutingSender
    from service.reminders.robots import card_maker, robot_book
    return RoutingSender(sender, RobotSender(robot_book(engine), card_maker(engine, base), api_base=api_base))


def _sms_sender(config, engine):
    backend = config["SMS_BACKEND"]
    if backend == "console":
        from notifications import ConsoleSender
        from service.core.masking import mask_phone
        return ConsoleSender(mask_phone)
    if backend == "twilio":
        return _twilio_sender(config)
    if backend in ("aliyun", "tencent"):
        return _template_sender(config, engine, backend)
    raise settings.SettingsError("SMS_BACKEND", backend, settings.BY_NAME["SMS_BACKEND"].allowed())


TEMPLATE_SENDER_SETTINGS = {
    "aliyun": ("ALIYUN_SMS_ACCESS_KEY_ID", "ALIYUN_SMS_ACCESS_KEY_SECRET", "ALIYUN_SMS_SIGN_NAME"),
    "tencent": ("TENCENT_SMS_SECRET_ID", "TENCENT_SMS_SECRET_KEY", "TENCENT_SMS_SDK_APP_ID", "TENCENT_SMS_SIGN_NAME"),
}


def _template_sender(config, engine, backend: str):
    """Aliyun or Tencent Cloud: the message kinds' approved templates are read from the
    administrator's records (短信模板) as each message goes."""
    from service.reminders.sms_texts import template_book
    missing = [k for k in TEMPLATE_SENDER_SETTINGS[backend] if not config[k]]
    if missing:
        raise RuntimeError(f"短信通道 SMS_BACKEND={backend} 缺少设置：{'、'.join(missing)}")
    book = template_book(engine, backend)
    if backend == "aliyun":
        from notifications.aliyun_sender import AliyunSender
        return AliyunSender(config["ALIYUN_SMS_ACCESS_KEY_ID"], config["ALIYUN_SMS_ACCESS_KEY_SECRET"],
                            config["ALIYUN_SMS_SIGN_NAME"], book, endpoint=config["ALIYUN_SMS_ENDPOINT"])
    from notifications.tencent_sender import TencentSender
    return TencentSender(config["TENCENT_SMS_SECRET_ID"], config["TENCENT_SMS_SECRET_KEY"],
                         config["TENCENT_SMS_SDK_APP_ID"], config["TENCENT_SMS_SIGN_NAME"], book,
                         endpoint=config["TENCENT_SMS_ENDPOINT"])


def _twilio_sender(config):
    from notifications.twilio_sender import TwilioSender
    from_number = config["TWILIO_FROM"] or config["TWILIO_FROM_NUMBER"]
    service_sid = config["TWILIO_MESSAGING_SERVICE_SID"]
    missing = [k for k in ("TWILIO_ACCOUNT_SID", "TWILIO_AUTH_TOKEN") if not config[k]]
    if not (from_number or service_sid):
        missing.append("TWILIO_FROM（或 TWILIO_MESSAGING_SERVICE_SID）")
    if missing:
        raise RuntimeError(f"短信通道 SMS_BACKEND=twilio 缺少设置：{'、'.join(missing)}")
    base = config["PUBLIC_BASE_URL"].rstrip("/")
    return TwilioSender(config["TWILIO_ACCOUNT_SID"], config["TWILIO_AUTH_TOKEN"],
                        from_number=from_number, messaging_service_sid=service_sid,
                        api_base=config["TWILIO_API_BASE"],
                        status_callback=f"{base}/webhooks/sms/twilio/status")


def _now() -> datetime:
    return datetime.now(timezone.utc)


def _fail(exc: DomainError):
    detail = f" {json.dumps(exc.fields, ensure_ascii=False)}" if exc.fields else ""
    raise click.ClickException(f"{exc.message}{detail}")


def _register_cli(app: Flask) -> None:
    def session(write: bool = True):
        return open_session(app.extensions["ys"]["engine"], write=write)

    from commands.ledger import ledger_group
    app.cli.add_command(ledger_group)
    from commands.enterprises import enterprises_group
    app.cli.add_command(enterprises_group)
    from commands.suggestions import suggestions_group
    app.cli.add_command(suggestions_group)

    @app.cli.command("init-db")
    def init_db():
        """Create or migrate the database schema to the newest version."""
        from service.core.migrate import upgrade
        from service.intake.categories import seed_defaults
        upgrade(app.extensions["ys"]["engine"])
        with session() as s:
            added = seed_defaults(s)
        click.echo("数据库已是最新结构。" + (f"已添加 {added} 个默认问题类别。" if added else ""))

    @app.cli.command("seed-demo")
    @click.option("--issues", "issue_count", default=240, show_default=True, help="how many issues")
    @click.option("--if-empty", is_flag=True, help="do nothing when the database has data")
    def seed_demo(issue_count: int, if_empty: bool):
        """Load the demo county: departments, users of every role, meetings and issues."""
        import demo
        with session() as s:
            if if_empty and demo.has_data(s):
                click.echo("数据库中已有数据，未加载演示数据。")
                return
            try:
                # the enterprises' 企业评议 links are signed as this service signs them
                summary = demo.seed(s, _now(), issue_count=issue_count, link_secret=app.config["SECRET_KEY"],
                                    public_base=app.extensions["ys"]["public_base"])
            except DomainError as exc:
                _fail(exc)
        click.echo(f"已加载演示数据：{summary}")

    @app.cli.command("create-department")
    @click.argument("code")
    @click.argument("name")
    @click.option("--phone", default=None, help="contact phone of the department")
    def create_department(code: str, name: str, phone: str | None):
        """Add a department."""
        from service.identity.directory import create_department as create
        with session() as s:
            try:
                dept = create(s, None, code, name, phone)
            except DomainError as exc:
                _fail(exc)
            click.echo(f"已创建部门 {dept.code} {dept.name}（id={dept.id}）")

    @app.cli.command("create-user")
    @click.argument("username")
    @click.option("--role", required=True,
                  type=click.Choice(["admin", "coordinator", "operator", "supervisor",
                                     "department", "leader"]))
    @click.option("--password", required=True,
                  help="at least 8 characters, not a common or breached password, not containing the username")
    @click.option("--department", "department_code", default=None, help="department CODE")
    @click.option("--phone", default=None)
    @click.option("--display-name", default=None)
    def create_user(username, role, password, department_code, phone, display_name):
        """Add a staff user."""
        from service.identity.directory import create_user as create
        from service.identity.directory import department_by_code
        with session() as s:
            dept_id = None
            if department_code:
                dept = department_by_code(s, department_code)
                if dept is None:
                    raise click.ClickException(f"部门编码 {department_code} 不存在")
                dept_id = dept.id
            try:
                user = create(s, None, username=username, password=password, role=role,
                              display_name=display_name, phone=phone, department_id=dept_id)
            except DomainError as exc:
                _fail(exc)
            click.echo(f"已创建用户 {user.username}（{user.role}，id={user.id}）")

    @app.cli.command("reset-2fa")
    @click.argument("username")
    def reset_two_factor(username: str):
        """Clear a user's two-factor login (lost phone); he sets it up again at his next login."""
        from service.identity import two_factor
        from service.identity.directory import user_by_username
        with session() as s:
            user = user_by_username(s, username)
            if user is None:
                raise click.ClickException(f"用户 {username} 不存在")
            two_factor.reset(s, None, user.id)
        click.echo(f"已重置 {username} 的两步验证：其登录已失效，下次登录时重新设置")

    @app.cli.command("scheduler")
    def run_scheduler():
        """Run the reminder scheduler as its own process (until stopped)."""
        import scheduler
        click.echo("提醒调度已启动：" + "、".join(job.id for job in scheduler.JOBS))
        scheduler.build(app).start()

    @app.cli.group("reminders")
    def reminders_group():
        """Deadline reminders."""

    @reminders_group.command("tick")
    @click.option("--now", "now_text", default=None, help="ISO 8601 time to act as (default: now)")
    def reminders_tick(now_text: str | None):
        """Plan and send whatever is due, once: for cron, catching up, and tests."""
        import scheduler
        now = _now()
        if now_text:
            try:
                now = datetime.fromisoformat(now_text)
            except ValueError:
                raise click.BadParameter("须为 ISO 8601 时间，如 2026-12-01T09:00:00+08:00") from None
            if now.tzinfo is None:
                raise click.BadParameter("须带时区，如 +08:00")
        result = scheduler.tick(app, now)
        r, d = result["plan_reminders"], result["dispatch_outbox"]
        click.echo(f"晚茶会：新建 {result['evening_tea_meetings']['created']} 场；"
                   f"提醒：应发 {r['planned']} 条，新排队 {r['queued']} 条；"
                   f"短信：已发送 {d['sent']}，待重试 {d['retry']}，失败 {d['failed']}")


def _welcome(app: Flask, url: str) -> str:
    import demo
    lines = [f"营商环境问题督办系统：{url}", f"  工作人员登录：{url}/console/login",
             f"  公开公示：{url}/", f"  API 文档：{url}/api/docs"]
    with open_session(app.extensions["ys"]["engine"]) as s:
        if demo.has_demo_users(s):
            lines.append(f"  演示账号（密码均为 {demo.DEMO_PASSWORD}）：")
            lines += [f"    {u:<14} {label} {dept}".rstrip() for u, label, dept in demo.demo_logins()]
    return "\n".join(lines)


if __name__ == "__main__":
    try:
        application = create_app()
    except settings.SettingsError as refusal:
        sys.exit(str(refusal))
    host, port = application.config["HOST"], application.config["PORT"]
    import threading

    import scheduler
    first_round = threading.Event()
    # the embedded default runs the scheduler in-process; its first round's lines come first,
    # then the address and the demo logins, the last thing on the screen
    scheduler.build(application, background=True, first_round=first_round).start()
    first_round.wait(timeout=120)
    print(_welcome(application, f"http://{host}:{port}"), flush=True)
    from werkzeug.serving import run_simple
    run_simple(host, port, application, threaded=True)  # Flask's own banner would follow the welcome
    sys.exit(0)
