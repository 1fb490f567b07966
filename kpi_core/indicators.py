"""Indicator definitions (*indikatorer* and *nøgletal*)."""

import enum

import attrs

from kpi_core.references import Dimension
from kpi_core.rollup import Rollup
from kpi_core.sources import Remark, SourceRef
from kpi_core.targets import (
    AtOrAbove,
    AtOrBelow,
    Bound,
    ExternalTarget,
    MaxDuration,
    MonitorOnly,
    Parity,
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
    # Judged per group, the headline rolled up from the groups (kpi_core.rollup); None:
    # judged on the total (for parity: the focus group against the reference group).
    rollup: Rollup | None = attrs.field(
        default=None, validator=attrs.validators.optional(attrs.validators.instance_of(Rollup))
    )

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

    @rollup.validator
    def _rollup_fits(self, attribute: "attrs.Attribute[Rollup | None]", value: Rollup | None) -> None:
        if value is None:
            return
        where = f"indicator {self.id}: rollup.per = {value.per.value!r}"
        if value.per not in self.breakdowns:
            declared = ", ".join(d.value for d in self.breakdowns) or "none"
            raise ValueError(f"{where} is not among its breakdowns ({declared}); add it to `breakdowns`")
        if isinstance(self.target, Parity) and value.per is self.target.focus.dimension:
            raise ValueError(
                f"{where} is the dimension its parity compares; the groups must be of another dimension"
            )
        if isinstance(self.target, MonitorOnly):
            raise ValueError(
                f"indicator {self.id} is monitored without a target: it has no status to roll up"
            )

    def definition(
        self,
    ) -> tuple[Unit, Direction, TargetRule, tuple[Dimension, ...], str | None, Rollup | None]:
        """What the indicator measures and how it is judged, without its wording.

        Two revisions of an indicator with equal definitions but different wording were
        reworded; with different definitions, re-scoped.
        """
        return (self.unit, self.direction, self.target, self.breakdowns, self.data_source, self.rollup)

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
