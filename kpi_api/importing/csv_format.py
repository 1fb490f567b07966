"""The canonical CSV format (see README: "Importing observations").

UTF-8 (a byte-order mark is allowed), `,` or `;` between fields, header row with the
canonical column names in any order: required `indicator,area,period,value`; optional
`unit,numerator,denominator,published,source,flag` and one column per breakdown
dimension (`age`, `gender`, `origin`, `target_group`, `company_location`).

The file is decoded and split as it is read, one bounded line at a time: at most
MAX_COLUMNS columns, MAX_FIELD characters per field and MAX_LINE characters per line,
so a hostile file (a million-column header, a 200 MB line) is refused after reading at
most one line's worth of it, never held whole as text.
"""

import codecs
import collections
import csv
import io
from collections.abc import Iterator

from kpi_api.importing.rows import COLUMNS, MAX_FIELD, REQUIRED, Problem, ReadError, SourceRow

MAX_COLUMNS = 64  # the canonical format has 15 columns
MAX_LINE = MAX_COLUMNS * (MAX_FIELD + 3)  # every field quoted, with its delimiter


class _LineTooLong(Exception):
    def __init__(self, number: int) -> None:
        self.number = number


def read_csv(data: bytes, name: str) -> Iterator[SourceRow]:
    stream = io.TextIOWrapper(io.BytesIO(data), encoding="utf-8-sig", newline="")
    lines = _lines(stream)
    try:
        yield from _records(lines, name)
    except UnicodeDecodeError:
        byte = _first_bad_byte(data)
        raise ReadError(
            [Problem(name, None, f"is not UTF-8 (byte {byte}); save it as UTF-8 and try again")]
        ) from None
    except _LineTooLong as exc:
        where = "header" if exc.number == 1 else f"line {exc.number}"
        message = (
            f"is longer than {MAX_LINE:,} characters; a line has at most {MAX_COLUMNS} fields "
            f"of at most {MAX_FIELD:,} characters"
        )
        raise ReadError([Problem(where, None, message)]) from None


def _records(lines: Iterator[str], name: str) -> Iterator[SourceRow]:
    first = next(lines, None)
    if first is None:
        raise ReadError(
            [Problem(name, None, "is empty; expected a header row such as indicator,area,period,value")]
        )
    delimiter = ";" if first.count(";") > first.count(",") else ","
    header = _header(next(csv.reader([first], delimiter=delimiter), []))
    reader = csv.reader(lines, delimiter=delimiter)
    number = 1
    try:
        for number, record in enumerate(reader, start=2):
            if not "".join(record).strip():  # a blank line, or only separators
                continue
            if len(record) != len(header):
                yield SourceRow(
                    f"row {number}", {"__shape__": f"has {len(record)} fields, the header has {len(header)}"}
                )
                continue
            if max(map(len, record)) > MAX_FIELD:
                column, cell = next((h, c) for h, c in zip(header, record, strict=True) if len(c) > MAX_FIELD)
                message = f"is {len(cell):,} characters long; a field has at most {MAX_FIELD:,}"
                raise ReadError([Problem(f"row {number}", column, message)])
            # Every cell, stripped (an empty one is '', as SourceRow.get answers for an absent one).
            yield SourceRow(f"row {number}", dict(zip(header, map(str.strip, record), strict=True)))
    except csv.Error as exc:  # a quoted field over csv's own limit (131,072), or a stray quote
        text = str(exc)
        if "field limit" in text:
            text = f"has a field longer than {MAX_FIELD:,} characters (the most a field may have)"
        raise ReadError([Problem(f"row {number + 1}", None, text)]) from None


def _header(header: list[str]) -> list[str]:
    if len(header) > MAX_COLUMNS:
        raise ReadError([Problem("header", None, f"has {len(header):,} columns; at most {MAX_COLUMNS}")])
    header = [h.strip().lower() for h in header]
    problems = [Problem("header", c, "required column is missing") for c in REQUIRED if c not in header]
    problems += [
        Problem("header", h, f"unknown column; expected one of: {', '.join(COLUMNS)}")
        for h in header
        if h and h not in COLUMNS
    ]
    counts = collections.Counter(header)
    problems += [
        Problem("header", h, "column appears twice") for h in sorted(h for h, n in counts.items() if n > 1)
    ]
    if problems:
        raise ReadError(problems)
    return header


def _lines(stream: io.TextIOBase) -> Iterator[str]:
    """The file's lines, none read longer than MAX_LINE characters."""
    readline, number = stream.readline, 0
    while line := readline(MAX_LINE):
        number += 1
        if len(line) == MAX_LINE and line[-1] not in "\r\n":
            raise _LineTooLong(number)
        yield line


def _first_bad_byte(data: bytes, chunk: int = 1 << 20) -> int:
    """Where UTF-8 decoding fails, in bytes from the start (decoded piecewise: bounded memory)."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    view = memoryview(data)
    for start in range(0, len(data), chunk):
        pending = len(decoder.getstate()[0])
        try:
            decoder.decode(view[start : start + chunk], final=start + chunk >= len(data))
        except UnicodeDecodeError as exc:
            return start - pending + exc.start
    return len(data)
