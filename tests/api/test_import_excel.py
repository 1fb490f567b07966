"""Importing an Excel workbook (`kpi import figures.xlsx`): the canonical columns on the
first sheet (or `--sheet`), cells read as Excel shows them, errors by sheet, row and
column, and a workbook that would unpack to too much refused before it is unpacked.
Workbooks are written by openpyxl, as Excel would save them."""

import datetime
import io
import os
import re
import struct
import subprocess
import sys
import zipfile
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

from kpi_api.importing.excel import MAX_UNPACKED_BYTES, MAX_WHOLE_PART_BYTES
from kpi_api.importing.service import detect_format, import_bytes
from kpi_api.storage.observation_store import SqlObservationRepository
from kpi_core import shipped_areas, shipped_strategies
from kpi_core.repository import ObservationQuery
from tests.conftest import reset_observations

STRATEGIES, AREAS = shipped_strategies(), shipped_areas()
KPI = str(Path(sys.executable).with_name("kpi"))


def workbook(*sheets: tuple[str, list[list]], formats: dict | None = None) -> bytes:
    """A workbook of sheets (title, rows); `formats` {(sheet, row, column): number format}."""
    book = openpyxl.Workbook()
    book.remove(book.active)
    for title, rows in sheets:
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
    for (title, row, column), number_format in (formats or {}).items():
        book[title].cell(row, column).number_format = number_format
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def run(engine, data: bytes, sheet: str | None = None, name: str = "tal.xlsx"):
    return import_bytes(
        data,
        name,
        SqlObservationRepository(engine),
        STRATEGIES,
        AREAS,
        imported_by="test",
        today=lambda: datetime.date(2023, 1, 15),
        sheet=sheet,
    )


@pytest.fixture
def engine(store_engine):
    reset_observations(store_engine)
    return store_engine


def stored(engine) -> dict:
    return {
        (o.indicator, o.area, o.period): (o.value, o.published)
        for o in SqlObservationRepository(engine).find(ObservationQuery())
    }


def test_numbers_danish_text_dates_and_percentages_are_read_as_excel_shows_them(engine):
    data = workbook(
        (
            "Tal",
            [
                ["Indicator", "Area", "Period", "Value", "Published"],
                # numbers as numbers (2.2 is monthly: its period is text, as a month is no number)
                [2.2, 151, "2022-12", 29.5, datetime.date(2023, 1, 10)],
                ["2.2", "DK", "2022-12", "28,5", "2023-01-10"],  # Danish text
                ["2.5", 151, datetime.date(2022, 9, 1), 0.031, datetime.datetime(2022, 10, 15)],
                ["O1", "DK", "2022-09", 0.1 + 0.2, None],  # a sum stored as 0.30000000000000004
            ],
        ),
        formats={("Tal", 4, 3): "mmm-yy", ("Tal", 4, 4): "0.0%"},
    )
    report = run(engine, data)
    assert (report.format, report.rows, report.added, report.rejected) == ("xlsx", 4, 4, False)
    assert stored(engine) == {
        ("2.2", "151", "2022-12"): (Decimal("29.5"), datetime.date(2023, 1, 10)),
        ("2.2", "DK", "2022-12"): (Decimal("28.5"), datetime.date(2023, 1, 10)),
        # 0.031 shown as 3,1 %; the date 1 Sep 2022 shown as "sep-22" is the month
        ("2.5", "151", "2022-09"): (Decimal("3.1"), datetime.date(2022, 10, 15)),
        ("O1", "DK", "2022-09"): (Decimal("0.3"), datetime.date(2023, 1, 15)),  # Excel's 15 digits
    }


def test_the_first_sheet_is_read_unless_another_is_named(engine):
    data = workbook(
        ("Noter", [["indicator", "area", "period", "value"], ["2.2", 151, "2022-12", 30]]),
        ("Tal", [["indicator", "area", "period", "value"], ["2.2", "DK", "2022-12", 28]]),
    )
    assert run(engine, data).added == 1 and set(stored(engine)) == {("2.2", "151", "2022-12")}
    reset_observations(engine)
    assert run(engine, data, sheet="Tal").added == 1 and set(stored(engine)) == {("2.2", "DK", "2022-12")}
    missing = run(engine, data, sheet="Ark1")
    assert [str(p) for p in missing.problems] == [
        "tal.xlsx: has no worksheet 'Ark1'; its worksheets: 'Noter', 'Tal'"
    ]


