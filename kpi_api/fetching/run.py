"""A fetch from beginning to end: which tables (those the mappings name, or `--table`),
every answer fetched before anything is stored, then every table checked as `kpi import`
checks a file, and only if all pass, each stored as its own batch with its release date
as the vintage. Storing a release already stored adds nothing (the import's "unchanged").
"""

import datetime
import getpass
import json
import socket
from collections.abc import Callable, Sequence

import attrs

from kpi_api.fetching import jobindsats, statbank
from kpi_api.fetching.http import Client, Deadline, FetchError, Limits
from kpi_api.fetching.source import Fetched, Wanted
from kpi_api.importing.mapping_model import Mapping
from kpi_api.importing.service import ImportReport, import_bytes
from kpi_core import AreaDirectory, Strategy
from kpi_core.repository import ObservationRepository

SOURCES = {"jsonstat": "statbank", "jobindsats": "jobindsats"}


@attrs.frozen
class Endpoints:
    """The APIs' base URLs and the Jobindsats key (Settings: KPI_STATBANK_URL, …)."""

    statbank_url: str
    jobindsats_url: str
    jobindsats_key: str = attrs.field(default="", repr=False)


@attrs.frozen
class Unit:
    """What one import stores: one table, or the Jobindsats tables a derived indicator
    reads together (3.2 = Y09A02 ÷ (Y08A02 + Y09A02)), as one file of several tables."""

    fetched: tuple[Fetched, ...]
    data: bytes
    name: str
    published: datetime.date  # the later release of its tables, as derived.py dates a share

    @property
    def label(self) -> str:
        return "+".join(f.wanted.table for f in self.fetched)

    @property
    def source(self) -> str:
        return self.fetched[0].wanted.source

    @property
    def mapping(self) -> Mapping:
        return self.fetched[0].wanted.mapping


@attrs.frozen
class Outcome:
    unit: Unit
    report: ImportReport


def plan(
    mappings: Sequence[Mapping], tables: Sequence[str] = (), sources: Sequence[str] = ()
) -> list[Wanted]:
    """Each mapped table once, read by the first mapping that maps it (as an import reads
    it); `tables` narrows to those (any case), `sources` to statbank or jobindsats."""
    every: dict[tuple[str, str], Wanted] = {}
    for mapping in mappings:
        source = SOURCES[mapping.format]
        for key in mapping.tables:
            every.setdefault((source, key.casefold()), Wanted(source, key, mapping))
    chosen = [w for w in every.values() if not sources or w.source in sources]
    if not tables:
        return [w for w in chosen if not second_source(w, chosen)]
    picked = []
    for name in tables:
        found = [w for w in chosen if w.table.casefold() == name.casefold()]
        if not found:
            mapped = "; ".join(
                f"{s}: {', '.join(w.table for w in chosen if w.source == s)}"
                for s in dict.fromkeys(w.source for w in chosen)
            )
            raise FetchError(
                f"--table {name}: no mapping covers this table (mapped: {mapped or 'none'}); map it in a mapping of "
                f"your own ([tables.{name}] in a file given with --mapping or kept in KPI_MAPPINGS)"
            )
        picked += [w for w in found if w not in picked]
    return picked


def second_source(wanted: Wanted, chosen: Sequence[Wanted]) -> bool:
    """A Jobindsats table whose every indicator a Statbank table among `chosen` also feeds
    (shipped: Y01A02, an approximation of O1, beside AUP01, O1 exactly). Both in one fetch
    would store two sources' figures as vintages of one series, the later release winning;
    so without --table the Statbank one is fetched (the official statistic), and the other
    only when named."""
    if wanted.source != "jobindsats":
        return False
    own = _indicators(wanted)
    statbank = {i for w in chosen if w.source == "statbank" for i in _indicators(w)}
    return bool(own) and own <= statbank and not wanted.mapping.inputs_of(wanted.table)


def _indicators(wanted: Wanted) -> set[str]:
    table = wanted.mapping.tables[wanted.table]
    return {i for i in (table.indicator, *(m.indicator for m in table.measures.values())) if i}


