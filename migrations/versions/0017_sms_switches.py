"""Messages to reporters switched off per channel by the administrator

Revision ID: 0017
Revises: 0016

A row names a kind of message to reporters (registration, assignment, answer, reply, extension,
挂账, closure…) that is not sent for one channel's issues. No row: the message is sent.
"""
import sqlalchemy as sa
import sqlmodel
from alembic import op

from models.types import UTCDateTime

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "sms_switch_off",
        sa.Column("template", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("channel", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("by_id", sa.Integer(), nullable=True),
        sa.Column("at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["by_id"], ["user_account.id"]),
        sa.PrimaryKeyConstraint("template", "channel"),
    )


def downgrade() -> None:
    op.drop_table("sms_switch_off")
