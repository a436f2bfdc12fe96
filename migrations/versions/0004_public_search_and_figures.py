"""public search (Chinese, both dialects), figures and feed indexes

Revision ID: 0004
Revises: 0003

Search over the title and public summary of published issues (service/disclosure/search.py):

- SQLite: an FTS5 table `issue_search` with the trigram tokenizer, holding only the rows the
  public may see, kept in step with `issue` by three triggers. NOTE for later migrations: an
  Alembic batch operation on `issue` (SQLite "move and copy") drops these triggers with the
  old table; call `create_sqlite_triggers()` of this module again afterwards.
- PostgreSQL: the pg_trgm extension and a partial GIN trigram index on the same expression the
  query uses, over published public rows only. pg_trgm makes trigrams of Chinese characters
  only in a database whose LC_CTYPE classifies them as letters (C.UTF-8, zh_CN.UTF-8, ...);
  under LC_CTYPE=C the index holds nothing for Chinese text and search falls back to a scan.

The public statuses are written here as 'published' (models.workflow.PUBLIC_STATUSES): if
that set grows, the triggers, the partial index and this comment grow with it.

Also: a covering index for the figures page (one GROUP BY per year pair, answered from the
index alone) and an index on published_at for the Atom feed.
"""
import logging

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

log = logging.getLogger("alembic.runtime.migration")

PUBLIC = "status = 'published' AND disclosure = 'public'"
SEARCH_EXPR = "(coalesce(public_title, title) || ' ' || coalesce(public_summary, ''))"

SQLITE_TRIGGERS = (
    f"""CREATE TRIGGER issue_search_insert AFTER INSERT ON issue
        WHEN new.status = 'published' AND new.disclosure = 'public'
        BEGIN
          INSERT INTO issue_search(rowid, title, summary)
          VALUES (new.id, coalesce(new.public_title, new.title), coalesce(new.public_summary, ''));
        END""",
    """CREATE TRIGGER issue_search_delete AFTER DELETE ON issue
        WHEN old.status = 'published' AND old.disclosure = 'public'
        BEGIN
          DELETE FROM issue_search WHERE rowid = old.id;
        END""",
    """CREATE TRIGGER issue_search_update
        AFTER UPDATE OF status, disclosure, title, public_title, public_summary ON issue
        BEGIN
          DELETE FROM issue_search WHERE rowid = old.id;
          INSERT INTO issue_search(rowid, title, summary)
          SELECT new.id, coalesce(new.public_title, new.title), coalesce(new.public_summary, '')
          WHERE new.status = 'published' AND new.disclosure = 'public';
        END""",
)


def create_sqlite_triggers() -> None:
    for statement in SQLITE_TRIGGERS:
        op.execute(statement)


def _figures_indexes() -> None:
    op.create_index("ix_issue_figures", "issue",
                    ["year", "status", "channel", "lead_department_id", "completed_on_time", "satisfaction"])
    op.create_index("ix_issue_published_at", "issue", ["published_at"])


def upgrade() -> None:
    dialect = op.get_bind().dialect.name
    _figures_indexes()
    if dialect == "sqlite":
        op.execute("CREATE VIRTUAL TABLE issue_search USING fts5(title, summary, tokenize = 'trigram')")
        op.execute("INSERT INTO issue_search(rowid, title, summary) "
                   "SELECT id, coalesce(public_title, title), coalesce(public_summary, '') "
                   f"FROM issue WHERE {PUBLIC}")
        create_sqlite_triggers()
    elif dialect == "postgresql":
        op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        op.execute(f"CREATE INDEX ix_issue_public_search ON issue USING gin ({SEARCH_EXPR} gin_trgm_ops) "
                   f"WHERE {PUBLIC}")
        trigrams = op.get_bind().execute(sa.text("SELECT show_trgm('营商环境')")).scalar()
        if not trigrams:
            log.warning("pg_trgm makes no trigrams of Chinese text in this database (LC_CTYPE=C?): "
                        "public search still works, by scanning; create the database with "
                        "LC_CTYPE 'C.UTF-8' or 'zh_CN.UTF-8' for an indexed search")


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        for name in ("issue_search_insert", "issue_search_delete", "issue_search_update"):
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
        op.execute("DROP TABLE IF EXISTS issue_search")
    elif dialect == "postgresql":
        op.execute("DROP INDEX IF EXISTS ix_issue_public_search")
        # the extension stays: other objects of the database may have come to use it
    op.drop_index("ix_issue_published_at", table_name="issue")
    op.drop_index("ix_issue_figures", table_name="issue")
