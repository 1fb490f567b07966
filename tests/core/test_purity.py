"""kpi_core stays pure, and its public surface is what __all__ says."""

import subprocess
import sys
from pathlib import Path

import kpi_core

ROOT = Path(__file__).resolve().parents[2]


def test_import_linter_contract_holds():
    # The contract (pyproject.toml) forbids web, database, network and process modules.
    result = subprocess.run(
        [Path(sys.executable).parent / "lint-imports", "--no-cache"],
        cwd=ROOT, capture_output=True, text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "1 kept, 0 broken" in result.stdout


def test_all_names_exist_and_are_unique():
    assert len(kpi_core.__all__) == len(set(kpi_core.__all__))
    missing = [name for name in kpi_core.__all__ if not hasattr(kpi_core, name)]
    assert missing == []
