"""责任人 picked from the department's staff: the issue's handler, and each co-department's

Revision ID: 0027
Revises: 0026

Plain ADD COLUMN, not a batch: on SQLite a batch copies the table, and `issue` would lose the
triggers that keep its search index (0021)."""
import sqlalchemy as sa
from alembic import op

revision = "0027"
down_revision = "0026"
branch_labels = None
depends_on = None

TABLES = ("issue", "issue_co_department")


def upgrade() -> None:
    sqlite = op.get_bind().dialect.name == "sqlite"
    for table in TABLES:
        if sqlite:  # as in 0013: Alembic will not add a column with its constraint there; SQLite will
            op.execute(f"ALTER TABLE {table} ADD COLUMN handler_user_id INTEGER REFERENCES user_account (id)")
        else:
            op.add_column(table, sa.Column("handler_user_id", sa.Integer(), nullable=True))
            op.create_foreign_key(f"fk_{table}_handler_user_id", table, "user_account", ["handler_user_id"], ["id"])
        op.create_index(f"ix_{table}_handler_user_id", table, ["handler_user_id"])


def downgrade() -> None:
    # In place on both databases, as 0013's: a batch copy of `issue` on SQLite would drop its
    # triggers, and the foreign keys pointing at it refuse the copy once it has rows.
    for table in TABLES:
        op.drop_index(f"ix_{table}_handler_user_id", table_name=table)
        op.execute(f"ALTER TABLE {table} DROP COLUMN handler_user_id")
