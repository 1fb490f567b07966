"""JSON-stat datasets, such as Danmarks Statistik's Statbank API serves them.

Two shapes are read, both from the JSON-stat format (https://json-stat.org/format/):

- a JSON-stat 2.0 dataset: `{"version": "2.0", "class": "dataset", "id": [...],
  "size": [...], "role": {...}, "dimension": {...}, "value": ..., "status": ...}`;
- the JSON-stat 1.x bundle that https://api.statbank.dk/v1/data returns for
  `format=JSONSTAT`: `{"dataset": {"dimension": {..., "id": [...], "size": [...],
  "role": {"time": ["Tid"], "metric": ["ContentsCode"]}}, "label": ..., "source":
  "Danmarks Statistik", "updated": "...", "value": [...]}}` (id, size and role sit
  inside `dimension` there).

`value` is an array in row-major order over `id`/`size` (the last dimension varies
fastest) or a sparse object keyed by that position; `status` is one string for all cells,
an array or an object. A dimension's `category.index` is an array of codes or an object
code → position (or absent for a single category named in `label`).

A mapping (see mappings/statbank.toml) says which dimension is the area and which the
time, which table or measure code feeds which indicator, and what every other category
means. Anything the mapping cannot place stops the import (`ReadError`), naming the
dimension and category, since a guessed figure is worse than none.
"""

import datetime
import math
import re
from collections.abc import Iterator
from decimal import Decimal

from kpi_api.importing.mappings import find_key, map_area, map_category, map_period
from kpi_api.importing.rows import DIMENSIONS, MAX_JSON_CELLS, Problem, ReadError, SourceRow, load_json

MAX_DIMENSIONS = 32
_TABLE_PREFIX = re.compile(r"\s*([A-Za-z0-9ÆØÅæøå]+)\s*:")


def read_jsonstat(data: bytes, name: str, mapping: dict) -> Iterator[SourceRow]:
    dataset = _dataset(load_json(data, name), name)
    ids, categories = _dimensions(dataset, name)
    cells = _cells(dataset, [len(categories[d]) for d in ids], name)
    rows, problems = _Mapper(dataset, ids, categories, name, mapping).rows(cells)
    if problems:
        raise ReadError(problems)
    yield from rows


def _error(location: str, message: str) -> ReadError:
    return ReadError([Problem(location, None, message)])


def _dataset(document, name: str) -> dict:
    """The one dataset in a 2.0 document or in a 1.x bundle (Statbank: {"dataset": {...}})."""
    if isinstance(document, dict) and document.get("class") == "dataset":
        return document
    if isinstance(document, dict):
        found = [v for v in document.values() if isinstance(v, dict) and "dimension" in v and "value" in v]
        if len(found) == 1:
            return found[0]
        if len(found) > 1:
            raise _error(name, f"holds {len(found)} datasets; import one at a time")
    raise _error(name, "is not a JSON-stat dataset (found no object with `dimension` and `value`)")


def _dimensions(dataset: dict, name: str) -> tuple[list[str], dict[str, list[str]]]:
    dims = dataset.get("dimension")
    if not isinstance(dims, dict):
        raise _error(name, "has no `dimension` object")
    # 2.0 puts id/size on the dataset, 1.x inside `dimension`.
    ids, sizes = dataset.get("id", dims.get("id")), dataset.get("size", dims.get("size"))
    if not (isinstance(ids, list) and all(isinstance(i, str) for i in ids)):
        raise _error(name, "has no `id` list naming the dimensions")
    counts = isinstance(sizes, list) and all(isinstance(s, int) and s >= 0 for s in sizes)
    if not counts or len(sizes) != len(ids):
        raise _error(name, f"`size` must list one count per dimension in `id` ({len(ids)})")
    if len(ids) > MAX_DIMENSIONS:  # Statbank tables have up to about ten
        raise _error(name, f"has {len(ids)} dimensions; at most {MAX_DIMENSIONS}")
    categories = {}
    for dim, size in zip(ids, sizes, strict=True):
        spec = dims.get(dim)
        if not isinstance(spec, dict):
            raise _error(f"dimension {dim}", "is named in `id` but not described in `dimension`")
        codes = _codes(spec.get("category"), dim)
        if len(codes) != size:
            raise _error(
                f"dimension {dim}", f"`size` says {size} categories, but its category index has {len(codes)}"
            )
        categories[dim] = codes
    return ids, categories


def _codes(category, dim: str) -> list[str]:
    """Category codes in storage order."""
    category = category if isinstance(category, dict) else {}
    index = category.get("index")
    if isinstance(index, list):
        return [str(c) for c in index]
    if isinstance(index, dict):
        positions = sorted(index.values()) if all(isinstance(p, int) for p in index.values()) else None
        if positions != list(range(len(index))):
            raise _error(f"dimension {dim}", "category index positions must be 0, 1, 2, … each once")
        return [code for code, _ in sorted(index.items(), key=lambda item: item[1])]
    if isinstance(category.get("label"), dict):  # allowed for a single category
        return list(category["label"])
    raise _error(f"dimension {dim}", "has no category index or label")


