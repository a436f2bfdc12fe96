"""`flask --app app backup PATH`: an online SQLite copy, and a clear refusal on PostgreSQL."""
import sqlite3
import threading

import pytest
from sqlmodel import Session

from service.core.migrate import upgrade

from ..conftest import PG_ADMIN_URL, County, make_test_app
from ..helpers import ApiClient

# Runs on both databases: it covers code that branches on the dialect (tests/core/test_dialects.py).
pytestmark = pytest.mark.both_db


def test_backup_copies_a_live_sqlite_database_while_it_is_written(tmp_path, password_hash):
    app = make_test_app(f"sqlite:///{tmp_path / 'ys.db'}")
    engine = app.extensions["ys"]["engine"]
    upgrade(engine)
    with Session(engine, expire_on_commit=False) as s:
        api = ApiClient(app.test_client(), County(s, password_hash))
    for _ in range(5):
        api.create_issue()

    stop = threading.Event()

    def keep_writing():  # the service goes on taking issues during the backup
        writer = ApiClient(app.test_client(), api.county)
        while not stop.is_set():
            writer.create_issue()

    thread = threading.Thread(target=keep_writing)
    thread.start()
    try:
        result = app.test_cli_runner().invoke(args=["backup", str(tmp_path / "copy.db")])
    finally:
        stop.set()
        thread.join()
    assert result.exit_code == 0, result.output
    assert "完整性校验通过" in result.output
    copy = sqlite3.connect(tmp_path / "copy.db")
    assert copy.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    issues = copy.execute("SELECT count(*) FROM issue").fetchone()[0]
    events = copy.execute("SELECT count(DISTINCT issue_id) FROM issue_event").fetchone()[0]
    copy.close()
    assert issues >= 5 and events == issues  # a consistent snapshot: every issue with its events

    # the copy is a working database: the service starts on it and lists the same issues
    restored = make_test_app(f"sqlite:///{tmp_path / 'copy.db'}")
    listed = ApiClient(restored.test_client(), api.county).ok("GET", "/api/v1/issues?limit=100", "coordinator")
    assert len(listed["items"]) == issues
    for a in (app, restored):
        a.extensions["ys"]["engine"].dispose()


def test_backup_refuses_to_overwrite_and_names_the_problem(tmp_path):
    app = make_test_app(f"sqlite:///{tmp_path / 'ys.db'}")
    upgrade(app.extensions["ys"]["engine"])
    runner = app.test_cli_runner()
    (tmp_path / "taken.db").write_text("keep me")
    taken = runner.invoke(args=["backup", str(tmp_path / "taken.db")])
    assert taken.exit_code != 0 and "已存在" in taken.output and "--force" in taken.output
    assert (tmp_path / "taken.db").read_text() == "keep me"
    missing_dir = runner.invoke(args=["backup", str(tmp_path / "no" / "such" / "dir.db")])
    assert missing_dir.exit_code != 0 and "目录不存在" in missing_dir.output
    forced = runner.invoke(args=["backup", "--force", str(tmp_path / "taken.db")])
    assert forced.exit_code == 0, forced.output
    app.extensions["ys"]["engine"].dispose()


def test_backup_on_postgresql_points_to_pg_dump():
    app = make_test_app(PG_ADMIN_URL)
    result = app.test_cli_runner().invoke(args=["backup", "/tmp/never-written.db"])
    assert result.exit_code != 0
    assert "pg_dump" in result.output and "pg_restore" in result.output
    app.extensions["ys"]["engine"].dispose()
