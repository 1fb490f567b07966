"""Stored evaluations and the change feed: every status a write changed, in order.

`status_changes.id` is the feed's cursor. Every write takes the `data_version` row lock
before it records changes, so ids are handed out in commit order on PostgreSQL too: a
reader that has seen id N never later finds a smaller one committed.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-02
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "status_changes",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("strategy_id", sa.String(100), nullable=False),
        sa.Column("version", sa.String(50), nullable=False),
        sa.Column("indicator_id", sa.String(20), nullable=False),
        sa.Column("area", sa.String(10), nullable=False),
        # NULL: the first status stored for this judgement.
        sa.Column("from_status", sa.String(40), nullable=True),
        sa.Column("to_status", sa.String(40), nullable=False),
        sa.Column("period", sa.String(10), nullable=True),
        # The vintage (published date) from which the new status holds.
        sa.Column("as_of", sa.Date, nullable=False),
        # The import or retraction that caused it; NULL: a publish or a rebuild.
        sa.Column("batch_id", sa.String(40), sa.ForeignKey("import_batches.id"), nullable=True),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("status_changes")
