"""Observations: one published figure for one indicator, area, period and breakdown cell."""

import datetime
import functools
from collections.abc import Iterable, Mapping
from decimal import Decimal

import attrs

from kpi_core.periods import parse_period

_optional_str = attrs.validators.optional(attrs.validators.instance_of(str))


def _breakdown(value: Mapping[str, str] | Iterable[tuple[str, str]]) -> tuple[tuple[str, str], ...]:
    items = value.items() if isinstance(value, Mapping) else value
    return tuple(sorted((str(k), str(v)) for k, v in items))


# What a vintage is a version of (indicator, area, period, cell), and one vintage of it.
FigureKey = tuple[str, str, str, tuple[tuple[str, str], ...]]
VintageKey = tuple[str, str, str, tuple[tuple[str, str], ...], datetime.date | None]


def _named(instance: object, attribute: "attrs.Attribute[str]", value: str) -> None:
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"observation {attribute.name} must be a non-empty string, not {value!r}")


@functools.lru_cache(maxsize=4096)
def _check_period(text: str) -> None:
    parse_period(text)  # a PeriodError says what was expected


def _period(instance: object, attribute: "attrs.Attribute[str]", value: str) -> None:
    if not isinstance(value, str):
        raise TypeError(
            f"observation period must be a string such as '2022', '2022Q3' or '2022-09', not {value!r}"
        )
    _check_period(value)  # cached: a store reads many rows of few periods


def _finite_or_none(
    instance: object, attribute: "attrs.Attribute[Decimal | None]", value: Decimal | None
) -> None:
    if value is None:
        return
    if not isinstance(value, Decimal):
        raise TypeError(f"observation {attribute.name} must be a Decimal or None, not {value!r}")
    if not value.is_finite():
        raise ValueError(f"observation {attribute.name} must be a finite number, not {value}")


def _cells(
    instance: object,
    attribute: "attrs.Attribute[tuple[tuple[str, str], ...]]",
    cell: tuple[tuple[str, str], ...],
) -> None:
    if any(not d or not v for d, v in cell):
        raise ValueError(f"observation breakdown names a dimension and a value in every pair, not {cell!r}")
    if len({d for d, _ in cell}) != len(cell):
        raise ValueError(f"observation breakdown names each dimension once, not {cell!r}")


@attrs.frozen
class Observation:
    """`value` None means the cell is suppressed or missing: never read as zero.

    `breakdown` is the cell, e.g. `{"origin": "non_western"}`; empty for the total. A group
    of several values is one cell named by joining them with `+` in sorted order
    (`danish+western`), since shares cannot be added up without their counts.

    `published` is the vintage: a revised figure is a new observation with a later
    published date, never an overwrite.
    """

    indicator: str = attrs.field(validator=_named)
    area: str = attrs.field(validator=_named)
    period: str = attrs.field(validator=_period)
    value: Decimal | None = attrs.field(validator=_finite_or_none)
    breakdown: tuple[tuple[str, str], ...] = attrs.field(default=(), converter=_breakdown, validator=_cells)
    published: datetime.date | None = attrs.field(
        default=None, validator=attrs.validators.optional(attrs.validators.instance_of(datetime.date))
    )
    source: str | None = attrs.field(default=None, validator=_optional_str)
    unit: str | None = attrs.field(default=None, validator=_optional_str)
    numerator: Decimal | None = attrs.field(default=None, validator=_finite_or_none)
    denominator: Decimal | None = attrs.field(default=None, validator=_finite_or_none)
    provisional: bool = attrs.field(default=False, validator=attrs.validators.instance_of(bool))

    @property
    def suppressed(self) -> bool:
        return self.value is None

    def key(self) -> FigureKey:
        """What a vintage is a version of: indicator, area, period and cell."""
        return (self.indicator, self.area, self.period, self.breakdown)

    def natural_key(self) -> VintageKey:
        """One vintage of one figure: unique in a store."""
        return (*self.key(), self.published)


def group_key(values: Iterable[str]) -> str:
    """The breakdown value naming a group of values: `danish+western`."""
    return "+".join(sorted(values))
