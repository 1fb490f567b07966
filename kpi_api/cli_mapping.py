"""`kpi mapping check`: a mapping file checked as an import would use it."""

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

mapping_app = typer.Typer(
    help="Mappings from Statbank and Jobindsats tables to indicators.", no_args_is_help=True
)
console = Console(markup=False, emoji=False)  # text from files is printed as text
err = Console(stderr=True, markup=False, emoji=False)


@mapping_app.command("check")
def check(
    files: Annotated[list[Path], typer.Argument(help="Mapping files (TOML) to check.")],
    database: Annotated[
        str | None,
        typer.Option(
            "--database",
            help="Check the indicators against this database's published strategies "
            "[default: the shipped catalogue]",
            show_default=False,
        ),
    ] = None,
) -> None:
    """Check mapping files: their structure, and that every indicator they feed exists
    (in its unit, with the breakdowns they write)."""
    from kpi_api.importing.mapping_check import catalogue_problems
    from kpi_api.importing.mapping_model import MappingError
    from kpi_api.importing.mappings import read_mapping_file
    from kpi_api.importing.validate import indicator_facts

    if database is not None:
        from kpi_api.cli_database import MissingDatabase, open_existing, shown_url

        try:
            services = open_existing(database)
        except MissingDatabase as exc:
            err.print(str(exc), style="red", soft_wrap=True)
            raise typer.Exit(1) from None
        strategies, against = services.strategies, f"the strategies published in {shown_url(database)}"
    else:
        from kpi_core import shipped_strategies

        strategies, against = shipped_strategies(), "the shipped catalogue"
    facts = indicator_facts(strategies)
    failed = False
    for path in files:
        try:
            mapping = read_mapping_file(path)
        except MappingError as exc:
            _refused(path, exc.problems)
            failed = True
            continue
        if problems := catalogue_problems(mapping, facts):
            _refused(path, problems)
            failed = True
            continue
        tables = ", ".join(mapping.tables)
        console.print(f"ok  {path}: {mapping.format}, tables {tables} (indicators checked against {against})")
    if failed:
        raise typer.Exit(1)


def _refused(path: Path, problems: list[str]) -> None:
    err.print(f"{path}: {len(problems)} problem(s)", style="red bold")
    for problem in problems:
        err.print(f"  {problem}")
