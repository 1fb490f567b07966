"""Keeping the stored evaluations current: drain what writes touched, rebuild, verify.

Every write queues what it touched in its own transaction (storage/evaluation_store.py).
`drain` re-evaluates exactly the judgements that can have changed and stores them with
the data version they reflect:

- a publish: every revision of the strategies published into (a new revision, and the
  bases of its predecessors, which it may have cut short);
- figures of indicator I in areas C: for every revision holding I, the areas in C (their
  own figures, and so maybe their latest period, changed) and every area whose judgement
  reads one of C — its rank peers, the areas compared with a changed benchmark, the
  roll-ups — by the core's own statement of what an evaluation reads (`kpi_core.reads`);
- a day on which a revision's judgement basis moved (a successor came into force):
  that revision.

What is judged is what a status without `asOf` asks for: each revision on its own
judgement basis, for every area, the latest period chosen as the status service chooses
it. `rebuild` judges everything anew; `verify` compares stored with fresh.
"""

import datetime
import logging
import threading
from collections.abc import Callable, Iterable

import attrs

from kpi_api.status_service import StatusRequest, evaluate_many
from kpi_api.storage.evaluation_store import Basis, Pending, StoredEvaluations, StoredRow, StoreRace, Touched
from kpi_core import AreaDirectory, Evaluation, Revision, Strategy, judgement_basis, reads

log = logging.getLogger(__name__)

_RACES = 5  # drains that lost to another upkeep before this one gives up (the next drain goes on)


@attrs.frozen
class DrainReport:
    data_version: int
    evaluated: int
    full: bool


@attrs.frozen
class Mismatch:
    key: tuple[str, str, str, str]
    stored: str | None  # a status name, None: not stored
    fresh: str | None  # None: should not be stored


