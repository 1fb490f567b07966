"""The `kpi` command line: serve the API, export the schema files, check catalogue files."""

import logging
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from kpi_api.cli_database import MissingDatabase, open_chosen, open_existing, say_database
from kpi_api.cli_fetch import fetch
from kpi_api.cli_mapping import mapping_app

app = typer.Typer(
    help="Danish municipal strategy goals and indicators: the kpi service and tools.",
    no_args_is_help=True,
    add_completion=False,
)
# Text from files, tokens' names and error messages is printed as text: no Rich markup
# (`[strategy]` would vanish, `[/x]` would raise MarkupError) and no emoji codes. Styles
# are given as `style=`, never written into a string.
console = Console(markup=False, emoji=False)
err = Console(stderr=True, markup=False, emoji=False)

DatabaseOption = Annotated[
    str | None,
    typer.Option(
        "--database",
        help="Database URL, e.g. sqlite:///kpi.sqlite3 or postgresql+psycopg://… "
        "[default: $KPI_DATABASE_URL, else kpi.sqlite3 in the user's data folder (see README)]",
        show_default=False,
    ),
]


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    database: DatabaseOption = None,
    workers: Annotated[int, typer.Option(help="Worker processes (use PostgreSQL for more than one).")] = 1,
) -> None:
    """Serve the GraphQL API, figures and pages (creating and migrating the database on first start)."""
    import os

    import uvicorn

    from kpi_api.app import create_app
    from kpi_api.config import Settings
    from kpi_api.http.header_timeout import protocol_with_header_timeout

    logging.basicConfig(level=logging.INFO, format="%(levelname)s:     %(message)s")
    settings = Settings.from_env(database)
    say_database(settings.database_url)
    console.print(f"GraphQL at http://{host}:{port}/graphql · status page http://{host}:{port}/status/151")
    # uvicorn's own X-Forwarded-* handling trusts 127.0.0.1 by default; the service
    # believes proxies only when told how many there are (KPI_TRUSTED_PROXIES).
    proxies = {"proxy_headers": settings.trusted_proxies > 0, "forwarded_allow_ips": "*"}
    if workers > 1:
        # Each worker builds its own app from the environment; they agree through the database.
        create_app(settings)  # migrate once, before the workers start
        os.environ["KPI_DATABASE_URL"] = settings.database_url
        uvicorn.run(
            "kpi_api.app:create_app",
            factory=True,
            host=host,
            port=port,
            workers=workers,
            log_level="info",
            http="kpi_api.http.header_timeout:HeaderTimeoutFromEnvironment",
            **proxies,
        )
    else:
        uvicorn.run(
            create_app(settings),
            host=host,
            port=port,
            log_level="info",
            http=protocol_with_header_timeout(settings.header_timeout),
            **proxies,
        )


