"""staff search: a trigram index over the title and content of every issue

Revision ID: 0007
Revises: 0005

The staff list's `q=` is a substring search over the title and content of all issues
(service/workflow/queries.py, `text_match`). Without an index a term that occurs rarely or nowhere reads
every issue (about a second at 1,000,000 issues). Same technique as the public search of 0004:

- SQLite: an FTS5 table `issue_text` with the trigram tokenizer, *external content* (it keeps
  only the index and reads title and content from `issue`), kept in step by three triggers.
  NOTE for later migrations: an Alembic batch operation on `issue` drops these triggers with
  the old table; call `create_sqlite_triggers()` of this module (and of 0004) afterwards.
- PostgreSQL: a GIN trigram index (pg_trgm, created by 0004) on `title || ' ' || content`,
  the expression the query uses, over all rows.
"""
from alembic import op

revision = "0007"
down_revision = "0005"
branch_labels = None
depends_on = None

SQLITE_TRIGGERS = (
    """CREATE TRIGGER issue_text_insert AFTER INSERT ON issue
        BEGIN
          INSERT INTO issue_text(rowid, title, content) VALUES (new.id, new.title, new.content);
        END""",
    """CREATE TRIGGER issue_text_delete AFTER DELETE ON issue
        BEGIN
          INSERT INTO issue_text(issue_text, rowid, title, content)
          VALUES ('delete', old.id, old.title, old.content);
        END""",
    """CREATE TRIGGER issue_text_update AFTER UPDATE OF title, content ON issue
        BEGIN
          INSERT INTO issue_text(issue_text, rowid, title, content)
          VALUES ('delete', old.id, old.title, old.content);
          INSERT INTO issue_text(rowid, title, content) VALUES (new.id, new.title, new.content);
        END""",
)


def create_sqlite_triggers() -> None:
    for statement in SQLITE_TRIGGERS:
        op.execute(statement)


def upgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        op.execute("CREATE VIRTUAL TABLE issue_text USING fts5(title, content, content = 'issue', "
                   "content_rowid = 'id', tokenize = 'trigram')")
        op.execute("INSERT INTO issue_text(issue_text) VALUES ('rebuild')")
        create_sqlite_triggers()
    elif dialect == "postgresql":
        op.execute("CREATE INDEX ix_issue_text_search ON issue USING gin ((title || ' ' || content) gin_trgm_ops)")


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        for name in ("issue_text_insert", "issue_text_delete", "issue_text_update"):
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
        op.execute("DROP TABLE IF EXISTS issue_text")
    elif dialect == "postgresql":
        op.execute("DROP INDEX IF EXISTS ix_issue_text_search")
