"""复查 samples and their verdicts, and 问责 records

Revision ID: 0025
Revises: 0024
"""
import sqlalchemy as sa
from alembic import op

from models.types import UTCDateTime

revision = "0025"
down_revision = "0024"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "recheck_sample",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("period_start", sa.Date(), nullable=False),
        sa.Column("period_end", sa.Date(), nullable=False),
        sa.Column("share", sa.Float(), nullable=False),
        sa.Column("seed", sa.Integer(), nullable=False),
        sa.Column("pool", sa.Integer(), nullable=False),
        sa.Column("drawn_by_id", sa.Integer(), sa.ForeignKey("user_account.id"), nullable=True),
        sa.Column("drawn_at", UTCDateTime(), nullable=False),
        sa.UniqueConstraint("period_start", name="uq_recheck_sample_period"),
    )
    op.create_table(
        "recheck_member",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("sample_id", sa.Integer(), sa.ForeignKey("recheck_sample.id"), nullable=False),
        sa.Column("issue_id", sa.Integer(), sa.ForeignKey("issue.id"), nullable=False),
        sa.Column("reason", sa.String(length=16), nullable=False),
        sa.Column("department_id", sa.Integer(), sa.ForeignKey("department.id"), nullable=True),
        sa.Column("verdict", sa.String(length=8), nullable=True),
        sa.Column("note", sa.String(), nullable=True),
        sa.Column("decided_by_id", sa.Integer(), sa.ForeignKey("user_account.id"), nullable=True),
        sa.Column("decided_at", UTCDateTime(), nullable=True),
        sa.Column("event_id", sa.Integer(), sa.ForeignKey("issue_event.id"), nullable=True),
        sa.UniqueConstraint("sample_id", "issue_id", name="uq_recheck_member_issue"),
    )
    op.create_index("ix_recheck_member_sample_id", "recheck_member", ["sample_id"])
    op.create_index("ix_recheck_member_issue", "recheck_member", ["issue_id", "verdict"])
    op.create_index("ix_recheck_member_department", "recheck_member", ["department_id", "verdict", "decided_at"])
    op.create_table(
        "accountability_record",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("department_id", sa.Integer(), sa.ForeignKey("department.id"), nullable=False),
        sa.Column("issue_ids", sa.JSON(), nullable=False),
        sa.Column("document_no", sa.String(length=64), nullable=False),
        sa.Column("decided_on", sa.Date(), nullable=False),
        sa.Column("note", sa.String(), nullable=True),
        sa.Column("document_filename", sa.String(length=200), nullable=True),
        sa.Column("document_stored_name", sa.String(length=80), nullable=True, unique=True),
        sa.Column("document_size", sa.Integer(), nullable=True),
        sa.Column("created_by_id", sa.Integer(), sa.ForeignKey("user_account.id"), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
    )
    op.create_index("ix_accountability_department", "accountability_record", ["department_id", "decided_on"])
    op.create_index("ix_accountability_record_decided_on", "accountability_record", ["decided_on"])


def downgrade() -> None:
    op.drop_index("ix_accountability_record_decided_on", "accountability_record")
    op.drop_index("ix_accountability_department", "accountability_record")
    op.drop_table("accountability_record")
    op.drop_index("ix_recheck_member_department", "recheck_member")
    op.drop_index("ix_recheck_member_issue", "recheck_member")
    op.drop_index("ix_recheck_member_sample_id", "recheck_member")
    op.drop_table("recheck_member")
    op.drop_table("recheck_sample")
