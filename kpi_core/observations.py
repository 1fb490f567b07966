"""Observations: one published figure for one indicator, area, period and breakdown cell."""

import datetime
from collections.abc import Iterable, Mapping
from decimal import Decimal

import attrs


def _breakdown(value: Mapping[str, str] | Iterable[tuple[str, str]]) -> tuple[tuple[str, str], ...]:
    items = value.items() if isinstance(value, Mapping) else value
    return tuple(sorted((str(k), str(v)) for k, v in items))


@attrs.frozen
class Observation:
    """`value` None means the cell is suppressed or missing: never read as zero.

    `breakdown` is the cell, e.g. `{"origin": "non_western"}`; empty for the total. A group
    of several values is one cell named by joining them with `+` in sorted order
    (`danish+western`), since shares cannot be added up without their counts.
    """

    indicator: str
    area: str
    period: str
    value: Decimal | None = attrs.field(validator=attrs.validators.optional(attrs.validators.instance_of(Decimal)))
    breakdown: tuple[tuple[str, str], ...] = attrs.field(default=(), converter=_breakdown)
    published: datetime.date | None = None
    source: str | None = None


def group_key(values: Iterable[str]) -> str:
    """The breakdown value naming a group of values: `danish+western`."""
    return "+".join(sorted(values))
