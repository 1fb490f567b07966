"""Excel workbooks (.xlsx): the canonical columns on one sheet, as in the canonical CSV.

The first worksheet is read (or the one named by `--sheet`); its first non-empty row is
the header, with the CSV's column names (`indicator,area,period,value`, …). Cells are
read as Excel shows them:

- numbers are numbers, to Excel's own precision of 15 significant digits (so a sum
  stored as 0.30000000000000004 is 0.3); a cell formatted as a percentage is the
  percentage shown (0.295 shown as 29,5 % is 29.5, the unit of every share here);
- text is text, so Danish numbers such as "29,5" are read as the CSV reads them;
- dates are dates: `published` takes a date cell as its day; `period` takes a date cell
  shown without its day (Excel turns a typed "2022-09" into 1 September 2022, shown as
  "sep-22") as that month, and refuses any other date, which is not a period;
- a date where an indicator id or area is expected is refused with the reason (Danish
  Excel turns a typed 2.2 into 2 February): format the column as Text.

Formulas count by the value Excel saved with them. Errors name the sheet, the row and
the column (letter and header).

Bounded before anything is unpacked: the archive's entries, their declared unpacked sizes
(in total, and for the parts openpyxl holds whole, such as the shared strings), and
reading stops at Excel's last row; zipfile never unpacks more than an entry declares,
so a zip bomb is refused by its sizes. openpyxl reads in read-only mode (the sheet is
streamed, never held whole) and parses XML through defusedxml (no entity expansion).
"""

import datetime
import io
import zipfile
from collections.abc import Iterator
from decimal import Decimal

from kpi_api.importing.csv_format import MAX_COLUMNS
from kpi_api.importing.csv_format import _header as canonical_header  # one header check for both
from kpi_api.importing.rows import Problem, ReadError, SourceRow

MAX_ENTRIES = 10_000  # files inside the workbook's archive (a workbook of one sheet has ~10)
MAX_UNPACKED_BYTES = 1024 * 1024 * 1024  # all entries unpacked: ~2 million rows of 4 cells
MAX_WHOLE_PART_BYTES = 64 * 1024 * 1024  # one part read whole (shared strings, styles, workbook)
EXCEL_LAST_ROW = 1_048_576
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # the old binary format (.xls)


def read_excel(data: bytes, name: str, sheet: str | None = None) -> Iterator[SourceRow]:
    _check_archive(data, name)
    import openpyxl  # a second or so of imports: only when a workbook is read

    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a damaged file; each is said as it is
        raise ReadError(
            [Problem(name, None, f"is not an Excel workbook openpyxl can read ({_reason(exc)})")]
        ) from None
    try:
        worksheet = _sheet(workbook, name, sheet)
        yield from _rows(worksheet, name)
    finally:
        workbook.close()


def _check_archive(data: bytes, name: str) -> None:
    def refuse(message: str) -> ReadError:
        return ReadError([Problem(name, None, message)])

    if data.startswith(_OLE):
        raise refuse("is an Excel 97–2003 workbook (.xls); save it as an Excel workbook (.xlsx) or as CSV")
    try:
        entries = zipfile.ZipFile(io.BytesIO(data)).infolist()
    except zipfile.BadZipFile:
        raise refuse("is not an Excel workbook (.xlsx is a zip archive, and this is none)") from None
    except (
        NotImplementedError,
        ValueError,
        EOFError,
        zipfile.LargeZipFile,
    ) as exc:  # e.g. "zip file version 13.1"
        raise refuse(
            f"is a zip archive this reader cannot open ({_reason(exc)}); save it again from Excel"
        ) from None
    if len(entries) > MAX_ENTRIES:
        raise refuse(f"holds {len(entries):,} files; an Excel workbook has at most {MAX_ENTRIES:,}")
    unpacked = sum(e.file_size for e in entries)
    if unpacked > MAX_UNPACKED_BYTES:
        raise refuse(
            f"unpacks to {unpacked:,} bytes; a workbook may unpack to at most {MAX_UNPACKED_BYTES:,} "
            "(split it, e.g. by year, or save it as CSV)"
        )
    for e in entries:
        if not e.filename.startswith("xl/worksheets/") and e.file_size > MAX_WHOLE_PART_BYTES:
            raise refuse(
                f"its part {e.filename} unpacks to {e.file_size:,} bytes; it is read whole, so at most "
                f"{MAX_WHOLE_PART_BYTES:,} (save the workbook as CSV)"
            )


def _sheet(workbook, name: str, wanted: str | None):
    if wanted is None:
        if not workbook.worksheets:
            raise ReadError([Problem(name, None, "has no worksheet")])
        return workbook.worksheets[0]
    found = next((w for w in workbook.worksheets if w.title == wanted), None)
    if found is None:
        sheets = ", ".join(f"'{w.title}'" for w in workbook.worksheets) or "none"
        raise ReadError([Problem(name, None, f"has no worksheet '{wanted}'; its worksheets: {sheets}")])
    return found


