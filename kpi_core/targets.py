"""Target rules (*målsætninger*): the shapes a target takes in the source documents.

| rule | reads in the sources as | met when |
| --- | --- | --- |
| `AtOrAbove` | "skal op på landsniveau" | value ≥ reference |
| `AtOrBelow` | "skal nedbringes til nationalt niveau" | value ≤ reference |
| `StrictlyBelow` | "skal holdes under landsgennemsnittet" | value < reference |
| `RankWithin` | "blandt de ti kommuner i Region Hovedstaden" | rank ≤ best |
| `Threshold` | "minimum 80 pct." | value ≥ t (min) / value ≤ t (max) |
| `Parity` | "på niveau med … dansk og vestlig herkomst" | group no worse than the other |
| `ExternalTarget` | "skal nå den nationale målsætning" | value ≥ the target for the period |
| `MaxDuration` | "maksimalt 4 måneder" | duration ≤ limit |
| `FollowCluster` | "som minimum følge udviklingen i klyngen" | change ≥ the cluster's change |
| `MonitorOnly` | no target, figure followed | never judged, trend reported |
"""

import enum
from decimal import Decimal

import attrs

from kpi_core.periods import parse_period
from kpi_core.references import Cluster, ComparisonSet, Country, OwnRegion, PopulationGroup, Reference
from kpi_core.text import Text

_decimal = attrs.validators.instance_of(Decimal)
_comparison_set = attrs.validators.instance_of((Country, OwnRegion, Cluster))
_reference = attrs.validators.instance_of((Country, OwnRegion, Cluster, PopulationGroup))


@attrs.frozen
class AtOrAbove:
    reference: Reference = attrs.field(validator=_reference)


@attrs.frozen
class AtOrBelow:
    reference: Reference = attrs.field(validator=_reference)


@attrs.frozen
class StrictlyBelow:
    reference: Reference = attrs.field(validator=_reference)


def _positive(instance: object, attribute: "attrs.Attribute[int]", value: int) -> None:
    if value < 1:
        raise ValueError(f"{attribute.name} must be at least 1, not {value}")


@attrs.frozen
class RankWithin:
    """Rank within the best `best` of the municipalities in `among`."""

    best: int = attrs.field(validator=[attrs.validators.instance_of(int), _positive])
    among: ComparisonSet = attrs.field(validator=_comparison_set)
    # The document's own phrase for the target ("blandt de ti kommuner i Region
    # Hovedstaden, som har den laveste andel"), shown instead of the generic words.
    label: Text | None = attrs.field(
        default=None, validator=attrs.validators.optional(attrs.validators.instance_of(Text))
    )


class Bound(enum.Enum):
    MIN = "min"
    MAX = "max"


@attrs.frozen
class Threshold:
    """A fixed threshold in the indicator's unit: at least (`min`) or at most (`max`)."""

    bound: Bound = attrs.field(validator=attrs.validators.instance_of(Bound))
    value: Decimal = attrs.field(validator=_decimal)


@attrs.frozen
class Parity:
    """The `focus` group's value is no worse than the `reference` group's by more than
    `tolerance` (in the indicator's unit and direction)."""

    focus: PopulationGroup = attrs.field(validator=attrs.validators.instance_of(PopulationGroup))
    reference: PopulationGroup = attrs.field(validator=attrs.validators.instance_of(PopulationGroup))
    tolerance: Decimal = attrs.field(default=Decimal(0), validator=_decimal)

    @reference.validator
    def _same_dimension(self, attribute: "attrs.Attribute[PopulationGroup]", value: PopulationGroup) -> None:
        if value.dimension is not self.focus.dimension:
            raise ValueError("parity compares groups of one dimension")

    @tolerance.validator
    def _non_negative(self, attribute: "attrs.Attribute[Decimal]", value: Decimal) -> None:
        if value < 0:
            raise ValueError(f"tolerance must not be negative, not {value}")


