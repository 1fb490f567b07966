"""Import a file of observations: read, validate every row, then store all or nothing."""

import datetime
import getpass
import hashlib
import json
import socket
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import attrs

from kpi_api.importing.csv_format import read_csv
from kpi_api.importing.rows import MAX_JSON_BYTES, MAX_ROWS, Problem, ReadError, SourceRow
from kpi_api.importing.validate import indicator_facts, validate
from kpi_core import AreaDirectory, Strategy
from kpi_core.repository import DuplicateBatchError, ImportBatch, ObservationRepository, StoreError

FORMATS = ("csv", "jsonstat", "jobindsats", "xlsx")


@attrs.frozen
class ImportReport:
    file: str
    format: str
    rows: int = 0
    added: int = 0  # new vintages stored (or that would be, in a dry run)
    unchanged: int = 0  # rows already stored with the same value
    problems: tuple[Problem, ...] = ()  # the first of them (see validate.MAX_PROBLEMS)
    problems_found: int = 0  # all of them, when more were found than listed
    batch: str | None = None
    dry_run: bool = False
    message: str = ""

    @property
    def rejected(self) -> bool:
        return bool(self.problems)

    @property
    def problem_count(self) -> int:
        return max(self.problems_found, len(self.problems))


def detect_format(name: str, data: bytes) -> str:
    if name.lower().endswith((".csv", ".txt")):
        return "csv"
    if data.startswith((b"PK\x03\x04", b"\xd0\xcf\x11\xe0")) or name.lower().endswith(
        (".xlsx", ".xlsm", ".xls")
    ):
        return "xlsx"  # a zip archive (or the old .xls, which its reader names)
    start = data[:64].lstrip(b"\xef\xbb\xbf \t\r\n")[:1]
    if start not in (b"{", b"["):
        return "csv"
    json_format = "jsonstat" if start == b"{" else "jobindsats"
    if len(data) > MAX_JSON_BYTES:  # not parsed twice: its reader refuses it by its size
        return json_format
    try:
        parsed = json.loads(data)
    except RecursionError:  # its reader says so
        return json_format
    except ValueError:
        return "csv"
    if isinstance(parsed, dict) and (parsed.get("class") == "dataset" or parsed.get("version") == "2.0"):
        return "jsonstat"
    return "jobindsats"


def read_rows(data: bytes, name: str, fmt: str, sheet: str | None = None) -> Iterator[SourceRow]:
    if fmt == "csv":
        return read_csv(data, name)
    if fmt == "xlsx":
        from kpi_api.importing.excel import read_excel

        return read_excel(data, name, sheet)
    from kpi_api.importing.mappings import load_mapping

    if fmt == "jsonstat":
        from kpi_api.importing.jsonstat import read_jsonstat

        return read_jsonstat(data, name, load_mapping("statbank"))
    from kpi_api.importing.jobindsats import read_jobindsats

    return read_jobindsats(data, name, load_mapping("jobindsats"))


def _at_most(rows: Iterator[SourceRow], limit: int, name: str) -> Iterator[SourceRow]:
    for count, row in enumerate(rows, start=1):
        if count > limit:
            raise ReadError(
                [
                    Problem(
                        name,
                        None,
                        f"has more than {limit:,} rows; at most {limit:,} per import (split the file)",
                    )
                ]
            )
        yield row


def import_bytes(
    data: bytes,
    name: str,
    repository: ObservationRepository,
    strategies: list[Strategy] | tuple[Strategy, ...],
    areas: AreaDirectory,
    fmt: str | None = None,
    dry_run: bool = False,
    imported_by: str | None = None,
    today: Callable[[], datetime.date] = datetime.date.today,
    progress: Callable[[int], None] | None = None,
    max_rows: int = MAX_ROWS,
    sheet: str | None = None,  # a workbook's sheet (default: the first)
) -> ImportReport:
    fmt = fmt or detect_format(name, data)
    if fmt not in FORMATS:
        return ImportReport(
            name,
            fmt,
            problems=(Problem(name, None, f"unknown format {fmt!r}; expected one of {', '.join(FORMATS)}"),),
        )
    if sheet is not None and fmt != "xlsx":
        message = f"is read as {fmt}; a sheet (`--sheet {sheet}`) is chosen in an Excel workbook (.xlsx) only"
        return ImportReport(name, fmt, problems=(Problem(name, None, message),))
    rows = _at_most(read_rows(data, name, fmt, sheet), max_rows, name)
    try:  # rows are validated as they are read: only the valid ones and the first problems are kept
        checked = validate(
            rows, indicator_facts(strategies), areas, published=today(), source=Path(name).name
        )
    except ReadError as exc:
        return ImportReport(name, fmt, problems=tuple(exc.problems))
    if checked.problems:
        return ImportReport(
            name,
            fmt,
            rows=checked.rows,
            problems=tuple(checked.problems),
            problems_found=checked.found,
            dry_run=dry_run,
        )
    digest = hashlib.sha256(data).hexdigest()
    batch = ImportBatch(
        id=f"{datetime.datetime.now(datetime.UTC):%Y%m%dT%H%M%S}-{uuid.uuid4().hex[:8]}",
        file_name=Path(name).name,
        sha256=digest,
        format=fmt,
        imported_by=imported_by or f"{getpass.getuser()}@{socket.gethostname()} (kpi import)",
        imported_at=datetime.datetime.now(datetime.UTC),
    )
    try:
        stored = repository.add(batch, checked.observations, dry_run=dry_run, progress=progress)
    except DuplicateBatchError as exc:
        return ImportReport(
            name,
            fmt,
            rows=checked.rows,
            unchanged=checked.rows,
            batch=exc.existing.id,
            dry_run=dry_run,
            message=str(exc),
        )
    except StoreError as exc:
        return ImportReport(
            name, fmt, rows=checked.rows, problems=(Problem(name, None, str(exc)),), dry_run=dry_run
        )
    return ImportReport(
        name,
        fmt,
        rows=checked.rows,
        added=stored.added,
        unchanged=checked.rows - stored.added,
        batch=None if dry_run else stored.id,
        dry_run=dry_run,
    )
