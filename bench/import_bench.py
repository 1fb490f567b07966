"""Import benchmark on SQLite: canonical CSV, Statbank JSON-stat 2.0 and Jobindsats v3.

Each round, for each format, in the same run: the full `kpi import` pipeline (parse,
map, validate every row, store all or nothing) into a fresh database, and a reference —
the driver alone (sqlite3's executemany) inserting the same rows, already parsed and
validated, into the same, empty, migrated table (the practical limit). Reported as
medians over the rounds and as ratios to the reference. Then the peak memory of a
1,000,000-row import per format, each in a fresh subprocess: the kernel's high-water mark
of its resident set (VmHWM in /proc/self/status), the whole process, interpreter and
libraries included.

    make bench            # or: .venv/bin/python -m bench.import_bench [--rows N] [--rounds N]
                          #        [--memory-rows N] [--formats csv,jsonstat,jobindsats] [--clock cpu]

The data is SYNTHETIC (the O1 unemployment rate by age for every area and month, going
back from 2025), in the shapes the real sources answer with: a canonical CSV, a Statbank
JSON-stat 2.0 cube of table AUP01 (OMRÅDE × ALDER × KØN × ContentsCode × Tid) and a
Jobindsats v3 answer of table y01a02 (columns/rows, Danish labels, area names).
"""

import argparse
import datetime
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import sqlalchemy as sa

from kpi_api.importing.mappings import mappings_for_import
from kpi_api.importing.service import import_bytes, read_source
from kpi_api.importing.validate import indicator_facts, validate
from kpi_api.storage.engine import create_engine, migrate, write_transaction
from kpi_api.storage.observation_store import _COLUMNS, SqlObservationRepository, _values
from kpi_core import shipped_areas, shipped_strategies

NOTES = "## Where the time goes"  # the hand-written part of the results file, kept by a new run
FORMATS = ("csv", "jsonstat", "jobindsats")
FILE_NAMES = {"csv": "bench.csv", "jsonstat": "aup01.json", "jobindsats": "y01a02.json"}
AGES = ["", "16-24", "25-29", "30-39", "40-49", "50-59", "60-99"]  # O1's breakdown; "" the total
STATBANK_AGES = ["TOT", "16-24", "25-29", "30-39", "40-49", "50-59", "6099"]
JOBINDSATS_AGES = [
    "Alder i alt",
    "16-24 år",
    "25-29 år",
    "30-39 år",
    "40-49 år",
    "50-59 år",
    "60 år og derover",
]
# A JSON source is read whole, so at most 16 MiB (kpi_api.importing.rows.MAX_JSON_BYTES):
# a Jobindsats v3 answer of ~96 bytes a row holds at most ~170,000 rows; bigger downloads
# come in parts (by period). Its memory import is the largest that fits.
JOBINDSATS_MAX_ROWS = 150_000
NOTE = "SYNTHETIC benchmark data (kommune-kpi bench/import_bench.py): made-up numbers in the real shape"