@app.command("import")
def import_(
    file: Annotated[
        Path,
        typer.Argument(
            help="File of observations: canonical CSV, an Excel workbook (.xlsx) with the same columns, "
            "Statbank JSON-stat (1.x or 2.0) or Jobindsats JSON (v3 or v2)."
        ),
    ],
    format: Annotated[
        str | None,
        typer.Option(
            "--format", help="csv, xlsx, jsonstat or jobindsats [default: from the file]", show_default=False
        ),
    ] = None,
    sheet: Annotated[
        str | None,
        typer.Option("--sheet", help="The workbook's sheet to read [default: the first]", show_default=False),
    ] = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Check and count, write nothing.")] = False,
    mapping: Annotated[
        Path | None,
        typer.Option(
            "--mapping",
            help="A mapping file (TOML, as the shipped ones) to read a Statbank or Jobindsats file with "
            "[default: the files in $KPI_MAPPINGS, then the shipped mappings]",
            show_default=False,
        ),
    ] = None,
    table: Annotated[
        str | None,
        typer.Option(
            "--table",
            help="The Statbank or Jobindsats table the file holds, e.g. y01a02; one per table of a file of several, "
            "in order: y08a02,y09a02 [default: what the file says]",
            show_default=False,
        ),
    ] = None,
    database: DatabaseOption = None,
) -> None:
    """Import observations: every row is checked first; all rows are stored or none."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
    from rich.table import Table

    from kpi_api.config import Settings
    from kpi_api.importing.mapping_model import MappingError
    from kpi_api.importing.mappings import mappings_for_import
    from kpi_api.importing.rows import MAX_FILE_BYTES
    from kpi_api.importing.service import import_bytes

    try:
        if (size := file.stat().st_size) > MAX_FILE_BYTES:  # held whole while it is read
            limit = f"`kpi import` reads at most {MAX_FILE_BYTES:,} (split the file, e.g. by year)"
            err.print(f"{file}: is {size:,} bytes; {limit}", style="red")
            raise typer.Exit(2)
        data = file.read_bytes()
    except OSError as exc:
        err.print(f"{file}: cannot read: {exc.strerror}", style="red")
        raise typer.Exit(2) from None
    settings = Settings.from_env(database)
    try:
        mappings = mappings_for_import(mapping, directory=settings.mappings_directory)
    except MappingError as exc:
        err.print(f"Rejected {file.name}: the mapping cannot be used; nothing was written.", style="red bold")
        err.print(str(exc))
        raise typer.Exit(2) from None
    services = open_chosen(database, dry_run=dry_run)
    with Progress(
        TextColumn("{task.description}", markup=False),
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        console=err,
        transient=True,
        disable=not err.is_terminal,
    ) as bar:
        task = bar.add_task(f"importing {file.name}", total=None)
        report = import_bytes(
            data,
            str(file),
            services.observations,
            services.strategies,
            services.areas,
            fmt=format,
            dry_run=dry_run,
            table=table,
            mappings=mappings,
            progress=lambda n: bar.update(task, advance=n),
            max_rows=settings.max_import_rows,
            sheet=sheet,
        )
    if report.rejected:
        err.print(
            f"Rejected {file.name}: {report.problem_count:,} problem(s); nothing was written.",
            style="red bold",
        )
        for problem in report.problems[:200]:
            err.print(f"  {problem}")
        if report.problem_count > 200:
            err.print(f"  … and {report.problem_count - 200:,} more")
        raise typer.Exit(1)
    summary = Table(title=f"{'Dry run: ' if dry_run else ''}{file.name} ({report.format})", show_header=False)
    summary.add_row("rows in file", f"{report.rows:,}")
    summary.add_row(
        "new figures (vintages)" + (" that would be stored" if dry_run else " stored"), f"{report.added:,}"
    )
    summary.add_row("already stored, unchanged", f"{report.unchanged:,}")
    summary.add_row("batch", report.batch or ("— (dry run: nothing written)" if dry_run else "—"))
    console.print(summary)
    if report.message:
        console.print(report.message)
    if not dry_run and report.added:
        _keep_statuses_current(services)


@app.command()
def template(
    indicator: Annotated[str, typer.Argument(help="The indicator's id, e.g. 1.2.")],
    database: Annotated[
        str | None,
        typer.Option(
            "--database",
            help="Take the indicator from the catalogue published in this database "
            "[default: the shipped catalogue; no database is opened]",
            show_default=False,
        ),
    ] = None,
) -> None:
    """Print the canonical CSV header and one example row for an indicator: `kpi template 1.2 > 1.2.csv`,
    then replace the example with your figures and `kpi import 1.2.csv`."""
    import datetime
    import sys

    from kpi_api.template import NoSuchIndicator
    from kpi_api.template import template as make_template
    from kpi_core import shipped_strategies

    try:
        strategies = open_existing(database).strategies if database else tuple(shipped_strategies())
    except MissingDatabase as exc:
        err.print(str(exc), style="red", soft_wrap=True)
        raise typer.Exit(1) from None
    try:
        made = make_template(indicator, strategies, datetime.date.today())
    except NoSuchIndicator as exc:
        err.print(str(exc), style="red", soft_wrap=True)
        raise typer.Exit(1) from None
    sys.stdout.write(made.text)  # the file itself: no console formatting
    err.print(
        f"Example row for {made.indicator.id} ({made.indicator.name.en}; {made.indicator.unit.value}, "
        f"{made.frequency.value}, area {made.strategy.owner}): replace it with your figures.",
        soft_wrap=True,
    )


@app.command()
def demo(
    seed: Annotated[int, typer.Option(help="Seed of the synthetic dataset.")] = 2022,
    first_year: Annotated[int, typer.Option("--from-year", help="First year.")] = 2010,
    last_year: Annotated[int, typer.Option("--to-year", help="Last year.")] = 2025,
    database: DatabaseOption = None,
) -> None:
    """Load a SYNTHETIC national dataset (all areas, every indicator) for demos.

    Every row says it is synthetic in its source. Loading the same dataset again is a
    no-op."""
    from kpi_api.demo.loader import load_demo

    services = open_chosen(database)
    result = load_demo(services, seed, first_year, last_year, console=err)
    console.print(result)
    _keep_statuses_current(services)


token_app = typer.Typer(
    help="API tokens for writes (and reads, if they are configured to need one).", no_args_is_help=True
)
app.add_typer(token_app, name="token")
app.add_typer(mapping_app, name="mapping")
app.command("fetch")(fetch)


@token_app.command("create")
def token_create(
    scope: Annotated[str, typer.Option(help="import, publish, comment or read.")],
    name: Annotated[str, typer.Option(help="Who or what uses the token.")] = "",
    database: DatabaseOption = None,
) -> None:
    """Create a token and print it once (only its hash is stored)."""
    from kpi_api.storage import tokens

    try:
        chosen = tokens.Scope(scope)
    except ValueError:
        err.print(f"--scope must be one of: {', '.join(s.value for s in tokens.Scope)}", style="red")
        raise typer.Exit(2) from None
    token, record = tokens.create(open_chosen(database).engine, chosen, name or f"{chosen.value} token")
    err.print(
        f"Token {record.id} ({record.scope.value}, {record.name!r}). Store it now; it is not shown again:"
    )
    console.print(token)


@token_app.command("revoke")
def token_revoke(
    token_id: Annotated[str, typer.Argument(help="The token's id (see `kpi token list`).")],
    database: DatabaseOption = None,
) -> None:
    """Revoke a token at once."""
    from kpi_api.storage import tokens

    if not tokens.revoke(open_chosen(database).engine, token_id):
        err.print(f"No active token with id {token_id!r} (see `kpi token list`).", style="red")
        raise typer.Exit(1)
    console.print(f"revoked {token_id}")


@token_app.command("list")
def token_list(database: DatabaseOption = None) -> None:
    """List tokens (ids, scopes, names; never the tokens)."""
    from rich.table import Table

    from kpi_api.storage import tokens

    table = Table("id", "scope", "name", "created", "revoked")
    for r in tokens.listed(open_chosen(database).engine):
        table.add_row(
            r.id,
            r.scope.value,
            r.name,
            f"{r.created_at:%Y-%m-%d %H:%M}",
            f"{r.revoked_at:%Y-%m-%d %H:%M}" if r.revoked_at else "",
        )
    _print_table(table)


persisted_app = typer.Typer(
    help="Registered (persisted) GraphQL queries: the only ones that run with KPI_PERSISTED_ONLY=1.",
    no_args_is_help=True,
)
app.add_typer(persisted_app, name="persisted")

DirectoryOption = Annotated[
    Path | None,
    typer.Option(
        "--dir",
        help="Folder of registered queries [default: $KPI_PERSISTED_QUERIES]",
        show_default=False,
    ),
]


def _persisted_directory(directory: Path | None) -> Path:
    import os

    chosen = directory or (
        Path(os.environ["KPI_PERSISTED_QUERIES"]) if os.environ.get("KPI_PERSISTED_QUERIES") else None
    )
    if chosen is None:
        err.print(
            "Name the folder with --dir or KPI_PERSISTED_QUERIES (the server reads the same one).",
            style="red",
        )
        raise typer.Exit(2)
    return chosen


@persisted_app.command("add")
def persisted_add(
    files: Annotated[list[Path], typer.Argument(help="GraphQL documents, each exactly as clients send it.")],
    directory: DirectoryOption = None,
) -> None:
    """Check each document against the schema and register it under its SHA-256 (printed:
    clients send it as extensions.persistedQuery.sha256Hash). Restart the server to load them."""
    from graphql import parse, validate

    from kpi_api.config import Settings
    from kpi_api.graphql.persisted import register
    from kpi_api.graphql.schema import schema

    folder = _persisted_directory(directory)
    limit = Settings.from_env().max_query_bytes
    for file in files:
        try:
            text = file.read_text("utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            err.print(f"{file}: cannot be read as UTF-8 text ({exc})", style="red")
            raise typer.Exit(1) from None
        if len(text.encode()) > limit:
            err.print(
                f"{file}: larger than {limit:,} bytes (KPI_MAX_QUERY_BYTES); no client could send it",
                style="red",
            )
            raise typer.Exit(1)
        try:
            errors = validate(schema._schema, parse(text))
        except Exception as exc:  # graphql-core's GraphQLSyntaxError: the line and column are in it
            errors = [exc]
        if errors:
            err.print(f"{file}: not a valid query for this schema: {errors[0]}", style="red")
            raise typer.Exit(1)
        sha256, new = register(folder, text)
        console.print(f"{sha256}  {file}{'' if new else '  (already registered)'}", soft_wrap=True)


@persisted_app.command("list")
def persisted_list(directory: DirectoryOption = None) -> None:
    """The registered queries' hashes and first lines."""
    from kpi_api.graphql.persisted import load_directory

    for sha256, text in load_directory(_persisted_directory(directory), max_bytes=16 * 1024 * 1024).items():
        console.print(
            f"{sha256}  {text.strip().splitlines()[0][:80] if text.strip() else ''}", soft_wrap=True
        )


