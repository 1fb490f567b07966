"""Stored evaluations (migration 0006): what the upkeep computed, what writes touched,
and the one data version the stored rows reflect.

Writes queue what they touched in their own transaction (`data_version.bump` asks for it,
so no write path can forget), so the queue names every write not yet reflected, whatever
happens after the commit. Readers call `lookup`, which answers only while the stored rows
reflect the current data version and were judged by this code — read in one snapshot, on
SQLite and PostgreSQL alike; otherwise None, and the caller judges. The upkeep
(kpi_api/evaluation_upkeep.py) reads the queue with `pending` and stores with `store`,
which succeeds only if no other upkeep stored in between (optimistic: the state's
generation is the check), so an older computation never replaces a newer one.
"""

import contextlib
import datetime
import functools
import hashlib
import json
from collections.abc import Iterable, Iterator, Mapping, Sequence
from importlib import resources

import attrs
import orjson
import sqlalchemy as sa

from kpi_api.storage.engine import write_transaction
from kpi_api.storage.tables import (
    data_version,
    evaluation_queue,
    evaluation_state,
    evaluations,
    status_changes,
)
from kpi_core import Evaluation
from kpi_core.convert import make_converter

_converter = make_converter()

EvaluationKey = tuple[str, str, str, str]  # (strategy id, version, indicator id, area)


@attrs.frozen
class Basis:
    """What a stored evaluation was judged on: the revision's `asOf` (None: everything in
    view) and the periods the latest was chosen among (None: all)."""

    as_of: datetime.date | None
    within: tuple[str, ...] | None

    def encoded(self) -> str:
        return json.dumps(
            {
                "as_of": None if self.as_of is None else self.as_of.isoformat(),
                "within": None if self.within is None else list(self.within),
            },
            sort_keys=True,
            separators=(",", ":"),
        )


@attrs.frozen
class Touched:
    """What one write touched: everything, whole strategies (a publish), or figures of
    indicators in areas (an import or a retraction; None: every area)."""

    everything: bool = False
    strategies: frozenset[str] = frozenset()
    figures: Mapping[str, frozenset[str] | None] = attrs.field(factory=dict)
    # What the change feed says caused it: the batches imported or retracted, and the
    # vintage from which what they changed holds (the latest published date, or the day
    # of the retraction or publish).
    batches: frozenset[str] = frozenset()
    since: datetime.date | None = None

    def encoded(self) -> str:
        return json.dumps(
            {
                "everything": self.everything,
                "strategies": sorted(self.strategies),
                "figures": {i: None if a is None else sorted(a) for i, a in sorted(self.figures.items())},
                "batches": sorted(self.batches),
                "since": None if self.since is None else self.since.isoformat(),
            },
            separators=(",", ":"),
        )

    @classmethod
    def decoded(cls, text: str) -> "Touched":
        data = json.loads(text)
        since = data.get("since")
        return cls(
            everything=bool(data.get("everything", False)),
            strategies=frozenset(data.get("strategies", ())),
            figures={i: None if a is None else frozenset(a) for i, a in data.get("figures", {}).items()},
            batches=frozenset(data.get("batches", ())),
            since=None if since is None else datetime.date.fromisoformat(since),
        )

    @classmethod
    def of_figures(
        cls, pairs: Iterable[tuple[str, str]], batch: str, since: datetime.date | None, many: int = 200
    ) -> "Touched":
        """From (indicator, area) pairs; an indicator touched in more than `many` areas is
        touched everywhere (the queue row stays small, the upkeep's work is the same)."""
        by_indicator: dict[str, set[str]] = {}
        for indicator, area in pairs:
            by_indicator.setdefault(indicator, set()).add(area)
        return cls(
            figures={i: None if len(a) > many else frozenset(a) for i, a in by_indicator.items()},
            batches=frozenset({batch}),
            since=since,
        )

    def merged(self, other: "Touched") -> "Touched":
        figures: dict[str, frozenset[str] | None] = dict(self.figures)
        for indicator, areas in other.figures.items():
            mine = figures.get(indicator, frozenset())
            figures[indicator] = None if mine is None or areas is None else mine | areas
        dates = [d for d in (self.since, other.since) if d is not None]
        return Touched(
            self.everything or other.everything,
            self.strategies | other.strategies,
            figures,
            self.batches | other.batches,
            max(dates) if dates else None,
        )


