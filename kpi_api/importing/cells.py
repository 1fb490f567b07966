"""What every reader of a statistics format makes of its file: a table of coded records.

A reader knows its format (JSON-stat's cube, Jobindsats' columns and rows) and nothing of
indicators; the mapping engine (engine.py) knows the mapping and nothing of formats.
Between them stands this shape: named columns, records of one code (or raw cell) per
column, and what the file itself says about which table it is.
"""

from collections.abc import Iterable

import attrs


@attrs.frozen(slots=True)
class Record:
    """One record: `values` align with the table's `columns`. In JSON-stat every record is
    one cell and carries its figure in `value` (with its `status`); in Jobindsats the
    figures are among the values, in the columns the mapping names as measures."""

    location: str  # "value[29]", "Data[2]", "rows[2]" (the engine adds the codes)
    values: tuple[object, ...]
    value: object = None
    status: str = ""


@attrs.frozen
class CodedTable:
    format: str  # "jsonstat" or "jobindsats": which mappings can read it
    name: str  # the file, for messages
    where: str  # the table's place in the file: "" (the only one) or "[1]"
    columns: tuple[str, ...]
    records: Iterable[Record]  # read once
    table_id: str | None = None  # what the file says it is (Statbank: ContentsCode, extension.px.tableid)
    table_evidence: str = ""  # how the file says so, for messages
    measure_column: str | None = None  # JSON-stat's metric dimension: its category names the measure
    roles: dict[str, list[str]] = attrs.field(factory=dict)  # JSON-stat `role`: geo, time, metric
    published: str = ""  # the release date the file states (JSON-stat `updated`), ISO

    @property
    def one_figure(self) -> bool:
        return self.format == "jsonstat"

    def place(self, location: str = "") -> str:
        """A place in the file: "[1].Data[3]", or the table itself ("[1]", or the file name)."""
        if location:
            return f"{self.where}.{location}" if self.where else location
        return self.where or self.name
