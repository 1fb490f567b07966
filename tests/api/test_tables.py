"""storage/tables.py declares exactly what the migrations build, on SQLite and PostgreSQL."""

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from kpi_api.storage.tables import metadata


def differences(engine: sa.Engine, declared: sa.MetaData) -> list:
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        return compare_metadata(context, declared)


# SQLite cannot reflect the index on lower(version); PostgreSQL compares it.
pytestmark = pytest.mark.filterwarnings("ignore:.*expression-based index")


def test_the_declared_tables_are_the_migrated_ones(store_engine):
    assert differences(store_engine, metadata) == []


def test_a_column_the_migrations_do_not_make_is_found(store_engine):
    probe = sa.MetaData()
    for table in metadata.tables.values():
        table.to_metadata(probe)
    probe.tables["api_tokens"].append_column(sa.Column("note", sa.String(20)))
    assert [d[0] for d in differences(store_engine, probe)] == ["add_column"]
