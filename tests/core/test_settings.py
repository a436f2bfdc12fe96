"""The settings: one table (service/core/settings.py), every key settable from the environment,
a wrong value refused at start-up with the key named, and the docs' tables equal to the table."""
import os
import re
import runpy
import subprocess
import sys
from datetime import datetime, timezone
from pathlib import Path

import pytest

from app import create_app
from service.core import settings
from service.core.settings import APP, BY_NAME, GUNICORN, SETTINGS, SettingsError
from web import logs

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch):
    """Each test starts from no setting in the environment, whatever the shell running it has."""
    for setting in SETTINGS:
        monkeypatch.delenv(setting.name, raising=False)
    yield
    logs.configure("INFO", "json")  # a test may have set LOG_LEVEL or LOG_FORMAT


def _app(tmp_path, **config):
    app = create_app({"DATABASE_URL": f"sqlite:///{tmp_path / 'settings.db'}", "SECRET_KEY": "k", **config})
    app.extensions["ys"]["engine"].dispose()
    return app


# --- each type's parsing ------------------------------------------------------------------------

PARSED = [
    ("OPEN311_CONTACT", "  县营商办 ", "县营商办"),
    ("PROXY_COUNT", "2", 2),
    ("PROXY_COUNT", " +1 ", 1),
    ("ATTACHMENTS_MAX_TOTAL_MB", "12.5", 12.5),
    ("COOKIE_SECURE", "yes", True),
    ("COOKIE_SECURE", "OFF", False),
    ("LOG_FORMAT", "TEXT", "text"),
    ("CONSOLE_IDLE_MINUTES", "45", 45.0),
    ("CONSOLE_IDLE_MINUTES", "2h", 120.0),
    ("CONSOLE_IDLE_MINUTES", "90s", 1.5),
    ("CONSOLE_MAX_HOURS", "1d", 24.0),
    ("SCHEDULER_LEADER_RETRY", "2 min", 120.0),
    ("TRACK_RATE_LIMIT", "5/hour", "5/hour"),
    ("TRACK_RATE_LIMIT", "10 per minute;100 per day", "10 per minute;100 per day"),
    ("SCHEDULER_NOW", "2026-12-01T09:00:00+08:00", datetime(2026, 12, 1, 1, tzinfo=timezone.utc)),
    ("FORWARDED_ALLOW_IPS", "10.0.0.1, 10.0.0.2,", ("10.0.0.1", "10.0.0.2")),
    ("RATELIMIT_STORAGE_OPTIONS", '{"socket_timeout": 1.5}', {"socket_timeout": 1.5}),
    ("RATELIMIT_STORAGE_OPTIONS", "socket_timeout=1.5, socket_connect_timeout=2",
     {"socket_timeout": 1.5, "socket_connect_timeout": 2.0}),
    ("PORT", "", None),  # an empty variable is unset
]


@pytest.mark.parametrize("name, text, expected", PARSED)
def test_each_type_is_parsed_from_its_text(name, text, expected):
    assert BY_NAME[name].parse(text) == expected


def test_the_parsing_cases_cover_every_type_the_table_uses():
    assert {s.kind for s in SETTINGS} <= {BY_NAME[name].kind for name, _, _ in PARSED}


# --- a wrong value per type refuses to start, naming the key --------------------------------------

