"""The change feed: every stored status a write changed, read after a cursor.

Writers call `record` inside their write transaction, after the data_version lock
(`data_version.lock` or `bump`), so ids are handed out in commit order and a reader that
has seen id N never later finds a smaller one: the cursor is stable across workers and
restarts. Readers page with `after`.
"""

import datetime
from collections.abc import Sequence

import attrs
import sqlalchemy as sa

from kpi_api.storage.tables import status_changes as changes

MAX_PAGE = 100


@attrs.frozen
class StatusChange:
    strategy_id: str
    version: str
    indicator_id: str
    area: str
    from_status: str | None  # None: the first status stored for this judgement
    to_status: str
    period: str | None
    as_of: datetime.date  # the vintage from which the new status holds
    batch_id: str | None  # the import or retraction that caused it; None: publish or rebuild
    recorded_at: datetime.datetime
    id: int | None = None  # the cursor, set once stored


@attrs.frozen
class FeedFilter:
    """Which changes a reader (or a webhook) wants; None: all."""

    strategy_id: str | None = None
    area: str | None = None
    indicator_id: str | None = None


def record(connection: sa.Connection, rows: Sequence[StatusChange]) -> None:
    """Append changes in the caller's write transaction, in the order given."""
    if rows:
        connection.execute(
            sa.insert(changes),
            [attrs.asdict(r, filter=lambda a, _v: a.name != "id") for r in rows],
        )


def after(
    connection: sa.Connection, cursor: int | None, first: int, where: FeedFilter = FeedFilter()
) -> list[StatusChange]:
    """At most `first` (1…MAX_PAGE) changes after `cursor` (None: from the start), oldest first."""
    if not 1 <= first <= MAX_PAGE:
        raise ValueError(f"first must be between 1 and {MAX_PAGE}, not {first}")
    query = sa.select(changes).order_by(changes.c.id).limit(first)
    if cursor is not None:
        query = query.where(changes.c.id > cursor)
    for column, wanted in (
        (changes.c.strategy_id, where.strategy_id),
        (changes.c.area, where.area),
        (changes.c.indicator_id, where.indicator_id),
    ):
        if wanted is not None:
            query = query.where(column == wanted)
    return [_change(r) for r in connection.execute(query)]


def last_id(connection: sa.Connection) -> int | None:
    return connection.execute(sa.select(sa.func.max(changes.c.id))).scalar_one()


def _change(row: sa.Row) -> StatusChange:
    return StatusChange(
        strategy_id=row.strategy_id,
        version=row.version,
        indicator_id=row.indicator_id,
        area=row.area,
        from_status=row.from_status,
        to_status=row.to_status,
        period=row.period,
        as_of=row.as_of,
        batch_id=row.batch_id,
        recorded_at=row.recorded_at,
        id=row.id,
    )
