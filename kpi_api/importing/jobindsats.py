"""Jobindsats.dk (STAR) data as its API v2 returns it in JSON.

The shape read, as used against `POST https://api.jobindsats.dk/v2/data/<table>/json`
(e.g. .../v2/data/y01a02/json with a body such as {"area": "*", "period": [...]}) by
public clients of the API (Randers Kommune's custom-data-connector reads
`response[0]["Variables"]` and `response[0]["Data"]` and names columns by each
variable's "Label"):

    [
      {
        "Variables": [{"Label": "Area"}, {"Label": "Periode"}, {"Label": "Køn"}, …,
                      {"Label": "Fuldtidspersoner i pct. af arbejdsstyrken 16-66 år"}],
        "Data": [["Ballerup", "2022M09", "I alt", …, 2.3], …]
      }
    ]

Each row of "Data" lists one value per variable, in the order of "Variables". Other keys
of a variable or a table are ignored. A single table object without the surrounding list
is accepted too. Periods look like 2022M09, 2022Q3 or 2022; areas are names
("Ballerup", "Hele landet", "Region Hovedstaden").

API v3 (https://api.jobindsats.dk/v3/data/<table>?…&format=json; v2 stops after 30
September 2026) answers with one table of named columns:

    {"columns": ["Periode", "Område", "Køn", …, "Antal fuldtidspersoner"],
     "rows": [["2024M01", "Ballerup", "Køn i alt", …, 598.4], …]}

Column labels are Danish ("Område", "Periode"); a column may also be written as an
object with a "label" or "name". v2's decimals are strings with a decimal comma ("9,65"),
which validation reads as Danish decimals; integers are JSON numbers; a withheld cell is
null. Neither shape says which table it is: the table is named by the import (--table, the
GraphQL `table`), else by the file's name (y01a02.json), else it is the one mapped table
whose columns these are. Which columns are figures and what every category means is the
mapping's to say (mappings/jobindsats.toml); the reader turns the file into coded records
(cells.py) and the mapping engine (engine.py) does the rest.
"""

from collections.abc import Iterator

from kpi_api.importing.cells import CodedTable, Record
from kpi_api.importing.engine import source_rows
from kpi_api.importing.mapping_model import Mapping
from kpi_api.importing.rows import Problem, ReadError, SourceRow, load_json

SHAPES = '{"columns": [...], "rows": [...]} (API v3) or [{"Variables": [...], "Data": [...]}] (API v2)'


def read_jobindsats(data: bytes, name: str, mappings, table: str | None = None) -> Iterator[SourceRow]:
    """The rows of a Jobindsats answer, read with `mappings` (one Mapping or several, first wins)."""
    listed = [mappings] if isinstance(mappings, Mapping) else list(mappings)
    return source_rows(coded_tables(load_json(data, name), name), listed, table)


def is_jobindsats(document) -> bool:
    """Whether a parsed JSON document has one of the two shapes (for format detection)."""
    if isinstance(document, dict):
        return _v3(document) or _v2(document)
    return (
        isinstance(document, list)
        and bool(document)
        and all(isinstance(t, dict) and _v2(t) for t in document)
    )


def _v3(table: dict) -> bool:
    return isinstance(table.get("columns"), list) and isinstance(table.get("rows"), list)


def _v2(table: dict) -> bool:
    return isinstance(table.get("Variables"), list) and isinstance(table.get("Data"), list)


def coded_tables(document, name: str) -> list[CodedTable]:
    if isinstance(document, dict) and _v3(document):
        columns = tuple(_label(c) for c in document["columns"])
        return [_coded(name, "", columns, document["rows"], "rows")]
    tables = document if isinstance(document, list) else [document]
    coded = []
    for number, table in enumerate(tables):
        where = f"[{number}]" if len(tables) > 1 else ""
        if not (isinstance(table, dict) and _v2(table)):
            raise ReadError([Problem(where or name, None, f"is not a Jobindsats table (expected {SHAPES})")])
        columns = tuple(_label(v.get("Label", "")) if isinstance(v, dict) else "" for v in table["Variables"])
        coded.append(_coded(name, where, columns, table["Data"], "Data"))
    return coded


def _coded(name: str, where: str, columns: tuple[str, ...], rows: list, key: str) -> CodedTable:
    records = (
        Record(f"{key}[{number}]", tuple(row) if isinstance(row, list) else ())
        for number, row in enumerate(rows)
    )
    return CodedTable(format="jobindsats", name=name, where=where, columns=columns, records=records)


def _label(column) -> str:
    if isinstance(column, dict):
        column = next((column[k] for k in ("label", "Label", "name", "Name") if k in column), "")
    return str(column).strip()
