"""征求意见 on the plan; the return-visit attempts before 销号 set per policy

Revision ID: 0018
Revises: 0017

A policy with `consult_days` shows the lead department's plan to the reporter, who has that many
working days to agree or object. The administrator's rows for the forum and the breakfast
meeting take 3 days, the built-in rules' default for those channels; the others none.
`visit_attempts` (3 until now for every policy) is kept per policy.
"""
import sqlalchemy as sa
import sqlmodel
from alembic import op

from models.types import UTCDateTime

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("deadline_policy") as batch:
        batch.add_column(sa.Column("visit_attempts", sa.Integer(), nullable=False, server_default="3"))
        batch.add_column(sa.Column("consult_days", sa.Integer(), nullable=True))
    op.execute("UPDATE deadline_policy SET consult_days = 3 WHERE channel IN ('forum', 'breakfast')")
    op.create_table(
        "plan_consultation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("issue_id", sa.Integer(), nullable=False),
        sa.Column("nonce", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("plan", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("phone", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("sent_at", UTCDateTime(), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("expires_at", UTCDateTime(), nullable=False),
        sa.Column("outcome", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("reason", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("answered_at", UTCDateTime(), nullable=True),
        sa.Column("via", sqlmodel.sql.sqltypes.AutoString(length=8), nullable=True),
        sa.Column("decided_by_id", sa.Integer(), nullable=True),
        sa.Column("decided_at", UTCDateTime(), nullable=True),
        sa.Column("decision", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.ForeignKeyConstraint(["issue_id"], ["issue.id"]),
        sa.ForeignKeyConstraint(["decided_by_id"], ["user_account.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("nonce"),
    )
    op.create_index("ix_plan_consultation_issue", "plan_consultation", ["issue_id"])
    op.create_index("ix_plan_consultation_open", "plan_consultation", ["outcome", "due_on"])


def downgrade() -> None:
    op.drop_index("ix_plan_consultation_open", "plan_consultation")
    op.drop_index("ix_plan_consultation_issue", "plan_consultation")
    op.drop_table("plan_consultation")
    with op.batch_alter_table("deadline_policy") as batch:
        batch.drop_column("consult_days")
        batch.drop_column("visit_attempts")