def fetch_all(
    wanted: Sequence[Wanted],
    endpoints: Endpoints,
    limits: Limits,
    since: tuple[int, int] | None,
    known_area: Callable[[str], bool],
    done: Callable[[Wanted], None] = lambda _: None,
    sleep: Callable[[float], None] | None = None,
) -> list[Fetched]:
    """Every table's answer, or a FetchError (and then nothing is stored)."""
    if any(w.source == "jobindsats" for w in wanted):
        problem = jobindsats.key_problem(endpoints.jobindsats_key, endpoints.jobindsats_url)
        if problem:
            tables = ", ".join(w.table for w in wanted if w.source == "jobindsats")
            raise FetchError(f"Jobindsats tables {tables}: {problem}")
    deadline = Deadline(limits.time_limit)
    extra = {"sleep": sleep} if sleep else {}
    clients = {
        "statbank": Client(endpoints.statbank_url, limits, deadline, **extra),
        # The key goes to the Jobindsats URL alone: its own client, nothing shared.
        "jobindsats": Client(
            endpoints.jobindsats_url,
            limits,
            deadline,
            headers={"Authorization": f"Bearer {endpoints.jobindsats_key}"},
            **extra,
        ),
    }
    try:
        fetched, released = [], None
        for table in wanted:
            if table.source == "statbank":
                fetched.append(statbank.fetch(clients["statbank"], table, since, known_area))
            else:
                if released is None:
                    released = jobindsats.releases(clients["jobindsats"])
                fetched.append(jobindsats.fetch(clients["jobindsats"], table, since, released))
            done(table)
        return fetched
    finally:
        for client in clients.values():
            client.close()


def units(fetched: Sequence[Fetched]) -> list[Unit]:
    """One import per table, except Jobindsats tables that are inputs of one derived
    indicator: those go together, in the list-of-tables shape (API v2's) that the reader
    takes for a file of several tables, each table's columns and rows as v3 gave them."""
    groups: list[list[Fetched]] = []
    for item in fetched:
        linked = _linked(item, fetched) if item.wanted.source == "jobindsats" else set()
        joined = [g for g in groups if any(f.wanted.table in linked for f in g)]
        for group in joined:
            groups.remove(group)
        groups.append([f for group in joined for f in group] + [item])
    result = []
    for group in groups:
        if len(group) == 1:
            (only,) = group
            result.append(Unit((only,), only.data, only.name, only.published))
            continue
        tables = []
        for item in group:
            answer = json.loads(item.data)
            tables.append({"Variables": [{"Label": c} for c in answer["columns"]], "Data": answer["rows"]})
        published = max(f.published for f in group)
        label = "+".join(f.wanted.table for f in group)
        data = json.dumps(tables, ensure_ascii=False, separators=(",", ":")).encode()
        result.append(Unit(tuple(group), data, f"jobindsats-{label}-{published}.json", published))
    return result


def _linked(item: Fetched, fetched: Sequence[Fetched]) -> set[str]:
    """The other fetched tables of its mapping that share a derived indicator with it."""
    mapping = item.wanted.mapping
    linked: set[str] = set()
    for derived in mapping.derived.values():
        keys = {mapping.table(i.table) for i in (*derived.numerator, *derived.denominator)}
        if item.wanted.table in keys:
            linked |= {
                f.wanted.table for f in fetched if f.wanted.mapping is mapping and f.wanted.table in keys
            }
    return linked - {item.wanted.table}


def import_all(
    fetched: Sequence[Fetched],
    repository: ObservationRepository,
    strategies: Sequence[Strategy],
    areas: AreaDirectory,
    dry_run: bool,
    progress: Callable[[int], None] | None = None,
) -> tuple[list[Outcome], bool]:
    """Check every table first; store them only if none is rejected. (outcomes, stored)."""

    def one(unit: Unit, check: bool) -> ImportReport:
        return import_bytes(
            unit.data,
            unit.name,
            repository,
            list(strategies),
            areas,
            fmt="jsonstat" if unit.source == "statbank" else "jobindsats",
            dry_run=check,
            table=",".join(f.wanted.table for f in unit.fetched),
            mappings=[unit.mapping],
            imported_by=f"{getpass.getuser()}@{socket.gethostname()} (kpi fetch)",
            today=lambda: unit.published,  # the release is the vintage of every figure
            progress=None if check else progress,
        )

    planned = units(fetched)
    checked = [Outcome(unit, one(unit, True)) for unit in planned]
    if dry_run or any(o.report.rejected for o in checked):
        return checked, False
    return [Outcome(unit, one(unit, False)) for unit in planned], True