@app.command("export-schema")
def export_schema(
    output: Annotated[Path, typer.Option(help="Folder to write into.")] = Path("schema"),
    check: Annotated[bool, typer.Option("--check", help="Only check that the files are up to date.")] = False,
) -> None:
    """Write schema/schema.graphql and schema/catalogue.schema.json (or check them)."""
    from kpi_api.schema_export import export

    result = export(output, check)
    if check and result.stale:
        err.print(
            f"Out of date in {output}/: {', '.join(result.stale)}. "
            "Run `kpi export-schema` (or `make schema`) and commit the result.",
            style="red",
        )
        raise typer.Exit(1)
    for name in result.written:
        console.print(f"wrote {output / name}")
    if not result.written:
        console.print(f"{output}/ is up to date")


@app.command()
def validate(files: Annotated[list[Path], typer.Argument(help="Catalogue files (TOML) to check.")]) -> None:
    """Check catalogue files: each alone, then together with the shipped catalogue."""
    from kpi_core import CatalogueError, build_strategies, parse_revision, shipped_revision_files
    from kpi_core.toml_limits import MAX_BYTES

    parsed, failed = [], False
    for path in files:
        try:
            if (size := path.stat().st_size) > MAX_BYTES:  # before reading it whole
                err.print(
                    f"{path}: is {size:,} bytes; a catalogue file has at most {MAX_BYTES:,}", style="red"
                )
                failed = True
                continue
            parsed.append(parse_revision(path.read_text(encoding="utf-8"), str(path)))
        except (OSError, UnicodeDecodeError) as exc:
            err.print(f"{path}: cannot read: {exc}", style="red")
            failed = True
        except CatalogueError as exc:
            err.print(str(exc), style="red")
            failed = True
    if failed:
        raise typer.Exit(1)
    replaced = {(f.strategy.id, f.revision.version) for f in parsed}
    shipped = [f for f in shipped_revision_files() if (f.strategy.id, f.revision.version) not in replaced]
    try:
        strategies = build_strategies([*shipped, *parsed])
    except CatalogueError as exc:
        err.print(str(exc), style="red")
        raise typer.Exit(1) from None
    for s in strategies:
        console.print(f"ok  {s.id}: revisions {', '.join(r.version for r in s.revisions)}")


