"""lateness recorded once: deadline judgements per round, the original completion deadline, meeting corrections

Revision ID: 0010
Revises: 0009

- deadline_judgement: the first judgement of each deadline (签收, 回复, 办结, 回访) in each round
  of an issue, append-only like the timeline (triggers refuse UPDATE and DELETE). The figures of
  the assessment count these rows, so a reopening or a late extension can no longer clear a
  late round (service/workflow/transition.py, docs/assessment.md).
- issue: the round number, the current round's reply judgement, the count of late completions
  over all rounds, and the round's original completion deadline beside the approved one.
- meeting_change: corrections of a meeting (title, time, host, attendees), append-only.

The public list is ordered by the date of publication, so a published issue without one (from
an old ledger import) gets its closing date.

Existing issues keep their facts: each judgement already on an issue becomes a row (round 1,
tied to the step's event where there is one); the original completion deadline is the one the
first approved extension started from.
"""
import sqlalchemy as sa
import sqlmodel
from alembic import op


revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

APPEND_ONLY = ("deadline_judgement", "meeting_change")


def _sqlite_triggers(table: str) -> tuple[str, ...]:
    message = f"{table} is append-only"
    return (f"""CREATE TRIGGER {table}_no_update BEFORE UPDATE ON {table}
                BEGIN SELECT RAISE(ABORT, '{message}: UPDATE refused'); END""",
            f"""CREATE TRIGGER {table}_no_delete BEFORE DELETE ON {table}
                BEGIN SELECT RAISE(ABORT, '{message}: DELETE refused'); END""")


POSTGRES_FUNCTION = """CREATE FUNCTION append_only_record() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      RAISE EXCEPTION '% is append-only: % refused', TG_TABLE_NAME, TG_OP USING ERRCODE = 'insufficient_privilege';
    END $$"""


def _postgres_triggers(table: str) -> tuple[str, ...]:
    return (f"""CREATE TRIGGER {table}_no_change BEFORE UPDATE OR DELETE ON {table}
                FOR EACH ROW EXECUTE FUNCTION append_only_record()""",
            f"""CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table}
                FOR EACH STATEMENT EXECUTE FUNCTION append_only_record()""")


# Each judgement an issue already carries, as the row its step would have written (round 1).
BACKFILL = """
INSERT INTO deadline_judgement (issue_id, event_id, round_no, deadline, department_id, assigned_at,
                                due, original_due, at, on_time, met)
SELECT i.id,
       (SELECT MAX(e.id) FROM issue_event e WHERE e.issue_id = i.id AND e.action = '{action}'),
       1, '{deadline}', i.lead_department_id, i.assigned_at, i.{due}, i.{due}, {at}, {flag}, {true}
FROM issue i
WHERE i.lead_department_id IS NOT NULL AND i.{flag} IS NOT NULL
"""


