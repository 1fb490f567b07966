"""The database stops a statement at the request's deadline (see http/deadline.py).

A thread blocked in one long statement never reaches a cancellation point in Python, so
the database is told the limit: SQLite calls a progress handler every few thousand
virtual-machine instructions (a non-zero answer aborts the statement with "interrupted");
PostgreSQL gets `SET LOCAL statement_timeout` with the time left, at the start of each
transaction. A statement so stopped raises DeadlineExceeded, the same as a cancellation
point in Python, so callers see one error for a request out of time wherever it stopped.
Outside a request nothing is limited (the CLI's imports).
"""

import sqlalchemy as sa

from kpi_api.http import deadline

SQLITE_CHECK_EVERY = 10_000  # VM instructions: well under a millisecond, a negligible cost


def install(engine: sa.Engine) -> None:
    """Call before the engine opens its first connection."""
    sa.event.listen(engine, "handle_error", _deadline_instead)
    if engine.dialect.name == "sqlite":
        sa.event.listen(engine, "connect", _sqlite_progress_handler)
    elif engine.dialect.name == "postgresql":
        sa.event.listen(engine, "begin", _postgresql_timeout)


def _sqlite_progress_handler(dbapi_connection, _record) -> None:
    dbapi_connection.set_progress_handler(deadline.expired, SQLITE_CHECK_EVERY)


def _postgresql_timeout(connection: sa.Connection) -> None:
    budget = deadline.current()
    if budget is not None:
        # 0 would mean "no limit"; a request with no time left gets the smallest one.
        connection.exec_driver_sql(f"SET LOCAL statement_timeout = {max(1, int(budget.remaining() * 1000))}")


def _deadline_instead(context) -> BaseException | None:
    # SQLite says "interrupted", PostgreSQL "canceling statement due to statement
    # timeout": either way, when the budget has run out, that is what happened.
    budget = deadline.current()
    if budget is not None and budget.expired():
        return deadline.exceeded(budget)
    return None