def _months(rows: int, per_month: int) -> list[tuple[int, int]]:
    """Enough months, newest first from 2025-12, for `rows` rows of `per_month` each."""
    count = -(-rows // per_month)
    return [(2025 - i // 12, 12 - i % 12) for i in range(count)]


def _value(n: int, i: int, month: int) -> float:
    return round((n * 7 % 50) / 10 + i + month / 10, 1)


def synthetic_csv(rows: int) -> bytes:
    areas = [a.code for a in shipped_areas()]
    lines = ["indicator,area,period,value,age,source"]
    for year, month in _months(rows, len(areas) * len(AGES)):
        for n, area in enumerate(areas):
            for i, age in enumerate(AGES):
                lines.append(f"O1,{area},{year}-{month:02d},{_value(n, i, month)},{age},SYNTETISK benchmark")
    return ("\n".join(lines[: rows + 1]) + "\n").encode()


def _statbank_code(code: str) -> str:
    return "000" if code == "DK" else code[1:] if code.startswith("108") else code


def synthetic_jsonstat(rows: int) -> bytes:
    """A JSON-stat 2.0 dataset as Statbank writes it for AUP01: every area × age × month,
    the sexes' total only (KØN=TOT asked), about `rows` cells (whole months)."""
    areas = [_statbank_code(a.code) for a in shipped_areas()]
    months = _months(rows, len(areas) * len(STATBANK_AGES))
    times = [f"{y}M{m:02d}" for y, m in months]
    values = [
        _value(n, i, month)
        for n in range(len(areas))
        for i in range(len(STATBANK_AGES))
        for _, month in months
    ]
    document = {
        "version": "2.0",
        "class": "dataset",
        "label": "Fuldtidsledige i pct. af arbejdsstyrken (foreløbig opgørelse) efter område, alder, køn, indhold og tid",
        "note": [NOTE],
        "source": "Danmarks Statistik (SYNTHETIC)",
        "updated": "2025-12-20T08:00:00Z",
        "extension": {"px": {"tableid": "AUP01", "decimals": 1}},
        "id": ["OMRÅDE", "ALDER", "KØN", "ContentsCode", "Tid"],
        "size": [len(areas), len(STATBANK_AGES), 1, 1, len(times)],
        "role": {"geo": ["OMRÅDE"], "metric": ["ContentsCode"], "time": ["Tid"]},
        "dimension": {
            "OMRÅDE": {"label": "område", "category": {"index": areas}},
            "ALDER": {"label": "alder", "category": {"index": STATBANK_AGES}},
            "KØN": {"label": "køn", "category": {"index": ["TOT"], "label": {"TOT": "I alt"}}},
            "ContentsCode": {"label": "indhold", "category": {"index": ["AUP01"]}},
            "Tid": {"label": "tid", "category": {"index": times}},
        },
        "value": values,
    }
    return json.dumps(document, ensure_ascii=False).encode()


def _jobindsats_name(area) -> str:
    return "Hele landet" if area.code == "DK" else area.name


def synthetic_jobindsats(rows: int) -> bytes:
    """A Jobindsats v3 answer for y01a02: one row per month × area × age (the totals of
    sex and origin asked), four measures of which the mapping reads one."""
    areas = [_jobindsats_name(a) for a in shipped_areas()]
    body = []
    for year, month in _months(rows, len(areas) * len(JOBINDSATS_AGES)):
        for n, area in enumerate(areas):
            for i, age in enumerate(JOBINDSATS_AGES):
                rate = _value(n, i, month)
                body.append(
                    [
                        f"{year}M{month:02d}",
                        area,
                        "Køn i alt",
                        age,
                        "Herkomst i alt",
                        1000 + n,
                        800.5,
                        rate,
                        rate / 2,
                    ]
                )
    document = {
        "_note": NOTE,
        "columns": [
            "Periode",
            "Område",
            "Køn",
            "Alder",
            "Herkomst",
            "Antal personer",
            "Antal fuldtidspersoner",
            "Fuldtidspersoner i pct. af arbejdsstyrken 16-66 år",
            "Fuldtidspersoner i pct. af befolkningen 16-66 år",
        ],
        "rows": body[:rows],
    }
    return json.dumps(document, ensure_ascii=False).encode()


GENERATORS = {"csv": synthetic_csv, "jsonstat": synthetic_jsonstat, "jobindsats": synthetic_jobindsats}


def fresh(url: str) -> sa.Engine:
    engine = create_engine(url)
    migrate(engine)
    return engine


def parsed(fmt: str, data: bytes):
    """The rows the import would store: read, mapped and validated (outside the clock)."""
    _, source = read_source(data, FILE_NAMES[fmt], fmt, mappings_for_import())
    checked = validate(
        source,
        indicator_facts(shipped_strategies()),
        shipped_areas(),
        published=datetime.date(2026, 1, 1),
        source="bench",
    )
    assert not checked.problems, checked.problems[:3]
    return checked.observations


# The clock: wall time by default; `--clock cpu` takes this process's CPU time instead,
# steadier on a shared machine (it leaves out waiting for the disk and for other work).
clock = time.perf_counter


def reference(engine: sa.Engine, observations) -> float:
    """The driver alone: the parsed rows straight into the observations table."""
    with write_transaction(engine) as c:
        c.exec_driver_sql(
            "INSERT INTO import_batches (id, file_name, sha256, format, rows, added, imported_by, imported_at)"
            " VALUES ('ref', 'ref', 'ref', 'csv', 0, 0, 'bench', '2026-01-01')"
        )
    insert = f"INSERT INTO observations ({', '.join(_COLUMNS)}) VALUES ({', '.join('?' * len(_COLUMNS))})"
    rows = [_values(o, "ref", True) for o in observations]  # the driver's tuples, ready (as before)
    start = clock()
    with write_transaction(engine) as c:
        for i in range(0, len(rows), 5000):
            c.exec_driver_sql(insert, rows[i : i + 5000])
    return clock() - start


def pipeline(engine: sa.Engine, fmt: str, data: bytes, expected: int) -> float:
    repository = SqlObservationRepository(engine)
    start = clock()
    report = import_bytes(
        data, FILE_NAMES[fmt], repository, shipped_strategies(), shipped_areas(), fmt=fmt, imported_by="bench"
    )
    elapsed = clock() - start
    assert not report.rejected and report.added == report.rows == expected, (report.rows, report.problems[:3])
    return elapsed


def peak_memory(fmt: str, rows: int, folder: Path) -> tuple[int, float, float]:
    """(rows stored, VmHWM in MB, seconds) of one import of `rows` rows in a fresh interpreter; the
    file is generated in another process first, so that only the import is measured."""
    data = folder / FILE_NAMES[fmt]
    data.write_bytes(GENERATORS[fmt](min(rows, JOBINDSATS_MAX_ROWS) if fmt == "jobindsats" else rows))
    done = subprocess.run(
        [sys.executable, "-m", "bench.import_bench", "--measure-memory", fmt, str(data)],
        check=True,
        capture_output=True,
        text=True,
        cwd=Path(__file__).resolve().parents[1],
    )
    stored, peak_kb, seconds = done.stdout.split()
    data.unlink()
    return int(stored), int(peak_kb) / 1024, float(seconds)


def _measure_memory(fmt: str, path: Path) -> None:
    """In the subprocess: import the file, print the rows stored and VmHWM (kB)."""
    engine = fresh(f"sqlite:///{path.with_suffix('.sqlite3')}")
    start = time.perf_counter()
    report = import_bytes(
        path.read_bytes(),
        path.name,
        SqlObservationRepository(engine),
        shipped_strategies(),
        shipped_areas(),
        fmt=fmt,
        imported_by="bench",
    )
    elapsed = time.perf_counter() - start
    assert not report.rejected, report.problems[:3]
    status = Path("/proc/self/status").read_text()
    peak = next(line.split()[1] for line in status.splitlines() if line.startswith("VmHWM:"))
    print(report.added, peak, f"{elapsed:.2f}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000, help="rows per timed import")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument(
        "--memory-rows", type=int, default=1_000_000, help="rows of the memory import (0: skip)"
    )
    parser.add_argument("--formats", default=",".join(FORMATS))
    parser.add_argument(
        "--clock", choices=("wall", "cpu"), default="wall", help="wall time, or this process's CPU time"
    )
    parser.add_argument("--out", type=Path, default=Path(__file__).with_name("results-import.md"))
    parser.add_argument("--measure-memory", nargs=2, metavar=("FORMAT", "FILE"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure_memory:
        _measure_memory(args.measure_memory[0], Path(args.measure_memory[1]))
        return
    global clock
    clock = time.process_time if args.clock == "cpu" else time.perf_counter
    formats = [f for f in args.formats.split(",") if f]
    assert set(formats) <= set(FORMATS), formats
    folder = Path(tempfile.mkdtemp(prefix="kpi-bench-"))
    counter = iter(range(10_000))

    def url() -> str:
        return f"sqlite:///{folder / f'bench-{next(counter)}.sqlite3'}"

    inputs = {f: GENERATORS[f](args.rows) for f in formats}
    rows = {f: parsed(f, inputs[f]) for f in formats}
    times: dict[str, dict[str, list[float]]] = {f: {"ref": [], "kpi": []} for f in formats}
    for round_ in range(args.rounds):
        for fmt in formats:
            # Interleaved: reference and pipeline alternate, each on a fresh database file.
            times[fmt]["ref"].append(reference(fresh(url()), rows[fmt]))
            times[fmt]["kpi"].append(pipeline(fresh(url()), fmt, inputs[fmt], len(rows[fmt])))
            print(
                f"round {round_ + 1} {fmt}: ref {times[fmt]['ref'][-1]:.2f}s, kpi import {times[fmt]['kpi'][-1]:.2f}s",
                flush=True,
            )
    memory = {f: peak_memory(f, args.memory_rows, folder) for f in formats} if args.memory_rows else {}
    for fmt, (stored, peak, seconds) in memory.items():
        print(f"memory {fmt}: {stored:,} rows, peak RSS {peak:,.0f} MB, {seconds:.1f}s", flush=True)
    command = " ".join(["python -m bench.import_bench", *sys.argv[1:]]).strip()
    lines = [
        f"# Import benchmark (SQLite; {args.rows:,} rows per import, {args.rounds} rounds, medians"
        + (", CPU time)" if args.clock == "cpu" else ")"),
        "",
        f"Measured {datetime.date.today()} with `{command}` (`make bench` runs it with the defaults)",
        f"on this machine ({os.cpu_count()} cores, shared with other work: quote medians). Python {sys.version.split()[0]},",
        f"SQLite {__import__('sqlite3').sqlite_version}. The data is SYNTHETIC, in the real shapes (see the module's docstring).",
        "",
        "Reference: the database driver alone (sqlite3 executemany, 5,000 rows a call, one transaction)",
        "inserting the same rows, already parsed, mapped and validated, into the same empty table.",
        "The import: `import_bytes` as `kpi import` calls it (parse, map, validate, duplicate and",
        "conflict checks, store all or nothing) into a fresh database.",
        "",
        "| format | input | kpi import rows/s | reference rows/s | kpi import / reference time |",
        "| --- | ---: | ---: | ---: | ---: |",
    ]
    for fmt in formats:
        kpi, ref = statistics.median(times[fmt]["kpi"]), statistics.median(times[fmt]["ref"])
        n = len(rows[fmt])
        size = f"{len(inputs[fmt]) / 1e6:.1f} MB"
        lines.append(f"| {fmt} | {size} | {n / kpi:,.0f} | {n / ref:,.0f} | {kpi / ref:.2f}× |")
    if memory:
        lines += [
            "",
            f"Peak memory of one {args.memory_rows:,}-row import (fresh subprocess; VmHWM, the peak resident",
            "set of the whole process from /proc/self/status, interpreter and libraries included):",
            "",
            "| format | rows stored | peak RSS | import time (one run) |",
            "| --- | ---: | ---: | ---: |",
        ]
        lines += [
            f"| {fmt} | {stored:,} | {peak:,.0f} MB | {seconds:.1f} s |"
            for fmt, (stored, peak, seconds) in memory.items()
        ]
        if "jobindsats" in memory and args.memory_rows > JOBINDSATS_MAX_ROWS:
            lines += [
                "",
                f"Jobindsats: {JOBINDSATS_MAX_ROWS:,} rows, the largest answer under the 16 MiB a JSON file may have",
                "(it is read whole); a million rows of Jobindsats come as several files.",
            ]
    text = "\n".join(lines) + "\n"
    # The notes written by hand under the measurements (where the time goes) are kept.
    before = args.out.read_text() if args.out.exists() else ""
    notes = before[before.index(NOTES) :] if NOTES in before else ""
    args.out.write_text(text + ("\n" + notes if notes else ""))
    print(text)


if __name__ == "__main__":
    main()