WRONG = [
    ("PROXY_COUNT", "two", "须为整数，0 至 10"),
    ("PROXY_COUNT", "11", "须为整数，0 至 10"),
    ("ATTACHMENTS_MAX_TOTAL_MB", "lots", "须为数"),
    ("ATTACHMENTS_MAX_TOTAL_MB", "0", "须为数，0.001 至 100000"),
    ("ATTACHMENTS_MAX_TOTAL_MB", "nan", "须为数"),
    ("COOKIE_SECURE", "maybe", "须为 1/true/yes/on 或 0/false/no/off"),
    ("SMS_BACKEND", "pigeon", "可用：console、aliyun、tencent、twilio"),
    ("TIMEZONE", "Europe/Paris", "可用：Asia/Shanghai"),
    ("CONSOLE_IDLE_MINUTES", "30 fortnights", "须为时长"),
    ("CONSOLE_IDLE_MINUTES", "0", "1 至 1440"),
    ("TRACK_RATE_LIMIT", "often", "须为频率限制"),
    ("SCHEDULER_NOW", "2026-12-01T09:00:00", "须为带时区的 ISO 8601 时间"),
    ("SCHEDULER_NOW", "tomorrow", "须为带时区的 ISO 8601 时间"),
    ("RATELIMIT_STORAGE_OPTIONS", '{"socket_timeout": ', "须为 JSON 对象或以逗号分隔的 k=v"),
    ("RATELIMIT_STORAGE_OPTIONS", "[1, 2]", "须为 JSON 对象或以逗号分隔的 k=v"),
    ("RATELIMIT_STORAGE_OPTIONS", "socket_timeout=soon", "值为数"),
]


@pytest.mark.parametrize("name, text, allowed", WRONG)
def test_a_wrong_value_in_the_environment_refuses_to_start_naming_the_key(name, text, allowed, monkeypatch,
                                                                          tmp_path):
    monkeypatch.setenv(name, text)
    with pytest.raises(SettingsError) as refused:
        _app(tmp_path)
    message = str(refused.value)
    assert refused.value.name == name
    assert message.startswith(f"设置 {name} 的值 {text!r} 无效：") and allowed in message
    assert "\n" not in message


def test_the_wrong_cases_cover_every_type_that_text_can_get_wrong():
    assert {s.kind for s in SETTINGS} - {"str", "list"} <= {BY_NAME[name].kind for name, _, _ in WRONG}


def test_a_wrong_value_given_to_create_app_is_refused_too(tmp_path):
    with pytest.raises(SettingsError, match="CONSOLE_IDLE_MINUTES"):
        _app(tmp_path, CONSOLE_IDLE_MINUTES="soon")
    with pytest.raises(SettingsError, match="OPEN311_CONTACT"):
        _app(tmp_path, OPEN311_CONTACT=5)


def test_create_app_overrides_the_environment_and_keeps_flasks_own_keys(monkeypatch, tmp_path):
    monkeypatch.setenv("CONSOLE_IDLE_MINUTES", "45")
    monkeypatch.setenv("TRACK_RATE_LIMIT", "7 per hour")
    app = _app(tmp_path, TRACK_RATE_LIMIT="1000 per minute", TESTING=True, WTF_CSRF_ENABLED=False)
    assert app.config["CONSOLE_IDLE_MINUTES"] == 45.0
    assert app.config["TRACK_RATE_LIMIT"] == "1000 per minute"
    assert app.config["TESTING"] is True and app.config["WTF_CSRF_ENABLED"] is False


# --- every key settable from the environment ---------------------------------------------------

def _sample(setting: settings.Setting, tmp_path: Path) -> str:
    """A value for the setting that differs from its default where the type allows one."""
    special = {"DATABASE_URL": f"sqlite:///{tmp_path / 'from-env.db'}", "PORT": "5123",
               "PUBLIC_BASE_URL": "https://ys.county.example/", "HOST": "0.0.0.0",
               "REDIS_URL": "redis://127.0.0.1:6399/0",  # nothing is asked of it until a limited request
               "ATTACHMENTS_DIR": str(tmp_path / "files"), "LEDGER_UPLOADS_DIR": str(tmp_path / "uploads"),
               "PROMETHEUS_MULTIPROC_DIR": str(tmp_path / "prometheus")}
    if setting.name in special:
        return special[setting.name]
    kind = setting.kind
    if kind in ("int", "float", "duration"):
        candidates = [setting.minimum, setting.maximum, 7]
        return str(next(c for c in candidates if c is not None and c != setting.default))
    if kind == "choice":
        return next((c for c in setting.choices if c != setting.default), setting.choices[0])
    if kind == "bool":
        return "0" if setting.default else "1"
    return {"str": "set-from-the-environment", "rate": "7 per hour", "instant": "2026-12-01T09:00:00+08:00",
            "list": "10.0.0.1,10.0.0.2", "dict": "socket_timeout=1.5,socket_connect_timeout=2"}[kind]


