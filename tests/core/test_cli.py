"""The command line of api.md, and the database settings it relies on."""
from sqlalchemy import text

from service.core.db import make_engine


def test_create_department_and_user_from_the_command_line(app, api):
    runner = app.test_cli_runner()
    out = runner.invoke(args=["create-department", "swj", "县税务局", "--phone", "0915-3212007"])
    assert out.exit_code == 0 and "县税务局" in out.output
    again = runner.invoke(args=["create-department", "swj", "县税务局"])
    assert again.exit_code != 0 and "已存在" in again.output
    out = runner.invoke(args=["create-user", "dept_swj", "--role", "department", "--password",
                              "Shuiwu-2026", "--department", "swj", "--phone", "13700003333"])
    assert out.exit_code == 0, out.output
    missing = runner.invoke(args=["create-user", "x", "--role", "department", "--password",
                                  "Shuiwu-2026", "--department", "nope"])
    assert missing.exit_code != 0 and "nope" in missing.output
    token = api.ok("POST", "/api/v1/auth/token", json={"username": "dept_swj", "password": "Shuiwu-2026"})
    assert token["token"]


def test_init_db_is_repeatable(app):
    runner = app.test_cli_runner()
    for _ in range(2):
        out = runner.invoke(args=["init-db"])
        assert out.exit_code == 0, out.output


def test_sqlite_runs_with_wal_and_foreign_keys(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'ys.db'}")
    with engine.connect() as conn:
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
    engine.dispose()
