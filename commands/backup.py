"""`flask --app app backup PATH`: an online copy of the SQLite database.

Uses SQLite's backup API, which copies a consistent snapshot page by page while the service
keeps running (readers and writers wait at most for one step). Copying the file with `cp`
while the service writes can give a torn copy, and misses what still sits in the -wal file.

PostgreSQL is backed up with its own tool, pg_dump; this command says so and stops.
"""
import os
import sqlite3
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

PAGES_PER_STEP = 1024  # about 4 MB a step: writers wait at most that long


def backup_sqlite(database: str, target: Path) -> dict:
    """Copy the SQLite file `database` to `target` (written beside it, then renamed, so a
    half-made copy never has the target's name) and check the copy."""
    partial = target.with_name(target.name + ".partial")
    partial.unlink(missing_ok=True)
    source = sqlite3.connect(database, timeout=30)
    try:
        copy = sqlite3.connect(partial)
        try:
            source.backup(copy, pages=PAGES_PER_STEP)
            # A single file, readable without its -wal: what a restore needs.
            copy.execute("PRAGMA journal_mode=DELETE")
            check = copy.execute("PRAGMA integrity_check").fetchone()[0]
            tables = copy.execute("SELECT count(*) FROM sqlite_master WHERE type = 'table'").fetchone()[0]
        finally:
            copy.close()
    finally:
        source.close()
    if check != "ok":
        partial.unlink(missing_ok=True)
        raise click.ClickException(f"备份副本校验未通过：{check}")
    os.replace(partial, target)
    return {"bytes": target.stat().st_size, "tables": tables}


@click.command("backup")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--force", is_flag=True, help="overwrite PATH if it exists")
@with_appcontext
def backup_command(path: Path, force: bool) -> None:
    """Copy the SQLite database to PATH while the service runs (PostgreSQL: use pg_dump)."""
    engine = current_app.extensions["ys"]["engine"]
    if engine.dialect.name != "sqlite":
        url = engine.url.set(drivername="postgresql").render_as_string(hide_password=True)
        raise click.ClickException(
            "数据库是 PostgreSQL：请用 pg_dump 备份，例如\n"
            f"  pg_dump --format=custom --file=ys-$(date +%F).dump '{url}'\n"
            "恢复：pg_restore --clean --if-exists --dbname=<数据库URL> ys-….dump（见 docs/deploy.md）")
    database = engine.url.database
    if not database or database == ":memory:" or not Path(database).exists():
        raise click.ClickException(f"找不到 SQLite 数据库文件：{database}")
    if path.exists() and not force:
        raise click.ClickException(f"{path} 已存在；换一个文件名，或加 --force 覆盖")
    if path.resolve() == Path(database).resolve():
        raise click.ClickException("备份文件不能是数据库文件本身")
    if not path.parent.is_dir():
        raise click.ClickException(f"目录不存在：{path.parent}")
    result = backup_sqlite(database, path)
    click.echo(f"已备份到 {path}（{result['bytes']} 字节，{result['tables']} 张表，完整性校验通过）")
