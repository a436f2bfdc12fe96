"""Every setting of the service in one table: its name, type, default and meaning.

Each is read from the environment variable of the same name, or from the dict given to
`create_app(config)` (which wins; tests use it). An empty variable counts as unset. A value that
does not parse refuses to start the service with one message naming the setting and what it
allows (`SettingsError`): the web app, the `flask` commands, the scheduler and gunicorn alike.

How a value is written in the environment, by type:

- int, float: a number, within the bounds the table gives;
- bool: 1/true/yes/on or 0/false/no/off;
- choice: one of the listed values;
- duration: a number in the setting's unit (its name says which: _SECONDS, _MINUTES, _HOURS,
  _RETRY in seconds, _AGE in seconds), or a number with a unit: `90s`, `30m`, `12h`, `1d`;
- rate: a rate limit as the `limits` library writes it: `10 per minute`, `20/hour`;
- instant: an ISO 8601 time with its offset, `2026-12-01T09:00:00+08:00`;
- list: items separated by commas, `127.0.0.1,10.0.0.5`;
- dict: a JSON object, `{"socket_timeout": 1}`, or `k=v` pairs separated by commas,
  `socket_timeout=1,socket_connect_timeout=0.5`.

`python -m service.core.settings [app|gunicorn]` prints the table as Markdown;
`python -m service.core.settings --update README.md docs/deploy.md` rewrites the tables those
files carry, and tests/test_settings.py fails when they differ from this module.
"""
import json
import math
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import limits

# Where each setting is read: by the application (every process that builds it), or by
# gunicorn's configuration file only.
APP, GUNICORN = "app", "gunicorn"

UNITS = {"s": 1, "sec": 1, "second": 1, "seconds": 1, "m": 60, "min": 60, "minute": 60,
         "minutes": 60, "h": 3600, "hour": 3600, "hours": 3600, "d": 86400, "day": 86400,
         "days": 86400}
TRUE, FALSE = {"1", "true", "yes", "on"}, {"0", "false", "no", "off"}
DURATION = re.compile(r"\s*(\d+(?:\.\d+)?)\s*([a-z]*)\s*", re.IGNORECASE)


class SettingsError(RuntimeError):
    """A setting's value cannot be used: the message names the setting and what it allows."""

    def __init__(self, name: str, value: Any, allowed: str):
        self.name, self.value, self.allowed = name, value, allowed
        super().__init__(f"设置 {name} 的值 {value!r} 无效：{allowed}")


@dataclass(frozen=True)
class Setting:
    name: str
    kind: str  # str, int, float, bool, choice, duration, rate, instant, list, dict
    default: Any
    meaning: str
    minimum: float | None = None
    maximum: float | None = None
    choices: tuple[str, ...] = ()
    unit: str = ""  # durations: the unit the value is kept in (seconds, minutes, hours)
    item: str = "str"  # dicts: the type of each value (str, float)
    shown_default: str = ""  # for a default worked out at start-up, what the docs say
    secret: bool = False
    required: str = ""  # when production cannot do without it
    where: str = APP

    def allowed(self) -> str:
        """What this setting accepts, in the words of the refusal."""
        bounds = _bounds(self.minimum, self.maximum)
        return {
            "str": "须为文本",
            "int": f"须为整数{bounds}",
            "float": f"须为数{bounds}",
            "bool": "须为 1/true/yes/on 或 0/false/no/off",
            "choice": "可用：" + "、".join(self.choices),
            "duration": f"须为时长，以{_UNIT_NAMES[self.unit]}计的数或带单位（如 90s、30m、12h、1d）{bounds}",
            "rate": "须为频率限制，如 10 per minute、20/hour",
            "instant": "须为带时区的 ISO 8601 时间，如 2026-12-01T09:00:00+08:00",
            "list": "须为以逗号分隔的列表",
            "dict": ("须为 JSON 对象或以逗号分隔的 k=v" + ("，值为数" if self.item == "float" else "")),
        }[self.kind]

    def parse(self, value: Any) -> Any:
        """The value in its type; None when unset. Raises SettingsError naming the setting."""
        if value is None or (isinstance(value, str) and not value.strip()):
            return None
        try:
            parsed = PARSERS[self.kind](self, value)
        except (ValueError, TypeError, OverflowError, limits.errors.ConfigurationError) as exc:
            raise SettingsError(self.name, value, self.allowed()) from exc
        if self.kind in ("int", "float", "duration") and not _within(parsed, self.minimum, self.maximum):
            raise SettingsError(self.name, value, self.allowed())
        return parsed

    def documented_default(self) -> str:
        if self.shown_default:
            return self.shown_default
        if self.default is None:
            return "unset"
        if isinstance(self.default, bool):
            return "1" if self.default else "0"
        if isinstance(self.default, float):
            return _number(self.default)
        if isinstance(self.default, dict):
            return json.dumps(self.default)
        if isinstance(self.default, tuple):
            return ",".join(self.default)
        return str(self.default)


