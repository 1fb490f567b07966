"""An in-memory observation store: the reference behaviour of `ObservationRepository`,
and the model the SQLite and PostgreSQL adapters are tested against."""

import datetime
from collections.abc import Callable, Iterable, Mapping, Sequence

import attrs

from kpi_core.observations import FigureKey, Observation, VintageKey
from kpi_core.periods import Period, parse_period
from kpi_core.repository import (
    Cell,
    ConflictError,
    DuplicateBatchError,
    ImportBatch,
    ObservationQuery,
    StoreError,
)


class InMemoryRepository:
    def __init__(self) -> None:
        self._rows: dict[VintageKey, Observation] = {}
        self._batches: list[ImportBatch] = []
        self._version = 0

    def add(
        self,
        batch: ImportBatch,
        observations: Sequence[Observation],
        dry_run: bool = False,
        progress: Callable[[int], None] | None = None,
    ) -> ImportBatch:
        if any(o.published is None for o in observations):
            raise StoreError("every stored observation needs a published date (its vintage)")
        existing = next((b for b in self._batches if b.sha256 == batch.sha256), None)
        if existing is not None:
            raise DuplicateBatchError(existing)
        new, conflicts = plan_additions(self._rows.get, observations)
        if conflicts:
            raise ConflictError(conflicts)
        stored = attrs.evolve(batch, rows=len(observations), added=len(new))
        if dry_run:
            return stored
        self._batches.append(stored)
        for o in new:
            self._rows[o.natural_key()] = o
        if progress is not None:
            progress(len(new))
        if new:
            self._version += 1
        return stored

    def find(self, query: ObservationQuery) -> list[Observation]:
        return newest_vintages(o for o in self._rows.values() if matches(o, query))

    def latest_periods(self, query: ObservationQuery) -> dict[tuple[str, str], str]:
        return latest_periods_of(
            o for o in self._rows.values() if matches(o, query) and not o.breakdown and o.value is not None
        )

    def latest_periods_by_cell(
        self, query: ObservationQuery, containing: Mapping[str, Cell | None]
    ) -> dict[tuple[str, str, Cell], str]:
        return latest_cell_periods_of(
            o
            for o in self._rows.values()
            if matches(o, query) and o.value is not None and asked(o, containing)
        )

    def batches(self) -> list[ImportBatch]:
        return list(self._batches)

    def data_version(self) -> int:
        return self._version


def matches(o: Observation, query: ObservationQuery) -> bool:
    return (
        (query.indicators is None or o.indicator in query.indicators)
        and (query.areas is None or o.area in query.areas)
        and (query.periods is None or o.period in query.periods)
        and (query.as_of is None or (o.published is not None and o.published <= query.as_of))
    )


def latest_periods_of(observations: Iterable[Observation]) -> dict[tuple[str, str], str]:
    """Per (indicator, area), the latest of the periods given (compared as periods, not text)."""
    latest: dict[tuple[str, str], Period] = {}
    for o in observations:
        period = parse_period(o.period)
        key = (o.indicator, o.area)
        if key not in latest or period > latest[key]:
            latest[key] = period
    return {key: str(period) for key, period in latest.items()}


def asked(o: Observation, containing: Mapping[str, Cell | None]) -> bool:
    """Whether `latest_periods_by_cell` asks for the observation's cell."""
    if o.indicator not in containing:
        return False
    wanted = containing[o.indicator]
    return not o.breakdown if wanted is None else set(wanted) <= set(o.breakdown)


def latest_cell_periods_of(
    observations: Iterable[Observation],
) -> dict[tuple[str, str, tuple[tuple[str, str], ...]], str]:
    """Per (indicator, area, cell), the latest of the periods given (compared as periods)."""
    latest: dict[tuple[str, str, tuple[tuple[str, str], ...]], Period] = {}
    for o in observations:
        period = parse_period(o.period)
        key = (o.indicator, o.area, o.breakdown)
        if key not in latest or period > latest[key]:
            latest[key] = period
    return {key: str(period) for key, period in latest.items()}


def plan_additions(
    lookup: Callable[[VintageKey], Observation | None], observations: Sequence[Observation]
) -> tuple[list[Observation], list[tuple[Observation, Observation]]]:
    """Split rows into new vintages and conflicts with stored ones (`lookup` by natural
    key); rows identical to a stored vintage are dropped. Shared by every adapter."""
    new: list[Observation] = []
    conflicts: list[tuple[Observation, Observation]] = []
    seen: set[VintageKey] = set()
    for o in observations:
        key = o.natural_key()
        stored = lookup(key)
        if stored is None:
            if key not in seen:
                new.append(o)
                seen.add(key)
        elif stored.value != o.value:
            conflicts.append((stored, o))
    return new, conflicts


def newest_vintages(observations: Iterable[Observation]) -> list[Observation]:
    """Per figure, the vintage with the latest published date, in a stable order."""
    newest: dict[FigureKey, Observation] = {}
    for o in observations:
        current = newest.get(o.key())
        if current is None or (o.published or _MIN) > (current.published or _MIN):
            newest[o.key()] = o
    return sorted(newest.values(), key=lambda o: (o.indicator, o.area, o.period, o.breakdown))


_MIN = datetime.date.min
