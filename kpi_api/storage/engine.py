"""Database engine and migrations (SQLAlchemy Core + Alembic).

SQLite is the embedded default: the file is created and migrated on first use, in WAL
mode so that reads never wait for a write, with a busy timeout instead of "database is
locked" errors. PostgreSQL URLs work the same way.
"""

import contextlib
from collections.abc import Iterator
from importlib import resources

import sqlalchemy as sa
from alembic import command
from alembic.config import Config


def create_engine(url: str) -> sa.Engine:
    if url.startswith("sqlite"):
        engine = sa.create_engine(url, connect_args={"timeout": 30})
        sa.event.listen(engine, "connect", _sqlite_pragmas)
        sa.event.listen(engine, "begin", _sqlite_begin)
        return engine
    return sa.create_engine(url, pool_pre_ping=True)


@contextlib.contextmanager
def write_transaction(engine: sa.Engine) -> Iterator[sa.Connection]:
    """One write transaction. On SQLite it starts with BEGIN IMMEDIATE, taking the write
    lock up front (waiting up to the busy timeout) instead of failing with "database is
    locked" when a read transaction tries to upgrade; readers are never blocked (WAL)."""
    with engine.connect() as connection:
        connection = connection.execution_options(kpi_write=True)
        with connection.begin():
            yield connection


def _sqlite_begin(connection: sa.Connection) -> None:
    immediate = connection.get_execution_options().get("kpi_write", False)
    connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    # SQLAlchemy issues BEGIN itself (see _sqlite_begin); the driver must not.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=FULL")  # durable commits
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


def migrate(engine: sa.Engine) -> None:
    """Bring the schema to the newest version (idempotent)."""
    config = Config()
    config.set_main_option("script_location", str(resources.files("kpi_api.storage") / "migrations"))
    with write_transaction(engine) as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")
