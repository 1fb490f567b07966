"""Observations: one published figure for one indicator, area, period and breakdown cell."""

import datetime
from collections.abc import Iterable, Mapping
from decimal import Decimal

import attrs

_optional_decimal = attrs.validators.optional(attrs.validators.instance_of(Decimal))


def _breakdown(value: Mapping[str, str] | Iterable[tuple[str, str]]) -> tuple[tuple[str, str], ...]:
    items = value.items() if isinstance(value, Mapping) else value
    return tuple(sorted((str(k), str(v)) for k, v in items))


@attrs.frozen
class Observation:
    """`value` None means the cell is suppressed or missing: never read as zero.

    `breakdown` is the cell, e.g. `{"origin": "non_western"}`; empty for the total. A group
    of several values is one cell named by joining them with `+` in sorted order
    (`danish+western`), since shares cannot be added up without their counts.

    `published` is the vintage: a revised figure is a new observation with a later
    published date, never an overwrite.
    """

    indicator: str
    area: str
    period: str
    value: Decimal | None = attrs.field(validator=_optional_decimal)
    breakdown: tuple[tuple[str, str], ...] = attrs.field(default=(), converter=_breakdown)
    published: datetime.date | None = None
    source: str | None = None
    unit: str | None = None
    numerator: Decimal | None = attrs.field(default=None, validator=_optional_decimal)
    denominator: Decimal | None = attrs.field(default=None, validator=_optional_decimal)
    provisional: bool = False

    @property
    def suppressed(self) -> bool:
        return self.value is None

    def key(self) -> tuple:
        """What a vintage is a version of: indicator, area, period and cell."""
        return (self.indicator, self.area, self.period, self.breakdown)

    def natural_key(self) -> tuple:
        """One vintage of one figure: unique in a store."""
        return (*self.key(), self.published)


def group_key(values: Iterable[str]) -> str:
    """The breakdown value naming a group of values: `danish+western`."""
    return "+".join(sorted(values))
