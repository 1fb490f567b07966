"""Published versions unique ignoring case: `2022A` cannot be published beside `2022a`.

Versions are ASCII (kpi_core.catalogue_text.VERSION), where comparing their NFKC forms
ignoring case, as the publisher does, is comparing lower(version); the index makes that
check hold under concurrent publishers too (two transactions that both saw no such
version: the second insert fails).

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index(
        "uq_strategy_revisions_version_key",
        "strategy_revisions",
        ["strategy_id", sa.text("lower(version)")],
        unique=True,
    )


def downgrade() -> None:
    op.drop_index("uq_strategy_revisions_version_key", "strategy_revisions")
