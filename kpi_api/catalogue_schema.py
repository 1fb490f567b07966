"""JSON Schema of the catalogue file format, generated from the kpi_core attrs classes.

Hand-written (about a hundred lines) because no well-kept library turns attrs classes
with cattrs' conventions (tagged unions by `kind`, decimals as strings) into JSON Schema;
a test validates every shipped catalogue file against the result, so schema and loader
cannot drift apart unnoticed.
"""

import datetime
import enum
import types
import typing
from decimal import Decimal

import attrs

from kpi_core import references, targets
from kpi_core.catalogue import FORMAT_VERSION, StrategyHeader
from kpi_core.catalogue_text import VERSION
from kpi_core.strategy import Revision

_TAGGED = {
    targets.TargetRule: targets.TARGET_KINDS,
    references.Reference: references.REFERENCE_KINDS,
    references.ComparisonSet: references.REFERENCE_KINDS,
}


def catalogue_json_schema() -> dict:
    definitions: dict[str, dict] = {}
    revision = _schema_for(Revision, definitions)
    root = dict(definitions.pop("Revision"))
    root["properties"] = {
        "format": {"const": FORMAT_VERSION, "description": "Catalogue file format version."},
        "strategy": _schema_for(StrategyHeader, definitions),
        **root["properties"],
    }
    root["required"] = ["format", "strategy", *root["required"]]
    # Checked by parse_revision, not by the attrs class: say so here too, for editors.
    root["properties"]["version"] = {**root["properties"]["version"], "pattern": f"^{VERSION.pattern}$"}
    assert revision == {"$ref": "#/$defs/Revision"}
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "https://github.com/kommune-kpi/schema/catalogue.schema.json",
        "title": "Strategy catalogue file: one revision of one strategy",
        "description": "A TOML file in kpi_core/data/catalogue/, read by kpi_core.catalogue.parse_revision. "
        "Decimals are written as numbers or strings (read exactly, never as binary floats), dates as TOML dates or ISO strings.",
        **root,
        "$defs": dict(sorted(definitions.items())),
    }


def _schema_for(tp: object, definitions: dict) -> dict:
    if tp in _TAGGED:
        return {
            "oneOf": [
                _tagged_member(cls, kind, definitions)
                for cls, kind in _TAGGED[tp].items()
                if cls in typing.get_args(tp)
            ]
        }
    origin = typing.get_origin(tp)
    if origin in (typing.Union, types.UnionType):
        options = [a for a in typing.get_args(tp) if a is not type(None)]
        if len(options) == 1 and len(typing.get_args(tp)) == 2:
            return _schema_for(options[0], definitions)
        return {"anyOf": [_schema_for(a, definitions) for a in options]}
    if origin is tuple:
        return {"type": "array", "items": _schema_for(typing.get_args(tp)[0], definitions)}
    if tp is str:
        return {"type": "string"}
    if tp is int:
        return {"type": "integer"}
    if tp is bool:
        return {"type": "boolean"}
    if tp is Decimal:
        # TOML numbers are read exactly (as Decimal), so numbers are as good as strings.
        return {"anyOf": [{"type": "string", "pattern": r"^-?\d+(\.\d+)?$"}, {"type": "number"}]}
    if tp is datetime.date:
        return {"type": "string", "format": "date"}
    if isinstance(tp, type) and issubclass(tp, enum.Enum):
        return {"enum": [m.value for m in tp]}
    if attrs.has(tp):
        name = tp.__name__
        if name not in definitions:
            definitions[name] = {}  # placeholder for recursion
            definitions[name] = _object(tp, definitions)
        return {"$ref": f"#/$defs/{name}"}
    raise TypeError(f"no JSON Schema for {tp!r}")


def _object(cls: type, definitions: dict, extra: dict | None = None) -> dict:
    fields = [f for f in attrs.fields(cls) if f.init]
    hints = typing.get_type_hints(cls)
    properties = {**(extra or {})}
    for f in fields:
        # A field's bounds, where the core declares them for schemas (`metadata["json_schema"]`).
        properties[f.alias or f.name] = {
            **_schema_for(hints[f.name], definitions),
            **f.metadata.get("json_schema", {}),
        }
    schema = {"type": "object", "additionalProperties": False, "properties": properties}
    if doc := (cls.__doc__ or "").strip():
        schema["description"] = " ".join(doc.split("\n\n")[0].split())
    required = [*(extra or {}), *[f.alias or f.name for f in fields if f.default is attrs.NOTHING]]
    schema["required"] = required
    return schema


def _tagged_member(cls: type, kind: str, definitions: dict) -> dict:
    # Its own name: the same class may also appear untagged (Parity.focus is a bare group).
    name = f"{cls.__name__}Rule" if cls in typing.get_args(targets.TargetRule) else f"{cls.__name__}Reference"
    if name not in definitions:
        definitions[name] = _object(cls, definitions, extra={"kind": {"const": kind}})
    return {"$ref": f"#/$defs/{name}"}
