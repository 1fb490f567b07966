"""kpi_core stays pure, and its public surface is what __all__ says.

The import contract that keeps it pure is checked (and shown to fail on a probe) in
tests/api/test_architecture.py; this run, with the core's dependencies alone, shows it at
run time."""

import subprocess
import sys
from pathlib import Path

import kpi_core

ROOT = Path(__file__).resolve().parents[2]


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
