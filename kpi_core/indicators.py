"""Indicator definitions (*indikatorer* and *nøgletal*)."""

import enum

import attrs

from kpi_core.references import Dimension
from kpi_core.sources import Remark, SourceRef
from kpi_core.targets import (
    AtOrAbove,
    AtOrBelow,
    Bound,
    ExternalTarget,
    MaxDuration,
    StrictlyBelow,
    TargetRule,
    Threshold,
)
from kpi_core.text import Text


class Direction(enum.Enum):
    """Which way is better for the figure."""

    BETTER_UP = "better_up"
    BETTER_DOWN = "better_down"


class Unit(enum.Enum):
    PERCENT = "percent"  # a share, 0–100
    PERCENT_CHANGE = "percent_change"  # a relative change, may be negative
    COUNT = "count"  # a number of people or cases
    NUMBER = "number"  # an average or other plain number
    MONTHS = "months"
    WEEKS = "weeks"


@attrs.frozen
class Indicator:
    """The definition of one indicator in one revision.

    `id` is public and stable across revisions (`1.5b`, `O1`); the same id in two
    revisions is the same indicator, possibly with a changed definition.
    """

    id: str = attrs.field(validator=attrs.validators.matches_re(r"[A-Za-z0-9][A-Za-z0-9.\-]*"))
    name: Text = attrs.field(validator=attrs.validators.instance_of(Text))
    unit: Unit = attrs.field(validator=attrs.validators.instance_of(Unit))
    direction: Direction = attrs.field(validator=attrs.validators.instance_of(Direction))
    target: TargetRule = attrs.field()
    source: SourceRef = attrs.field(validator=attrs.validators.instance_of(SourceRef))
    description: Text | None = attrs.field(default=None)
    breakdowns: tuple[Dimension, ...] = attrs.field(default=(), converter=tuple[Dimension, ...])
    data_source: str | None = attrs.field(default=None)
    remarks: tuple[Remark, ...] = attrs.field(default=(), converter=tuple[Remark, ...])

    @target.validator
    def _direction_fits_target(self, attribute: "attrs.Attribute[TargetRule]", value: TargetRule) -> None:
        implied = implied_direction(value)
        if implied is not None and implied is not self.direction:
            raise ValueError(
                f"indicator {self.id}: a {type(value).__name__} target means {implied.value}, "
                f"but the direction is {self.direction.value}"
            )

    @breakdowns.validator
    def _distinct(
        self, attribute: "attrs.Attribute[tuple[Dimension, ...]]", value: tuple[Dimension, ...]
    ) -> None:
        if len(set(value)) != len(value):
            raise ValueError(f"indicator {self.id}: a breakdown dimension is listed twice")

    def definition(self) -> tuple[Unit, Direction, TargetRule, tuple[Dimension, ...], str | None]:
        """What the indicator measures and how it is judged, without its wording.

        Two revisions of an indicator with equal definitions but different wording were
        reworded; with different definitions, re-scoped.
        """
        return (self.unit, self.direction, self.target, self.breakdowns, self.data_source)

    def wording(self) -> tuple[Text, Text | None]:
        return (self.name, self.description)


def implied_direction(rule: TargetRule) -> Direction | None:
    """The direction a target shape itself implies ("at least" means higher is better);
    None for shapes that work either way (rank, parity, follow the cluster, monitor)."""
    if isinstance(rule, AtOrAbove | ExternalTarget) or (
        isinstance(rule, Threshold) and rule.bound is Bound.MIN
    ):
        return Direction.BETTER_UP
    if isinstance(rule, (AtOrBelow | StrictlyBelow | MaxDuration, Threshold)):
        return Direction.BETTER_DOWN
    return None