def upgrade() -> None:
    bind = op.get_bind()
    dialect = bind.dialect.name
    true = "true" if dialect == "postgresql" else "1"
    op.add_column("issue", sa.Column("round_no", sa.Integer(), nullable=False, server_default="0"))
    op.add_column("issue", sa.Column("replied_on_time", sa.Boolean(), nullable=True))
    op.add_column("issue", sa.Column("late_completions", sa.Integer(), nullable=False, server_default="0"))
    op.add_column("issue", sa.Column("original_complete_due", sa.Date(), nullable=True))
    op.create_table(
        "deadline_judgement",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("issue_id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=True),
        sa.Column("round_no", sa.Integer(), nullable=False),
        sa.Column("deadline", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("department_id", sa.Integer(), nullable=True),
        sa.Column("assigned_at", sa.DateTime(), nullable=True),
        sa.Column("due", sa.Date(), nullable=True),
        sa.Column("original_due", sa.Date(), nullable=True),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("on_time", sa.Boolean(), nullable=False),
        sa.Column("met", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(["issue_id"], ["issue.id"]),
        sa.ForeignKeyConstraint(["event_id"], ["issue_event.id"]),
        sa.ForeignKeyConstraint(["department_id"], ["department.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("issue_id", "round_no", "deadline", name="uq_deadline_judgement_round"),
    )
    op.create_index("ix_deadline_judgement_issue_id", "deadline_judgement", ["issue_id"])
    op.create_index("ix_deadline_judgement_department", "deadline_judgement", ["department_id", "assigned_at"])
    op.create_table(
        "meeting_change",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("changes", sa.JSON(), nullable=False),
        sa.Column("note", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.ForeignKeyConstraint(["meeting_id"], ["meeting.id"]),
        sa.ForeignKeyConstraint(["actor_id"], ["user_account.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_meeting_change_meeting_id", "meeting_change", ["meeting_id"])

    # The facts already on the issues.
    op.execute("UPDATE issue SET round_no = 1 WHERE assigned_at IS NOT NULL")
    op.execute("""UPDATE issue SET original_complete_due = COALESCE(
                    (SELECT MIN(x.current_due) FROM extension_request x
                     WHERE x.issue_id = issue.id AND x.status = 'approved'), complete_due)
                  WHERE complete_due IS NOT NULL""")
    # 按时回复 as the assessment judged it so far: the reply stored before the end of the local
    # date of 限期回复 (UTC+8).
    local_end = ("(reply_due + INTERVAL '16 hours')" if dialect == "postgresql"
                 else "datetime(reply_due, '+16 hours')")
    op.execute(f"""UPDATE issue SET replied_on_time = CASE
                     WHEN reply_due IS NULL OR replied_at < {local_end} THEN {true} ELSE NOT {true} END
                   WHERE completed_on_time IS NOT NULL AND replied_at IS NOT NULL""")
    op.execute(f"UPDATE issue SET late_completions = 1 WHERE completed_on_time = NOT {true}")
    # The public list is ordered by publication: every published issue has its date.
    op.execute("""UPDATE issue SET published_at = COALESCE(closed_at, updated_at)
                  WHERE status = 'published' AND published_at IS NULL""")
    for action, deadline, due, at, flag in (
            ("accept", "accept_due", "accept_due", "i.accepted_at", "accepted_on_time"),
            ("reply", "reply_due", "reply_due", "i.replied_at", "replied_on_time"),
            ("reply", "complete_due", "complete_due", "i.replied_at", "completed_on_time")):
        op.execute(BACKFILL.format(action=action, deadline=deadline, due=due,
                                   at=f"COALESCE({at}, i.updated_at)", flag=flag, true=true))

    if dialect == "sqlite":
        for table in APPEND_ONLY:
            for statement in _sqlite_triggers(table):
                op.execute(statement)
    elif dialect == "postgresql":
        op.execute(POSTGRES_FUNCTION)
        for table in APPEND_ONLY:
            for statement in _postgres_triggers(table):
                op.execute(statement)


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    for table in APPEND_ONLY:
        if dialect == "sqlite":
            op.execute(f"DROP TRIGGER IF EXISTS {table}_no_update")
            op.execute(f"DROP TRIGGER IF EXISTS {table}_no_delete")
        elif dialect == "postgresql":
            op.execute(f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table}")
            op.execute(f"DROP TRIGGER IF EXISTS {table}_no_change ON {table}")
    if dialect == "postgresql":
        op.execute("DROP FUNCTION IF EXISTS append_only_record()")
    op.drop_index("ix_meeting_change_meeting_id", table_name="meeting_change")
    op.drop_table("meeting_change")
    op.drop_index("ix_deadline_judgement_department", table_name="deadline_judgement")
    op.drop_index("ix_deadline_judgement_issue_id", table_name="deadline_judgement")
    op.drop_table("deadline_judgement")
    # Plain ALTER TABLE on both databases: a batch copy of `issue` on SQLite would drop the
    # search triggers of migration 0004.
    for column in ("original_complete_due", "late_completions", "replied_on_time", "round_no"):
        op.execute(f"ALTER TABLE issue DROP COLUMN {column}")