_UNIT_NAMES = {"": "", "seconds": "秒", "minutes": "分钟", "hours": "小时"}


def _bounds(low, high) -> str:
    if low is not None and high is not None:
        return f"，{_number(low)} 至 {_number(high)}"
    if low is not None:
        return f"，不小于 {_number(low)}"
    if high is not None:
        return f"，不大于 {_number(high)}"
    return ""


def _number(x) -> str:
    return str(int(x)) if float(x).is_integer() else str(x)


def _within(value, low, high) -> bool:
    return (low is None or value >= low) and (high is None or value <= high)


def _text(s: Setting, value) -> str:
    if not isinstance(value, str):
        raise TypeError
    return value.strip()


def _int(s: Setting, value) -> int:
    if isinstance(value, bool):
        raise TypeError
    if isinstance(value, int):
        return value
    if isinstance(value, str) and re.fullmatch(r"\s*[+-]?\d+\s*", value):
        return int(value)
    raise ValueError


def _float(s: Setting, value) -> float:
    if isinstance(value, bool):
        raise TypeError
    number = float(value)
    if not math.isfinite(number):
        raise ValueError
    return number


def _bool(s: Setting, value) -> bool:
    if isinstance(value, bool):
        return value
    word = str(value).strip().lower()
    if word in TRUE:
        return True
    if word in FALSE:
        return False
    raise ValueError


def _choice(s: Setting, value) -> str:
    word = str(value).strip()
    for choice in s.choices:
        if word.lower() == choice.lower():
            return choice
    raise ValueError


def _duration(s: Setting, value) -> float:
    if isinstance(value, bool):
        raise TypeError
    if isinstance(value, int | float):
        return _float(s, value)
    match = DURATION.fullmatch(str(value))
    if not match:
        raise ValueError
    number, unit = float(match[1]), match[2].lower()
    if not unit:
        return number
    if unit not in UNITS:
        raise ValueError
    return number * UNITS[unit] / UNITS[s.unit]


def _rate(s: Setting, value) -> str:
    text = _text(s, value)
    if not limits.parse_many(text):  # raises ValueError on what it cannot read
        raise ValueError
    return text


def _instant(s: Setting, value) -> datetime:
    moment = value if isinstance(value, datetime) else datetime.fromisoformat(_text(s, value))
    if moment.tzinfo is None:
        raise ValueError
    return moment


def _list(s: Setting, value) -> tuple[str, ...]:
    if isinstance(value, list | tuple):
        items = [str(v).strip() for v in value]
    else:
        items = [part.strip() for part in _text(s, value).split(",")]
    return tuple(item for item in items if item)


def _dict(s: Setting, value) -> dict:
    if isinstance(value, Mapping):
        pairs = dict(value)
    else:
        text = _text(s, value)
        if text.startswith("{"):
            pairs = json.loads(text)
            if not isinstance(pairs, dict):
                raise ValueError
        else:
            pairs = {}
            for part in filter(None, (p.strip() for p in text.split(","))):
                key, sep, item = part.partition("=")
                if not sep or not key.strip():
                    raise ValueError
                pairs[key.strip()] = item.strip()
    if s.item == "float":
        return {str(k): _float(s, v) for k, v in pairs.items()}
    return {str(k): str(v) for k, v in pairs.items()}


PARSERS: dict[str, Callable[[Setting, Any], Any]] = {
    "str": _text, "int": _int, "float": _float, "bool": _bool, "choice": _choice,
    "duration": _duration, "rate": _rate, "instant": _instant, "list": _list, "dict": _dict,
}

