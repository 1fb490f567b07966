"""A fetch from beginning to end: which tables (those the mappings name, or `--table`),
every answer fetched before anything is stored, then every table checked as `kpi import`
checks a file, and only if all pass, each stored as its own batch with its release date
as the vintage. Storing a release already stored adds nothing (the import's "unchanged").
"""

import getpass
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
class Outcome:
    fetched: Fetched
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
        return chosen
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


def import_all(
    fetched: Sequence[Fetched],
    repository: ObservationRepository,
    strategies: Sequence[Strategy],
    areas: AreaDirectory,
    dry_run: bool,
    progress: Callable[[int], None] | None = None,
) -> tuple[list[Outcome], bool]:
    """Check every table first; store them only if none is rejected. (outcomes, stored)."""

    def one(item: Fetched, check: bool) -> ImportReport:
        return import_bytes(
            item.data,
            item.name,
            repository,
            list(strategies),
            areas,
            fmt="jsonstat" if item.wanted.source == "statbank" else "jobindsats",
            dry_run=check,
            table=item.wanted.table,
            mappings=[item.wanted.mapping],
            imported_by=f"{getpass.getuser()}@{socket.gethostname()} (kpi fetch)",
            today=lambda: item.published,  # the release is the vintage of every figure
            progress=None if check else progress,
        )

    checked = [Outcome(item, one(item, True)) for item in fetched]
    if dry_run or any(o.report.rejected for o in checked):
        return checked, False
    return [Outcome(item, one(item, False)) for item in fetched], True
