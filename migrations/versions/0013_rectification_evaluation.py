"""整改评估: the office's evaluation of a closed issue, required before it is published

Revision ID: 0013
Revises: 0012

Issues already published keep their publication; they were published before an evaluation
was asked for and have none.
"""
import sqlalchemy as sa
import sqlmodel
from alembic import op

from models.types import UTCDateTime

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "issue_evaluation",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("issue_id", sa.Integer(), sa.ForeignKey("issue.id"), nullable=False),
        sa.Column("event_id", sa.Integer(), sa.ForeignKey("issue_event.id"), nullable=True),
        sa.Column("round_no", sa.Integer(), nullable=False),
        sa.Column("verdict", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("evidence", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("attachment_ids", sa.JSON(), nullable=False),
        sa.Column("evaluator_id", sa.Integer(), sa.ForeignKey("user_account.id"), nullable=True),
        sa.Column("evaluated_on", sa.Date(), nullable=False),
        sa.Column("at", UTCDateTime(), nullable=False),
    )
    op.create_index("ix_issue_evaluation_issue", "issue_evaluation", ["issue_id", "id"])


def downgrade() -> None:
    op.drop_index("ix_issue_evaluation_issue", table_name="issue_evaluation")
    op.drop_table("issue_evaluation")
