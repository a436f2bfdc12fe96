"""two-factor login (TOTP) and an append-only audit trail

Revision ID: 0005
Revises: 0004

- user_account: the TOTP secret (set at enrolment, in force once `totp_enabled_at` is set) and
  the last accepted time step, so one code is not accepted twice (service/identity/two_factor.py).
- issue_event, the audit trail, becomes append-only in the database itself: triggers refuse
  UPDATE and DELETE of its rows (and TRUNCATE on PostgreSQL), whoever sends them. The
  application refuses the same earlier, in models/audit.py. On PostgreSQL only a superuser can
  step round the triggers (`SET session_replication_role = replica`, which the test fixtures use
  to empty the database between tests); docs/security.md has the roles for production.
  NOTE for later migrations: an Alembic batch operation on `issue_event` under SQLite (move and
  copy) drops these triggers with the old table; call `create_sqlite_triggers()` again after it.
"""
import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

MESSAGE = "issue_event is an append-only audit trail"
SQLITE_TRIGGERS = (
    f"""CREATE TRIGGER issue_event_no_update BEFORE UPDATE ON issue_event
        BEGIN SELECT RAISE(ABORT, '{MESSAGE}: UPDATE refused'); END""",
    f"""CREATE TRIGGER issue_event_no_delete BEFORE DELETE ON issue_event
        BEGIN SELECT RAISE(ABORT, '{MESSAGE}: DELETE refused'); END""",
)
POSTGRES_TRIGGERS = (
    f"""CREATE FUNCTION issue_event_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          RAISE EXCEPTION '{MESSAGE}: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
        END $$""",
    """CREATE TRIGGER issue_event_no_change BEFORE UPDATE OR DELETE ON issue_event
        FOR EACH ROW EXECUTE FUNCTION issue_event_append_only()""",
    """CREATE TRIGGER issue_event_no_truncate BEFORE TRUNCATE ON issue_event
        FOR EACH STATEMENT EXECUTE FUNCTION issue_event_append_only()""",
)


def create_sqlite_triggers() -> None:
    for statement in SQLITE_TRIGGERS:
        op.execute(statement)


def upgrade() -> None:
    with op.batch_alter_table("user_account", schema=None) as batch_op:
        batch_op.add_column(sa.Column("totp_secret", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True))
        batch_op.add_column(sa.Column("totp_enabled_at", sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column("totp_last_step", sa.BigInteger(), nullable=True))
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        create_sqlite_triggers()
    elif dialect == "postgresql":
        for statement in POSTGRES_TRIGGERS:
            op.execute(statement)


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        op.execute("DROP TRIGGER IF EXISTS issue_event_no_update")
        op.execute("DROP TRIGGER IF EXISTS issue_event_no_delete")
    elif dialect == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS issue_event_no_truncate ON issue_event")
        op.execute("DROP TRIGGER IF EXISTS issue_event_no_change ON issue_event")
        op.execute("DROP FUNCTION IF EXISTS issue_event_append_only()")
    with op.batch_alter_table("user_account", schema=None) as batch_op:
        batch_op.drop_column("totp_last_step")
        batch_op.drop_column("totp_enabled_at")
        batch_op.drop_column("totp_secret")
