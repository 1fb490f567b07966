"""Imports survive being killed, and run beside readers and other imports."""

import collections
import os
import random
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import sqlalchemy as sa

from kpi_api.importing.service import import_bytes
from kpi_api.storage.observation_store import SqlObservationRepository
from kpi_core import shipped_areas, shipped_strategies
from kpi_core.repository import ObservationQuery
from tests.conftest import reset_observations

KPI = str(Path(sys.executable).parent / "kpi")
AGES = ["16-24", "25-29", "30-49", "50+"]


def big_csv(path: Path, years: range) -> int:
    """A valid canonical CSV: O1 (unemployment by age) for every area and month (synthetic)."""
    areas = [a.code for a in shipped_areas()]
    lines = ["indicator,area,period,value,age,source"]
    for year in years:
        for month in range(1, 13):
            for area in areas:
                for i, age in enumerate(["", *AGES]):
                    lines.append(
                        f"O1,{area},{year}-{month:02d},{(int(area.strip('DK') or 0) % 50) / 10 + i},{age},SYNTETISK"
                    )
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return len(lines) - 1


def consistent(url: str) -> tuple[int, int]:
    """Integrity holds and every stored row belongs to a complete batch."""
    engine = sa.create_engine(url)
    with engine.connect() as c:
        assert c.execute(sa.text("PRAGMA integrity_check")).scalar() == "ok"
        batches = c.execute(sa.text("SELECT id, added FROM import_batches")).all()
        for batch_id, added in batches:
            stored = c.execute(
                sa.text("SELECT count(*) FROM observations WHERE batch_id = :b"), {"b": batch_id}
            ).scalar()
            assert stored == added, f"batch {batch_id}: {stored} rows stored, {added} recorded"
        total = c.execute(sa.text("SELECT count(*) FROM observations")).scalar()
        assert total == sum(a for _, a in batches)
    engine.dispose()
    return len(batches), total


def _undo(url: str, batches_before: int) -> None:
    """Remove an import that finished before its kill, so the next round imports again."""
    engine = sa.create_engine(url)
    with engine.begin() as c:
        newest = c.execute(
            sa.text("SELECT id FROM import_batches ORDER BY imported_at DESC LIMIT 1")
        ).scalar()
        assert c.execute(sa.text("SELECT count(*) FROM import_batches")).scalar() == batches_before + 1
        c.execute(sa.text("DELETE FROM observations WHERE batch_id = :b"), {"b": newest})
        c.execute(sa.text("DELETE FROM import_batches WHERE id = :b"), {"b": newest})
    engine.dispose()


def test_kill_9_at_random_points_leaves_no_partial_batch(tmp_path):
    """`kill -9` at a random moment (a random time after start, or a random amount written to
    the WAL): never a partial batch, integrity holds, and the same file then imports."""
    database = tmp_path / "kpi.sqlite3"
    url = f"sqlite:///{database}"
    rows = big_csv(tmp_path / "o1.csv", range(2015, 2025))
    wal = Path(f"{database}-wal")
    # Creates and migrates the database (a dry run creates none).
    subprocess.run([KPI, "batches", "--database", url], check=True, capture_output=True)
    base_batches, base_rows = consistent(url)  # the document figures every new database has
    seed = int(os.environ.get("KPI_FUZZ_SEED") or random.randrange(2**32))
    rng = random.Random(seed)
    outcomes = collections.Counter()
    for _ in range(int(os.environ.get("KPI_FUZZ_KILLS", "3"))):  # `make fuzz`: 100
        settled = wal.stat().st_size if wal.exists() else 0
        # The first kill lands a few MB into the write, so even CI's few rounds test one;
        # the rest at random: a random time after start, or a random amount written.
        by_time = bool(outcomes) and rng.random() < 0.3
        at = rng.uniform(0.0, 3.0) if by_time else settled + (rng.uniform(0.2e6, 12e6) if outcomes else 4e6)
        started = time.monotonic()
        process = subprocess.Popen(
            [KPI, "import", str(tmp_path / "o1.csv"), "--database", url],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        while process.poll() is None and time.monotonic() < started + 120:
            size = wal.stat().st_size if wal.exists() else 0
            if (time.monotonic() - started >= at) if by_time else (size >= at):
                os.kill(process.pid, signal.SIGKILL)
                outcomes["killed while writing" if size > settled else "killed before writing"] += 1
                break
            time.sleep(0.002)
        returncode = process.wait()
        assert returncode in (0, -signal.SIGKILL), f"the import failed by itself (exit {returncode})"
        if returncode == 0:
            outcomes["finished before its kill"] += 1
        batches, stored = consistent(url)
        assert (batches, stored) in {(base_batches, base_rows), (base_batches + 1, base_rows + rows)}
        if batches > base_batches:
            _undo(url, base_batches)
    print(f"\nkill -9 (seed {seed}): {dict(outcomes)}; 0 partial batches, integrity_check ok after each")
    assert outcomes["killed while writing"] >= 1, "no kill landed inside the write; make the file bigger"
    finished = subprocess.run(
        [KPI, "import", str(tmp_path / "o1.csv"), "--database", url], capture_output=True, text=True
    )
    assert finished.returncode == 0, finished.stderr
    assert consistent(url) == (base_batches + 1, base_rows + rows)


def test_concurrent_imports_and_reads_do_not_fail(store_engine):
    reset_observations(store_engine)
    strategies, areas = shipped_strategies(), shipped_areas()
    errors: list[BaseException] = []
    done = threading.Event()
    municipalities = [a.code for a in areas if a.region == "1084"]

    def writer(n: int) -> None:
        try:
            for k in range(5):
                lines = ["indicator,area,period,value"] + [
                    f"2.2,{m},{2000 + n * 5 + k}-06,{n + k}" for m in municipalities
                ]
                report = import_bytes(
                    "\n".join(lines).encode(),
                    f"w{n}-{k}.csv",
                    SqlObservationRepository(store_engine),
                    strategies,
                    areas,
                )
                assert not report.rejected and report.added == len(municipalities), report
        except BaseException as exc:
            errors.append(exc)

    def reader() -> None:
        try:
            while not done.is_set():
                SqlObservationRepository(store_engine).find(
                    ObservationQuery(indicators=("2.2",), areas=("151",))
                )
        except BaseException as exc:
            errors.append(exc)

    writers = [threading.Thread(target=writer, args=(n,)) for n in range(4)]
    readers = [threading.Thread(target=reader) for _ in range(2)]
    for t in writers + readers:
        t.start()
    for t in writers:
        t.join()
    done.set()
    for t in readers:
        t.join()
    assert errors == []
    store = SqlObservationRepository(store_engine)
    assert len(store.batches()) == 20 and store.data_version() == 20
    assert len(store.find(ObservationQuery(indicators=("2.2",)))) == 20 * len(municipalities)
