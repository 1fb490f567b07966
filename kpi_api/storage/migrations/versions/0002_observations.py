"""Observations with vintages, import batches, and the data version.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "import_batches",
        sa.Column("id", sa.String(40), primary_key=True),
        sa.Column("file_name", sa.String(500), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False, unique=True),
        sa.Column("format", sa.String(20), nullable=False),
        sa.Column("rows", sa.Integer, nullable=False),
        sa.Column("added", sa.Integer, nullable=False),
        sa.Column("imported_by", sa.String(200), nullable=False),
        sa.Column("imported_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "observations",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("indicator", sa.String(20), nullable=False),
        sa.Column("area", sa.String(10), nullable=False),
        sa.Column("period", sa.String(10), nullable=False),
        # '' for the total, else the cell as compact JSON with sorted keys.
        sa.Column("breakdown", sa.String(300), nullable=False),
        sa.Column("published", sa.Date, nullable=False),
        # Exact decimals as text: the same on SQLite and PostgreSQL, never a float.
        sa.Column("value", sa.String(40), nullable=True),
        sa.Column("numerator", sa.String(40), nullable=True),
        sa.Column("denominator", sa.String(40), nullable=True),
        sa.Column("unit", sa.String(20), nullable=True),
        sa.Column("provisional", sa.Boolean, nullable=False),
        sa.Column("source", sa.String(500), nullable=True),
        sa.Column("batch_id", sa.String(40), sa.ForeignKey("import_batches.id"), nullable=False),
        sa.UniqueConstraint(
            "indicator", "area", "period", "breakdown", "published", name="uq_observation_vintage"
        ),
    )
    op.create_index("ix_observations_area_indicator", "observations", ["area", "indicator", "period"])
    op.create_table(
        "data_version",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("version", sa.Integer, nullable=False),
    )
    op.execute("INSERT INTO data_version (id, version) VALUES (1, 0)")


def downgrade() -> None:
    op.drop_table("data_version")
    op.drop_index("ix_observations_area_indicator", "observations")
    op.drop_table("observations")
    op.drop_table("import_batches")
