"""kpi_core stays pure, and its public surface is what __all__ says."""

import subprocess
import sys
from pathlib import Path

import pytest

import kpi_core

ROOT = Path(__file__).resolve().parents[2]
LINT_IMPORTS = Path(sys.executable).parent / "lint-imports"


@pytest.mark.skipif(
    not LINT_IMPORTS.exists(),
    reason="import-linter is a dev tool; the core-only run proves purity by running",
)
def test_import_linter_contract_holds():
    # The contract (pyproject.toml) forbids web, database, network and process modules.
    result = subprocess.run(
        [LINT_IMPORTS, "--no-cache"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "5 kept, 0 broken" in result.stdout  # the contracts: tests/api/test_architecture.py


def test_all_names_exist_and_are_unique():
    assert len(kpi_core.__all__) == len(set(kpi_core.__all__))
    missing = [name for name in kpi_core.__all__ if not hasattr(kpi_core, name)]
    assert missing == []


def test_kpi_without_the_service_says_what_to_install():
    # As after `pip install kommune-kpi` (no `api` extra): typer cannot be imported.
    blocked = "import sys; sys.modules['typer'] = None; from kpi_api.entry import main; main()"
    result = subprocess.run([sys.executable, "-c", blocked], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [
        "kpi needs the service's dependencies (typer is not installed): pip install 'kommune-kpi[api]'"
    ]
