"""站内通知: the console's notices, per user, never twice for the same cause

Revision ID: 0026
Revises: 0025
"""
import sqlalchemy as sa
from alembic import op

from models.types import UTCDateTime

revision = "0026"
down_revision = "0025"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "notice",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("user_id", sa.Integer(), sa.ForeignKey("user_account.id"), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("issue_id", sa.Integer(), sa.ForeignKey("issue.id"), nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("link", sa.String(length=200), nullable=False),
        sa.Column("dedupe_key", sa.String(length=200), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("read_at", UTCDateTime(), nullable=True),
        sa.UniqueConstraint("user_id", "dedupe_key", name="uq_notice_user_key"),
    )
    op.create_index("ix_notice_user_read", "notice", ["user_id", "read_at"])


def downgrade() -> None:
    op.drop_index("ix_notice_user_read", "notice")
    op.drop_table("notice")
