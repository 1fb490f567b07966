"""`kpi token`: the scopes it makes tokens of, `comment` among them."""

from pathlib import Path

from typer.testing import CliRunner

from kpi_api.cli import app
from kpi_api.storage import tokens
from kpi_api.storage.engine import create_engine

runner = CliRunner()


def test_a_comment_token_is_made_listed_and_verified_with_its_scope(tmp_path: Path):
    url = f"sqlite:///{tmp_path / 'kpi.sqlite3'}"
    made = runner.invoke(
        app, ["token", "create", "--scope", "comment", "--name", "Anna Jensen", "--database", url]
    )
    assert made.exit_code == 0, made.output
    token = made.stdout.strip().splitlines()[-1]
    record = tokens.verify(create_engine(url), token)
    assert record is not None and (record.scope, record.name) == (tokens.Scope.COMMENT, "Anna Jensen")
    assert record.allows(tokens.Scope.COMMENT) and not record.allows(tokens.Scope.IMPORT)
    listed = runner.invoke(app, ["token", "list", "--database", url])
    assert listed.exit_code == 0 and "comment" in listed.stdout and "Anna Jensen" in listed.stdout


def test_an_unknown_scope_names_the_scopes_there_are(tmp_path: Path):
    url = f"sqlite:///{tmp_path / 'kpi.sqlite3'}"
    refused = runner.invoke(app, ["token", "create", "--scope", "comments", "--database", url])
    assert refused.exit_code == 2
    assert "--scope must be one of: read, import, publish, comment" in refused.output
