"""enterprises on record, townships, 包保 leaders and the leaders' month-end visits

Revision ID: 0013
Revises: 0012

The township list starts with the townships the issues already name, so every existing
issue's free-text township is on it; issues keep their reporter's organisation as typed and
are linked to an enterprise by `flask enterprises link` where the name matches exactly.
"""
import sqlalchemy as sa
from alembic import op

from models.types import UTCDateTime

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "township",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("name", sa.String(64), nullable=False, unique=True),
        sa.Column("sort_order", sa.Integer, nullable=False, server_default="0"),
        sa.Column("active", sa.Boolean, nullable=False, server_default=sa.true()),
    )
    op.create_table(
        "enterprise",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("name", sa.String(200), nullable=False, unique=True),
        sa.Column("credit_code", sa.String(18), nullable=True, unique=True),
        sa.Column("industry", sa.String(64)),
        sa.Column("township", sa.String(64)),
        sa.Column("scale", sa.String(16), nullable=False, server_default="sme"),
        sa.Column("contact_name", sa.String(64)),
        sa.Column("contact_phone", sa.String(20)),
        sa.Column("envoy_name", sa.String(64)),
        sa.Column("envoy_phone", sa.String(20)),
        sa.Column("created_at", UTCDateTime, nullable=False),
        sa.Column("updated_at", UTCDateTime, nullable=False),
    )
    op.create_table(
        "enterprise_leader",
        sa.Column("enterprise_id", sa.Integer, sa.ForeignKey("enterprise.id"), primary_key=True),
        sa.Column("leader_id", sa.Integer, sa.ForeignKey("user_account.id"), primary_key=True),
    )
    op.create_index("ix_enterprise_leader_leader_id", "enterprise_leader", ["leader_id"])
    op.create_table(
        "leader_visit",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("issue_id", sa.Integer, sa.ForeignKey("issue.id"), nullable=False),
        sa.Column("leader_id", sa.Integer, sa.ForeignKey("user_account.id"), nullable=False),
        sa.Column("recorded_by_id", sa.Integer, sa.ForeignKey("user_account.id"), nullable=False),
        sa.Column("on_behalf", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("month", sa.String(7), nullable=False),
        sa.Column("satisfaction", sa.String(16), nullable=False),
        sa.Column("note", sa.Text),
        sa.Column("at", UTCDateTime, nullable=False),
        sa.UniqueConstraint("issue_id", "leader_id", "month", name="uq_leader_visit_month"),
    )
    op.create_index("ix_leader_visit_issue_id", "leader_visit", ["issue_id"])
    op.create_index("ix_leader_visit_leader_month", "leader_visit", ["leader_id", "month"])
    # A plain ADD COLUMN (no table rebuild on SQLite, which would drop the issue table's
    # search and audit triggers).
    if op.get_bind().dialect.name == "sqlite":
        op.execute("ALTER TABLE issue ADD COLUMN enterprise_id INTEGER REFERENCES enterprise (id)")
    else:
        op.add_column("issue", sa.Column("enterprise_id", sa.Integer, nullable=True))
        op.create_foreign_key("fk_issue_enterprise_id", "issue", "enterprise", ["enterprise_id"], ["id"])
    op.create_index("ix_issue_enterprise_id", "issue", ["enterprise_id"])
    conn = op.get_bind()
    names = [row[0] for row in conn.execute(sa.text(
        "SELECT DISTINCT township FROM issue WHERE township IS NOT NULL AND township <> '' ORDER BY township"))]
    if names:
        township = sa.table("township", sa.column("name", sa.String), sa.column("sort_order", sa.Integer),
                            sa.column("active", sa.Boolean))
        conn.execute(sa.insert(township), [{"name": n[:64], "sort_order": i, "active": True}
                                           for i, n in enumerate(names)])


def downgrade() -> None:
    op.drop_index("ix_issue_enterprise_id", "issue")
    # In place on both databases: a batch copy of `issue` on SQLite would drop its triggers, and
    # the foreign keys pointing at it refuse the copy once it has rows.
    op.execute("ALTER TABLE issue DROP COLUMN enterprise_id")
    op.drop_table("leader_visit")
    op.drop_table("enterprise_leader")
    op.drop_table("enterprise")
    op.drop_table("township")
