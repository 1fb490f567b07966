"""The data version every cache and ETag is keyed on, read cheaply and never stale.

Every import or publish increments `data_version.version` in the same transaction as the
write, so every worker process reads the same number from the database.

SQLite: a dedicated read-only connection asks `PRAGMA data_version`, which changes
whenever any other connection — in this process or another — has committed; only then is
the version row read again. That costs microseconds, so a cached answer can be checked
on every request. PostgreSQL: the one-row table is read on each request.
"""

import sqlite3
import threading

import sqlalchemy as sa


class DataVersion:
    def __init__(self, engine: sa.Engine) -> None:
        self.engine = engine
        self._lock = threading.Lock()
        self._sqlite = None
        self._seen_pragma = None
        self._version = None
        if engine.dialect.name == "sqlite" and engine.url.database not in (None, "", ":memory:"):
            self._sqlite = sqlite3.connect(f"file:{engine.url.database}?mode=ro", uri=True, check_same_thread=False)

    @property
    def cheap(self) -> bool:
        """True when `current()` costs microseconds (no network round trip)."""
        return self._sqlite is not None

    def current(self) -> int:
        if self._sqlite is None:
            with self.engine.connect() as connection:
                return connection.execute(sa.text("SELECT version FROM data_version")).scalar_one()
        with self._lock:
            pragma = self._sqlite.execute("PRAGMA data_version").fetchone()[0]
            if pragma != self._seen_pragma or self._version is None:
                self._version = self._sqlite.execute("SELECT version FROM data_version").fetchone()[0]
                self._seen_pragma = pragma
            return self._version

    def close(self) -> None:
        if self._sqlite is not None:
            self._sqlite.close()