def _rows(worksheet, name: str) -> Iterator[SourceRow]:
    where = f"sheet '{worksheet.title}'"
    header: list[str] | None = None
    columns: dict[str, str] = {}
    number = 0
    try:
        # One column more than a header may have, to tell that a header has too many.
        for number, cells in enumerate(worksheet.iter_rows(max_col=MAX_COLUMNS + 1), start=1):
            if number > EXCEL_LAST_ROW:  # a file may claim rows Excel cannot have; not read on
                raise ReadError(
                    [
                        Problem(
                            f"{where}, row {number}", None, f"is past Excel's last row ({EXCEL_LAST_ROW:,})"
                        )
                    ]
                )
            if all(c.value is None or (isinstance(c.value, str) and not c.value.strip()) for c in cells):
                continue
            if header is None:
                header, columns = _read_header(cells, where, number)
                continue
            yield _source_row(cells, header, columns, f"{where}, row {number}")
    except ReadError:
        raise
    except Exception as exc:  # damaged XML inside the archive: said where it was found
        raise ReadError(
            [Problem(f"{where}, after row {number}", None, f"cannot be read on ({_reason(exc)})")]
        ) from None
    if header is None:
        raise ReadError(
            [Problem(where, None, "is empty; expected a header row such as indicator,area,period,value")]
        )


def _read_header(cells, where: str, number: int) -> tuple[list[str], dict[str, str]]:
    texts = ["" if c.value is None else str(c.value).strip() for c in cells]
    while texts and not texts[-1]:
        texts.pop()
    location = f"{where}, row {number} (the header)"
    if len(texts) > MAX_COLUMNS:
        raise ReadError([Problem(location, None, f"has more than {MAX_COLUMNS} columns")])
    try:
        header = canonical_header(texts)
    except ReadError as exc:
        raise ReadError([Problem(location, p.column, p.message) for p in exc.problems]) from None
    columns = {h: f"{_letter(i)} ({texts[i]})" for i, h in enumerate(header) if h}
    return header, columns


def _source_row(cells, header: list[str], columns: dict[str, str], location: str) -> SourceRow:
    fields: dict[str, str] = {}
    for index, cell in enumerate(cells):
        value = cell.value
        if value is None:
            continue
        column = header[index] if index < len(header) else ""
        if not column:
            if isinstance(value, str) and not value.strip():
                continue
            return _refused(
                location, f"column {_letter(index)} has a value but no header; name it or remove it"
            )
        text = _text(cell, column)
        if isinstance(text, _Refusal):
            return _refused(location, f"column `{columns[column]}`: {text.message}")
        if text:
            fields[column] = text
    return SourceRow(location, fields, columns)


class _Refusal:
    def __init__(self, message: str) -> None:
        self.message = message


def _refused(location: str, message: str) -> SourceRow:
    # The row as a whole is refused (validation reports `__shape__` as it is).
    return SourceRow(location, {"__shape__": message})


_TEXT_HINT = "format the column as Text and type it again"


def _text(cell, column: str) -> "str | _Refusal":
    value = cell.value
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"  # refused by validation as what it is
    if isinstance(value, datetime.datetime | datetime.date):
        return _date(value, str(cell.number_format or ""), column)
    if isinstance(value, datetime.time | datetime.timedelta):
        return _Refusal(f"is a time of day or a duration ({value}), not a {column}; {_TEXT_HINT}")
    if isinstance(value, int):
        number = Decimal(value)
    elif isinstance(value, float):
        number = Decimal(format(value, ".15g"))  # Excel's precision: 15 significant digits
    else:
        return str(value).strip()
    if not number.is_finite():  # `<v>1e400</v>` reads as infinity: refused by validation as what it is
        return str(value)
    if "%" in str(cell.number_format or ""):
        number *= 100  # shown as a percentage: the percentage is the figure
    return _plain(number)


def _plain(number: Decimal) -> str:
    """A number as plain text: no exponent, no trailing zeros (2022, not 2022.0 or 2.022E+3)."""
    if number == number.to_integral_value():
        return str(int(number))
    return format(number.normalize(), "f")


def _date(value: datetime.date, number_format: str, column: str) -> "str | _Refusal":
    day = value.date() if isinstance(value, datetime.datetime) else value
    if column == "published":
        return day.isoformat()
    shows_day = "d" in number_format.lower()
    if column == "period" and not shows_day and day.day == 1:
        return f"{day.year}-{day.month:02d}"
    if column == "period":
        return _Refusal(
            f"is the date {day.isoformat()}, not a period (a year 2022, a quarter 2022Q3 or a month 2022-09); {_TEXT_HINT}"
        )
    return _Refusal(f"Excel made it a date ({day.isoformat()}); {_TEXT_HINT}")


def _letter(index: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(index + 1)


def _reason(exc: Exception) -> str:
    text = str(exc).strip() or type(exc).__name__
    return text if len(text) <= 200 else f"{text[:200]}…"