@attrs.frozen
class Pending:
    """The data version, the version the stored rows reflect, and the queue up to then."""

    data_version: int
    stored_version: int
    entries: tuple[tuple[int, Touched], ...]
    generation: int = 0  # of the stored rows read: a store succeeds only if it is still this
    judged_by: str = ""  # the digest of the code that judged the stored rows

    @property
    def judged_by_this_code(self) -> bool:
        return self.judged_by == judging_code()

    @property
    def current(self) -> bool:
        return self.stored_version == self.data_version and not self.entries and self.judged_by_this_code

    def touched(self) -> Touched:
        result = Touched()
        for _, t in self.entries:
            result = result.merged(t)
        return result


@attrs.frozen
class StoredRow:
    key: EvaluationKey
    basis: Basis
    evaluation: Evaluation


class StoreRace(Exception):
    """Another upkeep stored evaluations between this one's read of the queue and its
    write; nothing was written (drain again)."""


def encode(evaluation: Evaluation) -> str:
    return orjson.dumps(_converter.unstructure(evaluation, Evaluation)).decode()


def decode(payload: str) -> Evaluation:
    return _converter.structure(orjson.loads(payload), Evaluation)


def enqueue(connection: sa.Connection, touched: Touched) -> None:
    """Call in the transaction of every write that can change a status."""
    connection.execute(sa.insert(evaluation_queue).values(touched=touched.encoded()))


