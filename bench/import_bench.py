"""Import benchmark: rows/s for a 1,000,000-row canonical CSV into SQLite and PostgreSQL.

Each round, in the same run: the full `kpi import` pipeline (read, validate every row,
store all or nothing) into a fresh database, and a reference — the driver alone
inserting the already-parsed rows into the same, empty, migrated table (the practical
limit). Reported as medians over the rounds and as ratios to the reference.

    make bench            # or: .venv/bin/python -m bench.import_bench [--rows N] [--rounds N]

The data is SYNTHETIC (O1 by age for every area and month, going back from 2025).
"""

import argparse
import datetime
import statistics
import sys
import tempfile
import time
from pathlib import Path

import sqlalchemy as sa

from kpi_api.importing.csv_format import read_csv
from kpi_api.importing.service import import_bytes
from kpi_api.importing.validate import indicator_facts, validate
from kpi_api.storage.engine import create_engine, migrate, write_transaction
from kpi_api.storage.observation_store import _COLUMNS, SqlObservationRepository, _values
from kpi_core import shipped_areas, shipped_strategies

AGES = ["", "16-24", "25-29", "30-49", "50+"]


def synthetic_csv(rows: int) -> bytes:
    areas = [a.code for a in shipped_areas()]
    lines, year = ["indicator,area,period,value,age,source"], 2025
    while len(lines) <= rows:
        for month in range(1, 13):
            for n, area in enumerate(areas):
                for i, age in enumerate(AGES):
                    lines.append(
                        f"O1,{area},{year}-{month:02d},{(n * 7 % 50) / 10 + i:.1f},{age},SYNTETISK benchmark"
                    )
        year -= 1
    return ("\n".join(lines[: rows + 1]) + "\n").encode()


def fresh(url_factory) -> sa.Engine:
    engine = create_engine(url_factory())
    migrate(engine)
    return engine


def reference(engine: sa.Engine, data: bytes) -> float:
    """The driver alone: parsed rows straight into the observations table."""
    checked = validate(
        read_csv(data, "bench.csv"),
        indicator_facts(shipped_strategies()),
        shipped_areas(),
        published=datetime.date(2026, 1, 1),
        source="bench",
    )
    with write_transaction(engine) as c:
        c.exec_driver_sql(
            "INSERT INTO import_batches (id, file_name, sha256, format, rows, added, imported_by, imported_at) VALUES ('ref', 'ref', 'ref', 'csv', 0, 0, 'bench', '2026-01-01')"
            if engine.dialect.name == "sqlite"
            else "INSERT INTO import_batches (id, file_name, sha256, format, rows, added, imported_by, imported_at) VALUES ('ref', 'ref', 'ref', 'csv', 0, 0, 'bench', now())"
        )
    sqlite = engine.dialect.name == "sqlite"
    rows = [_values(o, "ref", sqlite) for o in checked.observations]
    marker = "?" if engine.dialect.paramstyle == "qmark" else "%s"
    insert = (
        f"INSERT INTO observations ({', '.join(_COLUMNS)}) VALUES ({', '.join([marker] * len(_COLUMNS))})"
    )
    start = time.perf_counter()
    with write_transaction(engine) as c:
        for i in range(0, len(rows), 5000):
            c.exec_driver_sql(insert, rows[i : i + 5000])
    return time.perf_counter() - start


def pipeline(engine: sa.Engine, data: bytes) -> float:
    repository = SqlObservationRepository(engine)
    start = time.perf_counter()
    report = import_bytes(
        data, "bench.csv", repository, shipped_strategies(), shipped_areas(), imported_by="bench"
    )
    elapsed = time.perf_counter() - start
    assert not report.rejected and report.added == report.rows, report.problems[:3]
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--out", type=Path, default=Path(__file__).with_name("results-import.md"))
    args = parser.parse_args()
    data = synthetic_csv(args.rows)
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    from tests.postgres import PostgresServer

    server = PostgresServer()
    pg_url = server.start()
    folder = Path(tempfile.mkdtemp(prefix="kpi-bench-"))
    counter = iter(range(10_000))

    def sqlite_url() -> str:
        return f"sqlite:///{folder / f'bench-{next(counter)}.sqlite3'}"

    def postgres_url() -> str:
        name = f"bench_{next(counter)}"
        admin = sa.create_engine(pg_url, isolation_level="AUTOCOMMIT")
        with admin.connect() as c:
            c.exec_driver_sql(f"CREATE DATABASE {name}")
        admin.dispose()
        return pg_url.rsplit("/", 1)[0] + f"/{name}"

    results: dict[str, dict[str, list[float]]] = {
        "sqlite": {"ref": [], "kpi": []},
        "postgresql": {"ref": [], "kpi": []},
    }
    try:
        for round_ in range(args.rounds):
            for kind, factory in (("sqlite", sqlite_url), ("postgresql", postgres_url)):
                # Interleaved: reference and pipeline alternate, each on a fresh database.
                results[kind]["ref"].append(reference(fresh(factory), data))
                results[kind]["kpi"].append(pipeline(fresh(factory), data))
                print(
                    f"round {round_ + 1} {kind}: ref {results[kind]['ref'][-1]:.2f}s, kpi import {results[kind]['kpi'][-1]:.2f}s",
                    flush=True,
                )
    finally:
        server.stop()
    lines = [
        f"# Import benchmark ({args.rows:,} rows, canonical CSV, {args.rounds} rounds, medians)",
        "",
        f"Measured {datetime.date.today()} with `make bench` on this machine (2 cores, shared; quote medians).",
        "Reference: the database driver alone inserting the already-parsed rows (no reading, no validation).",
        "",
        "| database | kpi import rows/s | reference rows/s | kpi import / reference time |",
        "| --- | ---: | ---: | ---: |",
    ]
    for kind, r in results.items():
        kpi, ref = statistics.median(r["kpi"]), statistics.median(r["ref"])
        lines.append(f"| {kind} | {args.rows / kpi:,.0f} | {args.rows / ref:,.0f} | {kpi / ref:.1f}× |")
    text = "\n".join(lines) + "\n"
    args.out.write_text(text)
    print(text)


if __name__ == "__main__":
    main()
