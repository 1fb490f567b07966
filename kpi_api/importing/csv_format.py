"""The canonical CSV format (see README: "Importing observations").

UTF-8 (a byte-order mark is allowed), `,` or `;` between fields, header row with the
canonical column names in any order: required `indicator,area,period,value`; optional
`unit,numerator,denominator,published,source,flag` and one column per breakdown
dimension (`age`, `gender`, `origin`, `target_group`, `company_location`).
"""

import csv
import io
from collections.abc import Iterator

from kpi_api.importing.rows import COLUMNS, REQUIRED, Problem, ReadError, SourceRow


def read_csv(data: bytes, name: str) -> Iterator[SourceRow]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ReadError([Problem(name, None, f"is not UTF-8 (byte {exc.start}); save it as UTF-8 and try again")]) from None
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") > first.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    header = next(reader, None)
    if header is None:
        raise ReadError([Problem(name, None, "is empty; expected a header row such as indicator,area,period,value")])
    header = [h.strip().lower() for h in header]
    problems = [Problem("header", c, "required column is missing") for c in REQUIRED if c not in header]
    problems += [
        Problem("header", h, f"unknown column; expected one of: {', '.join(COLUMNS)}")
        for h in header
        if h and h not in COLUMNS
    ]
    if duplicates := sorted({h for h in header if header.count(h) > 1}):
        problems += [Problem("header", h, "column appears twice") for h in duplicates]
    if problems:
        raise ReadError(problems)
    for number, record in enumerate(reader, start=2):
        if not any(cell.strip() for cell in record):
            continue
        if len(record) != len(header):
            yield SourceRow(f"row {number}", {"__shape__": f"has {len(record)} fields, the header has {len(header)}"})
            continue
        yield SourceRow(f"row {number}", {h: cell.strip() for h, cell in zip(header, record, strict=True) if cell})
