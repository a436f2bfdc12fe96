"""server-side console sessions, login budgets instead of a lock, idempotent retries

Revision ID: 0011
Revises: 0010

- api_token.kind: a row is an API bearer token ("api") or a console login ("console"); logging
  out revokes the row, so a copy of the session cookie made before 退出 is worthless after it.
- login_throttle: per client, its login attempts in the current window; per (account, client),
  the wrong answers in a row that make that client wait (service/identity/login_throttle.py). It
  replaces the per-account lock (user_account.failed_logins, locked_until), which anyone could
  trigger against anyone.
- idempotent_request: the first answer to a workflow step sent with an Idempotency-Key.
- attachment.filename: bidirectional control characters removed from the names stored before
  uploads dropped them (service/workflow/attachments.py BIDI_CONTROLS), so no name shows a false type.
"""
import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

# As service.workflow.attachments.BIDI_CONTROLS (migrations import nothing of the application's).
BIDI_CONTROLS = ["\u061c", "\u200e", "\u200f", *map(chr, range(0x202A, 0x202F)), *map(chr, range(0x2066, 0x206A))]


def _drop_column(table: str, column: str) -> None:
    """In place on both databases. On SQLite a batch operation would copy and drop the table,
    which the foreign keys pointing at user_account refuse once it has rows; SQLite drops a
    plain column itself since 3.35."""
    if op.get_bind().dialect.name == "sqlite":
        op.execute(f"ALTER TABLE {table} DROP COLUMN {column}")
    else:
        op.drop_column(table, column)


def upgrade() -> None:
    with op.batch_alter_table("api_token", schema=None) as batch_op:
        batch_op.add_column(sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(length=8), nullable=False,
                                      server_default="api"))
    _drop_column("user_account", "locked_until")
    _drop_column("user_account", "failed_logins")
    op.create_table(
        "login_throttle",
        sa.Column("account", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("client", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("hits", sa.Integer(), nullable=False),
        sa.Column("window_start", sa.DateTime(), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("last_failure_at", sa.DateTime(), nullable=True),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("account", "client"),
    )
    op.create_index("ix_login_throttle_updated_at", "login_throttle", ["updated_at"])
    op.create_table(
        "idempotent_request",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("key", sqlmodel.sql.sqltypes.AutoString(length=128), nullable=False),
        sa.Column("fingerprint", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("status", sa.Integer(), nullable=False),
        sa.Column("answer", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["user_account.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("user_id", "key", name="uq_idempotent_request_user_key"),
    )
    op.create_index("ix_idempotent_request_created_at", "idempotent_request", ["created_at"])
    strip = sa.text("UPDATE attachment SET filename = replace(filename, :c, '') "
                    "WHERE filename LIKE '%' || :c || '%'")
    for char in BIDI_CONTROLS:
        op.get_bind().execute(strip, {"c": char})


def downgrade() -> None:
    op.drop_index("ix_idempotent_request_created_at", table_name="idempotent_request")
    op.drop_table("idempotent_request")
    op.drop_index("ix_login_throttle_updated_at", table_name="login_throttle")
    op.drop_table("login_throttle")
    with op.batch_alter_table("user_account", schema=None) as batch_op:
        batch_op.add_column(sa.Column("failed_logins", sa.Integer(), nullable=False, server_default="0"))
        batch_op.add_column(sa.Column("locked_until", sa.DateTime(), nullable=True))
    op.execute("DELETE FROM api_token WHERE kind = 'console'")
    _drop_column("api_token", "kind")
