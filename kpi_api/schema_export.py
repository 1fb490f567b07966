"""The files in schema/: the GraphQL SDL and the catalogue format's JSON Schema."""

import json
from pathlib import Path

import attrs
from strawberry.printer import print_schema

from kpi_api.catalogue_schema import catalogue_json_schema
from kpi_api.graphql import schema


def expected_files() -> dict[str, str]:
    return {
        "schema.graphql": print_schema(schema) + "\n",
        "catalogue.schema.json": json.dumps(catalogue_json_schema(), indent=2, ensure_ascii=False) + "\n",
    }


@attrs.frozen
class ExportResult:
    written: tuple[str, ...]
    stale: tuple[str, ...]


def export(folder: Path, check: bool) -> ExportResult:
    """Write the files (or, with `check`, only report which are missing or stale)."""
    stale, written = [], []
    for name, content in expected_files().items():
        path = folder / name
        if not path.exists() or path.read_text(encoding="utf-8") != content:
            stale.append(name)
            if not check:
                folder.mkdir(parents=True, exist_ok=True)
                path.write_text(content, encoding="utf-8")
                written.append(name)
    return ExportResult(tuple(written), tuple(stale))
