"""Catalogue: published strategy revisions, stored as validated documents.

Revision ID: 0001
Revises:
Create Date: 2026-11-22
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "strategy_revisions",
        sa.Column("strategy_id", sa.String(100), primary_key=True),
        sa.Column("version", sa.String(50), primary_key=True),
        # The [strategy] header and the revision, as the catalogue converter writes them.
        sa.Column("strategy_header", sa.JSON, nullable=False),
        sa.Column("document", sa.JSON, nullable=False),
        sa.Column("source_file", sa.String(300), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("published_by", sa.String(200), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("strategy_revisions")