def test_errors_name_the_sheet_the_row_and_the_column_and_nothing_is_written(engine):
    data = workbook(
        (
            "Fejl",
            [
                [None],  # a blank row above the header is skipped
                ["indicator", "area", "period", "value"],
                [datetime.date(2026, 2, 2), 151, "2022-12", 1],  # Danish Excel's 2.2
                ["2.2", 151, datetime.date(2022, 9, 15), 1],
                ["2.2", 151, "2022-12", "abc"],
                ["2.2", 151, "2023-12", 1, "a note"],
                ["2.2", 999, "2024-12", True],
            ],
        )
    )
    report = run(engine, data)
    hint = "format the column as Text and type it again"
    assert [str(p) for p in report.problems] == [
        f"sheet 'Fejl', row 3: column `A (indicator)`: Excel made it a date (2026-02-02); {hint}",
        "sheet 'Fejl', row 4: column `C (period)`: is the date 2022-09-15, not a period "
        f"(a year 2022, a quarter 2022Q3 or a month 2022-09); {hint}",
        "sheet 'Fejl', row 5, column `D (value)`: `abc` is not a number (use a decimal point or a Danish decimal comma: 3.1 or 3,1)",
        "sheet 'Fejl', row 6: column E has a value but no header; name it or remove it",
        "sheet 'Fejl', row 7, column `B (area)`: `999` is not a known area code (use a municipality code such as 151, a region 1081–1085 or DK)",
        "sheet 'Fejl', row 7, column `D (value)`: `TRUE` is not a number (use a decimal point or a Danish decimal comma: 3.1 or 3,1)",
    ]
    assert stored(engine) == {}


def test_a_header_that_is_not_canonical_is_refused_by_its_row(engine):
    report = run(
        engine, workbook(("Ark1", [["indikator", "area", "period", "value"], ["2.2", 151, "2022-12", 1]]))
    )
    assert [str(p) for p in report.problems] == [
        "sheet 'Ark1', row 1 (the header), column `indicator`: required column is missing",
        "sheet 'Ark1', row 1 (the header), column `indikator`: unknown column; expected one of: "
        "indicator, area, period, value, unit, numerator, denominator, published, source, flag, "
        "age, gender, origin, target_group, company_location",
    ]


def test_files_that_are_no_workbook_are_refused_with_the_reason(engine):
    assert [
        str(p)
        for p in run(engine, b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, name="gammel.xls").problems
    ] == ["gammel.xls: is an Excel 97–2003 workbook (.xls); save it as an Excel workbook (.xlsx) or as CSV"]
    assert [str(p) for p in run(engine, b"PK\x03\x04 not really", name="x.xlsx").problems] == [
        "x.xlsx: is not an Excel workbook (.xlsx is a zip archive, and this is none)"
    ]
    empty = workbook(("Tom", []))
    assert [str(p) for p in run(engine, empty).problems] == [
        "sheet 'Tom': is empty; expected a header row such as indicator,area,period,value"
    ]


def test_a_workbook_is_recognised_by_its_content_not_only_its_name():
    data = workbook(("Tal", [["indicator", "area", "period", "value"]]))
    assert detect_format("download", data) == "xlsx" and detect_format("tal.xlsx", b"") == "xlsx"


def _declare(data: bytes, member: str, size: int) -> bytes:
    """The archive with `member`'s declared unpacked size rewritten (local header and
    central directory), the way a zip bomb declares what it unpacks to."""
    out, name = bytearray(data), member.encode()
    for signature, size_at, name_length_at, header in (
        (b"PK\x03\x04", 22, 26, 30),
        (b"PK\x01\x02", 24, 28, 46),
    ):
        start = 0
        while (i := out.find(signature, start)) != -1:
            length = struct.unpack_from("<H", out, i + name_length_at)[0]
            if bytes(out[i + header : i + header + length]) == name:
                struct.pack_into("<I", out, i + size_at, size)
            start = i + 4
    return bytes(out)


def test_a_zip_bomb_is_refused_by_its_declared_sizes_before_anything_is_unpacked(engine):
    data = workbook(("Tal", [["indicator", "area", "period", "value"], ["2.2", 151, "2022-12", 1]]))
    bomb = _declare(data, "xl/worksheets/sheet1.xml", 0xFFFFFF00)
    assert [str(p) for p in run(engine, bomb).problems] == [
        f"tal.xlsx: unpacks to {0xFFFFFF00 + sum(e.file_size for e in zipfile.ZipFile(io.BytesIO(data)).infolist()) - _size(data, 'xl/worksheets/sheet1.xml'):,} bytes; "
        f"a workbook may unpack to at most {MAX_UNPACKED_BYTES:,} (split it, e.g. by year, or save it as CSV)"
    ]
    strings = _declare(data, "xl/styles.xml", MAX_WHOLE_PART_BYTES + 1)
    assert (
        "its part xl/styles.xml unpacks to 67,108,865 bytes; it is read whole"
        in run(engine, strings).problems[0].message
    )