@attrs.frozen
class PeriodValue:
    period: str = attrs.field(validator=attrs.validators.instance_of(str))
    value: Decimal = attrs.field(validator=_decimal)


@attrs.frozen
class ExternalTarget:
    """A target value set outside the municipality, per period (e.g. the national EUD
    target). `values` may be empty when the source names the target but not its values."""

    label: Text = attrs.field(validator=attrs.validators.instance_of(Text))
    values: tuple[PeriodValue, ...] = attrs.field(default=(), converter=tuple[PeriodValue, ...])


@attrs.frozen
class MaxDuration:
    """A duration (in the indicator's unit, e.g. months) that must not be exceeded."""

    value: Decimal = attrs.field(validator=_decimal)


@attrs.frozen
class FollowCluster:
    """The area's development over a year is at least as good as its cluster's."""

    cluster: Cluster = attrs.field(factory=Cluster, validator=attrs.validators.instance_of(Cluster))


@attrs.frozen
class MonitorOnly:
    """No target: the figure is followed and its trend reported."""


TargetRule = (
    AtOrAbove
    | AtOrBelow
    | StrictlyBelow
    | RankWithin
    | Threshold
    | Parity
    | ExternalTarget
    | MaxDuration
    | FollowCluster
    | MonitorOnly
)
TARGET_KINDS: dict[type, str] = {
    AtOrAbove: "at_or_above",
    AtOrBelow: "at_or_below",
    StrictlyBelow: "strictly_below",
    RankWithin: "rank_within",
    Threshold: "threshold",
    Parity: "parity",
    ExternalTarget: "external_target",
    MaxDuration: "max_duration",
    FollowCluster: "follow_cluster",
    MonitorOnly: "monitor_only",
}


@attrs.frozen
class TargetFacts:
    """What a page or an API shows of a rule, without dispatching on its class.

    `value` is a fixed target in the indicator's unit (a threshold, a maximum duration),
    so the reference *is* the target and needs no second mention; `target_values` are an
    external target's values by period, oldest first, drawn as the target line.
    """

    kind: str
    reference: Reference | None = None  # what the value is compared with, if an area or group
    value: Decimal | None = None
    bound: Bound | None = None
    best: int | None = None
    tolerance: Decimal | None = None
    monitored_only: bool = False
    target_label: Text | None = None
    target_values: tuple[PeriodValue, ...] = ()


def target_facts(rule: TargetRule) -> TargetFacts:
    """The facts of a rule, for every rule class (a new class without them is a `TypeError`).

    >>> target_facts(RankWithin(10, OwnRegion()))
    TargetFacts(kind='rank_within', reference=OwnRegion(), value=None, bound=None, best=10, tolerance=None, monitored_only=False, target_label=None, target_values=())
    """
    kind = TARGET_KINDS.get(type(rule))
    if kind is None:
        raise _no_facts(rule)
    match rule:
        case AtOrAbove() | AtOrBelow() | StrictlyBelow():
            return TargetFacts(kind, reference=rule.reference)
        case RankWithin():
            return TargetFacts(kind, reference=rule.among, best=rule.best)
        case Threshold():
            return TargetFacts(kind, value=rule.value, bound=rule.bound)
        case MaxDuration():
            return TargetFacts(kind, value=rule.value)
        case Parity():
            return TargetFacts(kind, reference=rule.reference, tolerance=rule.tolerance)
        case ExternalTarget():
            # Sorted by period, not by text: quarters and months sort by their Period.
            from_oldest = tuple(sorted(rule.values, key=lambda v: parse_period(v.period)))
            return TargetFacts(kind, target_label=rule.label, target_values=from_oldest)
        case FollowCluster():
            return TargetFacts(kind, reference=rule.cluster)
        case MonitorOnly():
            return TargetFacts(kind, monitored_only=True)
    raise _no_facts(rule)


def _no_facts(rule: TargetRule) -> TypeError:
    return TypeError(
        f"no facts for the target rule {type(rule).__name__}: add it to kpi_core.targets.target_facts"
    )
