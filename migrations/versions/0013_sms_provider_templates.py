"""the templates approved by a mainland SMS provider, per message kind

Revision ID: 0013
Revises: 0012

Aliyun and Tencent Cloud send only templates approved beforehand: for each message kind the
administrator records the provider's template code and the names of the values it takes.
"""
import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "sms_provider_template",
        sa.Column("provider", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("key", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("template_code", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("params", sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
        sa.Column("updated_by_id", sa.Integer(), nullable=True),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["updated_by_id"], ["user_account.id"]),
        sa.PrimaryKeyConstraint("provider", "key"),
    )


def downgrade() -> None:
    op.drop_table("sms_provider_template")
