"""Webhooks: where the change feed is POSTed, with a cursor per hook (the outbox is the
feed itself: a hook's undelivered changes are those after its cursor).

`lease_until` lets one process deliver a hook at a time (several `kpi serve` workers);
`failures`, `next_attempt` and `last_error` are the back-off and what `kpi webhook list`
shows.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-02
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "webhooks",
        sa.Column("id", sa.String(16), primary_key=True),
        sa.Column("url", sa.String(2000), nullable=False),
        sa.Column("secret", sa.String(200), nullable=False),
        sa.Column("strategy_id", sa.String(100), nullable=True),
        sa.Column("area", sa.String(10), nullable=True),
        sa.Column("indicator", sa.String(20), nullable=True),
        sa.Column("cursor", sa.Integer, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("delivered", sa.Integer, nullable=False),
        sa.Column("failures", sa.Integer, nullable=False),
        sa.Column("next_attempt", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_attempt", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_error", sa.String(500), nullable=True),
        sa.Column("lease_until", sa.DateTime(timezone=True), nullable=True),
    )


def downgrade() -> None:
    op.drop_table("webhooks")
