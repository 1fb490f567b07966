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

The table is what the file says it is: `extension.px.tableid` where the answer has it,
else the code of the one category of the metric dimension (ContentsCode), which
Statbank names after the table in single-content tables ("FOLK1A"). The dataset's label
and the file's name are never taken for it. The reader turns the cube into coded
records (cells.py); the mapping engine (engine.py) does the rest.
"""

import datetime
import itertools
import math
from collections.abc import Iterator

from kpi_api.importing.cells import CodedTable, Record
from kpi_api.importing.engine import find_key, source_rows
from kpi_api.importing.mapping_model import Mapping
from kpi_api.importing.rows import MAX_JSON_CELLS, Problem, ReadError, SourceRow, load_json

MAX_DIMENSIONS = 32


def read_jsonstat(data: bytes, name: str, mappings, table: str | None = None) -> Iterator[SourceRow]:
    """The rows of a JSON-stat file, read with `mappings` (one Mapping or several, first wins)."""
    return source_rows(coded_tables(load_json(data, name), name), _listed(mappings), table)


def coded_tables(document, name: str) -> list[CodedTable]:
    """The file's one dataset as a coded table (cells.py)."""
    dataset = _dataset(document, name)
    ids, categories = _dimensions(dataset, name)
    cells = _cells(dataset, [len(categories[d]) for d in ids], name)
    role = _roles(dataset, name)
    metric = next((d for d in role.get("metric", []) if d in ids), None)
    if metric is None:
        metric = find_key("ContentsCode", ids)
    table_id, evidence = _table_id(dataset, metric, categories)
    return [
        CodedTable(
            format="jsonstat",
            name=name,
            where="",
            columns=tuple(ids),
            records=_records(ids, categories, cells),
            table_id=table_id,
            table_evidence=evidence,
            measure_column=metric,
            roles=role,
            published=_published(dataset.get("updated")),
        )
    ]


def _listed(mappings) -> list[Mapping]:
    return [mappings] if isinstance(mappings, Mapping) else list(mappings)


def _records(ids: list[str], categories: dict[str, list[str]], cells: dict[int, tuple[object, str]]):
    """A record per cell given, in position order (never one per position of the cube)."""
    total = math.prod(len(categories[dim]) for dim in ids)
    if len(cells) == total:  # every cell given (the usual answer): the codes in the cube's own order
        for position, codes in enumerate(itertools.product(*(categories[dim] for dim in ids))):
            raw, status = cells[position]
            yield Record(f"value[{position}]", codes, raw, status)
        return
    sizes = [(dim, categories[dim], len(categories[dim])) for dim in reversed(ids)]
    for position in sorted(cells):
        codes, rest = [], position
        for _, codes_of, size in sizes:  # the last dimension varies fastest
            rest, index = divmod(rest, size)
            codes.append(codes_of[index])
        raw, status = cells[position]
        yield Record(f"value[{position}]", tuple(reversed(codes)), raw, status)


def _table_id(dataset: dict, metric: str | None, categories: dict[str, list[str]]) -> tuple[str | None, str]:
    extension = dataset.get("extension")
    px = extension.get("px") if isinstance(extension, dict) else None
    if isinstance(px, dict) and isinstance(px.get("tableid"), str) and px["tableid"].strip():
        return px["tableid"].strip(), "its extension.px.tableid"
    if metric is not None and len(categories[metric]) == 1:
        return categories[metric][0], f"its {metric}"
    return None, ""


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
