"""Lock-out abuse: many clients guess the passwords (and two-factor codes) of every account,
existing and unknown, through the console form and the API token endpoint, spread over
several application instances standing for workers on one database. Then every account's
owner logs in from his own client, the administrator with password and code: nobody may be
locked out of his own account.

    .venv/bin/python -m faults.login_abuse [--database-url URL] [--attempts 5000] [--clients 50]

By hand it runs on a throw-away database (SQLite in a temporary folder by default, or the
empty PostgreSQL database it is given); tests/identity/test_login_abuse.py runs a bounded form on both
databases. Checked and printed: requests sent, answers by status and code, 5xx seen (0),
attempts judged per client within one minute (at most LOGIN_RATE_LIMIT's 10), the answers for
existing and unknown usernames (the same kinds), and the owners who could not log in (none).
"""
import argparse
import json
import re
import sys
import tempfile
from collections import Counter, defaultdict
from datetime import datetime, timezone

import pyotp
from flask import Flask
from sqlalchemy import select, update

from models import User
from service.core.db import open_session
from service.identity.directory import create_department, create_user

PASSWORD = "Abuse-pass-2026"
ADMIN_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
ACCOUNTS = (("admin", "admin"), ("coordinator", "coordinator"), ("operator", "operator"),
            ("supervisor", "supervisor"), ("leader", "leader"), ("dept_a", "department"))
UNKNOWN = ("root", "administrator", "test", "zhangsan")


def prepare(app: Flask) -> None:
    """The accounts under attack; the administrator with two-factor login, as required."""
    engine = app.extensions["ys"]["engine"]
    now = datetime.now(timezone.utc)
    with open_session(engine, write=True) as s:
        dept = create_department(s, None, "abuse", "县发改局").id
        for username, role in ACCOUNTS:
            user = create_user(s, None, username=username, password=PASSWORD, role=role,
                               department_id=dept if role == "department" else None)
            if role == "admin":
                user.totp_secret, user.totp_enabled_at = ADMIN_SECRET, now
                s.add(user)
        s.commit()


SENT = Counter()  # requests sent, by route


def _csrf(client, path: str = "/console/login") -> str:
    SENT[f"GET {path}"] += 1
    page = client.get(path).get_data(as_text=True)
    return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)


def _form(client, username: str, password: str):
    token = _csrf(client)
    SENT["POST /console/login"] += 1
    return client.post("/console/login", data={"username": username, "password": password, "csrf_token": token})


def _token(client, username: str, password: str, otp: str | None = None):
    SENT["POST /api/v1/auth/token"] += 1
    body = {"username": username, "password": password} | ({"otp": otp} if otp else {})
    return client.post("/api/v1/auth/token", json=body)


def _forget_used_code(app: Flask, username: str) -> None:
    """The owner's next code is accepted even within the 30 seconds of the one he used last."""
    with open_session(app.extensions["ys"]["engine"], write=True) as s:
        s.execute(update(User).where(User.username == username).values(totp_last_step=None))
        s.commit()


def _kind(resp) -> str:
    """The answer's kind: the status, with the API's error code or the page's reason."""
    if resp.is_json:
        error = (resp.get_json() or {}).get("error") or {}
        return f"{resp.status_code} {error.get('code', 'ok')}"
    page = resp.get_data(as_text=True)
    reason = ("login_delayed" if "错误次数过多" in page else "too_many_requests" if "过于频繁" in page
              else "not_authenticated" if "用户名或密码不正确" in page else "page")
    return f"{resp.status_code} {reason}"