SETTINGS: tuple[Setting, ...] = (
    # --- where things are ---
    Setting("DATABASE_URL", "str", None, "SQLite file, or `postgresql://user:pw@host/db`",
            shown_default="`sqlite:///instance/ys.db`"),
    Setting("SECRET_KEY", "str", None,
            "signs sessions and tokens; the same on every web host",
            shown_default="generated once into `instance/secret_key`", secret=True,
            required="when several web hosts serve it"),
    Setting("PUBLIC_BASE_URL", "str", None,
            "the public address: the tracking link sent by SMS, webhook signatures, Secure "
            "cookies; set it to the public address in production",
            shown_default="the address it listens on (`http://HOST:PORT`)"),
    Setting("HOST", "str", "127.0.0.1",
            "address to listen on (`python app.py`, gunicorn); a container sets `0.0.0.0`"),
    Setting("PORT", "int", 5000, "port to listen on (gunicorn.conf.py makes its default 8000)",
            minimum=1, maximum=65535, shown_default="`5000` (gunicorn: `8000`)"),
    Setting("PROXY_COUNT", "int", 0,
            "number of reverse proxies in front whose `X-Forwarded-*` headers are trusted",
            minimum=0, maximum=10),
    Setting("PREFERRED_URL_SCHEME", "choice", "http",
            "`https` behind TLS: `Secure` cookies and HSTS", choices=("http", "https")),
    Setting("COOKIE_SECURE", "bool", None,
            "force the `Secure` cookie flag on (`1`) or off (`0`); unset: on under https"),
    Setting("TIMEZONE", "choice", "Asia/Shanghai",
            "dates shown and working days counted in this zone (the national calendar's)",
            choices=("Asia/Shanghai",)),
    Setting("ATTACHMENTS_DIR", "str", None,
            "uploaded files; with several web hosts a directory they all share (NFS)",
            shown_default="`instance/attachments`"),
    Setting("LEDGER_UPLOADS_DIR", "str", None,
            "ledger spreadsheets between the import's check and its confirmation",
            shown_default="`instance/ledger_uploads`"),
    Setting("ATTACHMENTS_MAX_FILES", "int", 20, "files one issue may hold", minimum=1, maximum=1000),
    Setting("ATTACHMENTS_MAX_TOTAL_MB", "float", 100.0,
            "megabytes one issue's files may hold together (each file at most 10 MB)",
            minimum=0.001, maximum=100000),
    Setting("MAX_CONTENT_LENGTH", "int", 1024 * 1024,
            "bytes a request body may have (file uploads have their own limit of 10 MB)",
            minimum=1024, maximum=1024 ** 3),
    # --- rate limits and sessions ---
    Setting("REDIS_URL", "str", None,
            "storage of the public rate limits (tracking, submission, Open311) shared by workers "
            "and hosts; memory per worker when unset. The login budgets are always in the database",
            secret=True),
    Setting("RATELIMIT_STORAGE_OPTIONS", "dict", {},
            "options of the rate-limit storage's client, e.g. `socket_timeout=1` for Redis",
            item="float"),
    Setting("LOGIN_RATE_LIMIT", "rate", "10 per minute",
            "login attempts per client: console form, code step and token endpoint together, "
            "all workers (kept in the database, whatever `REDIS_URL` says)"),
    Setting("TRACK_RATE_LIMIT", "rate", "10 per minute",
            "tracking look-ups per client, `/track` and `POST /api/v1/public/track` together"),
    Setting("SUBMIT_RATE_LIMIT", "rate", "20 per hour",
            "public submissions (`/submit`) per client; also objections on a 公示批次 page"),
    Setting("SUBMIT_MIN_SECONDS", "duration", 3.0,
            "the submission form is refused when sent back sooner than this after it was shown",
            unit="seconds", minimum=0, maximum=3600),
    Setting("OPEN311_POST_RATE_LIMIT", "rate", "60 per minute", "Open311 `POST requests` per client"),
    Setting("CONSOLE_IDLE_MINUTES", "duration", 30.0, "console session idle timeout",
            unit="minutes", minimum=1, maximum=24 * 60),
    Setting("CONSOLE_MAX_HOURS", "duration", 12.0, "console session absolute timeout",
            unit="hours", minimum=0.1, maximum=24 * 30),
    Setting("PASSWORD_HASH", "choice", "scrypt",
            "how new passwords are kept: `scrypt` (N=2^15), or `fast` (N=2^8) for the test suite "
            "only, never in production", choices=("scrypt", "fast")),
    # --- reminders, scheduler, calendar ---
    Setting("REMINDER_DAYS_BEFORE", "int", 2,
            "working days before a deadline that the department is reminded", minimum=0, maximum=30),
    Setting("ESCALATE_AFTER_DAYS", "int", 3,
            "working days past a deadline after which the office's supervisor is told",
            minimum=0, maximum=60),
    Setting("CALENDAR_MAX_AGE", "duration", 30.0,
            "seconds a worker keeps the holiday overrides for colours and days overdue (deadlines "
            "always read them fresh; an override applies at once in the worker that saved it)",
            unit="seconds", minimum=0, maximum=86400),
    Setting("SCHEDULER_LEADER_RETRY", "duration", 15.0,
            "seconds between a standby scheduler's tries for the leader lock",
            unit="seconds", minimum=1, maximum=3600),
    Setting("SCHEDULER_NOW", "instant", None,
            "the time the scheduler's jobs act as (tests and rehearsals); the clock when unset"),
    Setting("CONSOLE_NOW", "instant", None,
            "the time requests act as (tests and rehearsals); the clock when unset"),
    # --- SMS ---
    Setting("SMS_BACKEND", "choice", "console",
            "`console` (a log line per SMS: template, issue code, phone masked; never the text), "
            "`aliyun` (阿里云短信), `tencent` (腾讯云短信) or `twilio`",
            choices=("console", "aliyun", "tencent", "twilio")),
    Setting("ALIYUN_SMS_ACCESS_KEY_ID", "str", None, "Aliyun AccessKey ID allowed to send SMS",
            required="with `SMS_BACKEND=aliyun`"),
    Setting("ALIYUN_SMS_ACCESS_KEY_SECRET", "str", None, "Aliyun AccessKey secret", secret=True,
            required="with `SMS_BACKEND=aliyun`"),
    Setting("ALIYUN_SMS_SIGN_NAME", "str", None, "the registered signature (短信签名) of every Aliyun SMS",
            required="with `SMS_BACKEND=aliyun`"),
    Setting("ALIYUN_SMS_ENDPOINT", "str", None,
            "send the SDK's requests to another address instead of dysmsapi.aliyuncs.com (a staging fake)"),
    Setting("ALIYUN_SMS_CALLBACK_TOKEN", "str", None,
            "the token Aliyun's receipt and reply pushes carry (`?token=`); pushes without it are "
            "refused", secret=True),
    Setting("TENCENT_SMS_SECRET_ID", "str", None, "Tencent Cloud SecretId allowed to send SMS",
            required="with `SMS_BACKEND=tencent`"),
    Setting("TENCENT_SMS_SECRET_KEY", "str", None, "Tencent Cloud SecretKey", secret=True,
            required="with `SMS_BACKEND=tencent`"),
    Setting("TENCENT_SMS_SDK_APP_ID", "str", None, "the SMS application (SmsSdkAppId) that sends",
            required="with `SMS_BACKEND=tencent`"),
    Setting("TENCENT_SMS_SIGN_NAME", "str", None, "the registered signature (短信签名) of every Tencent Cloud SMS",
            required="with `SMS_BACKEND=tencent`"),
    Setting("TENCENT_SMS_ENDPOINT", "str", None,
            "send the SDK's requests to another address instead of sms.tencentcloudapi.com (a staging fake)"),
    Setting("TENCENT_SMS_CALLBACK_TOKEN", "str", None,
            "the token Tencent Cloud's receipt and reply pushes carry (`?token=`); pushes without it "
            "are refused", secret=True),
    Setting("TWILIO_ACCOUNT_SID", "str", None, "Twilio account", required="with `SMS_BACKEND=twilio`"),
    Setting("TWILIO_AUTH_TOKEN", "str", None,
            "Twilio credential; also checks the signature of its callbacks",
            secret=True, required="with `SMS_BACKEND=twilio`"),
    Setting("TWILIO_FROM", "str", None,
            "sender number (`SMS_BACKEND=twilio`: this, `TWILIO_FROM_NUMBER` or "
            "`TWILIO_MESSAGING_SERVICE_SID`)"),
    Setting("TWILIO_FROM_NUMBER", "str", None, "the sender number under its older name"),
    Setting("TWILIO_MESSAGING_SERVICE_SID", "str", None, "Twilio messaging service that sends"),
    Setting("TWILIO_API_BASE", "str", None,
            "send the SDK's requests to another address (a staging fake)"),
    Setting("ROBOT_API_BASE", "str", None,
            "send the group robots' posts to another address instead of qyapi.weixin.qq.com and "
            "oapi.dingtalk.com (a staging fake)"),
    # --- the public side ---
    Setting("OPEN311_CONTACT", "str", "县营商办（营商环境问题督办系统）",
            "the contact named in the Open311 discovery document"),
    # --- logs and metrics ---
    Setting("LOG_LEVEL", "choice", "INFO", "root log level",
            choices=("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")),
    Setting("LOG_FORMAT", "choice", "json", "`json` (one object a line) or `text`",
            choices=("json", "text")),
    Setting("METRICS_TOKEN", "str", None,
            "bearer token that opens /metrics from outside the private networks", secret=True),
    Setting("PROMETHEUS_MULTIPROC_DIR", "str", None,
            "an empty directory writable by the workers: /metrics adds up every gunicorn worker "
            "(environment only: prometheus_client reads it on import)"),
    # --- gunicorn (gunicorn.conf.py) ---
    Setting("WEB_CONCURRENCY", "int", None, "gunicorn worker processes", minimum=1, maximum=64,
            shown_default="2 per core", where=GUNICORN),
    Setting("GUNICORN_THREADS", "int", 2, "threads per gunicorn worker", minimum=1, maximum=64,
            where=GUNICORN),
    Setting("GUNICORN_TIMEOUT", "duration", 30.0,
            "seconds before a silent gunicorn worker is killed and replaced", unit="seconds",
            minimum=1, maximum=3600, where=GUNICORN),
    Setting("GUNICORN_MAX_REQUESTS", "int", 2000,
            "requests after which a gunicorn worker is replaced (0: never)", minimum=0,
            maximum=10 ** 7, where=GUNICORN),
    Setting("GUNICORN_LOG_LEVEL", "choice", "info", "gunicorn's own log level",
            choices=("debug", "info", "warning", "error", "critical"), where=GUNICORN),
    Setting("FORWARDED_ALLOW_IPS", "list", ("127.0.0.1",),
            "proxies whose `X-Forwarded-*` headers gunicorn trusts (`*` for any)", where=GUNICORN),
)
BY_NAME: dict[str, Setting] = {s.name: s for s in SETTINGS}
# Read where they are needed, not kept in the application's settings.
APP_SETTINGS = tuple(s for s in SETTINGS if s.where == APP)