class EvaluationUpkeep:
    def __init__(
        self,
        store: StoredEvaluations,
        repository,
        strategies: Callable[[], tuple[Strategy, ...]],
        areas: AreaDirectory,
        today: Callable[[], datetime.date] = datetime.date.today,
    ) -> None:
        self.store, self.repository, self.strategies, self.areas, self.today = (
            store,
            repository,
            strategies,
            areas,
            today,
        )
        self._lock = threading.Lock()  # one drain at a time in this process

    def drain(self, progress: Callable[[int, int], None] | None = None) -> DrainReport | None:
        """Bring the stored evaluations to the current data version; None if they were."""
        with self._lock:
            for _ in range(_RACES):
                pending = self.store.pending()
                today = self.today()
                strategies = self.strategies()
                moved = self._moved_bases(strategies, today)
                if pending.current and not moved:
                    return None
                touched = pending.touched()
                # Rows judged by other code (an upgrade) are judged again, all of them.
                full = touched.everything or pending.stored_version < 0 or not pending.judged_by_this_code
                if full:
                    rows = self._judge(self._everything(strategies, today), progress)
                else:
                    moved_strategies = touched.strategies | {s for s, _ in moved}
                    wanted = self._affected(strategies, today, touched, moved_strategies, set(moved))
                    rows = self._judge(wanted, progress)
                try:
                    self.store.store(rows, pending, replace_all=full, keep=_revision_keys(strategies))
                except StoreRace:
                    continue
                return DrainReport(pending.data_version, len(rows), full)
            log.warning("stored evaluations: %d drains in a row lost to another upkeep; trying later", _RACES)
            return None

    def rebuild(self, progress: Callable[[int, int], None] | None = None) -> DrainReport:
        """Judge everything anew from the observations and replace every stored row."""
        with self._lock:
            while True:
                pending = self.store.pending()
                strategies = self.strategies()
                rows = self._judge(self._everything(strategies, self.today()), progress)
                try:
                    self.store.store(rows, pending, replace_all=True)
                except StoreRace:
                    continue
                return DrainReport(pending.data_version, len(rows), True)

    def verify(self, progress: Callable[[int, int], None] | None = None) -> tuple[Pending, list[Mismatch]]:
        """Stored rows that differ from a fresh judgement (empty: they agree). Meaningful
        when nothing is pending (`Pending.current`); the caller says so otherwise."""
        pending = self.store.pending()
        strategies = self.strategies()
        fresh = {
            r.key: (r.basis.encoded(), r.evaluation)
            for r in self._judge(self._everything(strategies, self.today()), progress)
        }
        stored = self.store.all_rows()
        mismatches = []
        for key in sorted(fresh.keys() | stored.keys()):
            mine, theirs = stored.get(key), fresh.get(key)
            if mine != theirs:
                mismatches.append(
                    Mismatch(
                        key,
                        None if mine is None else mine[1].status.name,
                        None if theirs is None else theirs[1].status.name,
                    )
                )
        return pending, mismatches

    # What to judge -----------------------------------------------------------------

    def _everything(self, strategies, today) -> list[tuple[Strategy, Revision, Basis, list[str], list[str]]]:
        codes = [a.code for a in self.areas]
        return [
            (s, r, _basis(s, r, today), [i.id for i in r.indicators], codes)
            for s in strategies
            for r in s.revisions
        ]

    def _affected(self, strategies, today, touched: Touched, whole: set[str], moved: set):
        codes = [a.code for a in self.areas]
        wanted = []
        for s in strategies:
            for r in s.revisions:
                basis = _basis(s, r, today)
                if s.id in whole or (s.id, r.version) in moved:
                    wanted.append((s, r, basis, [i.id for i in r.indicators], codes))
                    continue
                for indicator in r.indicators:
                    if indicator.id not in touched.figures:
                        continue
                    changed = touched.figures[indicator.id]
                    if changed is None:
                        wanted.append((s, r, basis, [indicator.id], codes))
                        continue
                    areas = set(changed) & set(codes)
                    for area, period in self.store.periods(s.id, r.version, indicator.id).items():
                        if area in areas or period is None:
                            continue
                        if reads(indicator, area, period, self.areas).areas & changed:
                            areas.add(area)
                    if areas:
                        wanted.append((s, r, basis, [indicator.id], sorted(areas)))
        return wanted

    def _moved_bases(self, strategies, today) -> list[tuple[str, str]]:
        """Revisions whose stored rows were judged on another basis than today's."""
        stored = self.store.bases()
        return [
            (s.id, r.version)
            for s in strategies
            for r in s.revisions
            if (s.id, r.version) in stored and stored[(s.id, r.version)] != {_basis(s, r, today).encoded()}
        ]

    def _judge(self, wanted: Iterable, progress) -> list[StoredRow]:
        wanted = list(wanted)
        total = sum(len(ids) * len(codes) for _, _, _, ids, codes in wanted)
        done, rows = 0, []
        for strategy, revision, basis, ids, codes in wanted:
            indicators = [revision.indicator(i) for i in ids]
            requests = [
                StatusRequest(i, a, None, basis.as_of, basis.within) for i in indicators for a in codes
            ]
            evaluations: list[Evaluation] = evaluate_many(requests, self.repository, self.areas)
            rows += [
                StoredRow((strategy.id, revision.version, r.indicator.id, r.area), basis, e)
                for r, e in zip(requests, evaluations, strict=True)
            ]
            done += len(requests)
            if progress is not None:
                progress(done, total)
        return rows


def _basis(strategy: Strategy, revision: Revision, today: datetime.date) -> Basis:
    basis = judgement_basis(strategy, revision, today)
    return Basis(basis.as_of, basis.periods)


def _revision_keys(strategies) -> frozenset[tuple[str, str]]:
    return frozenset((s.id, r.version) for s in strategies for r in s.revisions)


class UpkeepThread:
    """`kpi serve`'s upkeep: a thread of its own that drains whenever the data version
    moved (a write here, or by another process: `kpi import` beside the server) or the
    day changed (a revision's basis may have moved with it). Checking costs microseconds
    on SQLite (`DataVersion.current`), one small query on PostgreSQL."""

    def __init__(
        self, upkeep: EvaluationUpkeep, data_version: Callable[[], object], interval: float = 1.0
    ) -> None:
        self.upkeep, self.data_version, self.interval = upkeep, data_version, interval
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="kpi-evaluation-upkeep", daemon=True)
        self._seen: tuple[object, datetime.date] | None = None

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=30)

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                now = (self.data_version(), self.upkeep.today())
                if now != self._seen:
                    report = self.upkeep.drain()
                    if report is not None:
                        log.info(
                            "stored evaluations: %d judged (%s) at data version %d",
                            report.evaluated,
                            "all" if report.full else "what the writes touched",
                            report.data_version,
                        )
                    # Read before the drain: a write during it, or the drain itself, makes
                    # the next look differ, and the next drain finds what is left (or nothing).
                    self._seen = now
            except Exception:  # the service goes on, judging from the observations
                log.exception(
                    "stored evaluations: the upkeep failed; statuses are judged per request meanwhile"
                )
            self._stop.wait(self.interval)
