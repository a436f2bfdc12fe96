"""Alembic environment. The app's `init-db` passes a live connection; the `alembic` command
line takes the URL from `-x url=...` or DATABASE_URL."""
import os

from alembic import context
from sqlalchemy import pool

import models
from service.core.db import make_engine

config = context.config
target_metadata = models.metadata


def _url() -> str:
    return context.get_x_argument(as_dictionary=True).get("url") or os.environ.get(
        "DATABASE_URL", "sqlite:///instance/ys.db")


def _render_item(type_, obj, autogen_context):
    # Columns of our UTCDateTime are plain DateTime in the database; keep migrations free of
    # application imports.
    if type_ == "type" and isinstance(obj, models.UTCDateTime):
        return "sa.DateTime()"
    return False


# Search structures made by hand in migration 0004 (FTS5 table and its shadow tables on SQLite,
# the pg_trgm expression index on PostgreSQL): autogenerate must not propose dropping them.
HAND_MADE = ("issue_search", "ix_issue_public_search")


def _include_object(obj, name, type_, reflected, compare_to):
    return not (reflected and compare_to is None and name and name.startswith(HAND_MADE))


def run_offline() -> None:
    context.configure(url=_url(), target_metadata=target_metadata, literal_binds=True,
                      render_as_batch=True, render_item=_render_item,
                      include_object=_include_object)
    with context.begin_transaction():
        context.run_migrations()


def _run(connection) -> None:
    context.configure(connection=connection, target_metadata=target_metadata,
                      render_as_batch=connection.dialect.name == "sqlite",
                      render_item=_render_item, include_object=_include_object)
    with context.begin_transaction():
        context.run_migrations()


def run_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    engine = make_engine(_url(), poolclass=pool.NullPool)
    with engine.connect() as conn:
        _run(conn)
        conn.commit()


if context.is_offline_mode():
    run_offline()
else:
    run_online()
