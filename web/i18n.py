"""Languages: Chinese by default, English as a second locale (?lang=en, kept in the session)."""
from flask import Flask, request, session
from flask_babel import Babel, get_locale

LOCALES = ("zh_Hans_CN", "en")


def select_locale() -> str:
    wanted = request.args.get("lang")
    if wanted in ("zh", "zh_CN", "zh_Hans_CN", "en"):
        session["lang"] = "en" if wanted == "en" else "zh_Hans_CN"
    return session.get("lang") or "zh_Hans_CN"


def init_app(app: Flask) -> None:
    app.config.setdefault("BABEL_DEFAULT_LOCALE", "zh_Hans_CN")
    app.config.setdefault("BABEL_DEFAULT_TIMEZONE", app.config["TIMEZONE"])
    Babel(app, locale_selector=select_locale)
    app.jinja_env.globals["get_locale"] = get_locale
