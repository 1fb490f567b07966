"""STAR's Jobindsats API v3 (https://api.jobindsats.dk/v3, `Authorization: Bearer <key>`).

Asked, per run and per table (shapes in ../shared/sources.md; every request ends in
`format=json`):
- `GET /tables` → subjects → table groups → `{table_id, …, update_latest, …}`: the release
  date of each table, which becomes its figures' vintage;
- `GET /table/<id>` → its `periods` (`period_id` values such as 2024M01) and dimensions
  (the area's hierarchies `_nykom` municipalities, `_region` regions, `_hele_landet`);
- `GET /data/<id>?period.M=…&mgroup.*=*&hierarchy._nykom=*` → `{"columns", "rows"}`, once
  per area hierarchy the table has (municipalities, regions, the country).

The answers of one table are joined into one v3 answer (their columns must agree), which
jobindsats.py reads as it reads a downloaded file. The table's other dimensions are left
to the API's default and mapped by the mapping (a category it does not know stops the
import, naming it). Which keys of the metadata hold what is read from sources.md, not
from a live answer: unconfirmed (the fetch says which key it missed).
"""

import json
import re
import urllib.parse
from collections.abc import Iterator

from kpi_api.fetching.http import Client, FetchError, Refused
from kpi_api.fetching.periods import wanted as period_wanted
from kpi_api.fetching.source import Fetched, Wanted, release_date

# The area hierarchies asked for, and what selects all of each: the municipalities, the
# regions ("*": every member), the country ("/": the total).
AREA_HIERARCHIES = {"_nykom": "*", "_region": "*", "_hele_landet": "/"}
PERIOD_TYPES = {"M": re.compile(r"\d{4}M\d{2}"), "Q": re.compile(r"\d{4}Q[1-4]"), "Y": re.compile(r"\d{4}")}
MAX_NODES = 1_000_000  # objects walked in one metadata answer


def key_problem(key: str, base_url: str) -> str | None:
    """Why the key must not be sent, or None."""
    if not key:
        return (
            "KPI_JOBINDSATS_KEY is not set: Jobindsats answers only with an API key (ask STAR for one at "
            "jobindsats.dk, then export KPI_JOBINDSATS_KEY=…), or fetch Statbank tables only (--source statbank)"
        )
    parts = urllib.parse.urlsplit(base_url)
    if parts.scheme != "https" and parts.hostname not in ("127.0.0.1", "localhost", "::1"):
        return f"KPI_JOBINDSATS_URL={base_url} is not https: the key would be sent unencrypted; use https://"
    return None


def _get(client: Client, path: str, what: str) -> bytes:
    try:
        return client.request("GET", path, what)
    except Refused as exc:
        if exc.status in (401, 403):
            raise FetchError(
                f"{what}: HTTP {exc.status}, Jobindsats refused the key ({exc.detail}); check KPI_JOBINDSATS_KEY "
                "(a key for API v3, sent as Authorization: Bearer …; a v2 key is refused)"
            ) from None
        raise


def releases(client: Client) -> dict[str, object]:
    """Table id (folded) → its `update_latest`, from the list of tables."""
    body = _get(client, "/tables?format=json", "the list of Jobindsats tables (/tables)")
    found: dict[str, object] = {}
    for node in _walk(_json(body, "the list of Jobindsats tables (/tables)")):
        if isinstance(node.get("table_id"), str):
            found[node["table_id"].casefold()] = node.get("update_latest")
    return found


