"""`flask --app app enterprises link|import`: the enterprise register from the command line.

    flask --app app enterprises link [--dry-run]
    flask --app app enterprises import PATH [--dry-run]

`link` links every issue without an enterprise whose reporter's organisation is exactly an
enterprise's name (surrounding spaces aside) and lists the issues whose organisation matched
none, to be linked by hand. `import` reads the enterprise list (.xlsx): every row, or none
when any row is refused (exit status 1).
"""
from datetime import datetime, timezone
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from service.core.db import open_session
from service.core.errors import DomainError
from service.enterprises.importer import import_enterprises
from service.enterprises.registry import link_existing_issues


@click.group("enterprises")
def enterprises_group() -> None:
    """The enterprise register (企业库): link old issues, import the enterprise list."""


@enterprises_group.command("link")
@click.option("--dry-run", is_flag=True, help="list what would be linked, change nothing")
@with_appcontext
def link_command(dry_run: bool) -> None:
    """Link issues to enterprises whose name matches the reporter's organisation exactly."""
    with open_session(current_app.extensions["ys"]["engine"], write=not dry_run) as session:
        report = link_existing_issues(session, None, datetime.now(timezone.utc), dry_run=dry_run)
    verb = "可关联" if dry_run else "已关联"
    click.echo(f"{verb} {len(report.linked)} 件，未匹配 {len(report.unmatched)} 件")
    for code, name in report.linked:
        click.echo(f"  {verb} {code} → {name}")
    for code, org in report.unmatched:
        click.echo(f"  未匹配 {code}：{org}")


@enterprises_group.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, readable=True, path_type=Path))
@click.option("--dry-run", is_flag=True, help="check every row and report, write nothing")
@with_appcontext
def import_command(path: Path, dry_run: bool) -> None:
    """Import the enterprise list PATH (.xlsx): all rows, or none when any row is refused."""
    with open_session(current_app.extensions["ys"]["engine"], write=True) as session:
        try:
            report = import_enterprises(session, path.read_bytes(), None, datetime.now(timezone.utc), dry_run)
        except DomainError as exc:
            raise click.ClickException(exc.message) from None
    for refused in report.refused:
        click.echo(f"第{refused['row']}行：{refused['reason']}", err=True)
    if report.refused:
        raise click.ClickException(f"有 {len(report.refused)} 行不能导入，未导入任何企业")
    done = "试导入：将" if dry_run else "已"
    click.echo(f"{done}新建 {report.created} 家、更新 {report.updated} 家企业")