@pytest.mark.parametrize("name", [s.name for s in SETTINGS if s.where == APP])
def test_every_application_setting_is_read_from_the_environment(name, monkeypatch, tmp_path):
    setting = BY_NAME[name]
    text = _sample(setting, tmp_path)
    monkeypatch.setenv(name, text)
    if name == "SMS_BACKEND":  # the other backend wants its credentials
        monkeypatch.setenv("TWILIO_ACCOUNT_SID", "AC" + "0" * 32)
        monkeypatch.setenv("TWILIO_AUTH_TOKEN", "token")
        monkeypatch.setenv("TWILIO_FROM", "+15005550006")
        for key in ("ALIYUN_SMS_ACCESS_KEY_ID", "ALIYUN_SMS_ACCESS_KEY_SECRET", "ALIYUN_SMS_SIGN_NAME"):
            monkeypatch.setenv(key, "set")
    config = {"SECRET_KEY": "k"} if name == "DATABASE_URL" else \
        {"DATABASE_URL": f"sqlite:///{tmp_path / 'settings.db'}", "SECRET_KEY": "k"}
    config.pop(name, None)
    app = create_app(config)
    app.extensions["ys"]["engine"].dispose()
    expected = setting.parse(text)
    assert app.config[name] == expected
    if len(setting.choices) != 1:  # a choice of one has no other value to show
        assert expected != setting.default


GUNICORN_NAMES = {"WEB_CONCURRENCY": "workers", "GUNICORN_THREADS": "threads", "GUNICORN_TIMEOUT": "timeout",
                  "GUNICORN_MAX_REQUESTS": "max_requests", "GUNICORN_LOG_LEVEL": "loglevel",
                  "FORWARDED_ALLOW_IPS": "forwarded_allow_ips"}


@pytest.mark.parametrize("name", [s.name for s in SETTINGS if s.where == GUNICORN])
def test_every_gunicorn_setting_is_read_from_the_environment(name, monkeypatch, tmp_path):
    setting = BY_NAME[name]
    text = _sample(setting, tmp_path)
    monkeypatch.setenv(name, text)
    monkeypatch.setenv("PORT", "8123")
    conf = runpy.run_path(str(ROOT / "gunicorn.conf.py"))
    value = conf[GUNICORN_NAMES[name]]
    expected = setting.parse(text)
    assert value == (",".join(expected) if setting.kind == "list" else expected)
    assert expected != setting.default
    assert conf["bind"] == "127.0.0.1:8123"


def test_gunicorn_reads_the_settings_it_names():
    assert set(GUNICORN_NAMES) == {s.name for s in SETTINGS if s.where == GUNICORN}


def test_a_rate_limit_from_the_environment_takes_effect(database_url, monkeypatch):
    monkeypatch.setenv("TRACK_RATE_LIMIT", "2 per minute")
    app = create_app({"DATABASE_URL": database_url, "TESTING": True, "SECRET_KEY": "k"})
    try:
        client = app.test_client()
        body = {"code": "YS2026-999999", "phone_last4": "0000"}
        answers = [client.post("/api/v1/public/track", json=body).status_code for _ in range(3)]
        assert answers == [404, 404, 429]
    finally:
        app.extensions["ys"]["engine"].dispose()


def test_rate_limit_storage_options_come_from_the_environment_as_json(monkeypatch, tmp_path):
    monkeypatch.setenv("RATELIMIT_STORAGE_OPTIONS", '{"socket_timeout": 1, "socket_connect_timeout": 0.5}')
    assert _app(tmp_path).config["RATELIMIT_STORAGE_OPTIONS"] == {"socket_timeout": 1.0,
                                                                 "socket_connect_timeout": 0.5}


# --- every process refuses with one line ---------------------------------------------------------

def _run(args: list[str], tmp_path: Path, **env) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if k not in BY_NAME}
    clean.update(DATABASE_URL=f"sqlite:///{tmp_path / 'cli.db'}", **env)
    return subprocess.run(args, cwd=ROOT, env=clean, capture_output=True, text=True, timeout=60)


