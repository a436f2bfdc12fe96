"""企业评议: rating rounds, the enterprises asked and their ratings of departments

Revision ID: 0029
Revises: 0028
"""
import sqlalchemy as sa
from alembic import op

from models.types import UTCDateTime

revision = "0029"
down_revision = "0028"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "rating_round",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("title", sa.String(length=100), nullable=False),
        sa.Column("period_from", sa.Date(), nullable=False),
        sa.Column("period_to", sa.Date(), nullable=False),
        sa.Column("answer_by", sa.Date(), nullable=False),
        sa.Column("skipped", sa.JSON(), nullable=False),
        sa.Column("opened_by_id", sa.Integer(), sa.ForeignKey("user_account.id"), nullable=True),
        sa.Column("opened_at", UTCDateTime(), nullable=False),
    )
    op.create_index("ix_rating_round_period_from", "rating_round", ["period_from"])
    op.create_table(
        "rating_invitation",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("round_id", sa.Integer(), sa.ForeignKey("rating_round.id"), nullable=False),
        sa.Column("enterprise_id", sa.Integer(), sa.ForeignKey("enterprise.id"), nullable=False),
        sa.Column("phone", sa.String(length=20), nullable=False),
        sa.Column("nonce", sa.String(length=32), nullable=False, unique=True),
        sa.Column("sent_at", UTCDateTime(), nullable=False),
        sa.UniqueConstraint("round_id", "enterprise_id", name="uq_rating_invitation_enterprise"),
    )
    op.create_index("ix_rating_invitation_round_id", "rating_invitation", ["round_id"])
    op.create_table(
        "department_rating",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("round_id", sa.Integer(), sa.ForeignKey("rating_round.id"), nullable=False),
        sa.Column("invitation_id", sa.Integer(), sa.ForeignKey("rating_invitation.id"), nullable=False),
        sa.Column("department_id", sa.Integer(), sa.ForeignKey("department.id"), nullable=False),
        sa.Column("issues", sa.Integer(), nullable=False),
        sa.Column("score", sa.Integer(), nullable=True),
        sa.Column("comment", sa.String(length=300), nullable=True),
        sa.Column("answered_at", UTCDateTime(), nullable=True),
        sa.UniqueConstraint("invitation_id", "department_id", name="uq_department_rating_once"),
        sa.CheckConstraint("score IS NULL OR (score >= 1 AND score <= 5)", name="ck_department_rating_score"),
    )
    for column in ("round_id", "invitation_id", "department_id"):
        op.create_index(f"ix_department_rating_{column}", "department_rating", [column])


def downgrade() -> None:
    for column in ("round_id", "invitation_id", "department_id"):
        op.drop_index(f"ix_department_rating_{column}", "department_rating")
    op.drop_table("department_rating")
    op.drop_index("ix_rating_invitation_round_id", "rating_invitation")
    op.drop_table("rating_invitation")
    op.drop_index("ix_rating_round_period_from", "rating_round")
    op.drop_table("rating_round")