batches_app = typer.Typer(
    help="Imported batches: list them, take one back.",
    invoke_without_command=True,
)
app.add_typer(batches_app, name="batches")


@batches_app.callback()
def batches_list(ctx: typer.Context, database: DatabaseOption = None) -> None:
    """List imported batches (id, file, rows, who, when); `kpi batches retract ID` takes one back."""
    if ctx.invoked_subcommand is not None:
        return
    from rich.table import Table

    table = Table("id", "file", "format", "rows", "stored", "imported by", "imported", "retracted")
    for b in open_chosen(database).observations.batches():
        table.add_row(
            b.id,
            b.file_name,
            b.format,
            f"{b.rows:,}",
            f"{b.added:,}",
            b.imported_by,
            f"{b.imported_at:%Y-%m-%d %H:%M}",
            f"from {b.retracted_on} by {b.retracted_by}" if b.retracted_on else "",
        )
    _print_table(table)


@batches_app.command("retract")
def batches_retract(
    batch_id: Annotated[str, typer.Argument(help="The batch's id (see `kpi batches`).")],
    database: DatabaseOption = None,
) -> None:
    """Withdraw a batch as a new vintage: from today its figures leave every view (the
    vintage before it shows again, if any); a replay as of an earlier day still shows them."""
    import datetime
    import getpass
    import socket

    from kpi_core.repository import StoreError

    today = datetime.date.today()  # the same clock as an import's `published` default
    by = f"{getpass.getuser()}@{socket.gethostname()} (kpi batches retract)"
    services = open_chosen(database)
    try:
        batch = services.observations.retract(batch_id, today, by, datetime.datetime.now(datetime.UTC))
    except StoreError as exc:
        err.print(str(exc), style="red", soft_wrap=True)
        raise typer.Exit(1) from None
    day_before = today - datetime.timedelta(days=1)
    console.print(
        f"Retracted batch {batch.id} ({batch.file_name}, {batch.added:,} figure(s) stored): from {today} its "
        f"figures leave the views; a replay as of {day_before} or earlier still shows them.",
        soft_wrap=True,
    )
    _keep_statuses_current(services)


