"""assessment: covering indexes for the department figures, channel figures and colours

Revision ID: 0008
Revises: 0007

The assessment (service/assessment/rates.py, service/assessment/channels.py) aggregates a period's issues
by SQL. Without these, a year's department figures at 1,000,000 issues read the whole `issue`
table and the whole `issue_event` table (returns); with them each figure is an index-only scan
(bench/assessment.py, figures in bench/README.md).

PostgreSQL gets covering indexes (INCLUDE); SQLite, which has none, gets the same columns
appended to the key.
"""
import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

ASSESSMENT = ["lead_department_id", "status", "accepted_on_time", "accept_due", "reply_due", "replied_at",
              "complete_due", "completed_on_time", "satisfaction", "reopen_count", "extension_count", "next_due"]
OPEN_OR_SUSPENDED = "status IN ('assigned', 'in_progress', 'replied', 'suspended')"
COLLECTED = ["status", "channel", "answered_on_spot", "satisfaction", "category", "township"]


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.create_index("ix_issue_assessment", "issue", ["assigned_at"], postgresql_include=ASSESSMENT)
        op.create_index("ix_issue_collected", "issue", ["created_at"], postgresql_include=COLLECTED)
        op.create_index("ix_issue_event_return", "issue_event", ["at"],
                        postgresql_where=sa.text("action = 'return'"))
    else:
        op.create_index("ix_issue_assessment", "issue", ["assigned_at", *ASSESSMENT])
        op.create_index("ix_issue_collected", "issue", ["created_at", *COLLECTED])
        op.create_index("ix_issue_event_return", "issue_event", ["at"], sqlite_where=sa.text("action = 'return'"))
    # Partial: only issues whose colour can be asked for, so it never competes with the indexes
    # of the public pages (published issues).
    op.create_index("ix_issue_colours", "issue", ["lead_department_id", "next_due", "status"],
                    postgresql_where=sa.text(OPEN_OR_SUSPENDED), sqlite_where=sa.text(OPEN_OR_SUSPENDED))


def downgrade() -> None:
    for name, table in (("ix_issue_colours", "issue"), ("ix_issue_event_return", "issue_event"),
                        ("ix_issue_collected", "issue"), ("ix_issue_assessment", "issue")):
        op.drop_index(name, table_name=table)