def _cells(dataset: dict, sizes: list[int], name: str) -> dict[int, tuple[object, str]]:
    """Position → (raw value, status) for every cell the file gives.

    Only the cells given are held: the dimension sizes may multiply to far more positions
    than the file has values (a sparse `value` object, or a hostile `size`), so nothing is
    ever allocated per position, only per value given.
    """
    total = math.prod(sizes)
    shape = " × ".join(str(s) for s in sizes)
    raw = dataset.get("value")
    if not isinstance(raw, list | dict):
        raise _error(name, "has no `value` array or object")
    if len(raw) > MAX_JSON_CELLS:
        raise _error(
            name, f"has {len(raw):,} values; a JSON-stat file may have at most {MAX_JSON_CELLS:,} (split it)"
        )
    if isinstance(raw, list):
        if len(raw) != total:
            raise _error(name, f"has {len(raw)} values, but the dimension sizes {shape} make {total}")
        values = dict(enumerate(raw))
    else:
        values = {_position(key, total, "value"): v for key, v in raw.items()}
    status, statuses, default = dataset.get("status"), {}, None  # default: the status of every cell
    if isinstance(status, str):
        default = status
    elif isinstance(status, list) and len(status) == 1:
        default = status[0]
    elif isinstance(status, list):
        if len(status) != total:
            raise _error(name, f"has {len(status)} statuses for {total} cells")
        statuses = dict(enumerate(status))
    elif isinstance(status, dict):
        statuses = {_position(key, total, "status"): s for key, s in status.items()}
    return {i: (v, str(statuses.get(i, default) or "")) for i, v in values.items()}


def _roles(dataset: dict, name: str) -> dict[str, list]:
    """The dataset's `role` (2.0: top level; 1.x: inside `dimension`), checked for shape."""
    role = dataset.get("role") or dataset["dimension"].get("role") or {}
    if not isinstance(role, dict) or not all(isinstance(dims, list) for dims in role.values()):
        raise _error(
            name,
            'has a `role` that is not an object of dimension lists (e.g. {"geo": ["OMRÅDE"], "time": ["Tid"]})',
        )
    return role


def _position(key: str, total: int, what: str) -> int:
    # The length first: int() of a key with thousands of digits is slow, and refused past 4,300.
    if not (key.isascii() and key.isdigit()) or len(key) > len(str(total)) or int(key) >= total:
        key = key if len(key) <= 20 else f"{key[:20]}…"
        raise _error(f"{what}[{key}]", f"is not a cell position (0–{total - 1})")
    return int(key)


