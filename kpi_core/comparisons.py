"""What a target rule compares with, and so what judging it reads.

| function | gives |
| --- | --- |
| `reads(indicator, area, period, areas)` | the areas, periods and cells one evaluation reads |
| `reference_area(reference, area, areas)` | the area code a country/region/cluster reference names |
| `own_cell(rule, cell)` | the cell holding the judged area's own value |
| `reference_lines(rule, area, areas, cell)` | the series a figure draws beside the area's own |
| `comparison_set(rule, owner, areas)` | the set a ranking is taken in when none is asked for |

The services plan with `reads`, fetch exactly that, then evaluate: a rule reading
something its plan forgot would show as a silent NO_DATA, so every rule class must have
a plan (`reads` raises `TypeError` for one without; tests/core/test_comparisons.py
checks every class in `kpi_core.targets` and that the plan holds for generated data).
"""

from collections.abc import Iterable

import attrs

from kpi_core.areas import COUNTRY_CODE, AreaDirectory
from kpi_core.indicators import Indicator
from kpi_core.observations import Observation, group_key
from kpi_core.periods import a_year_earlier, parse_period
from kpi_core.references import Cluster, Country, OwnRegion, PopulationGroup, Reference
from kpi_core.targets import (
    AtOrAbove,
    AtOrBelow,
    ExternalTarget,
    FollowCluster,
    MaxDuration,
    MonitorOnly,
    Parity,
    RankWithin,
    StrictlyBelow,
    TargetRule,
    Threshold,
)
from kpi_core.text import Text
from kpi_core.wording import describe_group

Cell = tuple[tuple[str, str], ...]
"""A breakdown cell: sorted (dimension, value) pairs; `()` is the total."""


# `frozenset` itself as a converter types the parameter `Iterable[_T_co]` (the attrs plugin
# of mypy binds no type variable), which no argument fits: one converter per element type.
def _strings(items: Iterable[str]) -> frozenset[str]:
    return frozenset(items)


def _cells(items: Iterable[Cell]) -> frozenset[Cell]:
    return frozenset(items)


@attrs.frozen
class Reads:
    """The observations of `indicator` that one evaluation reads: those of these areas in
    these periods, in these cells (`cells` None: every cell, for a broken-down indicator).

    `among` names the comparison set whose every municipality is read (a rank target), so
    a caller planning many evaluations can fetch those many areas in a query of their own.
    """

    indicator: str
    areas: frozenset[str] = attrs.field(converter=_strings)
    periods: frozenset[str] = attrs.field(converter=_strings)
    cells: frozenset[Cell] | None = attrs.field(converter=attrs.converters.optional(_cells))
    among: str | None = None

    def covers(self, observation: Observation) -> bool:
        return (
            observation.indicator == self.indicator
            and observation.area in self.areas
            and str(parse_period(observation.period)) in self.periods
            and (self.cells is None or observation.breakdown in self.cells)
        )


def reads(indicator: Indicator, area: str, period: str, areas: AreaDirectory, cell: Cell = ()) -> Reads:
    """What `evaluate(indicator, area, period, …, cell=cell)` reads: the judged area and
    what its rule compares with, in the period and a year earlier (the trend and ON_TRACK
    compare with it; a development, as `FollowCluster` judges, needs one more year).

    >>> from kpi_core.shipped import shipped_areas, shipped_strategies
    >>> ballerup = next(s for s in shipped_strategies() if s.id == "ballerup-beskaeftigelsesstrategi").revision("2020")
    >>> rule = ballerup.indicator("2.1").target  # among the ten best in Region Hovedstaden
    >>> rule.best, rule.among
    (10, OwnRegion())
    >>> plan = reads(ballerup.indicator("2.1"), "151", "2022", shipped_areas())
    >>> len(plan.areas), sorted(plan.periods), plan.cells, plan.among
    (29, ['2021', '2022'], frozenset({()}), '1084')
    >>> plan = reads(ballerup.indicator("2.2"), "151", "2022", shipped_areas())  # the country
    >>> sorted(plan.areas), plan.among
    (['151', 'DK'], None)
    """
    rule = indicator.target
    compared, among = _compared_areas(rule, area, areas)
    years_back = 2 if isinstance(rule, FollowCluster) else 1
    periods = [str(parse_period(period))]
    for _ in range(years_back):
        earlier = a_year_earlier(periods[-1])
        if earlier is None:
            break
        periods.append(earlier)
    cells = (
        None
        if indicator.breakdowns and not cell
        else {cell, own_cell(rule, cell), *_reference_cells(rule, cell)}
    )
    return Reads(indicator.id, {area, *compared}, periods, cells, among)


