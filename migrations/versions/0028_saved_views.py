"""Saved views of the issue list, per user

Revision ID: 0028
Revises: 0027
"""
import sqlalchemy as sa
from alembic import op

from models.types import UTCDateTime

revision = "0028"
down_revision = "0027"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "saved_view",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("user_id", sa.Integer(), sa.ForeignKey("user_account.id"), nullable=False),
        sa.Column("name", sa.String(length=30), nullable=False),
        sa.Column("query", sa.JSON(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.UniqueConstraint("user_id", "name", name="uq_saved_view_user_name"),
    )
    op.create_index("ix_saved_view_user_id", "saved_view", ["user_id"])


def downgrade() -> None:
    op.drop_index("ix_saved_view_user_id", "saved_view")
    op.drop_table("saved_view")
