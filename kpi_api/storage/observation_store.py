"""The observation store on SQLite or PostgreSQL (SQLAlchemy Core): the SQL adapter of
`kpi_core.repository.ObservationRepository`, with the same semantics as
`kpi_core.memory.InMemoryRepository` (the contract tests hold both to them)."""

import contextlib
import datetime
import functools
import json
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from decimal import Decimal

import attrs
import sqlalchemy as sa

from kpi_api.http import deadline
from kpi_api.storage import data_version
from kpi_api.storage.engine import write_transaction
from kpi_api.storage.evaluation_store import Touched
from kpi_api.storage.tables import import_batches as batches
from kpi_api.storage.tables import observations
from kpi_core import Observation
from kpi_core.memory import (
    asked,
    check_withdrawn,
    latest_cell_periods_of,
    latest_periods_of,
    plan_additions,
    withdrawn_until,
)
from kpi_core.repository import (
    AlreadyRetractedError,
    ConflictError,
    DuplicateBatchError,
    ImportBatch,
    ObservationQuery,
    StoreError,
    UnknownBatchError,
)

_CHUNK = 5000  # rows per INSERT round trip


class SqlObservationRepository:
    def __init__(self, engine: sa.Engine) -> None:
        self.engine = engine

    def add(
        self,
        batch: ImportBatch,
        rows: Sequence[Observation],
        dry_run: bool = False,
        progress: Callable[[int], None] | None = None,
    ) -> ImportBatch:
        if any(o.published is None for o in rows):
            raise StoreError("every stored observation needs a published date (its vintage)")
        with _full_disk_said():
            return self._add(batch, rows, dry_run, progress)

    def _add(self, batch, rows, dry_run, progress) -> ImportBatch:
        with write_transaction(self.engine) as connection:
            existing = connection.execute(sa.select(batches).where(batches.c.sha256 == batch.sha256)).first()
            if existing is not None:
                raise DuplicateBatchError(_batch(existing))
            stored, withdrawn = self._stored_vintages(connection, rows)
            new, conflicts = plan_additions(stored.get, rows)
            if conflicts:
                raise ConflictError(conflicts)
            check_withdrawn(new, withdrawn_until(withdrawn))
            result = attrs.evolve(batch, rows=len(rows), added=len(new))
            if dry_run:  # the same checks and counts as a real import, nothing written
                return result
            connection.execute(sa.insert(batches), [attrs.asdict(result)])
            # Straight to the driver's executemany: SQLAlchemy's per-row parameter
            # processing costs more than the insert itself on large imports.
            sqlite = connection.dialect.name == "sqlite"
            insert = _insert_statement(connection)
            for start in range(0, len(new), _CHUNK):
                chunk = new[start : start + _CHUNK]
                connection.exec_driver_sql(insert, [_values(o, batch.id, sqlite) for o in chunk])
                if progress is not None:
                    progress(len(chunk))
            # The list of batches changed, even if no figure did; the statuses these figures
            # can change are judged again after the commit.
            touched = (
                Touched.of_figures(
                    ((o.indicator, o.area) for o in new), batch.id, max(o.published for o in new)
                )
                if new
                else Touched()
            )
            data_version.bump(connection, touched)
        return result

    def add_rows(
        self,
        batch: ImportBatch,
        chunks: Iterable[Sequence[tuple]],
        progress: Callable[[int], None] | None = None,
    ) -> ImportBatch | None:
        """Store a batch of rows an importer has validated, as they come, in one transaction:
        each row Observation's fields as a tuple in its order (every published date set;
        the numbers as their Decimal's text, `str(Decimal(...))`, as they are stored),
        handed over a chunk at a time so that the import holds one chunk, not the file.

        A row identical to a stored vintage is counted and skipped, as `add` does. Where
        `add` would have to weigh rows against each other or against the stored ones (a
        figure twice in the batch, a conflicting value, a withdrawn vintage), nothing is
        written and None is returned: the caller then checks the whole batch the slow way
        (and `add`). An exception from `chunks` rolls everything back.

        This is the second write path of new figures beside `_add`: whatever every write
        must also do in its transaction (today `data_version.bump`) is done in both."""
        try:
            with _full_disk_said(), write_transaction(self.engine) as connection:
                existing = connection.execute(
                    sa.select(batches).where(batches.c.sha256 == batch.sha256)
                ).first()
                if existing is not None:
                    raise DuplicateBatchError(_batch(existing))
                connection.execute(sa.insert(batches), [attrs.asdict(batch)])
                sqlite = connection.dialect.name == "sqlite"
                insert = _insert_statement(connection)
                rows = added = 0
                matched: set[tuple] = set()  # batch rows found stored: each may come once
                pairs: set[tuple[str, str]] = set()  # (indicator, area) of the new figures
                latest = None  # their latest published date
                for chunk in chunks:
                    rows += len(chunk)
                    new = self._new_rows(connection, chunk, matched, batch.id)
                    if new is None:
                        raise _NeedsPlan
                    if new:
                        connection.exec_driver_sql(insert, _driver_rows(new, batch.id, sqlite))
                        pairs.update((row[0], row[1]) for row in new)
                        newest = max(row[5] for row in new)
                        latest = newest if latest is None or newest > latest else latest
                    added += len(new)
                    if progress is not None:
                        progress(len(chunk))
                result = attrs.evolve(batch, rows=rows, added=added)
                connection.execute(
                    sa.update(batches).where(batches.c.id == batch.id).values(rows=rows, added=added)
                )
                # The list of batches changed, even if no figure did; the statuses the new
                # figures can change are judged again after the commit.
                touched = Touched.of_figures(pairs, batch.id, latest) if pairs else Touched()
                data_version.bump(connection, touched)
            return result
        except _NeedsPlan:
            return None
        except sa.exc.IntegrityError as exc:
            # The unique index of vintages in view: the batch holds a figure twice.
            text = str(exc.orig)
            if "uq_observation_vintage_in_view" in text or "UNIQUE constraint failed: observations." in text:
                return None
            raise

    def _new_rows(
        self, connection: sa.Connection, chunk: Sequence[tuple], matched: set, batch_id: str
    ) -> list[tuple] | None:
        """The chunk's rows not stored yet, or None when a row needs the full plan."""
        live, unsure = self._stored_keys(connection, chunk, batch_id)
        if not live and not unsure:
            return list(chunk)
        new = []
        for row in chunk:
            key = (row[0], row[1], row[2], _encode_breakdown(row[4]), row[5])
            if key in unsure:
                return None
            stored = live.get(key, _ABSENT)
            if stored is _ABSENT:
                new.append(row)
            elif key in matched or _decimal(stored) != _decimal(row[3]):
                return None
            else:
                matched.add(key)
        return new

    def _stored_keys(
        self, connection: sa.Connection, chunk: Sequence[tuple], batch_id: str
    ) -> tuple[dict[tuple, str | None], set[tuple]]:
        """Stored vintages the chunk's rows could collide with, by natural key (the cell as
        stored): the value of those in view, and the keys of the withdrawn ones, which only
        `add`'s plan may judge."""
        conditions = []
        for column, position in (
            (observations.c.indicator, 0),
            (observations.c.area, 1),
            (observations.c.period, 2),
            (observations.c.published, 5),
        ):
            values = {row[position] for row in chunk}
            if len(values) <= _NARROWING_LIMIT or column is observations.c.indicator:
                conditions.append(column.in_(sorted(values)))
        c = observations.c
        statement = sa.select(c.indicator, c.area, c.period, c.breakdown, c.published, c.value, c.withdrawn)
        # The transaction sees its own rows: those are left out here, and a figure the batch
        # holds twice is refused by the unique index of vintages when it is inserted again.
        conditions.append(c.batch_id != batch_id)
        live, unsure = {}, set()
        for r in connection.execute(statement.where(*conditions)):
            key = (r.indicator, r.area, r.period, r.breakdown, r.published)
            if r.withdrawn is None:
                live[key] = r.value
            else:
                unsure.add(key)
        return live, unsure

    def retract(self, batch_id: str, on: datetime.date, by: str, at: datetime.datetime) -> ImportBatch:
        with write_transaction(self.engine) as connection:
            row = connection.execute(sa.select(batches).where(batches.c.id == batch_id)).first()
            if row is None:
                raise UnknownBatchError(batch_id)
            if row.retracted_on is not None:
                raise AlreadyRetractedError(_batch(row))
            connection.execute(
                sa.update(batches)
                .where(batches.c.id == batch_id)
                .values(retracted_on=on, retracted_at=at, retracted_by=by)
            )
            # The rows stay (a replay as of an earlier day shows them); they leave the
            # views from `on`. No index on batch_id: one scan per retraction is cheaper
            # than an index every import pays for (1.4 million rows: see the README).
            connection.execute(
                sa.update(observations)
                .where(observations.c.batch_id == batch_id, observations.c.withdrawn.is_(None))
                .values(withdrawn=on)
            )
            touched = connection.execute(
                sa.select(observations.c.indicator, observations.c.area)
                .where(observations.c.batch_id == batch_id)
                .distinct()
            ).all()
            data_version.bump(
                connection, Touched.of_figures(((t.indicator, t.area) for t in touched), batch_id, on)
            )
        return attrs.evolve(_batch(row), retracted_on=on, retracted_at=at, retracted_by=by)

    def find(self, query: ObservationQuery) -> list[Observation]:
        conditions = _conditions(query)
        newest = sa.func.row_number().over(
            partition_by=(
                observations.c.indicator,
                observations.c.area,
                observations.c.period,
                observations.c.breakdown,
            ),
            order_by=observations.c.published.desc(),
        )
        ranked = sa.select(observations, newest.label("rn")).where(*conditions).subquery()
        statement = (
            sa.select(ranked)
            .where(ranked.c.rn == 1)
            .order_by(ranked.c.indicator, ranked.c.area, ranked.c.period, ranked.c.breakdown)
        )
        with self.engine.connect() as connection:
            found = [_observation(r) for r in _until_deadline(connection.execute(statement))]
        # Same order as the in-memory store: by the breakdown cell as a tuple.
        return sorted(found, key=lambda o: (o.indicator, o.area, o.period, o.breakdown))

    def latest_periods(self, query: ObservationQuery) -> dict[tuple[str, str], str]:
        # Within one kind of period (year, quarter, month: told apart by their length)
        # the canonical strings sort chronologically, so the database takes the maximum
        # per kind and only those few candidates are compared as periods here.
        latest = sa.func.max(observations.c.period).label("period")
        statement = (
            sa.select(observations.c.indicator, observations.c.area, latest)
            .where(*_conditions(query), observations.c.breakdown == "", observations.c.value.is_not(None))
            .group_by(observations.c.indicator, observations.c.area, sa.func.length(observations.c.period))
        )
        with self.engine.connect() as connection:
            rows = connection.execute(statement).all()
        return latest_periods_of(Observation(r.indicator, r.area, r.period, None) for r in rows)

    def latest_periods_by_cell(
        self, query: ObservationQuery, containing: Mapping[str, tuple | None]
    ) -> dict[tuple[str, str, tuple], str]:
        # As latest_periods, per breakdown cell as well: the maximum per kind of period
        # from the database, the few candidates compared as periods here. Only the cells
        # asked for reach the GROUP BY (its sort is the cost: 1.4 million demo rows take
        # seconds); a pair is matched in the stored JSON with LIKE, then checked exactly
        # (SQLite's LIKE ignores ASCII case).
        if not containing:
            return {}
        by_filter: dict[tuple | None, list[str]] = {}
        for indicator, wanted in containing.items():
            by_filter.setdefault(wanted, []).append(indicator)
        latest = sa.func.max(observations.c.period).label("period")
        # One statement per filter: an OR of them would keep SQLite from its index.
        statements = []
        for wanted, ids in by_filter.items():
            cell = (
                [observations.c.breakdown == ""]
                if wanted is None
                else [observations.c.breakdown.like(_pair_pattern(d, v), escape="\\") for d, v in wanted]
            )
            asked_ids = sorted(ids if query.indicators is None else set(ids) & set(query.indicators))
            if not asked_ids:
                continue
            narrowed = attrs.evolve(query, indicators=asked_ids)
            statements.append(
                sa.select(observations.c.indicator, observations.c.area, observations.c.breakdown, latest)
                .where(*_conditions(narrowed), observations.c.value.is_not(None), *cell)
                .group_by(
                    observations.c.indicator,
                    observations.c.area,
                    observations.c.breakdown,
                    sa.func.length(observations.c.period),
                )
            )
        with self.engine.connect() as connection:
            rows = [r for statement in statements for r in connection.execute(statement).all()]
        found = (
            Observation(r.indicator, r.area, r.period, None, json.loads(r.breakdown) if r.breakdown else ())
            for r in rows
        )
        return latest_cell_periods_of(o for o in found if asked(o, containing))

    def batches(self) -> list[ImportBatch]:
        with self.engine.connect() as connection:
            return [_batch(r) for r in connection.execute(sa.select(batches).order_by(batches.c.imported_at))]

    def data_version(self) -> int:
        with self.engine.connect() as connection:
            return data_version.read(connection)

    def _stored_vintages(
        self, connection: sa.Connection, rows: Sequence[Observation]
    ) -> tuple[dict, list[tuple[Observation, datetime.date]]]:
        """Stored vintages that rows of this batch could collide with: those in view by
        natural key, and the withdrawn ones with the date they were withdrawn from."""
        if not rows:
            return {}, []
        # Narrow by every key column the batch spans few values of: a small write then
        # reads a handful of rows, not every vintage of its indicator (which made many
        # small writes quadratic). A column with very many values is left to the others.
        conditions = []
        for column, values in (
            (observations.c.indicator, {o.indicator for o in rows}),
            (observations.c.area, {o.area for o in rows}),
            (observations.c.period, {o.period for o in rows}),
            (observations.c.published, {o.published for o in rows}),
        ):
            if len(values) <= _NARROWING_LIMIT or column is observations.c.indicator:
                conditions.append(column.in_(sorted(values)))
        live, withdrawn = {}, []
        for r in connection.execute(sa.select(observations).where(*conditions)):
            o = _observation(r)
            if r.withdrawn is None:
                live[o.natural_key()] = o
            else:
                withdrawn.append((o, r.withdrawn))
        return live, withdrawn


