"""The change feed: every status the upkeep found changed, in the order it was stored.

The upkeep (kpi_api/evaluation_upkeep.py) stores a judgement that differs in status from
the one it replaces together with a row here, in the same transaction; drains take turns
on `evaluation_state` (its update is the transaction's first statement), so ids grow in
commit order and a reader paging by id after a cursor never misses a row. `batches` are
the imports or retractions that caused it (empty: a publish, or a revision's time moving);
`since` the vintage from which the new status holds (the figures' published date, or the
day of the retraction or publish).

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-02
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "status_changes",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("strategy_id", sa.String(100), nullable=False),
        sa.Column("version", sa.String(50), nullable=False),
        sa.Column("indicator", sa.String(20), nullable=False),
        sa.Column("area", sa.String(10), nullable=False),
        sa.Column("from_status", sa.String(40), nullable=True),
        sa.Column("to_status", sa.String(40), nullable=False),
        sa.Column("period", sa.String(10), nullable=True),
        sa.Column("value", sa.String(40), nullable=True),
        sa.Column("since", sa.Date, nullable=True),
        sa.Column("batches", sa.String(2000), nullable=False),
        sa.Column("data_version", sa.Integer, nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index(
        "ix_status_changes_key", "status_changes", ["strategy_id", "version", "indicator", "area", "id"]
    )


def downgrade() -> None:
    op.drop_index("ix_status_changes_key", "status_changes")
    op.drop_table("status_changes")
