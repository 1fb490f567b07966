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

Not established with certainty (the API needs a key, and STAR's own documentation was
not available while this was written): the exact set of keys of a variable, how a
withheld cell is written, and the totals' labels. The mapping (mappings/jobindsats.toml)
therefore names every column and category explicitly, and anything it does not know stops
the import with a `ReadError` naming the column and value.
"""

import re
from collections.abc import Iterator
from decimal import Decimal

from kpi_api.importing.mappings import find_key, map_area, map_category, map_period
from kpi_api.importing.rows import DIMENSIONS, MAX_JSON_CELLS, Problem, ReadError, SourceRow, load_json

MEASURES = ("measure", "ignore")  # column roles that hold figures, not categories


def read_jobindsats(data: bytes, name: str, mapping: dict) -> Iterator[SourceRow]:
    document = load_json(data, name)
    tables = document if isinstance(document, list) else [document]
    rows: list[SourceRow] = []
    problems: dict[str, Problem] = {}  # one per place in the file, not one per cell
    for number, table in enumerate(tables):
        prefix = f"[{number}]." if len(tables) > 1 else ""
        if not (
            isinstance(table, dict) and all(isinstance(table.get(k), list) for k in ("Variables", "Data"))
        ):
            message = 'is not a Jobindsats table (expected "Variables" and "Data" lists)'
            raise ReadError([Problem(prefix.rstrip(".") or name, None, message)])
        _Table(table, prefix, name, mapping, problems).read(rows)
    if problems:
        raise ReadError(list(problems.values()))
    yield from rows


class _Table:
    """One table object of the response, read with the mapping of the table it is."""

    def __init__(self, table: dict, prefix: str, name: str, mapping: dict, problems: dict[str, Problem]):
        self.data, self.prefix, self.mapping, self.problems = table["Data"], prefix, mapping, problems
        self.labels = [str(v.get("Label", "")) if isinstance(v, dict) else "" for v in table["Variables"]]
        self.memo: dict[tuple[str, str], str | None] = {}
        self.table_id = self._which(name)
        self.roles = self._roles() if self.table_id else None

    def read(self, rows: list[SourceRow]) -> None:
        if self.roles is None:  # the table or a column is unknown: no row can be read safely
            return
        spec = self.mapping["tables"][self.table_id]
        suppressed = set(self.mapping.get("suppressed", []))
        source = ", ".join(s for s in (self.mapping.get("source", ""), self.table_id.upper()) if s)
        for number, record in enumerate(self.data):
            location = f"{self.prefix}Data[{number}]"
            if not isinstance(record, list) or len(record) != len(self.labels):
                width = len(record) if isinstance(record, list) else "no"
                self._problem(location, f"has {width} values, but there are {len(self.labels)} variables")
                continue
            cells = dict(zip(self.labels, record, strict=True))
            named = ", ".join(
                f"{label}={cells[label]}" for label, (role, _) in self.roles.items() if role not in MEASURES
            )
            fields = self._fields(cells)
            if fields is None:
                continue
            for label, (role, _) in self.roles.items():
                if role != "measure":
                    continue
                measure = spec["measures"][label]
                value = _text(cells[label], suppressed)
                if value is None:
                    self._problem(f"{location}, column '{label}'", f"`{cells[label]}` is not a number")
                    continue
                if len(rows) >= MAX_JSON_CELLS:  # each row of Data holds one figure per measure column
                    limit = f"a Jobindsats file may have at most {MAX_JSON_CELLS:,} (split it)"
                    message = f"has more than {MAX_JSON_CELLS:,} figures; {limit}"
                    raise ReadError([Problem(location, None, message)])
                unit = measure.get("unit", "")
                row_fields = {
                    "indicator": measure["indicator"],
                    **fields[0],
                    "value": value,
                    "unit": unit,
                    "source": source,
                }
                rows.append(SourceRow(f"{location} ({named})", row_fields, {"value": label, **fields[1]}))

    def _fields(self, cells: dict) -> tuple[dict, dict] | None:
        """Area, period and breakdown of one row (and their column names); None if skipped."""
        fields, columns, kept = {}, {}, True
        for label, (role, spec) in self.roles.items():  # every column, so that each unknown value is reported
            if role in MEASURES:
                continue
            text = "" if cells[label] is None else str(cells[label]).strip()
            function = {"area": map_area, "period": map_period}.get(role, map_category)
            result = self._map(label, text, function, spec)
            kept = kept and result is not None
            if not result:
                continue
            if role in ("area", "period"):
                fields[role], columns[role] = result, label
            else:  # a breakdown; "" (the total) was passed over above
                fields[spec["column"]], columns[spec["column"]] = result, label
        return (fields, columns) if kept else None

    def _map(self, label: str, text: str, function, spec) -> str | None:
        """Map one column value once; a failure is one problem, however many rows share it."""
        if (label, text) not in self.memo:
            try:
                self.memo[(label, text)] = function(text, spec)
            except LookupError as exc:
                self.memo[(label, text)] = None
                self._problem(
                    f"{self.prefix}column '{label}', value '{text}'", f"{exc} (table {self.table_id})"
                )
        return self.memo[(label, text)]

    def _which(self, name: str) -> str | None:
        """The table id: from the file name, else the one mapped table whose columns these are."""
        tables = self.mapping.get("tables", {})
        lowered = name.lower()
        by_name = [
            t for t in tables if re.search(rf"(?<![a-z0-9]){re.escape(t.lower())}(?![a-z0-9])", lowered)
        ]
        if len(by_name) == 1:
            return by_name[0]
        by_columns = [t for t in tables if self._fits(t)]
        if len(by_columns) == 1:
            return by_columns[0]
        known = ", ".join(tables) or "none"
        message = f"does not say which Jobindsats table it is; name the file after the table id (e.g. y01a02.json). The mapping knows: {known}"
        self._problem(self.prefix.rstrip(".") or name, message)
        return None

    def _roles(self) -> dict[str, tuple[str, object]] | None:
        """What each column is: area, period, a breakdown dimension, a measure, or ignored."""
        roles, before = {}, len(self.problems)
        for label in self.labels:
            role = self._role(label, self.table_id)
            where = f"{self.prefix}column '{label}'"
            if label in roles:
                self._problem(where, "appears twice among the variables")
            elif role is None:
                message = f"is not in the mapping for table {self.table_id}; name it as a dimension, a measure or ignore it"
                self._problem(where, message)
            else:
                roles[label] = role
        for needed in ("area", "period"):
            if needed not in {r for r, _ in roles.values()}:
                wanted = " or ".join(self.mapping[needed]["columns"])
                self._problem(f"{self.prefix}Variables", f"has no {needed} column ({wanted})")
        return roles if len(self.problems) == before else None

    def _role(self, label: str, table_id: str) -> tuple[str, object] | None:
        table = self.mapping["tables"][table_id]
        if label in self.mapping["area"]["columns"]:
            return "area", self.mapping["area"]
        if label in self.mapping["period"]["columns"]:
            return "period", self.mapping["period"]["periods"]
        if label in table.get("measures", {}):
            return "measure", None
        if label in table.get("ignore", ()):
            return "ignore", None
        key = find_key(label, table.get("dimensions", {}))
        if key is None:
            return None
        spec = table["dimensions"][key]
        if spec.get("values") and spec.get("column") not in DIMENSIONS:
            raise ValueError(
                f"mapping tables.{table_id}.dimensions.{key}: `column` must be one of {', '.join(DIMENSIONS)}"
            )
        return "dimension", spec

    def _fits(self, table_id: str) -> bool:
        """Every column is one the table's mapping names, and one of its measures is there."""
        measures = self.mapping["tables"][table_id].get("measures", {})
        return all(self._role(label, table_id) for label in self.labels) and bool(
            set(measures) & set(self.labels)
        )

    def _problem(self, where: str, message: str) -> None:
        self.problems.setdefault(where, Problem(where, None, message))


def _text(raw, suppressed: set[str]) -> str | None:
    """A cell as text: null or a suppression marker becomes empty (suppressed); None if not a number."""
    if raw is None:
        return ""
    if isinstance(raw, bool):
        return None
    if isinstance(raw, int | Decimal):
        return str(raw)
    if isinstance(raw, str):
        return "" if raw.strip() in suppressed else raw.strip()
    return None
