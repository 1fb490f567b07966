"""Stored evaluations: every published revision's status per indicator and area, kept
current after every write (kpi_api/evaluation_upkeep.py).

`evaluations` holds one judgement per (strategy, version, indicator, area) under the
revision's judgement basis (the `asOf` and the periods it is judged among); `status`,
`period` and `value` are columns so a status table reads no JSON, the whole judgement is
`payload`. Every write adds a row to `evaluation_queue` in its own transaction, naming
what it touched; the upkeep drains the queue into `evaluations` and moves
`evaluation_state.version` to the data version it reflects; `generation` counts every
store (the upkeeps' turn-taking checks it, and the caches key on it); `judged_by` is a
digest of the code that judged them (kpi_core and the status service): rows judged by
other code are not used, and the next drain judges everything again. A crash between the write and
the drain loses nothing: the queue row is still there. Reads use stored rows only while
`evaluation_state.version` equals `data_version.version`.

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
        "evaluations",
        sa.Column("strategy_id", sa.String(100), primary_key=True),
        sa.Column("version", sa.String(50), primary_key=True),
        sa.Column("indicator", sa.String(20), primary_key=True),
        sa.Column("area", sa.String(10), primary_key=True),
        sa.Column("basis", sa.String(2000), nullable=False),
        sa.Column("status", sa.String(40), nullable=False),
        sa.Column("period", sa.String(10), nullable=True),
        sa.Column("value", sa.String(40), nullable=True),
        sa.Column("payload", sa.Text, nullable=False),
    )
    op.create_table(
        "evaluation_queue",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("touched", sa.Text, nullable=False),
    )
    state = op.create_table(
        "evaluation_state",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("generation", sa.Integer, nullable=False),
        sa.Column("judged_by", sa.String(64), nullable=False),
    )
    # -1: no data version yet reflected; the first drain is a full rebuild.
    op.bulk_insert(state, [{"id": 1, "version": -1, "generation": 0, "judged_by": ""}])
    op.execute("INSERT INTO evaluation_queue (touched) VALUES ('{\"everything\": true}')")


def downgrade() -> None:
    op.drop_table("evaluation_state")
    op.drop_table("evaluation_queue")
    op.drop_table("evaluations")
