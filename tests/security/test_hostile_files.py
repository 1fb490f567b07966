"""Hostile files given to the CLI: `kpi import` and `kpi validate` run as subprocesses
under a 1 GiB address-space limit (RLIMIT_AS) and must exit with the clear error, naming
the place and the limit: no MemoryError, no traceback. Time and peak RSS of each are
printed (pytest -s); they are measured, not asserted (the machine is noisy)."""

import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

import pytest

KPI = str(Path(sys.executable).with_name("kpi"))
LIMIT = 1 << 30  # 1 GiB of address space


def _limited() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (LIMIT, LIMIT))


def run_limited(*args: str, cwd: Path) -> tuple[int, str]:
    """Run `kpi args` under the limit; returns (exit code, stderr) and prints time and peak RSS."""
    started = time.perf_counter()
    env = {**os.environ, "COLUMNS": "200", "KPI_DATABASE_URL": f"sqlite:///{cwd / 'kpi.sqlite3'}"}
    process = subprocess.Popen(
        [KPI, *args], cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, preexec_fn=_limited
    )
    stderr = process.stderr.read().decode()
    _, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    print(
        f"\nkpi {' '.join(a if len(a) < 40 else Path(a).name for a in args)}: exit {process.returncode}, "
        f"{time.perf_counter() - started:.1f} s, peak RSS {usage.ru_maxrss / 1024:.0f} MB"
    )
    return process.returncode, stderr


def jsonstat_bomb() -> bytes:
    """28 KB: 4 dimensions of 1,000 categories and one `status` for all 10^12 cells (the
    reader used to build a dict of them all)."""
    dims = {f"D{d}": {"category": {"index": [f"c{i}" for i in range(1000)]}} for d in range(4)}
    document = {
        "version": "2.0",
        "class": "dataset",
        "id": list(dims),
        "size": [1000] * 4,
        "dimension": dims,
        "value": {"7": 1},
        "status": "..",
        "role": {"geo": ["D0"], "time": ["D1"]},
    }
    return json.dumps(document).encode()


def write_csv_line(path: Path, header: str, length: int) -> None:
    with path.open("wb") as out:
        out.write(header.encode() + b"\n4.2,151,2022-12,")
        chunk = b"9" * (1 << 20)
        for _ in range(length >> 20):
            out.write(chunk)
        out.write(b"\n")


CASES = {
    # name: (file name, how to write it, the place and the limit the message must name)
    "jsonstat-bomb": ("bomb.json", lambda p: p.write_bytes(jsonstat_bomb()), ["bomb.json"]),
    "jsonstat-dense-bomb": (
        "dense.json",
        lambda p: p.write_bytes(
            jsonstat_bomb().replace(b'"value": {"7": 1}', b'"value": [' + b"1," * 2_000_000 + b"1]")
        ),
        ["has 2,000,001 values; a JSON-stat file may have at most 2,000,000"],
    ),
    "json-nesting": (
        "deep.json",
        lambda p: p.write_bytes(b"[" * 1_000_000 + b"]" * 1_000_000),
        ["is nested too deeply"],
    ),
    "json-too-large": (
        "big.json",
        lambda p: p.write_bytes(b'{"class": "dataset", "x": "' + b"x" * (17 << 20) + b'"}'),
        ["a JSON source is read whole, so at most 16,777,216 bytes"],
    ),
    "csv-million-columns": (
        "columns.csv",
        lambda p: p.write_bytes(b"indicator,area,period,value" + b",x234567" * 1_000_000 + b"\n"),
        [
            "header: is longer than 262,336 characters; a line has at most 64 fields of at most 4,096 characters"
        ],
    ),
    "csv-200-mb-line": (
        "line.csv",
        lambda p: write_csv_line(p, "indicator,area,period,value", 200 << 20),
        ["line 2: is longer than 262,336 characters"],
    ),
    "csv-bad-row-flood": (  # every row a problem: only the first 1,000 are kept, the others counted
        "flood.csv",
        lambda p: p.write_bytes(b"indicator,area,period,value\n" + b"x\n" * 400_000),
        [
            "Rejected flood.csv: 400,000 problem(s)",
            "  row 2: has 1 fields, the header has 4\n",
            "  … and 399,800 more\n",
        ],
    ),
    "csv-long-field": (
        "field.csv",
        lambda p: p.write_text("indicator,area,period,value\n4.2,151,2022-12," + "9" * 5000 + "\n"),
        ["row 2, column `value`: is 5,000 characters long; a field has at most 4,096"],
    ),
}


def sparse(path: Path, size: int) -> None:
    with path.open("wb") as out:
        out.truncate(size)  # no disk used


@pytest.mark.parametrize("case", CASES)
def test_kpi_import_refuses_a_hostile_file_within_1_gib(tmp_path, case):
    name, write, expected = CASES[case]
    write(tmp_path / name)
    code, stderr = run_limited("import", "--dry-run", str(tmp_path / name), cwd=tmp_path)
    assert code == 1, stderr
    database, _, report = stderr.partition("\n")  # first the database it checks against
    assert database.startswith("database: ") and report.startswith(f"Rejected {name}: ")
    assert "nothing was written" in report
    assert "Traceback" not in stderr and "MemoryError" not in stderr
    for text in expected:
        assert text in stderr


def test_kpi_import_and_validate_refuse_a_huge_file_before_reading_it(tmp_path):
    sparse(tmp_path / "huge.csv", 600 << 20)
    code, stderr = run_limited("import", str(tmp_path / "huge.csv"), cwd=tmp_path)
    assert (code, stderr) == (
        2,
        f"{tmp_path / 'huge.csv'}: is 629,145,600 bytes; `kpi import` reads at most 536,870,912 (split the file, e.g. by year)\n",
    )
    sparse(tmp_path / "huge.toml", 600 << 20)
    code, stderr = run_limited("validate", str(tmp_path / "huge.toml"), cwd=tmp_path)
    assert (code, stderr) == (
        1,
        f"{tmp_path / 'huge.toml'}: is 629,145,600 bytes; a catalogue file has at most 262,144\n",
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "format = 1\n" + "a." * 100_000 + "b = 1\n",
            "a dotted key or table header has more than 8 parts (line 2, column 16)",
        ),
        (
            "format = 1\nx = " + "[" * 50_000 + "]" * 50_000 + "\n",
            "nested more than 16 deep (line 2, column 21)",
        ),
        (
            "format = 1\nx = " + "{a = " * 40_000 + "1" + "}" * 40_000 + "\n",
            "nested more than 16 deep (line 2, column 85)",
        ),
    ],
    ids=["dotted-key", "nested-arrays", "nested-inline-tables"],
)
def test_kpi_validate_refuses_a_toml_bomb_within_1_gib(tmp_path, text, expected):
    (tmp_path / "bomb.toml").write_text(text)
    code, stderr = run_limited("validate", str(tmp_path / "bomb.toml"), cwd=tmp_path)
    assert code == 1
    assert stderr.startswith(f"catalogue file {tmp_path / 'bomb.toml'} is invalid:") and expected in stderr
    assert "Traceback" not in stderr and "RecursionError" not in stderr and "MemoryError" not in stderr
