"""Retracted batches: a batch withdrawn as a new vintage (`kpi batches retract`).

The batch records when, from which day and by whom; its rows stay (a replay as of an
earlier day still shows them) and carry the day they were withdrawn from. Only the
vintages in view are unique now: a figure retracted today may be imported again, correct,
with today's date, while the withdrawn row stays beside it for the past views.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-02
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

_KEY = ["indicator", "area", "period", "breakdown", "published"]
_IN_VIEW = sa.text("withdrawn IS NULL")


def upgrade() -> None:
    op.add_column("import_batches", sa.Column("retracted_on", sa.Date, nullable=True))
    op.add_column("import_batches", sa.Column("retracted_at", sa.DateTime(timezone=True), nullable=True))
    op.add_column("import_batches", sa.Column("retracted_by", sa.String(200), nullable=True))
    op.add_column("observations", sa.Column("withdrawn", sa.Date, nullable=True))
    # SQLite cannot drop a constraint in place: the batch copies the table (once).
    with op.batch_alter_table("observations") as batch:
        batch.drop_constraint("uq_observation_vintage", type_="unique")
    op.create_index(
        "uq_observation_vintage_in_view",
        "observations",
        _KEY,
        unique=True,
        sqlite_where=_IN_VIEW,
        postgresql_where=_IN_VIEW,
    )


def downgrade() -> None:
    op.drop_index("uq_observation_vintage_in_view", "observations")
    op.execute("DELETE FROM observations WHERE withdrawn IS NOT NULL")
    with op.batch_alter_table("observations") as batch:
        batch.create_unique_constraint("uq_observation_vintage", _KEY)
        batch.drop_column("withdrawn")
    op.drop_column("import_batches", "retracted_by")
    op.drop_column("import_batches", "retracted_at")
    op.drop_column("import_batches", "retracted_on")