class StoredEvaluations:
    def __init__(self, engine: sa.Engine) -> None:
        self.engine = engine

    def lookup(
        self, keys: Iterable[tuple[EvaluationKey, object, object]]
    ) -> dict[EvaluationKey, Evaluation] | None:
        """The stored evaluations of these (key, as_of, within) — judged on that basis;
        missing keys are left out — or None when the stored rows do not reflect the
        current data."""
        wanted = {key: _encoded_basis(as_of, within) for key, as_of, within in keys}  # type: ignore[arg-type]
        if not wanted:
            return {}
        found = self._current_rows(wanted, columns=(evaluations.c.payload,))
        if found is None:
            return None
        return {key: decode(row.payload) for key, row in found.items()}

    def lookup_cells(
        self, keys: Iterable[tuple[EvaluationKey, object, object]]
    ) -> dict[EvaluationKey, tuple[str | None, str | None, str]] | None:
        """(period, value, status name) of the stored evaluations, as `lookup` but
        without decoding a judgement: what a status table shows."""
        wanted = {key: _encoded_basis(as_of, within) for key, as_of, within in keys}  # type: ignore[arg-type]
        if not wanted:
            return {}
        found = self._current_rows(wanted, columns=())
        if found is None:
            return None
        return {key: (row.period, row.value, row.status) for key, row in found.items()}

    def _current_rows(self, wanted: dict[EvaluationKey, str], columns: Sequence) -> dict | None:
        conditions = [
            sa.or_(
                *(
                    sa.and_(evaluations.c.strategy_id == s, evaluations.c.version == v)
                    for s, v in sorted({(k[0], k[1]) for k in wanted})
                )
            ),
            evaluations.c.indicator.in_(sorted({k[2] for k in wanted})),
            evaluations.c.area.in_(sorted({k[3] for k in wanted})),
        ]
        statement = sa.select(
            evaluations.c.strategy_id,
            evaluations.c.version,
            evaluations.c.indicator,
            evaluations.c.area,
            evaluations.c.basis,
            evaluations.c.period,
            evaluations.c.value,
            evaluations.c.status,
            *columns,
        ).where(*conditions)
        # The versions and the rows in one snapshot, so a write committing in between
        # cannot pair old rows with its new version.
        with _snapshot(self.engine) as connection:
            data, stored, judged_by = connection.execute(_VERSIONS).one()
            if data != stored or judged_by != judging_code():
                return None
            rows = connection.execute(statement).all()
        result = {}
        for row in rows:
            key = (row.strategy_id, row.version, row.indicator, row.area)
            if wanted.get(key) == row.basis:
                result[key] = row
        return result

    def pending(self) -> Pending:
        # The data version first, the queue second: a write committing in between shows
        # up in the queue but not in the version, so the version stored is never ahead
        # of what was drained.
        with self.engine.connect() as connection:
            version = connection.execute(sa.select(data_version.c.version)).scalar_one()
            stored, generation, judged_by = connection.execute(
                sa.select(
                    evaluation_state.c.version, evaluation_state.c.generation, evaluation_state.c.judged_by
                )
            ).one()
            entries = connection.execute(
                sa.select(evaluation_queue.c.id, evaluation_queue.c.touched).order_by(evaluation_queue.c.id)
            ).all()
        return Pending(
            version, stored, tuple((e.id, Touched.decoded(e.touched)) for e in entries), generation, judged_by
        )

    def periods(self, strategy_id: str, version: str, indicator: str) -> dict[str, str | None]:
        """The stored period per area of one indicator of a revision."""
        with self.engine.connect() as connection:
            rows = connection.execute(
                sa.select(evaluations.c.area, evaluations.c.period).where(
                    evaluations.c.strategy_id == strategy_id,
                    evaluations.c.version == version,
                    evaluations.c.indicator == indicator,
                )
            ).all()
        return {r.area: r.period for r in rows}

    def bases(self) -> dict[tuple[str, str], set[str]]:
        """The bases stored per revision (one, unless a drain is under way)."""
        with self.engine.connect() as connection:
            rows = connection.execute(
                sa.select(evaluations.c.strategy_id, evaluations.c.version, evaluations.c.basis).distinct()
            ).all()
        result: dict[tuple[str, str], set[str]] = {}
        for r in rows:
            result.setdefault((r.strategy_id, r.version), set()).add(r.basis)
        return result

    def all_rows(self) -> dict[EvaluationKey, tuple[str, Evaluation]]:
        with self.engine.connect() as connection:
            rows = connection.execute(sa.select(evaluations)).all()
        return {(r.strategy_id, r.version, r.indicator, r.area): (r.basis, decode(r.payload)) for r in rows}

    def store(
        self,
        rows: Sequence[StoredRow],
        pending: Pending,
        *,
        replace_all: bool = False,
        keep: frozenset[tuple[str, str]] | None = None,
    ) -> None:
        """Store `rows` (replacing those of the same keys; with `replace_all`, every row),
        drop the drained queue entries and record the data version they reflect — only if
        no other upkeep stored since `pending` was read (else StoreRace). `keep`: the
        revisions that exist; rows of any other are removed."""
        with write_transaction(self.engine) as connection:
            # First: drains take turns here (PostgreSQL holds the row lock to the commit),
            # so the change feed's ids below are handed out in commit order.
            moved = connection.execute(
                sa.update(evaluation_state)
                .where(evaluation_state.c.id == 1, evaluation_state.c.generation == pending.generation)
                .values(
                    version=pending.data_version, generation=pending.generation + 1, judged_by=judging_code()
                )
            )
            if moved.rowcount != 1:
                raise StoreRace()
            before = self._statuses(connection, None if replace_all else {r.key for r in rows})
            if pending.entries:
                # Exactly those read: on PostgreSQL a write with a lower id may commit later.
                connection.execute(
                    sa.delete(evaluation_queue).where(
                        evaluation_queue.c.id.in_([n for n, _ in pending.entries])
                    )
                )
            if replace_all:
                connection.execute(sa.delete(evaluations))
            elif rows:
                connection.execute(
                    sa.delete(evaluations).where(
                        evaluations.c.strategy_id == sa.bindparam("s"),
                        evaluations.c.version == sa.bindparam("v"),
                        evaluations.c.indicator == sa.bindparam("i"),
                        evaluations.c.area == sa.bindparam("a"),
                    ),
                    [dict(zip("svia", r.key, strict=True)) for r in rows],
                )
            if keep is not None:
                for strategy_id, version in {k[:2] for k in self.all_keys(connection)} - keep:
                    connection.execute(
                        sa.delete(evaluations).where(
                            evaluations.c.strategy_id == strategy_id, evaluations.c.version == version
                        )
                    )
            for start in range(0, len(rows), 2000):
                connection.execute(sa.insert(evaluations), [_values(r) for r in rows[start : start + 2000]])
            if pending.stored_version >= 0:  # the first judgement of a database is no change
                self._record_changes(connection, rows, before, pending)

    @staticmethod
    def _statuses(connection: sa.Connection, keys: set[EvaluationKey] | None) -> dict[EvaluationKey, str]:
        statement = sa.select(
            evaluations.c.strategy_id,
            evaluations.c.version,
            evaluations.c.indicator,
            evaluations.c.area,
            evaluations.c.status,
        )
        if keys is not None:
            if not keys:
                return {}
            statement = statement.where(
                evaluations.c.indicator.in_(sorted({k[2] for k in keys})),
                evaluations.c.area.in_(sorted({k[3] for k in keys})),
            )
        found = {
            (r.strategy_id, r.version, r.indicator, r.area): r.status for r in connection.execute(statement)
        }
        return found if keys is None else {k: v for k, v in found.items() if k in keys}

    @staticmethod
    def _record_changes(connection, rows: Sequence[StoredRow], before: dict, pending: Pending) -> None:
        touched = pending.touched()
        now = datetime.datetime.now(datetime.UTC)
        batches = json.dumps(sorted(touched.batches))
        since = touched.since or now.date()
        changes = [
            {
                "strategy_id": r.key[0],
                "version": r.key[1],
                "indicator": r.key[2],
                "area": r.key[3],
                "from_status": before.get(r.key),
                "to_status": r.evaluation.status.name,
                "period": r.evaluation.period,
                "value": None if r.evaluation.value is None else str(r.evaluation.value),
                "since": since,
                "batches": batches,
                "data_version": pending.data_version,
                "recorded_at": now,
            }
            for r in rows
            if before.get(r.key) != r.evaluation.status.name
        ]
        for start in range(0, len(changes), 2000):
            connection.execute(sa.insert(status_changes), changes[start : start + 2000])

    def changes_after(
        self,
        after: int,
        first: int,
        *,
        strategy_id: str | None = None,
        area: str | None = None,
        indicator: str | None = None,
    ) -> list:
        """The changes after the cursor `after` (an id; 0: from the start), oldest first."""
        conditions = [status_changes.c.id > after]
        for column, value in (
            (status_changes.c.strategy_id, strategy_id),
            (status_changes.c.area, area),
            (status_changes.c.indicator, indicator),
        ):
            if value is not None:
                conditions.append(column == value)
        with self.engine.connect() as connection:
            return connection.execute(
                sa.select(status_changes).where(*conditions).order_by(status_changes.c.id).limit(first)
            ).all()

    def statuses_since(
        self, strategy_id: str, version: str, area: str
    ) -> dict[str, tuple[str, datetime.date]]:
        """Per indicator of a revision, the status it last changed to for the area and the
        vintage it holds from (indicators whose status never changed since evaluations were
        first stored are left out)."""
        latest = (
            sa.select(sa.func.max(status_changes.c.id))
            .where(
                status_changes.c.strategy_id == strategy_id,
                status_changes.c.version == version,
                status_changes.c.area == area,
            )
            .group_by(status_changes.c.indicator)
        )
        with self.engine.connect() as connection:
            rows = connection.execute(
                sa.select(
                    status_changes.c.indicator, status_changes.c.to_status, status_changes.c.since
                ).where(status_changes.c.id.in_(latest))
            ).all()
        return {r.indicator: (r.to_status, r.since) for r in rows if r.since is not None}

    def last_change_id(self) -> int:
        with self.engine.connect() as connection:
            return connection.execute(
                sa.select(sa.func.coalesce(sa.func.max(status_changes.c.id), 0))
            ).scalar_one()

    def history(self, key: EvaluationKey, limit: int) -> list:
        """The changes of one judgement, oldest first (the last `limit`)."""
        strategy_id, version, indicator, area = key
        with self.engine.connect() as connection:
            rows = connection.execute(
                sa.select(status_changes)
                .where(
                    status_changes.c.strategy_id == strategy_id,
                    status_changes.c.version == version,
                    status_changes.c.indicator == indicator,
                    status_changes.c.area == area,
                )
                .order_by(status_changes.c.id.desc())
                .limit(limit)
            ).all()
        return rows[::-1]

    @staticmethod
    def all_keys(connection: sa.Connection) -> list[tuple[str, str]]:
        return [
            (r.strategy_id, r.version)
            for r in connection.execute(
                sa.select(evaluations.c.strategy_id, evaluations.c.version).distinct()
            )
        ]


