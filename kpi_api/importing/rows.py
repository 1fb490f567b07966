"""The common shape every reader produces, and the problems validation reports."""

import json
from collections.abc import Callable, Mapping
from decimal import Decimal

import attrs

from kpi_core import Dimension

REQUIRED = ("indicator", "area", "period", "value")
OPTIONAL = ("unit", "numerator", "denominator", "published", "source", "flag")
DIMENSIONS = tuple(d.value for d in Dimension)
COLUMNS = REQUIRED + OPTIONAL + DIMENSIONS

# Every source is bounded before it is read whole (see SECURITY.md's limits table). The
# rows limit is a setting (KPI_MAX_IMPORT_ROWS); the others are properties of the formats.
MAX_FILE_BYTES = 512 * 1024 * 1024  # a file `kpi import` reads (over HTTP: the body limit, 16 MiB)
MAX_ROWS = 5_000_000  # rows (CSV records, JSON-stat cells, Jobindsats figures) per import
MAX_JSON_BYTES = 16 * 1024 * 1024  # JSON is parsed whole; 16 MiB parse into at most ~0.5 GB
MAX_FIELD = 4_096  # characters of one cell; the longest canonical value (`source`) may have 500
MAX_JSON_CELLS = 2_000_000  # cells of one JSON-stat dataset or figures of one Jobindsats file


class SourceRow:
    """One row of a source file in canonical columns, as raw text ('' when empty).

    `location` is where a person finds it: "row 17", or for JSON-stat
    "value[1234] (OMRÅDE=151, TID=2022M09)"; `columns` maps a canonical column to the
    name the file uses for it, so errors can use the file's own words. A reader may give
    the location as a function: it is then worded only if a message needs it (most rows of
    a million never do, and the wording was a tenth of a JSON-stat import).
    """

    __slots__ = ("_where", "columns", "fields")

    def __init__(
        self,
        location: str | Callable[[], str],
        fields: Mapping[str, str],  # readers strip surrounding whitespace
        columns: Mapping[str, str] | None = None,
    ) -> None:
        self._where = location
        self.fields = fields
        self.columns = {} if columns is None else columns

    @property
    def location(self) -> str:
        where = self._where
        if not isinstance(where, str):
            where = self._where = where()
        return where

    def get(self, column: str) -> str:
        """The cell's text, stripped by the reader ('' when absent)."""
        return self.fields.get(column) or ""

    def column_name(self, column: str) -> str:
        return self.columns.get(column, column)

    def __repr__(self) -> str:
        return f"SourceRow({self.location!r}, {dict(self.fields)!r}, {dict(self.columns)!r})"


def _bounded(limit: int):
    """A converter cutting text to `limit` characters: a problem quotes the file (a code, a
    label, a cell), and a hostile file's texts are long; 1,000 problems stay small."""

    def cut(text: str | None) -> str | None:
        if text is None or len(text) <= limit:
            return text
        return f"{text[:limit]}… ({len(text):,} characters)"

    return cut


@attrs.frozen
class Problem:
    location: str = attrs.field(converter=_bounded(300))
    column: str | None = attrs.field(converter=_bounded(100))
    message: str = attrs.field(converter=_bounded(1_000))

    def __str__(self) -> str:
        where = f"{self.location}, column `{self.column}`" if self.column else self.location
        return f"{where}: {self.message}"


class ReadError(ValueError):
    """The file cannot be read at all (encoding, shape, header)."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


def load_json(data: bytes, name: str):
    """A JSON source file, numbers with a fraction as exact Decimals (a BOM is allowed)."""
    if len(data) > MAX_JSON_BYTES:
        message = (
            f"is {len(data):,} bytes; a JSON source is read whole, so at most {MAX_JSON_BYTES:,} bytes "
            "(download it in parts, e.g. by period)"
        )
        raise ReadError([Problem(name, None, message)])
    try:
        return json.loads(data.decode("utf-8-sig"), parse_float=Decimal)
    except RecursionError:  # the C parser recurses once per nested array or object
        raise ReadError(
            [Problem(name, None, "is nested too deeply to be a JSON-stat or Jobindsats file")]
        ) from None
    except UnicodeDecodeError as exc:
        raise ReadError([Problem(name, None, f"is not UTF-8 (byte {exc.start})")]) from None
    except json.JSONDecodeError as exc:
        raise ReadError(
            [Problem(name, None, f"is not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})")]
        ) from None
