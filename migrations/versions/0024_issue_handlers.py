"""责任人 picked from the department's staff: the issue's handler, and each co-department's

Revision ID: 0024
Revises: 0023
"""
import sqlalchemy as sa
from alembic import op

revision = "0024"
down_revision = "0023"
branch_labels = None
depends_on = None


def upgrade() -> None:
    for table in ("issue", "issue_co_department"):
        with op.batch_alter_table(table) as batch:
            batch.add_column(sa.Column("handler_user_id", sa.Integer(), nullable=True))
            batch.create_foreign_key(f"fk_{table}_handler_user_id", "user_account", ["handler_user_id"], ["id"])
            batch.create_index(f"ix_{table}_handler_user_id", ["handler_user_id"])


def downgrade() -> None:
    for table in ("issue_co_department", "issue"):
        with op.batch_alter_table(table) as batch:
            batch.drop_index(f"ix_{table}_handler_user_id")
            batch.drop_constraint(f"fk_{table}_handler_user_id", type_="foreignkey")
            batch.drop_column("handler_user_id")
