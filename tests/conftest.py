"""Fixtures: a test that uses `app` runs on SQLite; one marked `both_db` (a test of code that
branches on the database's dialect) runs once on SQLite and once on PostgreSQL.

YS_TEST_DB=sqlite|postgresql|both (default both) picks the backends: `sqlite` or `postgresql`
runs every test on that one database; `both` runs the `both_db` tests on both and the rest on
SQLite. tests/core/test_dialects.py fails when a dialect branch in service/ or models/ has no
`both_db` test. YS_TEST_PG_URL points at the PostgreSQL server (default
postgresql://postgres@127.0.0.1:5432/postgres), on which a throw-away database is created for
each test process (each xdist worker has its own, and its own SQLite files).
"""
import atexit
import os
import shutil
import socket
import tempfile
import uuid
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path

import psycopg
import pytest
from sqlalchemy import event, text
from sqlmodel import Session
from werkzeug.security import generate_password_hash

from app import create_app
from faults.pg import PrivatePostgres
from models import Department, User, metadata
from notifications import RecordingSender
from service.core.db import make_engine
from service.core.migrate import upgrade
from service.disclosure.public import forget_figures as forget_public_figures
from service.identity.passwords import METHODS
from service.identity.sessions import issue_token
from service.intake.categories import seed_defaults as seed_categories

from .helpers import ApiClient

# Passwords kept with scrypt at N=2^8 in every app and command the tests start (the setting's
# own default, N=2^15, costs 0.1–0.2 s a check): test_security_passwords.py tests the real one.
os.environ.setdefault("PASSWORD_HASH", "fast")
PG_ADMIN_URL = os.environ.get("YS_TEST_PG_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
BACKENDS = {"sqlite": ["sqlite"], "postgresql": ["postgresql"],
            "both": ["sqlite", "postgresql"]}[os.environ.get("YS_TEST_DB", "both")]
# A test on one database only runs on this one (the first of BACKENDS).
ONE_BACKEND = BACKENDS[:1]
PASSWORD = "Demo-pass-2026"
# The fixture administrator has two-factor login (required for administrators); tests make his
# codes with tests/totp.py.
ADMIN_TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


@pytest.fixture(scope="session", autouse=True)
def no_network_beyond_this_machine():
    """No test may reach a real provider or any other host: name lookups of anything but the
    loopback fail loudly."""
    real = socket.getaddrinfo
    allowed = {"127.0.0.1", "localhost", "::1"}

    def guarded(host, *args, **kwargs):
        name = host.decode() if isinstance(host, bytes) else host
        if name is not None and name not in allowed:
            raise RuntimeError(f"a test tried to reach {name}: tests stay on this machine")
        return real(host, *args, **kwargs)

    socket.getaddrinfo = guarded
    yield
    socket.getaddrinfo = real


def pytest_generate_tests(metafunc):
    """`both_db` tests run on every backend YS_TEST_DB names, `postgresql_only` ones (what only
    PostgreSQL's concurrency can show) on PostgreSQL, the others on the first."""
    if "database_url" in metafunc.fixturenames:
        both = metafunc.definition.get_closest_marker("both_db") is not None
        backends = BACKENDS if both else ONE_BACKEND
        if metafunc.definition.get_closest_marker("postgresql_only") is not None:
            backends = [b for b in BACKENDS if b == "postgresql"]
        metafunc.parametrize("database_url", backends, indirect=True, scope="session")


@pytest.fixture(scope="session")
def database_url(request, tmp_path_factory):
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}"
        engine = make_engine(url)
        upgrade(engine)
        engine.dispose()
        yield url
        return
    name = f"ys_test_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
        # A throw-away database need not wait for the disk on every commit.
        conn.execute(f'ALTER DATABASE "{name}" SET synchronous_commit = off')
    url = PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"
    engine = make_engine(url)
    upgrade(engine)
    engine.dispose()
    yield url
    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
        conn.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s",
                     (name,))
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')


@contextmanager
def audit_guard_lifted(conn):
    """Within the connection's transaction, let the tests remove audit records (events, deadline
    judgements, evaluations, meeting corrections), which the database's triggers (migrations 0005, 0010, 0013)
    refuse to anyone else: on PostgreSQL by the
    superuser's `session_replication_role = replica` for this transaction only, on SQLite by
    dropping the triggers and making them again before the transaction ends."""
    if conn.dialect.name == "postgresql":
        conn.execute(text("SET LOCAL session_replication_role = replica"))
        yield
        conn.execute(text("SET LOCAL session_replication_role = origin"))
        return
    triggers = conn.execute(text("SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name IN "
                                 "('issue_event', 'deadline_judgement', 'issue_evaluation', 'meeting_change')")).all()
    for name, _sql in triggers:
        conn.execute(text(f"DROP TRIGGER {name}"))
    yield
    for _name, sql in triggers:
        conn.execute(text(sql))


def _empty(engine) -> None:
    tables = [t.name for t in reversed(metadata.sorted_tables)]
    with engine.begin() as conn, audit_guard_lifted(conn):
        # DELETE beats TRUNCATE on tables this small; ids need not restart.
        for table in tables:
            conn.execute(text(f"DELETE FROM {table}"))
    if engine.dialect.name == "sqlite":
        engine.dispose()