@contextlib.contextmanager
def _full_disk_said() -> Iterator[None]:
    try:
        yield
    except sa.exc.OperationalError as exc:
        # SQLite "database or disk is full", PostgreSQL disk_full (53100): the
        # transaction rolled back, so nothing was written.
        if "full" in str(exc.orig).lower() or getattr(exc.orig, "sqlstate", None) == "53100":
            raise StoreError(
                "The database is full (no space left for this import); nothing was written. "
                "Free disk space (or raise the database's size limit) and import the file again."
            ) from None
        raise


def _until_deadline(rows):
    # Converting rows costs more than reading them: a request out of time stops here.
    for row in rows:
        deadline.check()
        yield row


def _conditions(query: ObservationQuery) -> list:
    conditions = []
    if query.indicators is not None:
        conditions.append(observations.c.indicator.in_(query.indicators))
    if query.areas is not None:
        conditions.append(observations.c.area.in_(query.areas))
    if query.periods is not None:
        conditions.append(observations.c.period.in_(query.periods))
    if query.as_of is None:
        conditions.append(observations.c.withdrawn.is_(None))
    else:
        conditions.append(observations.c.published <= query.as_of)
        # A retracted batch's rows are in view until the day they were withdrawn from.
        conditions.append(sa.or_(observations.c.withdrawn.is_(None), observations.c.withdrawn > query.as_of))
    return conditions


