"""similar issues at intake, repeat calls, department suggestions, 类案

Revision ID: 0019
Revises: 0018

- `issue_repeat`: a call linked to an issue already on record (重复反映) instead of a new issue.
- `suggestion_model`: the department-suggestion model trained on the county's own assignments.
- `issue_class` and `issue_class_member`: 类案, similar issues handled and answered together.
- PostgreSQL: a GIN trigram index (pg_trgm, created by 0004; created here too if missing) on
  the title, for the similar-issue look-up at intake (`title % :typed`). SQLite finds the
  candidates through the FTS5 trigram table `issue_text` of 0007.
"""
import sqlalchemy as sa
import sqlmodel
from alembic import op

from models.types import UTCDateTime

revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "issue_repeat",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("issue_id", sa.Integer(), nullable=False),
        sa.Column("at", UTCDateTime(), nullable=False),
        sa.Column("channel", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("reporter_name", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
        sa.Column("reporter_phone", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=True),
        sa.Column("reporter_org", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
        sa.Column("enterprise_id", sa.Integer(), nullable=True),
        sa.Column("content", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["issue_id"], ["issue.id"]),
        sa.ForeignKeyConstraint(["enterprise_id"], ["enterprise.id"]),
        sa.ForeignKeyConstraint(["created_by_id"], ["user_account.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_issue_repeat_issue", "issue_repeat", ["issue_id", "id"])
    op.create_index("ix_issue_repeat_phone", "issue_repeat", ["reporter_phone"])
    op.create_table(
        "suggestion_model",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("trained_at", UTCDateTime(), nullable=False),
        sa.Column("samples", sa.Integer(), nullable=False),
        sa.Column("departments", sa.Integer(), nullable=False),
        sa.Column("payload", sa.LargeBinary(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "issue_class",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("title", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("lead_department_id", sa.Integer(), nullable=False),
        sa.Column("lead_leader_id", sa.Integer(), nullable=False),
        sa.Column("status", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("answer", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("answered_at", UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(["lead_department_id"], ["department.id"]),
        sa.ForeignKeyConstraint(["lead_leader_id"], ["user_account.id"]),
        sa.ForeignKeyConstraint(["created_by_id"], ["user_account.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "issue_class_member",
        sa.Column("issue_id", sa.Integer(), nullable=False),
        sa.Column("class_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["issue_id"], ["issue.id"]),
        sa.ForeignKeyConstraint(["class_id"], ["issue_class.id"]),
        sa.PrimaryKeyConstraint("issue_id"),
    )
    op.create_index("ix_issue_class_member_class_id", "issue_class_member", ["class_id"])
    if op.get_bind().dialect.name == "postgresql":
        op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        op.execute("CREATE INDEX ix_issue_title_trgm ON issue USING gin (title gin_trgm_ops)")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP INDEX IF EXISTS ix_issue_title_trgm")
    op.drop_index("ix_issue_class_member_class_id", table_name="issue_class_member")
    op.drop_table("issue_class_member")
    op.drop_table("issue_class")
    op.drop_table("suggestion_model")
    op.drop_index("ix_issue_repeat_phone", table_name="issue_repeat")
    op.drop_index("ix_issue_repeat_issue", table_name="issue_repeat")
    op.drop_table("issue_repeat")