def load(environ: Mapping[str, str], overrides: Mapping[str, Any] | None = None,
         where: str = APP) -> dict[str, Any]:
    """Every setting read `where`: its default, else the environment, else the override, each
    parsed; refuses (SettingsError) the first value that does not parse. Overrides of names not
    in the table (Flask's own keys, TESTING, ...) are left to the caller."""
    overrides = overrides or {}
    values = {}
    for setting in SETTINGS:
        if setting.where != where:
            continue
        value = setting.default
        from_env = setting.parse(environ.get(setting.name))
        if from_env is not None:
            value = from_env
        if setting.name in overrides:
            given = setting.parse(overrides[setting.name])
            value = setting.default if given is None else given
        values[setting.name] = value
    return values


def markdown_table(where: str = APP) -> str:
    """The table the docs carry: variable, default, meaning."""
    rows = ["| variable | type | default | meaning |", "| --- | --- | --- | --- |"]
    for s in SETTINGS:
        if s.where != where:
            continue
        default = s.documented_default()
        if not default.startswith("`") and default not in ("unset",) and not s.shown_default:
            default = f"`{default}`"
        notes = ["secret"] if s.secret else []
        if s.required:
            notes.append(f"required in production {s.required}")
        meaning = s.meaning + (f" ({'; '.join(notes)})" if notes else "")
        rows.append(f"| `{s.name}` | {_kind(s)} | {default} | {meaning} |")
    return "\n".join(rows)