class _Mapper:
    """Applies a Statbank-style mapping to the cells of one dataset."""

    def __init__(
        self, dataset: dict, ids: list[str], categories: dict[str, list[str]], name: str, mapping: dict
    ):
        self.ids, self.categories, self.name, self.mapping = ids, categories, name, mapping
        self.problems: dict[str, Problem] = {}  # one per place in the file, not one per cell
        self.memo: dict[tuple, str | None] = {}
        self.tables = mapping.get("tables", {})
        self.suppressed = set(mapping.get("suppressed_status", [".."]))
        self.published = _published(dataset.get("updated"))
        role = _roles(dataset, name)
        self.area_dim = self._dimension(mapping["area"]["dimension"], role.get("geo"))
        self.time_dim = self._dimension(mapping["time"]["dimension"], role.get("time"))
        self.metric_dim = next((d for d in role.get("metric", []) if d in ids), None)
        self.breakdown_dims = [d for d in ids if d not in (self.area_dim, self.time_dim, self.metric_dim)]
        self.table_id = self._table_id(dataset)

    def rows(self, cells: dict[int, tuple[object, str]]) -> tuple[list[SourceRow], list[Problem]]:
        rows = []
        if not self.problems:  # without an area, a time or a table no cell can be read
            for position in sorted(cells):  # the cells given, never every position of the cube
                row = self._row(position, self._codes_at(position), *cells[position])
                if row is not None:
                    rows.append(row)
        return rows, list(self.problems.values())

    def _codes_at(self, position: int) -> dict[str, str]:
        """The category of each dimension at a row-major position (the last dimension varies fastest)."""
        codes = {}
        for dim in reversed(self.ids):
            position, index = divmod(position, len(self.categories[dim]))
            codes[dim] = self.categories[dim][index]
        return {dim: codes[dim] for dim in self.ids}

    def _row(self, position: int, codes: dict[str, str], raw, status: str) -> SourceRow | None:
        """One cell as a row; None when the mapping skips it or cannot read it (then a problem is noted)."""
        location = f"value[{position}] ({', '.join(f'{d}={c}' for d, c in codes.items())})"
        table_key = self._table(codes)
        area = self._map(self.area_dim, codes, map_area, self.mapping["area"])
        period = self._map(self.time_dim, codes, map_period, self.mapping["time"]["periods"])
        if table_key is None:
            return None
        breakdown, columns, kept = {}, {"area": self.area_dim, "period": self.time_dim}, True
        for dim in self.breakdown_dims:  # every dimension, so that each unknown one is reported
            spec = self._dimension_spec(table_key, dim)
            value = None if spec is None else self._map(dim, codes, map_category, spec, table_key)
            kept = kept and value is not None
            if value:  # "" is the total: no breakdown column
                breakdown[spec["column"]] = value
                columns[spec["column"]] = dim
        if not kept or area is None or period is None:
            return None
        if status in self.suppressed or raw is None:  # null: missing or withheld
            value_text = ""
        elif isinstance(raw, int | Decimal | str) and not isinstance(raw, bool):
            value_text = str(raw)
        else:
            self.problems.setdefault(location, Problem(location, None, f"`{raw}` is not a number"))
            return None
        table = self.tables[table_key]
        fields = {
            "indicator": table["indicator"],
            "area": area,
            "period": period,
            "value": value_text,
            "unit": table.get("unit", ""),
            "source": ", ".join(s for s in (self.mapping.get("source", ""), self.table_id or table_key) if s),
            "published": self.published,
            **breakdown,
        }
        return SourceRow(location, fields, columns)

    def _map(self, dim: str, codes: dict[str, str], function, spec, table_key: str = "") -> str | None:
        """Map one category once; a failure is one problem, however many cells share it."""
        key = (table_key, dim, codes[dim])
        if key not in self.memo:
            try:
                self.memo[key] = function(codes[dim], spec)
            except LookupError as exc:
                self.memo[key] = None
                where = f"dimension {dim}, category '{codes[dim]}'"
                note = f" (table {table_key})" if table_key else ""
                self.problems.setdefault(where, Problem(where, None, f"{exc}{note}"))
        return self.memo[key]

    def _table(self, codes: dict[str, str]) -> str | None:
        """The mapping table (a table or measure code) a cell belongs to."""
        if self.metric_dim is None:
            return self.table_id
        code = codes[self.metric_dim]
        if code in self.tables:
            return code
        if len(self.categories[self.metric_dim]) == 1 and self.table_id is not None:
            return self.table_id  # a single measure whose code is not the table id
        where = f"dimension {self.metric_dim}, category '{code}'"
        known = ", ".join(self.tables) or "none"
        self.problems.setdefault(
            where, Problem(where, None, f"is not a table or measure the mapping knows (it maps: {known})")
        )
        return None

    def _dimension_spec(self, table_key: str, dim: str) -> dict | None:
        specs = self.tables[table_key].get("dimensions", {})
        key = find_key(dim, specs)
        if key is None:
            where = f"dimension {dim}"
            message = f"is not in the mapping for table {table_key}; map its categories to a breakdown, the total or skip them"
            self.problems.setdefault(where, Problem(where, None, message))
            return None
        spec = specs[key]
        if spec.get("values") and spec.get("column") not in DIMENSIONS:
            raise ValueError(
                f"mapping tables.{table_key}.dimensions.{key}: `column` must be one of {', '.join(DIMENSIONS)}"
            )
        return spec

    def _dimension(self, wanted: str, role_dims) -> str:
        found = find_key(wanted, self.ids)
        if found is None and isinstance(role_dims, list) and len(role_dims) == 1 and role_dims[0] in self.ids:
            found = role_dims[0]  # the dataset's own role says which dimension it is
        if found is None:
            message = f"has no dimension {wanted} (it has: {', '.join(self.ids)})"
            self.problems.setdefault(f"dimension {wanted}", Problem(self.name, None, message))
        return found or wanted

    def _table_id(self, dataset: dict) -> str | None:
        """The Statbank table: the metric code, the label's "AUP01:" prefix, or the file name."""
        candidates = []
        if self.metric_dim is not None and len(self.categories[self.metric_dim]) == 1:
            candidates.append(self.categories[self.metric_dim][0])
        if isinstance(dataset.get("label"), str) and (match := _TABLE_PREFIX.match(dataset["label"])):
            candidates.append(match.group(1).upper())
        lowered = self.name.lower()
        candidates += [
            t for t in self.tables if re.search(rf"(?<![a-z0-9]){re.escape(t.lower())}(?![a-z0-9])", lowered)
        ]
        found = next((c for c in candidates if c in self.tables), None)
        if found is None and self.metric_dim is None:
            known = ", ".join(self.tables) or "none"
            message = f"does not say which Statbank table it is (looked at the label and the file name; the mapping knows: {known})"
            self.problems.setdefault(self.name, Problem(self.name, None, message))
        return found


def _published(updated) -> str:
    """The date part of the dataset's `updated` timestamp: the vintage of its figures."""
    if not updated:
        return ""
    try:
        return datetime.date.fromisoformat(str(updated)[:10]).isoformat()
    except ValueError:
        raise _error(
            "updated", f"`{updated}` is not a date (expected ISO 8601, e.g. 2022-10-28T08:00:00Z)"
        ) from None
