"""Which database a `kpi` command uses, said on stderr; a dry run never creates one."""

from pathlib import Path

from rich.console import Console

err = Console(stderr=True, markup=False, emoji=False)


def shown_url(url: str) -> str:
    """The database URL as printed: a password never is."""
    import sqlalchemy as sa

    try:
        return sa.make_url(url).render_as_string(hide_password=True)
    except sa.exc.ArgumentError:
        return url


def say_database(url: str) -> None:
    # On stderr: piped output (a token, a table) stays clean.
    err.print(f"database: {shown_url(url)}", soft_wrap=True)


def missing_sqlite_file(url: str) -> bool:
    import sqlalchemy as sa

    try:
        parsed = sa.make_url(url)
    except sa.exc.ArgumentError:
        return False
    name = parsed.database
    return (
        parsed.get_backend_name() == "sqlite"
        and name not in (None, "", ":memory:")
        and not Path(name).exists()
    )


def open_chosen(database: str | None, dry_run: bool = False):
    """The services on the database `--database` or the environment names, said on stderr."""
    from kpi_api.bootstrap import open_services
    from kpi_api.config import Settings

    url = Settings.from_env(database).database_url
    if dry_run and missing_sqlite_file(url):
        # A dry run writes nothing, not even a new file: it checks against what a new
        # database would hold (the shipped catalogue), in memory.
        err.print(
            f"database: {shown_url(url)} does not exist; the dry run checks against a new, empty one in memory",
            soft_wrap=True,
        )
        return open_services("sqlite://")
    say_database(url)
    return open_services(url)


class MissingDatabase(Exception):
    """A command that only reads was pointed at a SQLite file that is not there."""


def open_existing(database: str | None):
    """The services on a database that must already exist: a command that only reads
    (`kpi template --database`, `kpi mapping check --database`) must not leave a new,
    empty file behind and then answer from its shipped catalogue as if it were the user's."""
    from kpi_api.bootstrap import open_services
    from kpi_api.config import Settings

    url = Settings.from_env(database).database_url
    if missing_sqlite_file(url):
        raise MissingDatabase(
            f"database: {shown_url(url)} does not exist, and this command only reads, so it creates none. "
            "Fix: name an existing database with --database (or KPI_DATABASE_URL), "
            "or leave --database out to use the shipped catalogue."
        )
    say_database(url)
    return open_services(url)
