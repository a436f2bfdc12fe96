"""A private PostgreSQL cluster for fault scripts: its own data directory and port, so it can
be stopped and started without touching the shared server on 5432."""
import os
import shutil
import subprocess
import time
from pathlib import Path

import psycopg

BIN = Path(os.environ.get("PG_BIN", "/usr/lib/postgresql/15/bin"))


def _as_postgres(*args: str) -> list[str]:
    # PostgreSQL refuses to run as root; the Debian packages provide the `postgres` user.
    return ["runuser", "-u", "postgres", "--", *args] if os.geteuid() == 0 else list(args)


class PrivatePostgres:
    def __init__(self, port: int = 5499, datadir: str | None = None):
        self.port = port
        self.datadir = Path(datadir or f"/tmp/ys_fault_pg_{port}")

    def url(self, database: str = "postgres") -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/{database}"

    def init(self) -> "PrivatePostgres":
        if not (self.datadir / "PG_VERSION").exists():
            subprocess.run(_as_postgres(str(BIN / "initdb"), "-D", str(self.datadir), "-U", "postgres",
                                        "-A", "trust", "-E", "UTF8", "--no-sync", "--locale=C.UTF-8"),
                           check=True, capture_output=True)
        return self

    def start(self) -> None:
        options = (f"-p {self.port} -k /tmp -c listen_addresses=127.0.0.1 -c fsync=off"
                   " -c synchronous_commit=off -c full_page_writes=off")
        subprocess.run(_as_postgres(str(BIN / "pg_ctl"), "-D", str(self.datadir), "-o", options, "-w",
                                    "-l", str(self.datadir / "server.log"), "start"),
                       check=True, capture_output=True)
        deadline = time.monotonic() + 30
        while True:
            try:
                psycopg.connect(self.url(), connect_timeout=2).close()
                return
            except psycopg.OperationalError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)

    def stop(self, mode: str = "fast") -> None:
        """`fast` ends every session at once (what a crash or failover looks like to the app)."""
        subprocess.run(_as_postgres(str(BIN / "pg_ctl"), "-D", str(self.datadir), "-m", mode, "-w", "stop"),
                       check=False, capture_output=True)

    def create_database(self, name: str) -> str:
        with psycopg.connect(self.url(), autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
            conn.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)

    def destroy(self) -> None:
        self.stop("immediate")
        shutil.rmtree(self.datadir, ignore_errors=True)
