"""one index fewer to keep up on every new issue: `ix_issue_created_at` is the key of `ix_issue_collected`

Revision ID: 0009
Revises: 0008

`ix_issue_collected` (0008) leads with `created_at` on both databases, so whatever used
`ix_issue_created_at` (time ranges, the newest issues) is served by it; the narrower index only
cost every insert of an issue one more B-tree to update.
"""
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.drop_index("ix_issue_created_at", table_name="issue")


def downgrade() -> None:
    op.create_index("ix_issue_created_at", "issue", ["created_at"])
