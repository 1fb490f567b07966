"""Danmarks Statistik's Statbank API (https://api.statbank.dk/v1): a table's metadata from
`POST /tableinfo` ({"table", "format": "JSON"} → `updated` and `variables`, each with
`id`, `time`, `elimination` and `values` [{id, text}]), then its figures from `POST /data`
with {"table", "format": "JSONSTAT", "variables": [{"code", "values"}]}, which answers
with a JSON-stat 1.x bundle that jsonstat.py reads.

What is asked for follows the mapping: the areas it places (municipalities, regions, the
country: areas.toml), the periods it reads from `--since` on, the measures and categories
it names. A variable the mapping does not name is left out, and Statbank eliminates it
(its total), unless Statbank cannot eliminate it: then the fetch says which to map.
"""

import json
from collections.abc import Callable

from kpi_api.fetching.http import Client, FetchError, Refused
from kpi_api.fetching.periods import wanted as period_wanted
from kpi_api.fetching.source import Fetched, Wanted, release_date
from kpi_api.importing.engine import find_key, map_area

MAX_VALUES = 20_000  # categories of one variable in a table's metadata


def fetch(
    client: Client, wanted: Wanted, since: tuple[int, int] | None, known_area: Callable[[str], bool]
) -> Fetched:
    table = wanted.table
    what = f"Statbank table {table}"
    info = _tableinfo(client, table, what)
    variables = [_selection(v, wanted, since, known_area, what) for v in info["variables"]]
    query = {
        "table": table,
        "format": "JSONSTAT",
        "lang": "da",
        "variables": [{"code": code, "values": values} for code, values in variables if values],
    }
    data = client.request("POST", "/data", what, body=query)
    published = release_date(info.get("updated"))
    if published is None:
        raise FetchError(
            f"{what}: its metadata gives no release date (`updated`), so its figures have no vintage"
        )
    return Fetched(wanted, data, f"statbank-{table}-{published}.json", published)


def _tableinfo(client: Client, table: str, what: str) -> dict:
    try:
        body = client.request(
            "POST", "/tableinfo", what, body={"table": table, "format": "JSON", "lang": "da"}
        )
    except Refused as exc:
        if exc.status in (400, 404):
            raise FetchError(
                f"{what}: Statbank does not know the table ({exc.detail}); check the id at "
                f"https://www.statistikbanken.dk/{table}, or remove [tables.{table}] from the mapping"
            ) from None
        raise
    try:
        info = json.loads(body)
    except ValueError:
        info = None
    if not (isinstance(info, dict) and isinstance(info.get("variables"), list)):
        raise FetchError(
            f"{what}: the table's metadata (/tableinfo) is not the JSON Statbank answers with (no `variables`)"
        )
    return info


def _selection(variable: object, wanted: Wanted, since, known_area, what: str) -> tuple[str, list[str]]:
    """The variable's code and the values to ask for ([] leaves it out: Statbank eliminates it)."""
    if not (
        isinstance(variable, dict)
        and isinstance(variable.get("id"), str)
        and isinstance(variable.get("values"), list)
    ):
        raise FetchError(f"{what}: a variable in the table's metadata has no `id` or `values`")
    code = variable["id"]
    codes = [str(v.get("id")) for v in variable["values"][:MAX_VALUES] if isinstance(v, dict)]
    mapping, key = wanted.mapping, wanted.table
    table = mapping.tables[key]
    inputs = mapping.inputs_of(key)
    if variable.get("time") or find_key(code, mapping.time.names_in_file()) is not None:
        chosen = [c for c in codes if period_wanted(c, mapping.time, since)]
        if not chosen:
            raise FetchError(
                f"{what}: no period of the table ({codes[0] if codes else '–'} … {codes[-1] if codes else '–'}) is one the mapping reads from --since on"
            )
        return code, chosen
    if find_key(code, mapping.area.names_in_file()) is not None:
        return code, [c for c in codes if _placed(c, mapping, known_area)]
    if code.casefold() == "contentscode":
        named = {*table.measures, *(i.measure for *_, i in inputs if i.measure)}
        return code, ([c for c in codes if c in named] if named and not table.indicator else ["*"])
    dimension = find_key(code, table.dimensions)
    summed = {
        c
        for *_, given in inputs
        for d, cs in given.where.items()
        if d.casefold() == code.casefold()
        for c in cs
    }
    if dimension is None and not summed:
        if variable.get("elimination", True):
            return code, []  # left out: Statbank gives its total
        raise FetchError(
            f"{what}: Statbank cannot leave out the variable {code}, and the mapping does not map it; "
            f"add [tables.{key}.dimensions.{code}] (its total, breakdown values or skip list) to the mapping"
        )
    names = set(summed)
    if dimension is not None:
        categories = table.dimensions[dimension]
        names |= {*categories.total, *categories.values}
    chosen = [c for c in codes if c in names]
    if not chosen:
        raise FetchError(
            f"{what}: the variable {code} has none of the categories the mapping names ({', '.join(sorted(names))}); "
            f"it has {', '.join(codes[:12])}{' …' if len(codes) > 12 else ''}"
        )
    return code, chosen


def _placed(code: str, mapping, known_area) -> bool:
    """An area the mapping places among ours (skipped ones, e.g. landsdele, are not asked for)."""
    try:
        area = map_area(code, mapping.area)
    except LookupError:
        return False
    return area is not None and known_area(area)
