"""8 concurrent writers with readers running: no "database is locked", no lost write.
`KPI_FUZZ_TRANSACTIONS` transactions per writer (`make fuzz`: 500; CI: a few)."""

import datetime
import itertools
import os
import threading
import time
from decimal import Decimal

from kpi_api.storage.observation_store import SqlObservationRepository
from kpi_core import Observation
from kpi_core.repository import ImportBatch, ObservationQuery
from tests.conftest import reset_observations

WRITERS = 8
TRANSACTIONS = int(os.environ.get("KPI_FUZZ_TRANSACTIONS", "50"))


def test_concurrent_writers_and_readers_lose_nothing(store_engine):
    reset_observations(store_engine)
    store = SqlObservationRepository(store_engine)
    errors: list[BaseException] = []
    seen: list[list[int]] = [[], []]  # rows each reader saw, read after read
    stop = threading.Event()
    day = datetime.date(2024, 1, 1)

    def writer(w: int) -> None:
        try:
            for t in range(TRANSACTIONS):
                row = Observation(
                    "2.2",
                    "151",
                    f"{1900 + t}",
                    Decimal(w),
                    {"age": f"w{w}"},
                    published=day,
                    source="SYNTETISK",
                )
                batch = ImportBatch(
                    f"w{w}-t{t}",
                    "concurrency",
                    f"sha-{w}-{t}",
                    "csv",
                    "test",
                    datetime.datetime.now(datetime.UTC),
                )
                store.add(batch, [row])
        except BaseException as exc:
            errors.append(exc)

    def reader(r: int) -> None:
        try:
            while not stop.is_set():
                seen[r].append(len(store.find(ObservationQuery(indicators=("2.2",), areas=("151",)))))
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=writer, args=(w,)) for w in range(WRITERS)]
    readers = [threading.Thread(target=reader, args=(r,)) for r in range(2)]
    started = time.perf_counter()
    for t in threads + readers:
        t.start()
    for t in threads:
        t.join()
    stop.set()
    for t in readers:
        t.join()
    elapsed = time.perf_counter() - started
    print(
        f"\n{store_engine.dialect.name}: {WRITERS} writers × {TRANSACTIONS} transactions, "
        f"{sum(map(len, seen))} reads alongside, {len(errors)} errors, {elapsed:.1f} s"
    )
    assert [repr(e) for e in errors] == []  # no "database is locked", nothing else
    assert len(store.find(ObservationQuery(indicators=("2.2",)))) == WRITERS * TRANSACTIONS  # no lost write
    # A committed write never disappears from a later read.
    assert all(a <= b for reads in seen for a, b in itertools.pairwise(reads))
    assert len(store.batches()) == WRITERS * TRANSACTIONS and store.data_version() == WRITERS * TRANSACTIONS
