"""整改评估 before publication; 公示批次 and their objections (异议)

Revision ID: 0016
Revises: 0015

Evaluations are on record: append-only like the timeline, refused any change or removal by
database triggers (as migrations 0005 and 0010 do for the other audit records).

Issues already published keep their publication; they were published before an evaluation
was asked for and have none.
"""
import sqlalchemy as sa
import sqlmodel
from alembic import op

from models.types import UTCDateTime

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None


TABLE = "issue_evaluation"
SQLITE_TRIGGERS = (
    f"""CREATE TRIGGER {TABLE}_no_update BEFORE UPDATE ON {TABLE}
        BEGIN SELECT RAISE(ABORT, '{TABLE} is append-only: UPDATE refused'); END""",
    f"""CREATE TRIGGER {TABLE}_no_delete BEFORE DELETE ON {TABLE}
        BEGIN SELECT RAISE(ABORT, '{TABLE} is append-only: DELETE refused'); END""",
)
# append_only_record() is created by migration 0010.
POSTGRES_TRIGGERS = (
    f"""CREATE TRIGGER {TABLE}_no_change BEFORE UPDATE OR DELETE ON {TABLE}
        FOR EACH ROW EXECUTE FUNCTION append_only_record()""",
    f"""CREATE TRIGGER {TABLE}_no_truncate BEFORE TRUNCATE ON {TABLE}
        FOR EACH STATEMENT EXECUTE FUNCTION append_only_record()""",
)


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
    op.create_table(
        "disclosure_batch",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("title", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=False),
        sa.Column("meeting_id", sa.Integer(), sa.ForeignKey("meeting.id"), nullable=True),
        sa.Column("created_by_id", sa.Integer(), sa.ForeignKey("user_account.id"), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
    )
    op.create_table(
        "disclosure_batch_issue",
        sa.Column("batch_id", sa.Integer(), sa.ForeignKey("disclosure_batch.id"), primary_key=True),
        sa.Column("issue_id", sa.Integer(), sa.ForeignKey("issue.id"), primary_key=True),
    )
    op.create_index("ix_disclosure_batch_issue_issue_id", "disclosure_batch_issue", ["issue_id"])
    op.create_table(
        "objection",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("batch_id", sa.Integer(), sa.ForeignKey("disclosure_batch.id"), nullable=False),
        sa.Column("issue_id", sa.Integer(), sa.ForeignKey("issue.id"), nullable=True),
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
        sa.Column("phone", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("content", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("at", UTCDateTime(), nullable=False),
        sa.Column("answer", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("answered_by_id", sa.Integer(), sa.ForeignKey("user_account.id"), nullable=True),
        sa.Column("answered_at", UTCDateTime(), nullable=True),
    )
    op.create_index("ix_objection_batch", "objection", ["batch_id", "id"])
    dialect = op.get_bind().dialect.name
    for statement in {"sqlite": SQLITE_TRIGGERS, "postgresql": POSTGRES_TRIGGERS}.get(dialect, ()):
        op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute(f"DROP TRIGGER IF EXISTS {TABLE}_no_update")
        op.execute(f"DROP TRIGGER IF EXISTS {TABLE}_no_delete")
    else:
        op.execute(f"DROP TRIGGER IF EXISTS {TABLE}_no_truncate ON {TABLE}")
        op.execute(f"DROP TRIGGER IF EXISTS {TABLE}_no_change ON {TABLE}")
    op.drop_table("objection")
    op.drop_table("disclosure_batch_issue")
    op.drop_table("disclosure_batch")
    op.drop_index("ix_issue_evaluation_issue", table_name="issue_evaluation")
    op.drop_table("issue_evaluation")
