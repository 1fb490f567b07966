"""The data version every cache and ETag is keyed on, read cheaply and never stale.

Every import or publish increments `data_version.version` in the same transaction as the
write, so every worker process reads the same number from the database.

SQLite: a read-only connection (one per thread) asks `PRAGMA data_version`, which changes
whenever any other connection — in this process or another — has committed; only then is
the version row read again. That costs microseconds, so a cached answer can be checked
on every request. PostgreSQL: the one-row table is read on each request.

What the caches key on (`DataVersion.current`) is the pair (data version, the stored
evaluations' generation): an upkeep's store writes no data, but it adds to the change
feed and the status history, which answers show.
"""

import sqlite3
import threading

import sqlalchemy as sa
from sqlalchemy.dialects import sqlite

from kpi_api.storage.evaluation_store import Touched, enqueue
from kpi_api.storage.tables import data_version, evaluation_state

_SELECT = sa.select(data_version.c.version)
_SELECT_KEY = sa.select(data_version.c.version, evaluation_state.c.generation)
# The same statement for the plain sqlite3 connection below (no SQLAlchemy pool on it).
_SELECT_SQLITE = str(_SELECT_KEY.compile(dialect=sqlite.dialect()))


def bump(connection: sa.Connection, touched: Touched) -> None:
    """Call in the transaction of every write: everything cached against the data
    (responses, catalogues, ETags) is stale once it commits. `touched` says which
    statuses the write can change (`Touched()`: none), and is queued for the upkeep in the
    same transaction — asked for here, so that no write path can forget it and leave
    stored statuses that look current but are not."""
    if touched != Touched():
        enqueue(connection, touched)
    connection.execute(sa.update(data_version).values(version=data_version.c.version + 1))


def lock(connection: sa.Connection) -> None:
    """Writers that must see each other's work take turns on this row (SQLite: BEGIN
    IMMEDIATE has already taken the write lock; PostgreSQL: a row lock)."""
    connection.execute(_SELECT.with_for_update())


def read(connection: sa.Connection) -> int:
    return connection.execute(_SELECT).scalar_one()


class DataVersion:
    def __init__(self, engine: sa.Engine) -> None:
        self.engine = engine
        self._path = None
        if engine.dialect.name == "sqlite" and engine.url.database not in (None, "", ":memory:"):
            self._path = engine.url.database
        # One connection per thread, each with the pragma it last saw: a shared one needed
        # a lock, and the event loop waited on it while a worker thread holding it waited
        # for the GIL behind other work (a priority inversion /healthz felt under load).
        self._local = threading.local()
        self._opened: list[sqlite3.Connection] = []
        self._opening = threading.Lock()

    @property
    def cheap(self) -> bool:
        """True when `current()` costs microseconds (no network round trip)."""
        return self._path is not None

    def current(self) -> tuple[int, int]:
        """(data version, the stored evaluations' generation)."""
        if self._path is None:
            with self.engine.connect() as connection:
                data, stored = connection.execute(_SELECT_KEY).one()
                return data, stored
        local = self._local
        connection = getattr(local, "connection", None)
        if connection is None:
            # Used by this thread only; closed by whichever thread closes the service.
            connection = sqlite3.connect(f"file:{self._path}?mode=ro", uri=True, check_same_thread=False)
            with self._opening:
                self._opened.append(connection)
            local.connection, local.pragma, local.version = connection, None, None
        pragma = connection.execute("PRAGMA data_version").fetchone()[0]
        if pragma != local.pragma or local.version is None:
            local.version = tuple(connection.execute(_SELECT_SQLITE).fetchone())
            local.pragma = pragma
        return local.version

    def close(self) -> None:
        with self._opening:
            for connection in self._opened:
                connection.close()
            self._opened.clear()
