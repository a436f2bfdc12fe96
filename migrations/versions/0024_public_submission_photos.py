"""Photos sent with a public submission: kept as attachments, shown publicly once approved

Revision ID: 0024
Revises: 0023
"""
import sqlalchemy as sa
from alembic import op

from models.types import UTCDateTime

revision = "0024"
down_revision = "0023"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Plain ADD COLUMNs (a batch copy on SQLite would rebuild the table and drop its triggers).
    op.add_column("attachment", sa.Column("public_status", sa.String(length=16), nullable=True))
    if op.get_bind().dialect.name == "sqlite":
        op.execute("ALTER TABLE attachment ADD COLUMN reviewed_by_id INTEGER REFERENCES user_account (id)")
    else:
        op.add_column("attachment", sa.Column("reviewed_by_id", sa.Integer(), nullable=True))
        op.create_foreign_key("fk_attachment_reviewed_by_id", "attachment", "user_account", ["reviewed_by_id"],
                              ["id"])
    op.add_column("attachment", sa.Column("reviewed_at", UTCDateTime(), nullable=True))


def downgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        op.drop_constraint("fk_attachment_reviewed_by_id", "attachment", type_="foreignkey")
    # SQLite 3.35+ drops a plain column in place
    for column in ("reviewed_at", "reviewed_by_id", "public_status"):
        op.drop_column("attachment", column)
