"""答复, 办结答复 and 办理情况报告 as their own steps

Revision ID: 0015
Revises: 0014

- issue.answered_at: the first answer to the reporter in the current round (an interim 答复 or
  the 办结答复); issue.reported_at: the latest 办理情况报告 to the lead leader;
  issue.reported_on_time: the current round's judgement of 限期报告.
- issue_report: each 办理情况报告, addressed to the issue's lead leader, with the time the
  leader read it.

Existing issues keep every fact: until now one `reply` stood for both the answer and the
result, so an issue already replied has been answered then (answered_at = replied_at); no
report was ever made, so nothing is judged against 限期报告 for them, and a report owed on an
issue still open counts as missing once its deadline has passed, as for any new issue.
"""
import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("issue") as batch_op:
        batch_op.add_column(sa.Column("answered_at", sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column("reported_at", sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column("reported_on_time", sa.Boolean(), nullable=True))
    op.create_table(
        "issue_report",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("issue_id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=True),
        sa.Column("leader_id", sa.Integer(), nullable=True),
        sa.Column("department_id", sa.Integer(), nullable=True),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("body", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("read_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(["issue_id"], ["issue.id"]),
        sa.ForeignKeyConstraint(["event_id"], ["issue_event.id"]),
        sa.ForeignKeyConstraint(["leader_id"], ["user_account.id"]),
        sa.ForeignKeyConstraint(["department_id"], ["department.id"]),
        sa.ForeignKeyConstraint(["author_id"], ["user_account.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_issue_report_issue_id", "issue_report", ["issue_id"])
    op.create_index("ix_issue_report_leader", "issue_report", ["leader_id", "read_at", "id"])
    # The reply given so far was the first answer too.
    op.execute("UPDATE issue SET answered_at = replied_at WHERE replied_at IS NOT NULL")


def downgrade() -> None:
    op.drop_index("ix_issue_report_leader", table_name="issue_report")
    op.drop_index("ix_issue_report_issue_id", table_name="issue_report")
    op.drop_table("issue_report")
    # In place on both databases: a batch copy of `issue` on SQLite would drop its triggers, and
    # the foreign keys pointing at it refuse the copy once it has rows.
    for column in ("reported_on_time", "reported_at", "answered_at"):
        op.execute(f"ALTER TABLE issue DROP COLUMN {column}")