webhook_app = typer.Typer(
    help="Webhooks: the change feed POSTed to a URL of yours, signed, as statuses change.",
    no_args_is_help=True,
)
app.add_typer(webhook_app, name="webhook")
_FILTERS = ("strategy", "area", "indicator")


@webhook_app.command("add")
def webhook_add(
    url: Annotated[str, typer.Argument(help="Where to POST: http:// or https://.")],
    secret: Annotated[
        str,
        typer.Option("--secret", help="16–200 characters; each body is signed with it (X-KPI-Signature)."),
    ],
    filters: Annotated[
        list[str] | None,
        typer.Option(
            "--filter",
            help="Only changes of strategy=ID, area=CODE or indicator=ID (repeat for several: all must hold).",
        ),
    ] = None,
    database: DatabaseOption = None,
) -> None:
    """POST every status change found from now on to URL (kpi serve delivers, retrying on failure)."""
    from kpi_api.webhook_delivery import BadWebhook, checked_secret, checked_url

    chosen: dict[str, str] = {}
    for f in filters or []:
        key, _, value = f.partition("=")
        if key not in _FILTERS or not value or key in chosen:
            err.print(
                f"--filter {f!r}: give one of {', '.join(k + '=…' for k in _FILTERS)}, each at most once",
                style="red",
                markup=False,
            )
            raise typer.Exit(2)
        chosen[key] = value
    services = open_chosen(database)
    if (area := chosen.get("area")) is not None and services.areas.get(area) is None:
        err.print(f"--filter area={area}: there is no such area", style="red", markup=False)
        raise typer.Exit(2)
    if (strategy := chosen.get("strategy")) is not None and strategy not in {
        s.id for s in services.strategies
    }:
        err.print(f"--filter strategy={strategy}: there is no such strategy", style="red", markup=False)
        raise typer.Exit(2)
    try:
        hook = services.webhooks.add(
            checked_url(url),
            checked_secret(secret),
            chosen.get("strategy"),
            chosen.get("area"),
            chosen.get("indicator"),
        )
    except BadWebhook as exc:
        err.print(str(exc), style="red", markup=False)
        raise typer.Exit(2) from None
    console.print(f"added webhook {hook.id}: changes found from now on go to {hook.url}", markup=False)


@webhook_app.command("list")
def webhook_list(database: DatabaseOption = None) -> None:
    """Every webhook: where, which changes, how many delivered, and the last error if any."""
    from rich.table import Table

    table = Table("id", "url", "filter", "cursor", "delivered", "failures", "next attempt", "last error")
    for h in open_chosen(database).webhooks.listed():
        shown = [f"{k}={v}" for k, v in zip(_FILTERS, (h.strategy_id, h.area, h.indicator), strict=True) if v]
        table.add_row(
            h.id,
            h.url,
            " ".join(shown) or "—",
            str(h.cursor),
            f"{h.delivered:,}",
            str(h.failures),
            f"{h.next_attempt:%Y-%m-%d %H:%M:%S}" if h.next_attempt else "",
            h.last_error or "",
        )
    _print_table(table)