def _compared_areas(rule: TargetRule, area: str, areas: AreaDirectory) -> tuple[set[str], str | None]:
    """The areas other than the judged one that the rule reads, and the ranked set."""
    match rule:
        case AtOrAbove() | AtOrBelow() | StrictlyBelow():
            code = reference_area(rule.reference, area, areas)
            return ({code} if code else set()), None
        case RankWithin():
            code = reference_area(rule.among, area, areas)
            if code is None or areas.get(code) is None:
                return set(), None
            return {m.code for m in areas.municipalities_in(code)}, code
        case FollowCluster():
            return ({rule.cluster.code} if rule.cluster.code else set()), None
        case Threshold() | MaxDuration() | ExternalTarget() | Parity() | MonitorOnly():
            return set(), None
    raise TypeError(f"no plan for the target rule {type(rule).__name__}: add it to kpi_core.comparisons")


def _reference_cells(rule: TargetRule, cell: Cell) -> list[Cell]:
    """Cells besides the judged one that the rule reads in the judged area."""
    group = rule.reference if isinstance(rule, AtOrAbove | AtOrBelow | StrictlyBelow | Parity) else None
    if isinstance(group, PopulationGroup):
        return [with_cell(cell, group.dimension.value, group_key(group.values))]
    return []


def reference_area(reference: object, area: str, areas: AreaDirectory) -> str | None:
    """The area a country, region or cluster reference names, seen from `area`; None for
    a population group (compared in the same area) or an unnamed cluster."""
    if isinstance(reference, Country):
        return COUNTRY_CODE
    if isinstance(reference, OwnRegion):
        own = areas.get(area)
        return own.region if own else None
    if isinstance(reference, Cluster):
        return reference.code
    return None


def with_cell(cell: Cell, dimension: str, value: str) -> Cell:
    """`cell` with `dimension` set to `value`."""
    return tuple(sorted({**dict(cell), dimension: value}.items()))


def own_cell(rule: TargetRule, cell: Cell) -> Cell:
    """The cell holding the judged area's own value (for parity: the focus group's)."""
    if isinstance(rule, Parity):
        return with_cell(cell, rule.focus.dimension.value, group_key(rule.focus.values))
    return cell


@attrs.frozen
class ReferenceLine:
    """A series drawn beside the area's own: whose, in which cell, under which label."""

    label: Text
    area: str
    cell: Cell


def reference_lines(
    rule: TargetRule, area: str, areas: AreaDirectory, cell: Cell = ()
) -> tuple[ReferenceLine, ...]:
    """The series the area is judged against: the reference group for parity, else the
    country, the area's region and a named cluster (those known and not the area itself)."""
    if isinstance(rule, Parity):
        group = rule.reference
        label = describe_group(group)  # its own label, else in words: never the codes
        return (ReferenceLine(label, area, with_cell(cell, group.dimension.value, group_key(group.values))),)
    own = areas.get(area)
    lines = []
    for code in (COUNTRY_CODE, own.region if own else None, _cluster_code(rule)):
        known = areas.get(code) if code else None
        if code and known is not None and code != area:
            lines.append(ReferenceLine(Text(known.name, known.name_en or known.name), code, cell))
    return tuple(lines)


def _cluster_code(rule: TargetRule) -> str | None:
    reference: Reference | None
    match rule:
        case AtOrAbove() | AtOrBelow() | StrictlyBelow():
            reference = rule.reference
        case RankWithin():
            reference = rule.among
        case FollowCluster():
            reference = rule.cluster
        case _:
            reference = None
    return reference.code if isinstance(reference, Cluster) else None


def comparison_set(rule: TargetRule, owner: str, areas: AreaDirectory) -> str:
    """The set a ranking is taken in when none is asked for: the rank target's own set
    (seen from the strategy's owner), else the owner's region, else the country."""
    own = areas.get(owner)
    if isinstance(rule, RankWithin):
        if isinstance(rule.among, Cluster) and rule.among.code:
            return rule.among.code
        if not isinstance(rule.among, OwnRegion):
            return COUNTRY_CODE
    return own.region if own and own.region else COUNTRY_CODE
