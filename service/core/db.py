"""Engine and session construction for SQLite (embedded default) and PostgreSQL."""
import fcntl
import time

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DisconnectionError
from sqlmodel import Session

WRITE = {"write": True}


def normalise_url(url: str) -> str:
    """Accept the usual spellings of a PostgreSQL URL and use the psycopg 3 driver."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


# A pooled PostgreSQL connection left unused for longer than this (seconds) is pinged before it
# is handed out again; one used more recently is handed out as it is.
PING_AFTER_IDLE = 1.0


def make_engine(url: str, **kwargs) -> Engine:
    url = normalise_url(url)
    # An error's text never carries the statement's values (reporters' names, phones, companies):
    # SQLAlchemy prints "[SQL parameters hidden due to hide_parameters=True]" in their place.
    kwargs.setdefault("hide_parameters", True)
    if make_url(url).get_backend_name() == "sqlite":
        return _sqlite_engine(url, **kwargs)
    if "poolclass" not in kwargs:
        kwargs.setdefault("pool_size", 5)
        kwargs.setdefault("max_overflow", 10)
    engine = create_engine(url, **kwargs)
    if not kwargs.get("pool_pre_ping"):
        _ping_when_idle(engine)
    return engine


def _ping_when_idle(engine: Engine) -> None:
    """Check a pooled connection with a round trip only when it has been idle for more than
    PING_AFTER_IDLE seconds: a database restart leaves the idle connections dead, and the
    first request after it must not fail on one. Pinging at every checkout
    (`pool_pre_ping`) cost every request one more round trip, though under load each
    connection comes back within milliseconds. A connection found dead is replaced by a new
    one (the pool reconnects when the check raises DisconnectionError); a restart during the
    very second a connection was last used is met as without pinging: that statement fails,
    the pool is emptied, the request answers 503."""

    @event.listens_for(engine, "checkin")
    def _idle_from(_dbapi_conn, record):
        record.info["idle_since"] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def _ping_if_idle(dbapi_conn, record, _proxy):
        idle_since = record.info.pop("idle_since", None)
        if idle_since is None or time.monotonic() - idle_since <= PING_AFTER_IDLE:
            return
        try:
            alive = engine.dialect.do_ping(dbapi_conn)
        except engine.dialect.loaded_dbapi.Error as exc:
            raise DisconnectionError(f"the pooled connection is gone: {exc}") from exc
        if not alive:
            raise DisconnectionError("the pooled connection is gone")


def _sqlite_engine(url: str, **kwargs) -> Engine:
    engine = create_engine(url, connect_args={"timeout": 30, "check_same_thread": False}, **kwargs)
    queue = _writer_queue_path(url)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn, record):
        # Take over BEGIN from the driver so a writing unit of work can start with
        # BEGIN IMMEDIATE: it then waits for the write lock instead of failing halfway.
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute("PRAGMA busy_timeout=30000")
        cur.execute("PRAGMA synchronous=NORMAL")
        cur.close()
        if queue:
            record.info["writer_queue"] = open(queue, "a")  # closed with the connection

    @event.listens_for(engine, "begin")
    def _on_begin(conn):
        write = conn.get_execution_options().get("write")
        if write and "writer_queue" in conn.connection.info:
            _wait_turn(conn.connection.info)
        conn.exec_driver_sql(f"BEGIN {'IMMEDIATE' if write else 'DEFERRED'}")

    @event.listens_for(engine, "checkin")
    def _on_checkin(_dbapi_conn, record):
        # the connection is back in the pool: its transaction has ended
        if record.info.pop("writer_turn", False):
            fcntl.flock(record.info["writer_queue"], fcntl.LOCK_UN)

    @event.listens_for(engine, "close")
    def _on_close(_dbapi_conn, record):
        handle = record.info.pop("writer_queue", None)
        if handle is not None:
            handle.close()

    return engine


def _writer_queue_path(url: str) -> str | None:
    database = make_url(url).database
    if not database or database == ":memory:" or database.startswith("file:"):
        return None
    return database + "-writers"


def _wait_turn(info: dict) -> None:
    """Wait for the writers' queue lock (a file lock next to the database, shared by every
    process). SQLite's own wait for its write lock polls with sleeps growing to 100 ms, so
    under a few concurrent writers most of the time went to sleeping past a free lock (create
    an issue, 8 clients: p50 270 ms). Here a waiter looks every 0.2-2 ms and so comes in
    right after the writer before it. After 30 s it goes on to SQLite's own wait."""
    handle, delay, deadline = info["writer_queue"], 0.0002, time.monotonic() + 30
    while True:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            info["writer_turn"] = True
            return
        except BlockingIOError:
            if time.monotonic() > deadline:
                return
            time.sleep(delay)
            delay = min(delay * 2, 0.002)


def open_session(engine: Engine, write: bool = False, *, snapshot: bool = True) -> Session:
    """A session; `write=True` for a unit of work that will change data.

    `snapshot=False` is for a reading session whose few SELECTs need not see one snapshot (a
    web request that only reads): on PostgreSQL it then runs without a transaction, saving the
    BEGIN and ROLLBACK round trips; each SELECT sees what was committed when it ran. Such a
    session must not write. SQLite keeps its snapshot whatever is asked."""
    session = Session(engine, expire_on_commit=False)
    if write:
        session.connection(execution_options=WRITE)
    elif not snapshot and engine.dialect.name == "postgresql":
        session.connection(execution_options={"isolation_level": "AUTOCOMMIT"})
    return session


def is_postgres(session_or_engine) -> bool:
    bind = session_or_engine.get_bind() if isinstance(session_or_engine, Session) else session_or_engine
    return bind.dialect.name == "postgresql"