# Files the apps keep (attachments, uploaded ledgers) go to this process's own folder, not the
# shared instance folder: xdist workers running at once must not meet there.
FILES_DIR = Path(tempfile.mkdtemp(prefix="ys-test-files-"))
atexit.register(shutil.rmtree, FILES_DIR, ignore_errors=True)


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def private_pg():
    """A PostgreSQL cluster of the test's own, to stop and start (faults.pg)."""
    pg = PrivatePostgres(free_port()).init()
    pg.start()
    yield pg
    pg.destroy()


@contextmanager
def scratch_database(database_url: str, tmp_path: Path):
    """An empty database of the same kind as `database_url` (no schema), its engine, dropped after."""
    if database_url.startswith("sqlite"):
        url, name = f"sqlite:///{tmp_path / 'scratch.db'}", None
    else:
        name = f"ys_scratch_{uuid.uuid4().hex[:8]}"
        with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        url = PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"
    engine = make_engine(url)
    try:
        yield engine
    finally:
        engine.dispose()
        if name:
            with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}"')


def make_test_app(database_url: str, **config):
    settings = {"DATABASE_URL": database_url, "TESTING": True, "SECRET_KEY": "test-secret",
                "ATTACHMENTS_DIR": str(FILES_DIR / "attachments"),
                "LEDGER_UPLOADS_DIR": str(FILES_DIR / "ledger_uploads"),
                "PUBLIC_BASE_URL": "https://ys.example.gov.cn", "TRACK_RATE_LIMIT": "1000 per minute",
                "LOGIN_RATE_LIMIT": "1000 per minute",
                # scrypt at N=2^8: the real cost is tested in test_security_passwords.py
                "PASSWORD_HASH": "fast"}
    app = create_app({**settings, **config})
    # No test may reach a real SMS provider: the app's sender records instead.
    app.extensions["ys"]["sms_sender"] = RecordingSender()
    return app


def _refuse_writes_outside_a_transaction(conn, cursor, statement, *args):
    """A reading request's session on PostgreSQL runs in autocommit (service.core.db.open_session):
    a write there would not be atomic. Every test run on PostgreSQL checks that none happens."""
    if (conn.get_execution_options().get("isolation_level") == "AUTOCOMMIT"
            and statement.lstrip()[:6].upper() in ("INSERT", "UPDATE", "DELETE")):
        raise AssertionError(f"a reading request wrote: {statement[:80]}")


@pytest.fixture(scope="session")
def shared_app(database_url):
    """One app per backend for the whole run: building one costs more than most tests."""
    app = make_test_app(database_url)
    event.listen(app.extensions["ys"]["engine"], "before_cursor_execute", _refuse_writes_outside_a_transaction)
    yield app
    app.extensions["ys"]["engine"].dispose()


@pytest.fixture
def app(shared_app):
    """The shared app on an empty database, with a fresh recording SMS sender."""
    shared_app.extensions["ys"]["sms_sender"] = RecordingSender()
    _empty(shared_app.extensions["ys"]["engine"])
    shared_app.extensions["ys"]["calendar_cache"].clear()  # the overrides went with the tables
    forget_public_figures()  # so did the issues the figures page keeps figures of
    return shared_app


@pytest.fixture
def engine(app):
    return app.extensions["ys"]["engine"]


@pytest.fixture
def db(engine):
    with Session(engine, expire_on_commit=False) as session:
        yield session


@pytest.fixture(scope="session")
def password_hash():
    return generate_password_hash(PASSWORD, method=METHODS["fast"])


class County:
    """A small county: three departments, a user of every role, the default issue categories."""

    def __init__(self, session: Session, password_hash: str):
        now = datetime.now(timezone.utc)
        seed_categories(session)
        self.depts = {}
        for code, name, phone in (("fgj", "县发改局", "09151234001"), ("zrj", "县自然资源局", "09151234002"),
                                  ("scj", "县市场监管局", "09151234003")):
            d = Department(code=code, name=name, contact_phone=phone)
            session.add(d)
            self.depts[code] = d
        session.flush()
        self.users = {}
        for username, role, dept, phone in (
            ("admin", "admin", None, "13900000001"),
            ("coordinator", "coordinator", None, "13900000002"),
            ("operator", "operator", None, "13900000003"),
            ("supervisor", "supervisor", None, "13900000004"),
            ("leader", "leader", None, "13900000005"),
            ("leader2", "leader", None, "13900000006"),
            ("fgj", "department", "fgj", "13900000007"),
            ("zrj", "department", "zrj", "13900000008"),
            ("scj", "department", "scj", "13900000009"),
        ):
            u = User(username=username, display_name=username, role=role, phone=phone,
                     department_id=self.depts[dept].id if dept else None,
                     password_hash=password_hash)
            if role == "admin":
                u.totp_secret, u.totp_enabled_at = ADMIN_TOTP_SECRET, now
            session.add(u)
            self.users[username] = u
        session.commit()
        self.tokens = {name: issue_token(session, u, now)[0] for name, u in self.users.items()}

    def dept_id(self, code: str) -> int:
        return self.depts[code].id

    def user_id(self, username: str) -> int:
        return self.users[username].id


@pytest.fixture
def county(db, password_hash):
    return County(db, password_hash)


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def api(client, county):
    return ApiClient(client, county)


@pytest.fixture
def sms(app):
    return app.extensions["ys"]["sms_sender"]


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """Captured output may hold text that is not valid UTF-8 (tests log lone surrogates on
    purpose): written escaped, so an xdist worker can send the report to the controller."""
    outcome = yield
    report = outcome.get_result()
    report.sections = [(title, text.encode("utf-8", "backslashreplace").decode("utf-8"))
                       for title, text in report.sections]
