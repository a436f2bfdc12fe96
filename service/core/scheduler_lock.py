"""Which scheduler process runs the jobs: the holder of one PostgreSQL advisory lock.

Several scheduler processes may run (one per host, for availability). Each asks for the same
session-level advisory lock on a connection of its own; the one that gets it leads, the others
ask again every few seconds. The lock belongs to the connection, so when the leader dies (or
its host, or its network) PostgreSQL releases it and the next asker takes over.

The lock only avoids wasted work: correctness does not depend on it. Reminders claim a unique
key and outbox rows are claimed before sending, so two leaders at once (a network partition
healing) could not send anything twice.

On SQLite there is one scheduler process, and it always leads.
"""
import logging
import threading

from sqlalchemy import Connection, Engine, create_engine, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.pool import NullPool

log = logging.getLogger(__name__)

# The same number in every scheduler process of this system. Advisory locks are per
# database, so two systems sharing a server do not compete. Below 2**31: pg_locks shows it as
# classid 0, objid LEADER_LOCK_KEY.
LEADER_LOCK_KEY = 0x59530001


class Leadership:
    """This process's claim to lead. `held()` answers, asking for the lock when not leading."""

    def __init__(self, engine: Engine):
        self.postgres = engine.dialect.name == "postgresql"
        # A connection outside the pool, never returned to it: the lock lives as long as it.
        self._engine = create_engine(engine.url, poolclass=NullPool,
                                     isolation_level="AUTOCOMMIT") if self.postgres else None
        self._conn: Connection | None = None
        self._lock = threading.Lock()
        self._asked = False

    @property
    def leading(self) -> bool:
        """Whether this process led at its last check (SQLite: once it has asked)."""
        return self._conn is not None if self.postgres else self._asked

    def held(self, acquire: bool = True) -> bool:
        """Whether this process leads now: checks the lock's connection is alive, or (with
        `acquire`) tries to take the lock when it has none."""
        if not self.postgres:
            self._asked = self._asked or acquire
            return True
        with self._lock:
            if self._conn is not None:
                try:
                    self._conn.execute(text("SELECT 1"))
                    return True
                except DBAPIError:
                    log.warning("调度主进程失去数据库连接，不再执行任务")
                    self._drop()
            if not acquire:
                return False
            try:
                conn = self._engine.connect()
            except DBAPIError as exc:
                log.warning("无法连接数据库竞选调度主进程：%s", exc.__class__.__name__)
                return False
            try:
                # A leader whose host vanishes (power, network) sends no goodbye: TCP
                # keepalives let the server notice within about 30 s and free the lock.
                for setting, seconds in (("idle", 10), ("interval", 5), ("count", 4)):
                    conn.execute(text(f"SET tcp_keepalives_{setting} = {seconds}"))
                got = conn.execute(text("SELECT pg_try_advisory_lock(:key)"),
                                   {"key": LEADER_LOCK_KEY}).scalar()
            except DBAPIError:
                conn.close()
                return False
            if not got:
                conn.close()
                return False
            self._conn = conn
            log.info("本进程成为调度主进程（advisory lock %d）", LEADER_LOCK_KEY)
            return True

    def release(self) -> None:
        with self._lock:
            if self._conn is not None:
                self._drop()
        if self._engine is not None:
            self._engine.dispose()

    def _drop(self) -> None:
        try:
            self._conn.close()  # closing the session releases the lock
        except DBAPIError:
            pass
        self._conn = None


def leaders(conn: Connection) -> int | None:
    """How many processes hold the leader lock in this database now (0 or 1); None on SQLite."""
    if conn.dialect.name != "postgresql":
        return None
    return conn.execute(text(
        "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted"
        " AND classid = 0 AND objid = :key AND objsubid = 1"
        " AND database = (SELECT oid FROM pg_database WHERE datname = current_database())"),
        {"key": LEADER_LOCK_KEY}).scalar()