def _pair_pattern(dimension: str, value: str) -> str:
    """A LIKE pattern for a stored cell holding this pair (as `_encode_breakdown` writes it)."""
    pair = f"{json.dumps(dimension, ensure_ascii=False)}:{json.dumps(value, ensure_ascii=False)}"
    escaped = pair.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


@functools.lru_cache(maxsize=8192)
def _encode_breakdown(breakdown: tuple[tuple[str, str], ...]) -> str:
    # Cached: a file repeats a few dozen cells hundreds of thousands of times.
    return (
        json.dumps(dict(breakdown), sort_keys=True, ensure_ascii=False, separators=(",", ":"))
        if breakdown
        else ""
    )


def _decimal(text: str | None) -> Decimal | None:
    return None if text is None else Decimal(text)


_NARROWING_LIMIT = 500  # distinct values of one key column worth naming in the lookup

_COLUMNS = (
    "indicator",
    "area",
    "period",
    "breakdown",
    "published",
    "value",
    "numerator",
    "denominator",
    "unit",
    "provisional",
    "source",
    "batch_id",
)


def _values(o: Observation, batch_id: str, sqlite: bool) -> tuple:
    return (
        o.indicator,
        o.area,
        o.period,
        _encode_breakdown(o.breakdown),
        # SQLAlchemy's SQLite Date type stores ISO text; write the same representation.
        o.published.isoformat() if sqlite else o.published,
        None if o.value is None else str(o.value),
        None if o.numerator is None else str(o.numerator),
        None if o.denominator is None else str(o.denominator),
        o.unit,
        int(o.provisional) if sqlite else o.provisional,
        o.source,
        batch_id,
    )


