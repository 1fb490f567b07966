"""One cattrs converter for the domain: how values become plain data and back.

Decimals travel as strings (never floats), dates as ISO strings, enums as their values,
and the target-rule and reference unions as tables tagged by `kind`. Structuring
forbids unknown keys, so a misspelt field in a catalogue file is an error, not a silent
default.
"""

import datetime
import enum
import typing
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation

import cattrs

from kpi_core.references import REFERENCE_KINDS, ComparisonSet, Reference
from kpi_core.targets import TARGET_KINDS, TargetRule


def _structure_decimal(value: object, _: type) -> Decimal:
    # bool is an int; a float would carry binary rounding into exact figures (TOML is
    # read with parse_float=Decimal, so a float only arrives from other sources).
    if isinstance(value, bool | float):
        raise ValueError(f"expected a decimal number written as a string or integer, got {value!r}")
    if isinstance(value, Decimal):
        return value
    if isinstance(value, int | str):
        try:
            result = Decimal(value)
        except InvalidOperation:
            raise ValueError(f"expected a decimal number, got {value!r}") from None
        if not result.is_finite():
            raise ValueError(f"expected a finite decimal number, got {value!r}")
        return result
    raise ValueError(f"expected a decimal number, got {value!r}")


def _structure_date(value: object, _: type) -> datetime.date:
    if isinstance(value, datetime.datetime):
        raise ValueError(f"expected a date without a time, got {value!r}")
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, str):
        try:
            return datetime.date.fromisoformat(value)
        except ValueError:
            raise ValueError(f"expected a date as YYYY-MM-DD, got {value!r}") from None
    raise ValueError(f"expected a date as YYYY-MM-DD, got {value!r}")


def _structure_str(value: object, _: type) -> str:
    # cattrs would otherwise call str() on anything, turning 151 into "151" silently.
    if not isinstance(value, str):
        raise ValueError(f"expected text, got {value!r}")
    if "\x00" in value:  # no database stores it as text, and no document contains one
        raise ValueError("text must not contain a NUL character (\\x00)")
    return value


def make_converter() -> cattrs.Converter:
    converter = cattrs.Converter(forbid_extra_keys=True, detailed_validation=True)
    converter.register_structure_hook(Decimal, _structure_decimal)
    converter.register_unstructure_hook(Decimal, str)
    converter.register_structure_hook(datetime.date, _structure_date)
    converter.register_unstructure_hook(datetime.date, datetime.date.isoformat)
    converter.register_structure_hook(str, _structure_str)
    _register_tagged_union(converter, ComparisonSet, REFERENCE_KINDS)
    _register_tagged_union(converter, Reference, REFERENCE_KINDS)
    _register_tagged_union(converter, TargetRule, TARGET_KINDS)
    return converter


def _register_tagged_union(converter: cattrs.Converter, union: object, kinds: dict[type, str]) -> None:
    """A union of attrs classes as a table whose `kind` names the class.

    Hand-written rather than cattrs' `configure_tagged_union` so that an unknown or
    missing kind says which kinds exist instead of "required field missing".
    """
    members = typing.get_args(union)
    by_kind = {kind: cls for cls, kind in kinds.items() if cls in members}
    expected = ", ".join(by_kind)

    def structure(value: object, _: object) -> object:
        if not isinstance(value, Mapping):
            raise ValueError(f"expected a table with a `kind` (one of: {expected}), got {value!r}")
        kind = value.get("kind")
        if kind not in by_kind:
            raise ValueError(f"unknown kind {kind!r}; expected one of: {expected}")
        return converter.structure({k: v for k, v in value.items() if k != "kind"}, by_kind[kind])

    def unstructure(value: object) -> dict[str, typing.Any]:
        return {"kind": kinds[type(value)], **converter.unstructure(value, type(value))}

    converter.register_structure_hook_func(lambda t: t == union, structure)
    converter.register_unstructure_hook_func(lambda t: t == union, unstructure)


def describe_error(exc: BaseException, type_: type | None) -> str:
    """Say what was wrong in words a catalogue editor can act on (for `transform_error`)."""
    if isinstance(exc, KeyError):
        return "required field missing"
    if isinstance(exc, cattrs.ForbiddenExtraKeysError):
        return f"unknown field(s) {', '.join(sorted(exc.extra_fields))} (check the spelling)"
    # An optional field (`Frequency | None`) is reported with its union type.
    members = [a for a in typing.get_args(type_) if a is not type(None)] or [type_]
    enum_type = members[0] if len(members) == 1 else None
    if isinstance(exc, ValueError) and isinstance(enum_type, type) and issubclass(enum_type, enum.Enum):
        return f"{exc}; expected one of: {', '.join(str(m.value) for m in enum_type)}"
    if isinstance(exc, ValueError | TypeError) and str(exc):
        return str(exc)
    return cattrs.v.format_exception(exc, type_)
