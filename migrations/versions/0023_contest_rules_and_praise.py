"""擂台赛: the rules in force, and 一事一表扬 records

Revision ID: 0023
Revises: 0022
"""
import sqlalchemy as sa
from alembic import op

from models.types import UTCDateTime

revision = "0023"
down_revision = "0022"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "contest_rules",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("rules", sa.JSON(), nullable=False),
        sa.Column("updated_by_id", sa.Integer(), sa.ForeignKey("user_account.id"), nullable=True),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
    )
    op.create_table(
        "contest_praise",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("department_id", sa.Integer(), sa.ForeignKey("department.id"), nullable=False),
        sa.Column("issue_id", sa.Integer(), sa.ForeignKey("issue.id"), nullable=True),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("note", sa.String(length=200), nullable=False),
        sa.Column("points", sa.Float(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), sa.ForeignKey("user_account.id"), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
    )
    op.create_index("ix_contest_praise_department_id", "contest_praise", ["department_id"])
    op.create_index("ix_contest_praise_day", "contest_praise", ["day"])


def downgrade() -> None:
    op.drop_index("ix_contest_praise_day", "contest_praise")
    op.drop_index("ix_contest_praise_department_id", "contest_praise")
    op.drop_table("contest_praise")
    op.drop_table("contest_rules")
