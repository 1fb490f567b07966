"""Database engine and migrations (SQLAlchemy Core + Alembic).

SQLite is the embedded default: the file is created and migrated on first use, in WAL
mode so that reads never wait for a write, with a busy timeout instead of "database is
locked" errors. PostgreSQL URLs work the same way.
"""

from importlib import resources

import sqlalchemy as sa
from alembic import command
from alembic.config import Config


def create_engine(url: str) -> sa.Engine:
    if url.startswith("sqlite"):
        engine = sa.create_engine(url, connect_args={"timeout": 30})
        sa.event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    return sa.create_engine(url, pool_pre_ping=True)


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=FULL")  # durable commits
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


def migrate(engine: sa.Engine) -> None:
    """Bring the schema to the newest version (idempotent)."""
    config = Config()
    config.set_main_option("script_location", str(resources.files("kpi_api") / "migrations"))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")
