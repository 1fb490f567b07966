"""Import a file of observations: read, validate every row, then store all or nothing."""

import datetime
import getpass
import hashlib
import re
import socket
import uuid
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

import attrs

from kpi_api.importing import jobindsats, jsonstat
from kpi_api.importing.csv_format import read_csv
from kpi_api.importing.engine import source_rows
from kpi_api.importing.jobindsats import is_jobindsats
from kpi_api.importing.mapping_model import Mapping, MappingError
from kpi_api.importing.mappings import mappings_for_import
from kpi_api.importing.quick_check import NotQuick, QuickCheck
from kpi_api.importing.rows import MAX_ROWS, Problem, ReadError, SourceRow, load_json
from kpi_api.importing.validate import indicator_facts, validate
from kpi_core import AreaDirectory, Strategy
from kpi_core.repository import DuplicateBatchError, ImportBatch, ObservationRepository, StoreError

FORMATS = ("csv", "jsonstat", "jobindsats", "xlsx")
_TABLE_ID = re.compile(r"[A-Za-z0-9_]{1,40}(,[A-Za-z0-9_]{1,40}){0,15}")  # one per table of the file


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
    """csv, or json for a file that starts like JSON (which JSON is seen once it is parsed)."""
    if name.lower().endswith((".csv", ".txt")):
        return "csv"
    if data.startswith((b"PK\x03\x04", b"\xd0\xcf\x11\xe0")) or name.lower().endswith(
        (".xlsx", ".xlsm", ".xls")
    ):
        return "xlsx"  # a zip archive (or the old .xls, which its reader names)
    start = data[:64].lstrip(b"\xef\xbb\xbf \t\r\n")[:1]
    return "json" if start in (b"{", b"[") else "csv"


def json_format(document) -> str | None:
    """jsonstat or jobindsats by the document's shape; None if it is neither."""
    if is_jobindsats(document):
        return "jobindsats"
    if isinstance(document, dict) and (
        document.get("class") == "dataset"
        or "dimension" in document
        or any(isinstance(v, dict) and "dimension" in v for v in document.values())
    ):
        return "jsonstat"
    return None


