"""提请上级: the escalation record; the new state 提请中 (`escalated`) needs no schema change,
the status columns hold the state's name as a string of up to 16 characters

Revision ID: 0022
Revises: 0021
"""
import sqlalchemy as sa
import sqlmodel
from alembic import op

from models.types import UTCDateTime

revision = "0022"
down_revision = "0021"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "issue_escalation",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("issue_id", sa.Integer(), sa.ForeignKey("issue.id"), nullable=False),
        sa.Column("event_id", sa.Integer(), sa.ForeignKey("issue_event.id"), nullable=True),
        sa.Column("from_status", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("level", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("agency", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
        sa.Column("document_no", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
        sa.Column("reason", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("sent_on", sa.Date(), nullable=False),
        sa.Column("review_on", sa.Date(), nullable=False),
        sa.Column("followups", sa.JSON(), nullable=False),
        sa.Column("answer", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("answered_on", sa.Date(), nullable=True),
        sa.Column("answered_at", UTCDateTime(), nullable=True),
        sa.Column("by_id", sa.Integer(), sa.ForeignKey("user_account.id"), nullable=True),
        sa.Column("at", UTCDateTime(), nullable=False),
    )
    op.create_index("ix_issue_escalation_issue", "issue_escalation", ["issue_id", "id"])
    op.create_index("ix_issue_escalation_at", "issue_escalation", ["at"])


def downgrade() -> None:
    op.drop_index("ix_issue_escalation_at", table_name="issue_escalation")
    op.drop_index("ix_issue_escalation_issue", table_name="issue_escalation")
    op.drop_table("issue_escalation")