def _kind(s: Setting) -> str:
    if s.kind in ("int", "float", "duration") and (s.minimum is not None or s.maximum is not None):
        unit = f" {s.unit}" if s.unit else ""
        return f"{s.kind}{unit} {_number(s.minimum)}–{_number(s.maximum)}"
    if s.kind == "choice":
        return " / ".join(s.choices) if len(s.choices) > 1 else f"choice: {s.choices[0]}"
    if s.kind == "dict" and s.item == "float":
        return "dict of numbers"
    return s.kind


def marked_region(where: str) -> tuple[str, str]:
    """The comments around a generated table in a Markdown file."""
    return f"<!-- settings table: {where} (python -m service.core.settings --update FILE) -->", \
        f"<!-- end of settings table: {where} -->"


def update_file(text: str) -> str:
    """`text` with every marked table replaced by the table of today."""
    for where in (APP, GUNICORN):
        begin, end = marked_region(where)
        pattern = re.compile(re.escape(begin) + r".*?" + re.escape(end), re.DOTALL)
        text = pattern.sub(lambda _m, w=where, b=begin, e=end: f"{b}\n{markdown_table(w)}\n{e}", text)
    return text


if __name__ == "__main__":
    import sys
    from pathlib import Path
    if sys.argv[1:2] == ["--update"]:
        for name in sys.argv[2:]:
            path = Path(name)
            path.write_text(update_file(path.read_text(encoding="utf-8")), encoding="utf-8")
    else:
        print(markdown_table(sys.argv[1] if sys.argv[1:] else APP))
