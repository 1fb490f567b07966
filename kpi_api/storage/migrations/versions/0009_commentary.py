"""Staff commentary: every add, edit and withdrawal is a new row, never updated or deleted.

A commentary is the rows sharing a `commentary_id`, numbered 1, 2, … by `version_number`
(unique with it, so two edits of the same version cannot both be stored); each row holds
the whole commentary as it stood after that change, so any past day can be shown again.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-02
"""

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "commentary_versions",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("commentary_id", sa.String(40), nullable=False),
        sa.Column("version_number", sa.Integer, nullable=False),
        sa.Column("strategy_id", sa.String(100), nullable=False),
        sa.Column("strategy_version", sa.String(50), nullable=False),
        sa.Column("subject_kind", sa.String(10), nullable=False),  # indicator or goal
        sa.Column("subject_id", sa.String(20), nullable=False),
        sa.Column("area", sa.String(10), nullable=False),
        sa.Column("period", sa.String(10), nullable=False),
        sa.Column("text_da", sa.Text, nullable=True),
        sa.Column("text_en", sa.Text, nullable=True),
        sa.Column("author", sa.String(200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("withdrawn", sa.Boolean, nullable=False),
        sa.UniqueConstraint("commentary_id", "version_number", name="uq_commentary_version"),
    )
    op.create_index(
        "ix_commentary_subject",
        "commentary_versions",
        ["strategy_id", "strategy_version", "subject_kind", "subject_id", "area"],
    )


def downgrade() -> None:
    op.drop_index("ix_commentary_subject", "commentary_versions")
    op.drop_table("commentary_versions")
