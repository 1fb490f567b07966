"""Evaluations for many (indicator, area, period, asOf) at once, with few store calls.

Plan, fetch, evaluate: the core says what each evaluation reads (`kpi_core.reads`); the
plans are merged into queries, and every evaluation is judged on what they found. A
request for the status of every goal and indicator of a revision asks the store at most
three times per `asOf` (and set of periods to choose among) — once for the latest periods where none was given, then once
for the plans that read a whole comparison set (rank targets) and once for the rest —
however many indicators there are.
"""

from collections import defaultdict
from collections.abc import Iterable
from typing import Protocol

import attrs

from kpi_api.http import deadline
from kpi_core import AreaDirectory, Cell, Evaluation, Indicator, evaluate, reads
from kpi_core.evaluation import ObservationIndex, headline_cells, headline_period, nothing_at_all
from kpi_core.repository import ObservationQuery, ObservationRepository


@attrs.frozen
class StatusRequest:
    indicator: Indicator
    area: str
    period: str | None = None
    as_of: object = None  # datetime.date | None
    # Without `period`, the latest period is chosen among these only (a revision written
    # for a stated period: kpi_core.revision_time); None: among all.
    within: tuple[str, ...] | None = None
    # (strategy id, version) the indicator is of: with it, and without a period, a stored
    # evaluation judged on the same basis answers (kpi_api.evaluation_upkeep).
    revision: tuple[str, str] | None = None

    def stored_key(self) -> "StoredKey | None":
        if self.revision is None or self.period is not None:
            return None
        return (*self.revision, self.indicator.id, self.area), self.as_of, self.within


# ((strategy id, version, indicator id, area), as_of, within): a stored evaluation's key and basis.
StoredKey = tuple[tuple[str, str, str, str], object, tuple[str, ...] | None]


class StoredEvaluationsLike(Protocol):
    """What the status service reads stored evaluations with (storage/evaluation_store.py)."""

    def lookup(self, keys: Iterable[StoredKey]) -> dict[tuple[str, str, str, str], Evaluation] | None: ...


def evaluate_many(
    requests: list[StatusRequest],
    repository: ObservationRepository,
    areas: AreaDirectory,
    stored: StoredEvaluationsLike | None = None,
) -> list[Evaluation]:
    """The evaluations of `requests`, in their order: from `stored` where it holds them
    for the current data, else judged here."""
    results: dict[int, Evaluation] = {}
    if stored is not None:
        keys = {n: key for n, r in enumerate(requests) if (key := r.stored_key()) is not None}
        found = stored.lookup(keys.values()) if keys else None
        if found:
            for n, key in keys.items():
                if key[0] in found:
                    results[n] = found[key[0]]
    by_as_of: dict[tuple[object, tuple[str, ...] | None], list[tuple[int, StatusRequest]]] = defaultdict(list)
    for n, request in enumerate(requests):
        if n not in results:
            by_as_of[(request.as_of, request.within)].append((n, request))
    for (as_of, within), group in by_as_of.items():
        missing = [r for _, r in group if r.period is None]
        # Per (indicator, area), the latest period of the cells the headline reads (the
        # total, the focus group, the groups): the core picks the period from them. Where
        # the headline has no figure in any period, one more call asks for every cell of
        # the indicators with breakdowns, so that their groups are shown.
        latest: dict[tuple[str, str], dict] = defaultdict(dict)
        if missing:
            _latest_cells(repository, missing, as_of, within, latest, every_cell=False)
            headless = [
                r
                for r in missing
                if r.indicator.breakdowns
                and headline_period(r.indicator, latest[(r.indicator.id, r.area)], or_any=False) is None
            ]
            if headless:
                _latest_cells(repository, headless, as_of, within, latest, every_cell=True)
        chosen: dict[int, str | None] = {
            n: r.period or headline_period(r.indicator, latest.get((r.indicator.id, r.area), {}))
            for n, r in group
        }
        # A query asks for every indicator × area × period it names, so the plans that
        # read a whole comparison set get one of their own: the set's municipalities are
        # then not fetched for every other indicator too.
        queries: dict[bool, tuple[set, set, set]] = {}
        for n, r in group:
            deadline.check()
            if chosen[n] is None:
                continue
            plan = reads(r.indicator, r.area, chosen[n], areas)
            ids, areas_needed, periods_needed = queries.setdefault(
                plan.among is not None, (set(), set(), set())
            )
            ids.add(plan.indicator)
            areas_needed |= plan.areas
            periods_needed |= plan.periods
        by_indicator = defaultdict(list)
        for ids, areas_needed, periods_needed in queries.values():
            query = ObservationQuery(
                indicators=sorted(ids),
                areas=sorted(areas_needed),
                periods=sorted(periods_needed),
                as_of=as_of,
            )
            for o in repository.find(query):
                by_indicator[o.indicator].append(o)
        # One index per indicator, shared by every area judged against it.
        indexes = {i: ObservationIndex(i, found) for i, found in by_indicator.items()}
        for n, r in group:
            deadline.check()  # the time of a status table goes here and in the store's rows
            period = chosen[n]
            if period is None:
                results[n] = nothing_at_all(r.indicator, r.area, areas, r.within)
            else:
                index = indexes.get(r.indicator.id) or ObservationIndex(r.indicator.id, [])
                results[n] = evaluate(r.indicator, r.area, period, index, areas)
    return [results[n] for n in range(len(requests))]


def _latest_cells(
    repository: ObservationRepository,
    requests: list[StatusRequest],
    as_of: object,
    within: tuple[str, ...] | None,
    into: dict[tuple[str, str], dict],
    every_cell: bool,
) -> None:
    """Add the latest period per cell of what the requests' headlines read to `into`."""
    containing: dict[str, Cell | None] = {}
    for r in requests:
        wanted = () if every_cell else headline_cells(r.indicator)
        # One id in two revisions may read different cells: then ask for every cell.
        containing[r.indicator.id] = wanted if containing.get(r.indicator.id, wanted) == wanted else ()
    query = ObservationQuery(
        indicators=sorted(containing), areas=sorted({r.area for r in requests}), as_of=as_of, periods=within
    )
    for (indicator, area, cell), period in repository.latest_periods_by_cell(query, containing).items():
        into[(indicator, area)][cell] = period
