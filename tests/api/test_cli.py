"""The `kpi` command line."""

from pathlib import Path

from typer.testing import CliRunner

from kpi_api.cli import app
from kpi_core.shipped import _DATA

runner = CliRunner()
GOOD = (_DATA / "catalogue" / "ballerup-beskaeftigelsesstrategi-2022.toml").read_text(encoding="utf-8")


def test_export_schema_check_fails_on_a_stale_folder(tmp_path: Path):
    result = runner.invoke(app, ["export-schema", "--output", str(tmp_path), "--check"])
    assert result.exit_code == 1
    assert "schema.graphql" in result.output and "kpi export-schema" in result.output
    assert list(tmp_path.iterdir()) == []  # --check writes nothing


def test_export_schema_writes_then_checks_clean(tmp_path: Path):
    assert runner.invoke(app, ["export-schema", "--output", str(tmp_path)]).exit_code == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["catalogue.schema.json", "schema.graphql"]
    assert runner.invoke(app, ["export-schema", "--output", str(tmp_path), "--check"]).exit_code == 0


def test_validate_accepts_a_shipped_file(tmp_path: Path):
    path = tmp_path / "2022.toml"
    path.write_text(GOOD, encoding="utf-8")
    result = runner.invoke(app, ["validate", str(path)])
    assert result.exit_code == 0, result.output
    assert "ok  ballerup-beskaeftigelsesstrategi: revisions 2020, 2022" in result.output


def test_validate_reports_the_place_of_an_error(tmp_path: Path):
    path = tmp_path / "broken.toml"
    path.write_text(GOOD.replace('direction = "none"', 'direction = "down"', 1), encoding="utf-8")
    result = runner.invoke(app, ["validate", str(path)])
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    assert "'down' is not a valid Direction" in result.output
    assert "$.overall_indicators[0].direction" in result.output
