"""Every table, declared once on one `MetaData`, exactly as the migrations create them.

The migrations (storage/migrations/versions) are what builds a database; this module is
what the stores read and write with. `tests/api/test_tables.py` compares the two on a
freshly migrated database, so a migration without its declaration here (or the reverse)
fails the build.
"""

import sqlalchemy as sa

metadata = sa.MetaData()

# Published catalogue revisions: stored once, never changed (catalogue_store.py).
strategy_revisions = sa.Table(
    "strategy_revisions",
    metadata,
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
# Versions differing only by case are one version (migration 0004).
sa.Index(
    "uq_strategy_revisions_version_key",
    strategy_revisions.c.strategy_id,
    sa.func.lower(strategy_revisions.c.version),
    unique=True,
)

# One row per import; a file's hash is unique, so the same file is never stored twice.
import_batches = sa.Table(
    "import_batches",
    metadata,
    sa.Column("id", sa.String(40), primary_key=True),
    sa.Column("file_name", sa.String(500), nullable=False),
    sa.Column("sha256", sa.String(64), nullable=False, unique=True),
    sa.Column("format", sa.String(20), nullable=False),
    sa.Column("rows", sa.Integer, nullable=False),
    sa.Column("added", sa.Integer, nullable=False),
    sa.Column("imported_by", sa.String(200), nullable=False),
    sa.Column("imported_at", sa.DateTime(timezone=True), nullable=False),
    # A retraction (migration 0005): its figures are withdrawn from `retracted_on`.
    sa.Column("retracted_on", sa.Date, nullable=True),
    sa.Column("retracted_at", sa.DateTime(timezone=True), nullable=True),
    sa.Column("retracted_by", sa.String(200), nullable=True),
)

observations = sa.Table(
    "observations",
    metadata,
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
    # The day its batch was retracted from (NULL: in view). Migration 0005.
    sa.Column("withdrawn", sa.Date, nullable=True),
)
# One vintage in view per figure and date; withdrawn rows stay beside it (migration 0005).
_IN_VIEW = sa.text("withdrawn IS NULL")
sa.Index(
    "uq_observation_vintage_in_view",
    observations.c.indicator,
    observations.c.area,
    observations.c.period,
    observations.c.breakdown,
    observations.c.published,
    unique=True,
    sqlite_where=_IN_VIEW,
    postgresql_where=_IN_VIEW,
)
sa.Index(
    "ix_observations_area_indicator", observations.c.area, observations.c.indicator, observations.c.period
)

# One row (id 1): bumped in the transaction of every write (data_version.py).
data_version = sa.Table(
    "data_version",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("version", sa.Integer, nullable=False),
)

# Only the SHA-256 of a token is stored (tokens.py).
api_tokens = sa.Table(
    "api_tokens",
    metadata,
    sa.Column("id", sa.String(16), primary_key=True),  # the public part, shown in listings
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("scope", sa.String(20), nullable=False),
    sa.Column("sha256", sa.String(64), nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
)

# Stored evaluations (migration 0006; evaluation_store.py): one judgement per published
# revision, indicator and area under the revision's judgement basis, kept current by
# draining `evaluation_queue`, which every write adds to in its own transaction.
evaluations = sa.Table(
    "evaluations",
    metadata,
    sa.Column("strategy_id", sa.String(100), primary_key=True),
    sa.Column("version", sa.String(50), primary_key=True),
    sa.Column("indicator", sa.String(20), primary_key=True),
    sa.Column("area", sa.String(10), primary_key=True),
    # The judgement basis as canonical JSON: {"as_of": date | null, "within": [periods] | null}.
    sa.Column("basis", sa.String(2000), nullable=False),
    sa.Column("status", sa.String(40), nullable=False),
    sa.Column("period", sa.String(10), nullable=True),
    sa.Column("value", sa.String(40), nullable=True),
    sa.Column("payload", sa.Text, nullable=False),  # the whole Evaluation (kpi_core.convert)
)
evaluation_queue = sa.Table(
    "evaluation_queue",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("touched", sa.Text, nullable=False),  # JSON: what the write touched (evaluation_store.Touched)
)
# One row (id 1): the data version the stored evaluations reflect (-1: none yet), and a
# count of stores (upkeeps take turns on it; caches key on it: a store changes the feed).
evaluation_state = sa.Table(
    "evaluation_state",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("version", sa.Integer, nullable=False),
    sa.Column("generation", sa.Integer, nullable=False),
    # A digest of the code that judged them (evaluation_store.judging_code): an upgrade
    # that changes a rule or a sentence makes every stored row stale at once.
    sa.Column("judged_by", sa.String(64), nullable=False),
)

# The change feed (migration 0007; evaluation_store.py): a row per status the upkeep found
# changed, ids in commit order (drains take turns on evaluation_state).
status_changes = sa.Table(
    "status_changes",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("strategy_id", sa.String(100), nullable=False),
    sa.Column("version", sa.String(50), nullable=False),
    sa.Column("indicator", sa.String(20), nullable=False),
    sa.Column("area", sa.String(10), nullable=False),
    sa.Column("from_status", sa.String(40), nullable=True),  # None: not judged before (a new revision)
    sa.Column("to_status", sa.String(40), nullable=False),
    sa.Column("period", sa.String(10), nullable=True),
    sa.Column("value", sa.String(40), nullable=True),
    sa.Column("since", sa.Date, nullable=True),  # the vintage the new status holds from
    sa.Column("batches", sa.String(2000), nullable=False),  # JSON list of the batch ids that caused it
    sa.Column("data_version", sa.Integer, nullable=False),
    sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
)
sa.Index(
    "ix_status_changes_key",
    status_changes.c.strategy_id,
    status_changes.c.version,
    status_changes.c.indicator,
    status_changes.c.area,
    status_changes.c.id,
)

# Webhooks (migration 0008; webhook_store.py): the change feed POSTed after each hook's cursor.
webhooks = sa.Table(
    "webhooks",
    metadata,
    sa.Column("id", sa.String(16), primary_key=True),
    sa.Column("url", sa.String(2000), nullable=False),
    # Kept as given: the body's HMAC needs it (the receiver holds the same secret).
    sa.Column("secret", sa.String(200), nullable=False),
    sa.Column("strategy_id", sa.String(100), nullable=True),  # filters (None: any)
    sa.Column("area", sa.String(10), nullable=True),
    sa.Column("indicator", sa.String(20), nullable=True),
    sa.Column("cursor", sa.Integer, nullable=False),  # the last change delivered
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("delivered", sa.Integer, nullable=False),  # changes delivered so far
    sa.Column("failures", sa.Integer, nullable=False),  # in a row, since the last success
    sa.Column("next_attempt", sa.DateTime(timezone=True), nullable=True),
    sa.Column("last_attempt", sa.DateTime(timezone=True), nullable=True),
    sa.Column("last_error", sa.String(500), nullable=True),
    sa.Column("lease_until", sa.DateTime(timezone=True), nullable=True),  # one deliverer at a time
)

# Staff commentary (commentary_store.py): a new row per add, edit or withdrawal (migration 0009).
commentary_versions = sa.Table(
    "commentary_versions",
    metadata,
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
sa.Index(
    "ix_commentary_subject",
    commentary_versions.c.strategy_id,
    commentary_versions.c.strategy_version,
    commentary_versions.c.subject_kind,
    commentary_versions.c.subject_id,
    commentary_versions.c.area,
)
