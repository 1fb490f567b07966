"""schema/catalogue.schema.json describes the files the loader accepts."""

import datetime
import json
import tomllib
from pathlib import Path

import jsonschema
import pytest

from kpi_api.catalogue_schema import catalogue_json_schema
from kpi_core.shipped import _DATA

FILES = sorted((_DATA / "catalogue").iterdir(), key=lambda p: p.name)
VALIDATOR = jsonschema.Draft202012Validator(
    catalogue_json_schema(), format_checker=jsonschema.FormatChecker()
)


def as_json(value):
    # TOML has native dates; JSON Schema sees them as ISO strings, as the loader accepts both.
    if isinstance(value, dict):
        return {k: as_json(v) for k, v in value.items()}
    if isinstance(value, list):
        return [as_json(v) for v in value]
    return value.isoformat() if isinstance(value, datetime.date) else value


def test_the_schema_is_valid_json_schema():
    jsonschema.Draft202012Validator.check_schema(catalogue_json_schema())


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_every_shipped_file_validates(path: Path):
    data = as_json(tomllib.loads(path.read_text(encoding="utf-8")))
    assert [e.message for e in VALIDATOR.iter_errors(data)] == []


def test_the_schema_rejects_what_the_loader_rejects():
    data = as_json(tomllib.loads(FILES[-1].read_text(encoding="utf-8")))
    data["focus_areas"][0]["indicators"][0]["target"] = {"kind": "threshold", "bound": "least", "value": "1"}
    data["focus_areas"][0]["keyfigure"] = "1.1"
    messages = [e.message for e in VALIDATOR.iter_errors(data)]
    assert any("keyfigure" in m for m in messages)
    assert any("is not valid under any of the given schemas" in m for m in messages)


def test_committed_file_is_the_generated_one():
    committed = json.loads(
        (Path(__file__).resolve().parents[2] / "schema" / "catalogue.schema.json").read_text()
    )
    assert committed == catalogue_json_schema()