def fetch(
    client: Client, wanted: Wanted, since: tuple[int, int] | None, released: dict[str, object]
) -> Fetched:
    table = wanted.table.lower()  # v3 ids are lower-case (y25i01, ptv_a02)
    what = f"Jobindsats table {table}"
    if table.casefold() not in released:
        raise _unknown(what, wanted.table, "it is not in Jobindsats' list of tables")
    published = release_date(released[table.casefold()])
    if published is None:
        raise FetchError(
            f"{what}: Jobindsats' list of tables gives no release date (update_latest: {released[table.casefold()]!r}), "
            "so its figures have no vintage; nothing was stored"
        )
    try:
        meta = _json(_get(client, f"/table/{_quoted(table)}?format=json", what), what)
    except Refused as exc:
        if exc.status == 404:
            raise _unknown(what, wanted.table, f"HTTP 404: {exc.detail}") from None
        raise
    kind, periods = _periods(meta, wanted, since, what)
    hierarchies = {str(n["hierarchy_id"]) for n in _walk(meta) if isinstance(n.get("hierarchy_id"), str)}
    levels = [h for h in AREA_HIERARCHIES if h in hierarchies]
    if not levels:
        raise FetchError(
            f"{what}: the table's metadata names none of the area hierarchies {', '.join(AREA_HIERARCHIES)} "
            f"(it has: {', '.join(sorted(hierarchies)[:12]) or 'none'})"
        )
    columns: list | None = None
    rows: list = []
    for level in levels:
        query = {
            f"period.{kind}": ",".join(periods),
            "mgroup.*": "*",
            f"hierarchy.{level}": AREA_HIERARCHIES[level],
        }
        path = f"/data/{_quoted(table)}?{_query(query)}&format=json"
        answer = _json(_get(client, path, f"{what} ({level})"), what)
        if not (
            isinstance(answer, dict)
            and isinstance(answer.get("columns"), list)
            and isinstance(answer.get("rows"), list)
        ):
            raise FetchError(
                f'{what} ({level}): the answer is not the v3 shape {{"columns": [...], "rows": [...]}}'
            )
        if columns is not None and answer["columns"] != columns:
            raise FetchError(
                f"{what}: the answers for its area levels have different columns; fetch it again"
            )
        columns = answer["columns"]
        rows += answer["rows"]
    document = {"columns": columns, "rows": rows}
    data = json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode()
    return Fetched(wanted, data, f"jobindsats-{table}-{published}.json", published)


def _unknown(what: str, table: str, why: str) -> FetchError:
    return FetchError(
        f"{what}: Jobindsats does not know the table ({why}); check the id on jobindsats.dk, "
        f"or remove [tables.{table}] from the mapping"
    )


def _periods(meta, wanted: Wanted, since, what: str) -> tuple[str, list[str]]:
    """The first period type (months, quarters, years) the table has and the mapping reads,
    and its periods from `since` on."""
    ids = [str(n["period_id"]) for n in _walk(meta) if isinstance(n.get("period_id"), str | int)]
    if not ids:  # the other way the list may be written: "periods": {"M": ["2024M01", …]} or […]
        listed = [n["periods"] for n in _walk(meta) if "periods" in n]
        flat = [v for p in listed for v in (p.values() if isinstance(p, dict) else [p])]
        ids = [x for v in flat for x in (v if isinstance(v, list) else [v]) if isinstance(x, str)]
    if not ids:
        raise FetchError(f"{what}: the table's metadata lists no periods (no `period_id`)")
    for kind, pattern in PERIOD_TYPES.items():
        of_kind = [p for p in ids if pattern.fullmatch(p)]
        chosen = sorted({p for p in of_kind if period_wanted(p, wanted.mapping.time, since)})
        if chosen:
            return kind, chosen
    raise FetchError(
        f"{what}: none of its periods ({ids[0]} … {ids[-1]}) is a month, quarter or year the mapping reads from --since on"
    )


def _walk(document) -> Iterator[dict]:
    """Every object in a JSON document (bounded)."""
    stack, seen = [document], 0
    while stack:
        node = stack.pop()
        seen += 1
        if seen > MAX_NODES:
            raise FetchError(f"a Jobindsats metadata answer has more than {MAX_NODES:,} objects")
        if isinstance(node, dict):
            yield node
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)


def _json(body: bytes, what: str):
    try:
        return json.loads(body)
    except ValueError:
        raise FetchError(f"{what}: the answer is not JSON") from None


def _quoted(text: str) -> str:
    return urllib.parse.quote(text, safe="")


def _query(params: dict[str, str]) -> str:
    # `*`, `/`, `,` and `:` are the API's own syntax (period.M=2024M01,2024M02, mgroup.*=*):
    # sent as they are, as the public clients send them.
    return "&".join(
        f"{urllib.parse.quote(k, safe='.*_')}={urllib.parse.quote(v, safe='*/,:')}" for k, v in params.items()
    )
