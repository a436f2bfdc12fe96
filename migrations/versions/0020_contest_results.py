"""擂台赛: each computed quarter stored with the rules in force (a snapshot)

Revision ID: 0020
Revises: 0019
"""
import sqlalchemy as sa
from alembic import op

from models.types import UTCDateTime

revision = "0020"
down_revision = "0019"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "contest_result",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("quarter", sa.Integer(), nullable=False),
        sa.Column("rules", sa.JSON(), nullable=False),
        sa.Column("table", sa.JSON(), nullable=False),
        sa.Column("computed_by_id", sa.Integer(), sa.ForeignKey("user_account.id"), nullable=True),
        sa.Column("computed_at", UTCDateTime(), nullable=False),
        sa.UniqueConstraint("year", "quarter", name="uq_contest_result_quarter"),
    )


def downgrade() -> None:
    op.drop_table("contest_result")
