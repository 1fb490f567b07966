"""The CLI prints text from files as text: no Rich markup or emoji codes interpreted
(`[strategy]` used to vanish, `[/x]` gave a MarkupError traceback, `status[value]` printed
as `status`). Run as subprocesses, as an operator runs them."""

import os
import subprocess
import sys
from pathlib import Path

from kpi_core.shipped import _DATA

KPI = str(Path(sys.executable).with_name("kpi"))


def kpi(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "COLUMNS": "300", "KPI_DATABASE_URL": f"sqlite:///{cwd / 'kpi.sqlite3'}"}
    return subprocess.run([KPI, *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=120)


def test_a_rejected_import_prints_the_file_text_as_it_is(tmp_path):
    path = tmp_path / "[strategy] :thumbs_up:.csv"
    path.write_text(
        "indicator,area,period,value,unit\n[bold],[/x],2022,1,\n2.1,151,2022-09,1,status[value]\n2.1,151,2022-09,1,[/x]\n"
    )
    result = kpi("import", "--dry-run", str(path), cwd=tmp_path)
    assert result.returncode == 1 and "Traceback" not in result.stderr and "MarkupError" not in result.stderr
    units = "percent, percent_change, count, number, months, weeks"
    assert result.stderr.splitlines() == [
        f"database: sqlite:///{tmp_path / 'kpi.sqlite3'} does not exist; the dry run checks against a new, empty one in memory",
        "Rejected [strategy] :thumbs_up:.csv: 4 problem(s); nothing was written.",
        "  row 2, column `indicator`: `[bold]` is not an indicator of the catalogue (ids look like 2.1, 1.5b, O1)",
        "  row 2, column `area`: `[/x]` is not a known area code (use a municipality code such as 151, a region 1081–1085 or DK)",
        f"  row 3, column `unit`: `status[value]` is not a unit; expected one of: {units}",
        f"  row 4, column `unit`: `[/x]` is not a unit; expected one of: {units}",
    ]


def test_validate_prints_a_markup_like_key_as_it_is(tmp_path):
    text = (_DATA / "catalogue" / "ballerup-beskaeftigelsesstrategi-2022.toml").read_text(encoding="utf-8")
    path = tmp_path / "broken.toml"
    path.write_text(
        text.replace('version = "2022"', 'version = "2022"\n"[/x]" = "[bold]"', 1), encoding="utf-8"
    )
    result = kpi("validate", str(path), cwd=tmp_path)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert f"catalogue file {path} is invalid:" in result.stderr
    assert "unknown field(s) [/x] (check the spelling) @ $" in result.stderr
