"""Indicator definitions (*indikatorer* and *nøgletal*)."""

import enum

import attrs

from kpi_core.periods import Frequency
from kpi_core.references import Dimension
from kpi_core.rollup import Rollup
from kpi_core.sources import Remark, RemarkTopic, SourceRef
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

MAX_DECIMALS = 4  # a share or a duration printed with more is noise, not precision


class Direction(enum.Enum):
    """Which way is better for the figure.

    NONE: no way is better; the figure is followed, and its trend says only whether it
    rose or fell. Only for a monitor-only indicator: every target states a direction.
    """

    BETTER_UP = "better_up"
    BETTER_DOWN = "better_down"
    NONE = "none"


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

    A target states which way is better; a monitor-only indicator has no target, so a
    better/worse direction on it is the catalogue's choice and must carry a remark
    `about = "direction"` saying why (shown beside the trend), or be `none` (a remark
    may then say why no direction was chosen).
    `frequency` is the one kind of period its source publishes (None: not declared,
    any kind accepted). `decimals` is how many decimals a publication prints its values
    with, trailing zeros kept ("3,0 %"; None: exact up to two, `kpi_core.wording`).
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
    frequency: Frequency | None = attrs.field(
        default=None, validator=attrs.validators.optional(attrs.validators.instance_of(Frequency))
    )
    decimals: int | None = attrs.field(
        default=None, metadata={"json_schema": {"minimum": 0, "maximum": MAX_DECIMALS}}
    )

    @decimals.validator
    def _decimals_in_range(self, attribute: "attrs.Attribute[int | None]", value: int | None) -> None:
        if value is None:
            return
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_DECIMALS:
            raise ValueError(
                f"indicator {self.id}: decimals must be a whole number from 0 to {MAX_DECIMALS} "
                f"(how many a publication prints), not {value!r}"
            )

    @target.validator
    def _direction_fits_target(self, attribute: "attrs.Attribute[TargetRule]", value: TargetRule) -> None:
        implied = implied_direction(value)
        if implied is not None and implied is not self.direction:
            raise ValueError(
                f"indicator {self.id}: a {type(value).__name__} target means {implied.value}, "
                f"but the direction is {self.direction.value}"
            )
        if self.direction is Direction.NONE and not isinstance(value, MonitorOnly):
            raise ValueError(
                f"indicator {self.id}: direction 'none' is only for a monitor-only indicator; "
                f"a {type(value).__name__} target needs better_up or better_down"
            )

    def unexplained_direction(self) -> str | None:
        """A status of "better" or "worse" is a claim; on a figure without a target nobody
        made it unless the catalogue says who did and why. Checked where a catalogue file is
        read (kpi_core.catalogue.parse_revision), not here: a revision published before the
        rule is kept, and loaded, as it was published."""
        explained = any(r.about is RemarkTopic.DIRECTION for r in self.remarks)
        if isinstance(self.target, MonitorOnly) and self.direction is not Direction.NONE and not explained:
            return (
                f"indicator {self.id}: a monitor-only indicator with direction {self.direction.value} needs "
                'a remark with about = "direction" saying why (or direction = "none": the trend then '
                "says up or down, not better or worse)"
            )
        return None

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

    def direction_remark(self) -> Remark | None:
        """The remark that says why this direction was chosen, shown beside the trend."""
        return next((r for r in self.remarks if r.about is RemarkTopic.DIRECTION), None)

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
