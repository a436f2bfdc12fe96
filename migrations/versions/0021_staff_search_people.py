"""staff search finds people: the reporter's name, organisation and phone join the title and
content in the staff search's trigram index

Revision ID: 0021
Revises: 0020

The hotline is asked “the call from 张经理 last week” or “the one from the number ending 5678”:
the staff list's `q=` (service/workflow/queries.py, the staff view of service/core/text_search.py)
looks for every term in the title, the content, and the reporter's name, organisation and phone.

- SQLite: the FTS5 table `issue_text` of 0007 is made again with the three reporter columns
  (external content: the index only, read from `issue`), rebuilt, and its three triggers follow
  the five columns. NOTE for later migrations: an Alembic batch operation on `issue` drops these
  triggers with the old table; call `create_sqlite_triggers()` of this module afterwards.
- PostgreSQL: the GIN trigram index `ix_issue_text_search` of 0007 is made again on the
  expression the query uses, the five fields joined by spaces.
"""
from alembic import op

revision = "0021"
down_revision = "0020"
branch_labels = None
depends_on = None

COLUMNS = ("title", "content", "reporter_name", "reporter_org", "reporter_phone")
OLD_COLUMNS = ("title", "content")
PG_EXPRESSION = ("title || ' ' || content || ' ' || coalesce(reporter_name, '') || ' ' || "
                 "coalesce(reporter_org, '') || ' ' || coalesce(reporter_phone, '')")
TRIGGERS = ("issue_text_insert", "issue_text_delete", "issue_text_update")


def _triggers(columns: tuple[str, ...]) -> tuple[str, ...]:
    names = ", ".join(columns)
    new = ", ".join(f"new.{c}" for c in columns)
    old = ", ".join(f"old.{c}" for c in columns)
    return (
        f"""CREATE TRIGGER issue_text_insert AFTER INSERT ON issue
            BEGIN
              INSERT INTO issue_text(rowid, {names}) VALUES (new.id, {new});
            END""",
        f"""CREATE TRIGGER issue_text_delete AFTER DELETE ON issue
            BEGIN
              INSERT INTO issue_text(issue_text, rowid, {names}) VALUES ('delete', old.id, {old});
            END""",
        f"""CREATE TRIGGER issue_text_update AFTER UPDATE OF {names} ON issue
            BEGIN
              INSERT INTO issue_text(issue_text, rowid, {names}) VALUES ('delete', old.id, {old});
              INSERT INTO issue_text(rowid, {names}) VALUES (new.id, {new});
            END""",
    )


def create_sqlite_triggers() -> None:
    for statement in _triggers(COLUMNS):
        op.execute(statement)


def _sqlite_table(columns: tuple[str, ...]) -> None:
    for name in TRIGGERS:
        op.execute(f"DROP TRIGGER IF EXISTS {name}")
    op.execute("DROP TABLE IF EXISTS issue_text")
    op.execute(f"CREATE VIRTUAL TABLE issue_text USING fts5({', '.join(columns)}, content = 'issue', "
               "content_rowid = 'id', tokenize = 'trigram')")
    op.execute("INSERT INTO issue_text(issue_text) VALUES ('rebuild')")
    for statement in _triggers(columns):
        op.execute(statement)


def upgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        _sqlite_table(COLUMNS)
    elif dialect == "postgresql":
        op.execute("DROP INDEX IF EXISTS ix_issue_text_search")
        op.execute(f"CREATE INDEX ix_issue_text_search ON issue USING gin (({PG_EXPRESSION}) gin_trgm_ops)")


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        _sqlite_table(OLD_COLUMNS)
    elif dialect == "postgresql":
        op.execute("DROP INDEX IF EXISTS ix_issue_text_search")
        op.execute("CREATE INDEX ix_issue_text_search ON issue USING gin ((title || ' ' || content) gin_trgm_ops)")