@pytest.mark.parametrize("command, name, text", [
    ([str(BIN / "flask"), "--app", "app", "reminders", "tick"], "TRACK_RATE_LIMIT", "often"),
    ([str(BIN / "flask"), "--app", "app", "scheduler"], "SCHEDULER_LEADER_RETRY", "0"),
    ([sys.executable, "app.py"], "LOG_FORMAT", "xml"),
    ([str(BIN / "gunicorn"), "-c", "gunicorn.conf.py", "--check-config"], "GUNICORN_TIMEOUT", "forever"),
    ([str(BIN / "gunicorn"), "-c", "gunicorn.conf.py", "--check-config"], "CONSOLE_MAX_HOURS", "-1"),
], ids=["flask-command", "scheduler", "app.py", "gunicorn", "gunicorn-app-setting"])
def test_every_process_refuses_a_wrong_value_with_one_line(command, name, text, tmp_path):
    done = _run(command, tmp_path, **{name: text})
    assert done.returncode != 0
    assert "Traceback" not in done.stderr
    lines = [line for line in done.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and f"设置 {name} 的值 {text!r} 无效" in lines[0]


# --- one home ---------------------------------------------------------------------------------

def test_no_other_module_reads_the_environment_or_keeps_a_default_of_its_own():
    sources = [ROOT / "app.py", ROOT / "scheduler.py", ROOT / "gunicorn.conf.py",
               *[p for folder in ("service", "web", "notifications", "commands")
                 for p in (ROOT / folder).rglob("*.py")]]
    allowed = {"settings.load(os.environ", 'os.environ.setdefault("PORT"'}
    found = []
    for path in sources:
        if path == ROOT / "service" / "core" / "settings.py":
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            reads_env = re.search(r"os\.environ|os\.getenv", line) and not any(a in line for a in allowed)
            own_default = re.search(r"config\.(get|setdefault)\(\s*['\"]([A-Z_0-9]+)['\"]\s*,", line)
            if reads_env or (own_default and own_default[2] in BY_NAME):
                found.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    assert found == []


# --- the docs -----------------------------------------------------------------------------------

@pytest.mark.parametrize("doc, parts", [("README.md", [APP]), ("docs/deploy.md", [APP, GUNICORN])])
def test_the_docs_tables_are_the_settings_table(doc, parts):
    text = (ROOT / doc).read_text(encoding="utf-8")
    for where in parts:
        begin, end = settings.marked_region(where)
        assert begin in text and end in text, f"{doc} lacks the {where} settings table"
        shown = text.split(begin, 1)[1].split(end, 1)[0].strip()
        assert shown == settings.markdown_table(where), (
            f"{doc}: the {where} settings table differs from service/core/settings.py; "
            f"run .venv/bin/python -m service.core.settings --update README.md docs/deploy.md")
    assert settings.update_file(text) == text


def test_the_table_names_each_key_once_with_a_meaning():
    names = [s.name for s in SETTINGS]
    assert len(names) == len(set(names))
    for s in SETTINGS:
        assert s.meaning and s.kind in settings.PARSERS
        if s.default is not None:  # the default is a value of the setting's type
            assert s.parse(s.default) == s.default


def test_every_setting_the_docs_name_is_declared():
    """A name like `SOME_SETTING` in the docs is a declared setting, a variable of the test and
    fault tools (YS_…), or a constant of the code; a setting removed or renamed fails here."""
    code = "\n".join(p.read_text(encoding="utf-8") for folder in ("service", "web", "models", "notifications")
                     for p in (ROOT / folder).rglob("*.py"))
    docs = [ROOT / "README.md", *(ROOT / "docs").glob("*.md"), ROOT / "faults" / "README.md",
            ROOT / "bench" / "README.md"]
    unknown = []
    for doc in docs:
        for name in set(re.findall(r"`([A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+)(?:=[^`]*)?`", doc.read_text(encoding="utf-8"))):
            if name not in BY_NAME and not name.startswith("YS_") and not re.search(rf"^\s*{name}\b.*=", code, re.M):
                unknown.append(f"{doc.relative_to(ROOT)}: {name}")
    assert unknown == []
