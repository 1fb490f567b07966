"""The `kpi` command's entry point: a plain line, not a traceback, when the service's
dependencies are not installed (`pip install kommune-kpi` brings the core alone)."""

import sys


def main() -> None:
    try:
        from kpi_api.cli import app
    except ModuleNotFoundError as exc:
        if (exc.name or "").startswith("kpi_"):
            raise  # our own module missing is a bug, not an install choice
        sys.exit(
            f"kpi needs the service's dependencies ({exc.name} is not installed): pip install 'kommune-kpi[api]'"
        )
    app()