@webhook_app.command("remove")
def webhook_remove(
    hook_id: Annotated[str, typer.Argument(help="The webhook's id (see `kpi webhook list`).")],
    database: DatabaseOption = None,
) -> None:
    """Stop delivering to a webhook."""
    if not open_chosen(database).webhooks.remove(hook_id):
        err.print(f"there is no webhook {hook_id!r} (see `kpi webhook list`)", style="red", markup=False)
        raise typer.Exit(1)
    console.print(f"removed webhook {hook_id}")


evaluations_app = typer.Typer(
    help="The stored evaluations that status reads are answered from: how current, rebuilt, verified.",
    no_args_is_help=True,
)
app.add_typer(evaluations_app, name="evaluations")


@evaluations_app.command("status")
def evaluations_status(database: DatabaseOption = None) -> None:
    """Say whether the stored evaluations reflect the current data, and what is queued."""
    pending = open_chosen(database).evaluations.pending()
    if pending.current:
        console.print(f"current: the stored evaluations reflect data version {pending.data_version}")
    else:
        console.print(
            f"behind: they reflect data version {pending.stored_version}, the data is at {pending.data_version}; "
            f"{len(pending.entries)} write(s) queued. Statuses are judged from the observations until "
            "`kpi serve` (or `kpi evaluations rebuild`) has caught up.",
            soft_wrap=True,
        )


@evaluations_app.command("rebuild")
def evaluations_rebuild(database: DatabaseOption = None) -> None:
    """Judge every status of every published revision anew from the observations and
    replace the stored evaluations (reads are judged from the observations meanwhile)."""
    services = open_chosen(database)
    with _evaluation_progress() as progress:
        report = services.upkeep.rebuild(progress=progress)
    console.print(f"rebuilt {report.evaluated:,} evaluations at data version {report.data_version}")


@evaluations_app.command("verify")
def evaluations_verify(database: DatabaseOption = None) -> None:
    """Judge everything anew and compare with what is stored; exit 1 on any difference."""
    services = open_chosen(database)
    with _evaluation_progress() as progress:
        pending, mismatches = services.upkeep.verify(progress=progress)
    if not pending.current:
        err.print(
            f"note: {len(pending.entries)} write(s) are not yet reflected (data version {pending.data_version}, "
            f"stored {pending.stored_version}); differences below may be those writes",
            soft_wrap=True,
        )
    for m in mismatches[:50]:
        console.print(f"differs: {' '.join(m.key)}: stored {m.stored or '—'}, judged now {m.fresh or '—'}")
    if mismatches:
        err.print(f"{len(mismatches):,} stored evaluation(s) differ from a fresh judgement", style="red bold")
        raise typer.Exit(1)
    console.print("ok: every stored evaluation equals a fresh judgement")


def _keep_statuses_current(services) -> None:
    """After a write: judge again what it touched, so status reads stay fast."""
    with _evaluation_progress() as progress:
        report = services.upkeep.drain(progress=progress)
    if report is not None:
        err.print(f"statuses: {report.evaluated:,} evaluation(s) judged again and stored")


def _evaluation_progress():
    import contextlib

    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    @contextlib.contextmanager
    def bar():
        with Progress(
            TextColumn("{task.description}", markup=False),
            BarColumn(),
            MofNCompleteColumn(),
            TimeRemainingColumn(),
            console=err,
            transient=True,
            disable=not err.is_terminal,
        ) as shown:
            task = shown.add_task("judging statuses", total=None)
            yield lambda done, total: shown.update(task, completed=done, total=total)

    return bar()


def _print_table(table) -> None:
    # Piped into a file or `grep`, a listing is as wide as it needs to be: ids must come
    # out whole (Rich cuts columns to the terminal's width, 80 when there is none).
    wide = console if console.is_terminal else Console(markup=False, emoji=False, width=2000)
    wide.print(table)
