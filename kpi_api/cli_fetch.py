"""`kpi fetch`: the mapped tables pulled from Statbank and Jobindsats and imported."""

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

console = Console(markup=False, emoji=False)  # text from the APIs is printed as text
err = Console(stderr=True, markup=False, emoji=False)


def fetch(
    table: Annotated[
        str | None,
        typer.Option(
            "--table",
            help="Only these tables, comma-separated: AUP01,y07a02 [default: every table the mappings name]",
            show_default=False,
        ),
    ] = None,
    source: Annotated[
        str | None,
        typer.Option("--source", help="Only statbank or only jobindsats [default: both]", show_default=False),
    ] = None,
    since: Annotated[
        str | None,
        typer.Option(
            "--since",
            help="The first period to fetch: 2022, 2022Q3 or 2022-09 [default: every period the table has]",
            show_default=False,
        ),
    ] = None,
    mapping: Annotated[
        Path | None,
        typer.Option(
            "--mapping",
            help="A mapping file (TOML): fetch its tables and read them with it "
            "[default: the files in $KPI_MAPPINGS, then the shipped mappings]",
            show_default=False,
        ),
    ] = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Fetch, check and count; store nothing.")
    ] = False,
    timeout: Annotated[float, typer.Option(help="Seconds to wait for an answer to start or go on.")] = 60.0,
    retries: Annotated[int, typer.Option(help="Further attempts after a 429, a 5xx or a time-out.")] = 4,
    time_limit: Annotated[
        float, typer.Option("--time-limit", help="Seconds for the whole fetch, waits included.")
    ] = 1800.0,
    database: Annotated[
        str | None,
        typer.Option(
            "--database",
            help="Database URL [default: $KPI_DATABASE_URL, else kpi.sqlite3 in the user's data folder (see README)]",
            show_default=False,
        ),
    ] = None,
) -> None:
    """Fetch the mapped tables from the Statbank and Jobindsats APIs and import them, the
    release date as the vintage. Every table is fetched before anything is stored, and
    stored only if every table passes the import's checks; a release already stored adds nothing."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    from kpi_api.cli_database import open_chosen, shown_url
    from kpi_api.config import Settings
    from kpi_api.fetching import run
    from kpi_api.fetching.http import FetchError, Limits
    from kpi_api.fetching.periods import since_month
    from kpi_api.importing.mapping_model import MappingError
    from kpi_api.importing.mappings import mappings_for_import

    settings = Settings.from_env(database)
    if source not in (None, "statbank", "jobindsats"):
        err.print(f"--source {source}: expected statbank or jobindsats", style="red")
        raise typer.Exit(2)
    if not (0 < timeout <= 3600 and 0 <= retries <= 20 and 0 < time_limit <= 24 * 3600):
        err.print("--timeout 0–3600 s, --retries 0–20 and --time-limit up to 86400 s", style="red")
        raise typer.Exit(2)
    try:
        first = since_month(since)
    except ValueError as exc:
        err.print(str(exc), style="red")
        raise typer.Exit(2) from None
    try:
        mappings = mappings_for_import(mapping, directory=settings.mappings_directory)
    except MappingError as exc:
        err.print("Nothing fetched: the mapping cannot be used.", style="red bold")
        err.print(str(exc))
        raise typer.Exit(2) from None
    names = [t.strip() for t in (table or "").split(",") if t.strip()][:100]
    try:
        wanted = run.plan(mappings, names, [source] if source else [])
    except FetchError as exc:
        err.print(str(exc), style="red", soft_wrap=True)
        raise typer.Exit(2) from None
    if not wanted:
        err.print("No mapped table to fetch.", style="red")
        raise typer.Exit(2)
    services = open_chosen(database, dry_run=dry_run)
    endpoints = run.Endpoints(settings.statbank_url, settings.jobindsats_url, settings.jobindsats_key)
    limits = Limits(timeout=timeout, retries=retries, time_limit=time_limit)
    with Progress(
        TextColumn("{task.description}", markup=False),
        BarColumn(),
        MofNCompleteColumn(),
        console=err,
        transient=True,
        disable=not err.is_terminal,
    ) as bar:
        task = bar.add_task(f"fetching {len(wanted)} table(s)", total=len(wanted))
        try:
            fetched = run.fetch_all(
                wanted,
                endpoints,
                limits,
                first,
                lambda code: services.areas.get(code) is not None,
                done=lambda w: bar.update(task, advance=1, description=f"fetched {w.table}"),
            )
        except FetchError as exc:
            err.print("Fetch failed; nothing was stored.", style="red bold")
            err.print(f"  {exc}", soft_wrap=True)
            raise typer.Exit(1) from None
        storing = bar.add_task("checking and storing", total=None)
        outcomes, stored = run.import_all(
            fetched,
            services.observations,
            services.strategies,
            services.areas,
            dry_run,
            progress=lambda n: bar.update(storing, advance=n),
        )
    _print(outcomes, dry_run, stored, shown_url(settings.database_url))
    if any(o.report.rejected for o in outcomes):
        raise typer.Exit(1)


def _print(outcomes, dry_run: bool, stored: bool, database: str) -> None:
    from rich.table import Table

    rejected = [o for o in outcomes if o.report.rejected]
    for outcome in rejected:
        report = outcome.report
        err.print(
            f"Rejected {outcome.unit.label} ({report.problem_count:,} problem(s)):",
            style="red bold",
        )
        for problem in report.problems[:50]:
            err.print(f"  {problem}", soft_wrap=True)
    if rejected:
        err.print(
            "Nothing was stored: fix the mapping (or narrow with --table) and fetch again.", style="red"
        )
    new = "new" if stored else "would be new"
    summary = Table(title=f"{'Dry run: ' if dry_run else ''}fetched into {database}", show_edge=False)
    summary.add_column("table", min_width=13)
    for column in ("release", "rows", new, "unchanged"):
        summary.add_column(column)
    summary.add_column("batch", min_width=24, no_wrap=True)  # a batch id whole: `kpi batches` finds it
    for outcome in outcomes:
        report = outcome.report
        summary.add_row(
            outcome.unit.label,
            str(outcome.unit.published),
            f"{report.rows:,}",
            "rejected" if report.rejected else f"{report.added:,}",
            f"{report.unchanged:,}",
            (report.batch or "—") if stored else "—",
        )
    console.print(summary)