def run(workers: list[Flask], *, attempts: int, clients: int, log=lambda _: None) -> dict:
    """The attack, then the owners; answers the figures and the problems found."""
    SENT.clear()
    started = datetime.now(timezone.utc)
    names = [name for name, _ in ACCOUNTS] + list(UNKNOWN)
    known = {name for name, _ in ACCOUNTS}
    kinds, by_name_kind = Counter(), {True: Counter(), False: Counter()}
    judged = defaultdict(int)   # attempts of a client that were judged (not refused for its rate)
    server_errors, problems = 0, []
    callers = [[w.test_client() for w in workers] for _ in range(clients)]
    for i, row in enumerate(callers):
        for client in row:
            client.environ_base["REMOTE_ADDR"] = f"203.0.113.{i % 250}" if i < 250 else f"198.18.{i // 250}.{i % 250}"
    for n in range(attempts):
        c = n % clients
        client = callers[c][n % len(workers)]
        name = names[(c + n // clients // 6) % len(names)]   # six tries at one name, then the next
        guess = f"guess-{n}"
        if name == "admin" and n % 3 == 0:   # the password may have leaked: wrong codes then
            resp = _token(client, name, PASSWORD, "000000")
        elif n % 2:
            resp = _token(client, name, guess)
        else:
            resp = _form(client, name, guess)
        kind = _kind(resp)
        kinds[kind] += 1
        if resp.status_code >= 500:
            server_errors += 1
            problems.append(f"attempt {n}: {resp.status_code}")
        if "too_many_requests" not in kind:
            judged[c] += 1
        if name != "admin":   # the administrator's code step has answers of its own
            by_name_kind[name in known][kind.split(" ", 1)[1]] += 1
        if n % 500 == 499:
            log(f"{n + 1} attempts")
    seconds = (datetime.now(timezone.utc) - started).total_seconds()
    minutes = max(1, int(seconds // 60) + 1)
    most_judged = max(judged.values(), default=0)
    if most_judged > 10 * minutes:
        problems.append(f"a client had {most_judged} attempts judged in {seconds:.0f} s (limit 10 a minute)")
    if set(by_name_kind[True]) != set(by_name_kind[False]):
        problems.append(f"existing and unknown usernames answered differently: {by_name_kind}")

    # Every owner, from his own client, through the console and through the API.
    locked_out = []
    for k, (name, role) in enumerate(ACCOUNTS):
        own = workers[k % len(workers)].test_client()
        own.environ_base["REMOTE_ADDR"] = f"192.0.2.{k + 1}"
        _forget_used_code(workers[0], name)
        otp = pyotp.TOTP(ADMIN_SECRET).now() if role == "admin" else None
        if _token(own, name, PASSWORD, otp).status_code != 200:
            locked_out.append(f"{name} (API)")
        step = _form(own, name, PASSWORD)
        if role == "admin" and step.status_code == 302 and step.headers["Location"].endswith("/console/login/verify"):
            _forget_used_code(workers[0], name)
            token = _csrf(own, "/console/login/verify")
            SENT["POST /console/login/verify"] += 1
            step = own.post("/console/login/verify", data={"code": pyotp.TOTP(ADMIN_SECRET).now(), "csrf_token": token})
        if step.status_code != 302 or "/console/login" in step.headers.get("Location", ""):
            locked_out.append(f"{name} (console)")
    if locked_out:
        problems.append("locked out of their own accounts: " + ", ".join(locked_out))
    with open_session(workers[0].extensions["ys"]["engine"]) as s:
        accounts = s.execute(select(User.username)).scalars().all()
    return {"requests": sum(SENT.values()), "by_route": dict(SENT), "attempts": attempts, "clients": clients,
            "workers": len(workers), "seconds": round(seconds, 1), "answers": dict(sorted(kinds.items())),
            "server_errors": server_errors, "most_judged_per_client": most_judged,
            "owners_locked_out": locked_out, "accounts": len(accounts), "problems": problems}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=None, help="an empty throw-away database")
    parser.add_argument("--attempts", type=int, default=5000)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    from app import create_app
    from service.core.migrate import upgrade
    with tempfile.TemporaryDirectory() as folder:
        url = args.database_url or f"sqlite:///{folder}/abuse.db"
        settings = {"DATABASE_URL": url, "SECRET_KEY": "abuse-secret", "TESTING": True, "LOG_LEVEL": "WARNING"}
        workers = [create_app(settings) for _ in range(args.workers)]
        engine = workers[0].extensions["ys"]["engine"]
        upgrade(engine)
        with engine.connect() as conn:
            if conn.execute(select(User.id).limit(1)).first() is not None:
                raise SystemExit("the database holds data: give the attack a throw-away one")
        prepare(workers[0])
        report = run(workers, attempts=args.attempts, clients=args.clients, log=print)
        for w in workers:
            w.extensions["ys"]["engine"].dispose()
    print(json.dumps(report, ensure_ascii=False, indent=2))
    print("OK: nobody locked out, budgets held" if not report["problems"] else "FAILED")
    return 0 if not report["problems"] else 1


if __name__ == "__main__":
    sys.exit(main())