def read_source(
    data: bytes,
    name: str,
    fmt: str,
    mappings: Sequence[Mapping],
    table: str | None = None,
    sheet: str | None = None,
) -> tuple[str, Iterator[SourceRow]]:
    """The file's format and its rows: canonical CSV and Excel as they are, the statistics
    formats through their reader and the mapping engine. A JSON file is parsed once."""
    if fmt == "csv":
        return "csv", read_csv(data, name)
    if fmt == "xlsx":
        from kpi_api.importing.excel import read_excel  # openpyxl is loaded only for workbooks

        return "xlsx", read_excel(data, name, sheet)
    document = load_json(data, name)
    detected = json_format(document)
    if fmt == "json":
        if detected is None:
            message = (
                'is JSON, but neither a Statbank/JSON-stat dataset ({"dataset": {...}} or {"class": "dataset", ...}) '
                f"nor a Jobindsats answer ({jobindsats.SHAPES})"
            )
            raise ReadError([Problem(name, None, message)])
        fmt = detected
    reader = jsonstat if fmt == "jsonstat" else jobindsats
    return fmt, source_rows(reader.coded_tables(document, name), mappings, table)


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
    table: str | None = None,
    mappings: Sequence[Mapping] | None = None,
    imported_by: str | None = None,
    today: Callable[[], datetime.date] = datetime.date.today,
    progress: Callable[[int], None] | None = None,
    max_rows: int = MAX_ROWS,
    sheet: str | None = None,  # a workbook's sheet (default: the first)
) -> ImportReport:
    """Read, validate and store a file; `table` names the table of a Statbank or Jobindsats
    file where the file does not, `mappings` are the ones to try (default: the shipped)."""
    if fmt is not None and fmt not in FORMATS:
        return ImportReport(
            name,
            fmt,
            problems=(Problem(name, None, f"unknown format {fmt!r}; expected one of {', '.join(FORMATS)}"),),
        )
    fmt = fmt or detect_format(name, data)
    if table is not None and not _TABLE_ID.fullmatch(table):
        message = f"the table `{table[:40]}` is not a table id (letters, digits and _, at most 40: AUP01, y01a02, ptv_a02; several: y08a02,y09a02)"
        return ImportReport(name, fmt, problems=(Problem(name, None, message),))
    if sheet is not None and fmt != "xlsx":
        message = f"is read as {fmt}; a sheet (`--sheet {sheet}`) is chosen in an Excel workbook (.xlsx) only"
        return ImportReport(name, fmt, problems=(Problem(name, None, message),))
    if fmt in ("csv", "xlsx") and table:
        message = "has the canonical columns, which name their indicators themselves; a table applies to Statbank and Jobindsats files"
        return ImportReport(name, fmt, problems=(Problem(name, None, message),))
    if mappings is None:
        try:
            mappings = mappings_for_import()
        except MappingError as exc:
            return _mapping_refused(name, fmt, exc)
    batch = ImportBatch(
        id=f"{datetime.datetime.now(datetime.UTC):%Y%m%dT%H%M%S}-{uuid.uuid4().hex[:8]}",
        file_name=Path(name).name,
        sha256=hashlib.sha256(data).hexdigest(),
        format=fmt,
        imported_by=imported_by or f"{getpass.getuser()}@{socket.gethostname()} (kpi import)",
        imported_at=datetime.datetime.now(datetime.UTC),
    )
    facts, published = indicator_facts(strategies), today()
    add_rows = getattr(repository, "add_rows", None)
    if not dry_run and add_rows is not None:
        try:
            quick = _quickly(
                data,
                name,
                fmt,
                mappings,
                table,
                sheet,
                batch,
                facts,
                areas,
                published,
                add_rows,
                max_rows,
                progress,
            )
        except ReadError as exc:
            return ImportReport(name, fmt, problems=tuple(exc.problems))
        except MappingError as exc:
            return _mapping_refused(name, fmt, exc)
        if quick is not None:
            return quick
    # The full check: every problem of the file found and worded, then `add`'s plan.
    try:  # rows are validated as they are read: only the valid ones and the first problems are kept
        fmt, source = read_source(data, name, fmt, mappings, table, sheet)
        rows = _at_most(source, max_rows, name)
        checked = validate(rows, facts, areas, published=published, source=Path(name).name)
    except ReadError as exc:
        return ImportReport(name, fmt, problems=tuple(exc.problems))
    except MappingError as exc:
        return _mapping_refused(name, fmt, exc)
    if checked.problems:
        return ImportReport(
            name,
            fmt,
            rows=checked.rows,
            problems=tuple(checked.problems),
            problems_found=checked.found,
            dry_run=dry_run,
        )
    batch = attrs.evolve(batch, format=fmt)
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


def _mapping_refused(name: str, fmt: str, exc: MappingError) -> ImportReport:
    return ImportReport(
        name, fmt, problems=tuple(Problem(f"mapping {exc.name}", None, p) for p in exc.problems)
    )


def _quickly(
    data, name, fmt, mappings, table, sheet, batch, facts, areas, published, add_rows, max_rows, progress
) -> ImportReport | None:
    """A good file checked and stored in one pass, a chunk of rows held at a time
    (quick_check.py); None when the file needs the full check (a problem somewhere, a
    figure twice, a conflict with a stored vintage): then nothing was written."""
    fmt, source = read_source(data, name, fmt, mappings, table, sheet)
    quick = QuickCheck(facts, areas, published, Path(name).name)
    try:
        stored = add_rows(
            attrs.evolve(batch, format=fmt), quick.chunks(_at_most(source, max_rows, name)), progress
        )
    # The full check words these, in its own order (a full disk: it meets it again, and says so).
    except (NotQuick, DuplicateBatchError, StoreError):
        return None
    if stored is None:
        return None
    return ImportReport(
        name, fmt, rows=stored.rows, added=stored.added, unchanged=stored.rows - stored.added, batch=stored.id
    )
