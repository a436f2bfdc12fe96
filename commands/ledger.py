"""`flask --app app ledger export|import`: the Excel ledger (问题台账) from the command line.

    flask --app app ledger export --from 2026-01-01 --to 2026-12-31 PATH [--masked]
    flask --app app ledger import PATH [--dry-run] [--actor USERNAME]

The import checks every row, shows a progress bar while it reads, prints the refused rows
with their reasons, and exits with status 1 when any row is refused (then nothing is
imported: the whole file or none of it).
"""
import sys
from datetime import datetime, timezone
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy import select

from models import User
from service import ledger
from service.core.db import open_session
from service.core.errors import DomainError
from service.ledger.importer import MAX_FILE_SIZE

PROGRESS_FROM_ROWS = 200  # smaller files are read before a bar would be drawn


def _session(write: bool):
    return open_session(current_app.extensions["ys"]["engine"], write=write)


def _fail(exc: DomainError) -> None:
    fields = "；".join(f"{k}: {v}" for k, v in exc.fields.items() if v != exc.message)
    raise click.ClickException(exc.message + (f"（{fields}）" if fields else ""))


@click.group("ledger")
def ledger_group() -> None:
    """The Excel ledger (问题台账): export a period, import an existing ledger."""


@ledger_group.command("export")
@click.option("--from", "start", required=True, type=click.DateTime(["%Y-%m-%d"]),
              help="first registration date, YYYY-MM-DD (Asia/Shanghai)")
@click.option("--to", "end", required=True, type=click.DateTime(["%Y-%m-%d"]),
              help="last registration date, YYYY-MM-DD (inclusive)")
@click.option("--masked", is_flag=True, help="mask reporters' names, organisations and phones")
@click.argument("path", type=click.Path(dir_okay=False, writable=True, path_type=Path))
@with_appcontext
def export_command(start: datetime, end: datetime, masked: bool, path: Path) -> None:
    """Write the ledger of issues registered between --from and --to to PATH (.xlsx)."""
    with _session(write=False) as session:
        try:
            period = ledger.check_period(start.date(), end.date())
            content, count = ledger.export_ledger(session, None, period, datetime.now(timezone.utc),
                                                  masked=masked)
        except DomainError as exc:
            _fail(exc)
    path.write_bytes(content)
    click.echo(f"已导出 {count} 件问题（{period.label}{'，已脱敏' if masked else ''}）到 {path}")


def _actor(session, username: str | None) -> User | None:
    if username is None:
        return None
    user = session.execute(select(User).where(User.username == username)).scalars().first()
    if user is None or not user.active:
        raise click.ClickException(f"用户 {username} 不存在或已停用")
    return user


@ledger_group.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, readable=True, path_type=Path))
@click.option("--dry-run", is_flag=True, help="check every row and report, write nothing")
@click.option("--actor", "username", default=None,
              help="the user recorded as importing (must be a coordinator or admin)")
@with_appcontext
def import_command(path: Path, dry_run: bool, username: str | None) -> None:
    """Import the ledger file PATH: all rows, or none when any row is refused (exit status 1)."""
    if path.stat().st_size > MAX_FILE_SIZE:
        raise click.ClickException("文件超过 10 MB，请拆分后分批导入")
    data = path.read_bytes()
    with _session(write=not dry_run) as session:
        actor = _actor(session, username)
        try:
            report = _run(session, data, actor, dry_run, path.name)
        except DomainError as exc:
            _fail(exc)
    for outcome in report.refused:
        click.echo(f"  第 {outcome.row} 行 {outcome.code or ''}：{outcome.message}", err=True)
    click.echo(("【试导入】" if dry_run else "") + report.summary)
    if report.refused:
        raise SystemExit(1)


class _ProgressBar:
    """click's progress bar on stderr, drawn once the file turns out to be large."""

    def __init__(self) -> None:
        self.bar = None

    def __call__(self, done: int, total: int) -> None:
        if self.bar is None:
            if total < PROGRESS_FROM_ROWS:
                return
            self.bar = click.progressbar(length=total, label="检查台账", show_pos=True,
                                         file=sys.stderr)
            self.bar.__enter__()
        self.bar.update(min(done, self.bar.length) - self.bar.pos)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.__exit__(None, None, None)


def _run(session, data: bytes, actor: User | None, dry_run: bool, name: str) -> ledger.ImportReport:
    bar = _ProgressBar()
    try:
        return ledger.import_ledger(session, data, actor, datetime.now(timezone.utc), dry_run,
                                    filename=name, progress=bar)
    finally:
        bar.close()


__all__ = ["ledger_group"]