def _size(data: bytes, member: str) -> int:
    return zipfile.ZipFile(io.BytesIO(data)).getinfo(member).file_size


def test_a_bomb_that_lies_about_its_size_unpacks_no_more_than_it_declares(tmp_path):
    """A sheet holding 200 MB of text that declares 10 KB: zipfile stops at the declared
    size, the checksum fails, and the import is refused without the memory it would take."""
    data = workbook(("Tal", [["indicator", "area", "period", "value"], ["2.2", 151, "2022-12", 1]]))
    source = zipfile.ZipFile(io.BytesIO(data))
    packed = io.BytesIO()
    with zipfile.ZipFile(packed, "w", zipfile.ZIP_DEFLATED) as archive:
        for entry in source.infolist():
            body = source.read(entry.filename)
            if entry.filename == "xl/worksheets/sheet1.xml":
                cell = (
                    b'<row r="3"><c r="A3" t="inlineStr"><is><t>'
                    + b"x" * (200 * 1024 * 1024)
                    + b"</t></is></c></row>"
                )
                body = body.replace(b"</sheetData>", cell + b"</sheetData>")
            archive.writestr(entry.filename, body)
    path = tmp_path / "bomb.xlsx"
    path.write_bytes(_declare(packed.getvalue(), "xl/worksheets/sheet1.xml", 10_000))
    # A parent of its own, so the peak RSS measured is the import's alone.
    probe = (
        "import resource, subprocess, sys; "
        "r = subprocess.run(sys.argv[1:], capture_output=True, text=True); "
        "print(r.returncode, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss // 1024); "
        "print(r.stderr)"
    )
    env = {**os.environ, "COLUMNS": "300", "XDG_DATA_HOME": str(tmp_path / "data")}
    result = subprocess.run(
        [sys.executable, "-c", probe, KPI, "import", "--dry-run", str(path)],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
    )
    code, peak_mb = map(int, result.stdout.splitlines()[0].split())
    assert code == 1 and "Bad CRC-32 for file 'xl/worksheets/sheet1.xml'" in result.stdout
    assert peak_mb < 200, f"peak RSS {peak_mb} MB"  # the text alone would be 200 MB
    assert not (tmp_path / "data").exists()  # a dry run creates no database


def test_the_cli_reads_a_named_sheet_and_says_which_database(tmp_path):
    path = tmp_path / "tal.xlsx"
    path.write_bytes(
        workbook(
            ("Noter", [["ignored"]]),
            ("Tal", [["indicator", "area", "period", "value"], ["2.2", 151, "2022-12", 30]]),
        )
    )
    database = tmp_path / "kpi.sqlite3"
    env = {**os.environ, "COLUMNS": "300", "KPI_DATABASE_URL": f"sqlite:///{database}"}
    result = subprocess.run(
        [KPI, "import", str(path), "--sheet", "Tal"], capture_output=True, text=True, timeout=120, env=env
    )
    assert result.returncode == 0, result.stderr
    assert result.stderr.splitlines()[0] == f"database: sqlite:///{database}"
    assert "new figures (vintages) stored │ 1" in result.stdout


def test_values_excel_saves_but_no_figure_is_are_refused_by_cell(engine):
    """An error value (#DIV/0!) and a number past a double's range, as they stand in the XML."""
    data = workbook(
        (
            "Tal",
            [
                ["indicator", "area", "period", "value"],
                ["2.2", 151, "2022-12", 1],
                ["2.2", "DK", "2022-12", 2],
            ],
        )
    )
    source = zipfile.ZipFile(io.BytesIO(data))
    packed = io.BytesIO()
    with zipfile.ZipFile(packed, "w", zipfile.ZIP_DEFLATED) as archive:
        for entry in source.infolist():
            body = source.read(entry.filename)
            if entry.filename == "xl/worksheets/sheet1.xml":
                body = re.sub(rb'<c r="D2"[^>]*>.*?</c>', b'<c r="D2" t="e"><v>#DIV/0!</v></c>', body)
                body = re.sub(rb'<c r="D3"[^>]*>.*?</c>', b'<c r="D3" t="n"><v>1e400</v></c>', body)
            archive.writestr(entry.filename, body)
    assert [str(p) for p in run(engine, packed.getvalue()).problems] == [
        "sheet 'Tal', row 2, column `D (value)`: `#DIV/0!` is not a number (use a decimal point or a Danish decimal comma: 3.1 or 3,1)",
        "sheet 'Tal', row 3, column `D (value)`: `inf` is not a finite number",
    ]