_VERSIONS = sa.select(data_version.c.version, evaluation_state.c.version, evaluation_state.c.judged_by).where(
    data_version.c.id == evaluation_state.c.id  # both the one row, id 1
)


@contextlib.contextmanager
def _snapshot(engine: sa.Engine) -> Iterator[sa.Connection]:
    """A read transaction whose statements all see one snapshot: SQLite's deferred BEGIN in
    WAL mode does that from its first read; PostgreSQL needs REPEATABLE READ."""
    with engine.connect() as connection:
        if connection.dialect.name == "postgresql":
            connection = connection.execution_options(isolation_level="REPEATABLE READ")
        with connection.begin():
            yield connection


@functools.lru_cache(maxsize=1)
def judging_code() -> str:
    """A digest of everything a judgement depends on besides the data and the catalogue:
    the core (its rules, wording and shipped areas) and the status service (which period
    is the latest). Stored rows judged by other code are stale."""
    digest = hashlib.sha256()
    root = resources.files("kpi_core")
    named = [
        (f"kpi_core/{name}", f)
        for name, f in _files(root, "")
        if name.endswith((".py", ".toml", ".csv", ".json"))
    ]
    named.append(("kpi_api/status_service.py", resources.files("kpi_api") / "status_service.py"))
    for name, f in sorted(named, key=lambda pair: pair[0]):
        digest.update(name.encode() + b"\0" + f.read_bytes() + b"\0")
    return digest.hexdigest()


def _files(folder, prefix: str) -> list:
    """(path below the package, file) of every file in `folder`, recursively."""
    found = []
    for entry in folder.iterdir():
        if entry.is_dir():
            if entry.name != "__pycache__":
                found += _files(entry, f"{prefix}{entry.name}/")
        else:
            found.append((f"{prefix}{entry.name}", entry))
    return found


@functools.lru_cache(maxsize=256)
def _encoded_basis(as_of: datetime.date | None, within: tuple[str, ...] | None) -> str:
    return Basis(as_of, within).encoded()


def _values(row: StoredRow) -> dict:
    e = row.evaluation
    strategy_id, version, indicator, area = row.key
    return {
        "strategy_id": strategy_id,
        "version": version,
        "indicator": indicator,
        "area": area,
        "basis": row.basis.encoded(),
        "status": e.status.name,
        "period": e.period,
        "value": None if e.value is None else str(e.value),
        "payload": encode(e),
    }
