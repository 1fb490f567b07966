"""The observation store, as the core sees it: a small protocol (the port).

Adapters live in kpi_api (SQLite and PostgreSQL); `kpi_core.memory` holds the in-memory
implementation the contract tests use as their model.

Semantics every implementation keeps:
- `add` stores a batch all or nothing. A row whose vintage (natural key) is already stored
  with the same value is skipped, so re-importing changes nothing; the same vintage with
  another value is a `ConflictError` and nothing is written — never an overwrite.
- A batch whose file hash is already stored is a `DuplicateBatchError`.
- `find` returns, per figure (indicator, area, period, cell), the newest vintage published
  on or before `as_of` (all dates when `as_of` is None).
- `retract` withdraws a batch as a new vintage on a date: from that date its figures
  leave every view (`find` then shows the vintage each figure had before, if any), while
  a replay `as_of` an earlier date still shows them, so a committee's past views stay
  reproducible. The rows stay stored; the batch records when and by whom. A new row for
  a figure a retracted row had must be published on or after the retraction (an earlier
  date would change what a past view showed): a `ConflictError` otherwise.
- `data_version` grows with every successful write: a stored batch (even one that added
  nothing, since the list of batches is an answer too), a retraction.
"""

import datetime
from collections.abc import Callable, Mapping, Sequence
from typing import Protocol

import attrs

from kpi_core.observations import Observation

Cell = tuple[tuple[str, str], ...]  # as kpi_core.comparisons.Cell (a leaf module here)


@attrs.frozen
class ImportBatch:
    id: str
    file_name: str
    sha256: str
    format: str
    imported_by: str
    imported_at: datetime.datetime
    rows: int = 0  # rows in the file
    added: int = 0  # rows stored (new vintages)
    # Set by `retract`: the date from which its figures are withdrawn (a vintage, like
    # `published`), when it was done and by whom.
    retracted_on: datetime.date | None = None
    retracted_at: datetime.datetime | None = None
    retracted_by: str | None = None


@attrs.frozen
class ObservationQuery:
    """Which figures to find; None means no restriction. Periods are canonical strings."""

    indicators: tuple[str, ...] | None = attrs.field(
        default=None, converter=attrs.converters.optional(tuple[str, ...])
    )
    areas: tuple[str, ...] | None = attrs.field(
        default=None, converter=attrs.converters.optional(tuple[str, ...])
    )
    as_of: datetime.date | None = None
    periods: tuple[str, ...] | None = attrs.field(
        default=None, converter=attrs.converters.optional(tuple[str, ...])
    )


class StoreError(Exception):
    """A write the store refused; nothing was written."""


class DuplicateBatchError(StoreError):
    def __init__(self, existing: ImportBatch) -> None:
        self.existing = existing
        super().__init__(
            f"this file was already imported as batch {existing.id} ({existing.file_name}, "
            f"{existing.imported_at:%Y-%m-%d %H:%M}); nothing changed"
        )


class UnknownBatchError(StoreError):
    def __init__(self, batch_id: str) -> None:
        self.batch_id = batch_id
        super().__init__(f"there is no batch {batch_id!r}; `kpi batches` lists them")


class AlreadyRetractedError(StoreError):
    def __init__(self, batch: ImportBatch) -> None:
        self.batch = batch
        when = f"{batch.retracted_at:%Y-%m-%d %H:%M}" if batch.retracted_at else str(batch.retracted_on)
        super().__init__(
            f"batch {batch.id} ({batch.file_name}) was already retracted on {when} by {batch.retracted_by}; "
            "nothing changed"
        )


class WithdrawnFigureError(StoreError):
    """A row would change what a past view showed: its figure had a vintage, now
    withdrawn, that was in view on dates this row claims to be published by."""

    def __init__(self, new: Observation, withdrawn_on: datetime.date) -> None:
        self.new = new
        super().__init__(
            f"{new.indicator} {new.area} {new.period} {dict(new.breakdown) or ''} published {new.published}: "
            f"a vintage of this figure was shown until its batch was retracted on {withdrawn_on}; a "
            f"replacement must be published on or after {withdrawn_on} (set the `published` column), or "
            "the views of the days before would change; nothing was written"
        )


class ConflictError(StoreError):
    def __init__(self, conflicts: list[tuple[Observation, Observation]]) -> None:
        self.conflicts = conflicts
        stored, new = conflicts[0]
        more = f" (and {len(conflicts) - 1} more)" if len(conflicts) > 1 else ""
        super().__init__(
            f"{new.indicator} {new.area} {new.period} {dict(new.breakdown) or ''} published {new.published}: "
            f"already stored as {stored.value}, the file says {new.value}{more}. A revised figure needs a "
            "later `published` date; nothing was written"
        )


class ObservationRepository(Protocol):
    def add(
        self,
        batch: ImportBatch,
        observations: Sequence[Observation],
        dry_run: bool = False,
        progress: Callable[[int], None] | None = None,
    ) -> ImportBatch:
        """Store the batch and its new vintages atomically; return the batch as stored.
        With `dry_run`, run every check and count, and write nothing. `progress` is told
        how many rows were written as writing goes on."""
        ...

    def find(self, query: ObservationQuery) -> list[Observation]: ...

    def latest_periods(self, query: ObservationQuery) -> dict[tuple[str, str], str]:
        """Per (indicator, area), the latest period with a total (no breakdown) that has a
        value in a vintage published on or before `as_of`."""
        ...

    def latest_periods_by_cell(
        self, query: ObservationQuery, containing: "Mapping[str, Cell | None]"
    ) -> dict[tuple[str, str, Cell], str]:
        """Per (indicator, area, breakdown cell), the latest period with a value in a
        vintage published on or before `as_of`, for the cells `containing` asks of each
        indicator: None the total only, a cell every cell holding all its pairs (`()`:
        every cell, the total included); an indicator it does not name is not asked.
        What `kpi_core.evaluation.headline_period` picks an indicator's period from; the
        filter keeps a store from sorting every cell of every indicator."""
        ...

    def batches(self) -> list[ImportBatch]: ...

    def retract(self, batch_id: str, on: datetime.date, by: str, at: datetime.datetime) -> ImportBatch:
        """Withdraw the figures the batch stored from the date `on`; return the batch as
        now stored. Unknown: `UnknownBatchError`; retracted before: `AlreadyRetractedError`."""
        ...

    def data_version(self) -> int: ...