def _insert_statement(connection: sa.Connection) -> str:
    marker = "?" if connection.dialect.paramstyle == "qmark" else "%s"
    return f"INSERT INTO observations ({', '.join(_COLUMNS)}) VALUES ({', '.join([marker] * len(_COLUMNS))})"


# A batch has a few vintages: each day's text is made once.
_iso_day = functools.lru_cache(maxsize=4096)(datetime.date.isoformat)


def _driver_rows(rows: Sequence[tuple], batch_id: str, sqlite: bool) -> list[tuple]:
    """`_values` for rows given as Observation's fields in its order, numbers as text."""
    encode = _encode_breakdown
    if sqlite:
        iso = _iso_day
        return [
            (
                i,
                a,
                p,
                encode(b),
                iso(d),
                v,
                n,
                m,
                u,
                int(f),
                s,
                batch_id,
            )
            for i, a, p, v, b, d, s, u, n, m, f in rows
        ]
    return [
        (
            i,
            a,
            p,
            encode(b),
            d,
            None if v is None else str(v),
            None if n is None else str(n),
            None if m is None else str(m),
            u,
            f,
            s,
            batch_id,
        )
        for i, a, p, v, b, d, s, u, n, m, f in rows
    ]


class _NeedsPlan(Exception):
    """A batch row needs `add`'s full plan (raised to roll the transaction back)."""


_ABSENT = object()


def _observation(r) -> Observation:
    return Observation(
        indicator=r.indicator,
        area=r.area,
        period=r.period,
        value=_decimal(r.value),
        breakdown=json.loads(r.breakdown) if r.breakdown else (),
        published=r.published,
        source=r.source,
        unit=r.unit,
        numerator=_decimal(r.numerator),
        denominator=_decimal(r.denominator),
        provisional=bool(r.provisional),
    )


def _batch(r) -> ImportBatch:
    imported_at = r.imported_at
    if imported_at.tzinfo is None:  # SQLite returns naive datetimes; they were stored in UTC
        imported_at = imported_at.replace(tzinfo=datetime.UTC)
    retracted_at = r.retracted_at
    if retracted_at is not None and retracted_at.tzinfo is None:
        retracted_at = retracted_at.replace(tzinfo=datetime.UTC)
    return ImportBatch(
        r.id,
        r.file_name,
        r.sha256,
        r.format,
        r.imported_by,
        imported_at,
        r.rows,
        r.added,
        retracted_on=r.retracted_on,
        retracted_at=retracted_at,
        retracted_by=r.retracted_by,
    )
