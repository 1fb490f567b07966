"""An in-memory observation store: the reference behaviour of `ObservationRepository`,
and the model the SQLite and PostgreSQL adapters are tested against."""

import datetime
from collections.abc import Callable, Iterable, Mapping, Sequence

import attrs

from kpi_core.observations import FigureKey, Observation, VintageKey
from kpi_core.periods import Period, parse_period
from kpi_core.repository import (
    AlreadyRetractedError,
    Cell,
    ConflictError,
    DuplicateBatchError,
    ImportBatch,
    ObservationQuery,
    StoreError,
    UnknownBatchError,
    WithdrawnFigureError,
)


class InMemoryRepository:
    def __init__(self) -> None:
        self._rows: dict[VintageKey, Observation] = {}  # the vintages in view
        self._batch_of: dict[VintageKey, str] = {}
        # Rows of retracted batches with the date they were withdrawn from (still shown
        # by a replay as of an earlier date).
        self._withdrawn: list[tuple[Observation, datetime.date]] = []
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
        check_withdrawn(new, withdrawn_until(self._withdrawn))
        stored = attrs.evolve(batch, rows=len(observations), added=len(new))
        if dry_run:
            return stored
        self._batches.append(stored)
        for o in new:
            self._rows[o.natural_key()] = o
            self._batch_of[o.natural_key()] = batch.id
        if progress is not None:
            progress(len(new))
        self._version += 1  # the list of batches changed, even if no figure did
        return stored

    def retract(self, batch_id: str, on: datetime.date, by: str, at: datetime.datetime) -> ImportBatch:
        index = next((i for i, b in enumerate(self._batches) if b.id == batch_id), None)
        if index is None:
            raise UnknownBatchError(batch_id)
        if self._batches[index].retracted_on is not None:
            raise AlreadyRetractedError(self._batches[index])
        retracted = attrs.evolve(self._batches[index], retracted_on=on, retracted_at=at, retracted_by=by)
        self._batches[index] = retracted
        for key in [k for k, b in self._batch_of.items() if b == batch_id]:
            self._withdrawn.append((self._rows.pop(key), on))
            del self._batch_of[key]
        self._version += 1
        return retracted

    def find(self, query: ObservationQuery) -> list[Observation]:
        return newest_vintages(o for o in self._visible(query.as_of) if matches(o, query))

    def latest_periods(self, query: ObservationQuery) -> dict[tuple[str, str], str]:
        return latest_periods_of(
            o
            for o in self._visible(query.as_of)
            if matches(o, query) and not o.breakdown and o.value is not None
        )

    def latest_periods_by_cell(
        self, query: ObservationQuery, containing: Mapping[str, Cell | None]
    ) -> dict[tuple[str, str, Cell], str]:
        return latest_cell_periods_of(
            o
            for o in self._visible(query.as_of)
            if matches(o, query) and o.value is not None and asked(o, containing)
        )

    def _visible(self, as_of: datetime.date | None) -> Iterable[Observation]:
        """The rows in view, and those withdrawn after `as_of` (a replay of an earlier day)."""
        yield from self._rows.values()
        if as_of is not None:
            yield from (o for o, on in self._withdrawn if as_of < on)

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


def withdrawn_until(
    withdrawn: Iterable[tuple[Observation, datetime.date]],
) -> Callable[[VintageKey], datetime.date | None]:
    """Per natural key, the last date a withdrawn vintage of it was in view until (rows
    withdrawn before they were published were never in view)."""
    until: dict[VintageKey, datetime.date] = {}
    for o, on in withdrawn:
        if o.published is not None and o.published < on:
            key = o.natural_key()
            until[key] = max(on, until.get(key, on))
    return until.get


def check_withdrawn(
    new: Sequence[Observation], withdrawn_until: Callable[[VintageKey], datetime.date | None]
) -> None:
    """Refuse a new row that would be in view on a day a withdrawn vintage of the same
    figure was (a past view would change). Shared by every adapter."""
    for o in new:
        until = withdrawn_until(o.natural_key())
        if until is not None and o.published is not None and o.published < until:
            raise WithdrawnFigureError(o, until)


def newest_vintages(observations: Iterable[Observation]) -> list[Observation]:
    """Per figure, the vintage with the latest published date, in a stable order."""
    newest: dict[FigureKey, Observation] = {}
    for o in observations:
        current = newest.get(o.key())
        if current is None or (o.published or _MIN) > (current.published or _MIN):
            newest[o.key()] = o
    return sorted(newest.values(), key=lambda o: (o.indicator, o.area, o.period, o.breakdown))


_MIN = datetime.date.min
