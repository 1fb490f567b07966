"""Is a goal achieved, on track or off track — compared with what, and why.

`evaluate(indicator, area, period, observations, areas)` judges one indicator for one
area in one period, under the indicator's own target rule (so the revision the
indicator comes from decides the rule). The rules, in plain words (docs/status-rules.md):

- No value for the area in the period, or none for what the target refers to in that
  same period → NO_DATA, and the explanation says which is missing. Values of different
  periods are never compared.
- Monitor only, with a value → MONITORING (the trend is still reported).
- Target met → ACHIEVED. Not met → the same judgement one year earlier (same month,
  quarter or year): a smaller gap (for a rank target: a better rank) → ON_TRACK,
  otherwise OFF_TRACK; nothing to compare a year earlier → OFF_TRACK.
- `gap` is signed in the indicator's unit, positive = worse than required.
- Trend: the area's own value against a year earlier, in the indicator's direction
  (up or down where it has none); a percentage change is its own trend (its sign).

All arithmetic is exact (Decimal); rounding happens only for display. What an
evaluation reads (so what a service fetches for it) is `kpi_core.comparisons.reads`.
"""

import functools
from collections.abc import Iterable
from decimal import Decimal

import attrs

from kpi_core.areas import AreaDirectory
from kpi_core.comparisons import Cell, own_cell, reference_area, with_cell
from kpi_core.indicators import Direction, Indicator, Unit
from kpi_core.observations import Observation, group_key
from kpi_core.periods import a_year_earlier, parse_period
from kpi_core.references import Country, PopulationGroup, Reference
from kpi_core.status import Status, Trend
from kpi_core.strategy import Revision
from kpi_core.targets import (
    AtOrAbove,
    AtOrBelow,
    Bound,
    ExternalTarget,
    FollowCluster,
    MaxDuration,
    MonitorOnly,
    Parity,
    RankWithin,
    StrictlyBelow,
    Threshold,
)
from kpi_core.text import Lang, Text
from kpi_core.wording import (
    area_in_sentence,
    describe_cell,
    describe_group,
    describe_reference,
    describe_target,
    format_value,
    in_sentence,
)


@attrs.frozen
class Evaluation:
    """The judgement of one indicator for one area in one period (`period` is None
    only when the area has no values in any period)."""

    indicator: str
    area: str
    status: Status
    period: str | None
    value: Decimal | None
    reference: Decimal | None
    reference_label: Text | None
    gap: Decimal | None
    rank: int | None
    rank_of: int | None
    trend: Trend
    explanation: Text
    breakdown: "tuple[tuple[Cell, Evaluation], ...]" = ()  # ((cell, Evaluation), …) per breakdown cell


@attrs.frozen
class _Judgement:
    """The comparison in one period, or why it could not be made."""

    value: Decimal | None = None
    reference: Decimal | None = None
    label: Text | None = None
    gap: Decimal | None = None
    rank: int | None = None
    rank_of: int | None = None
    missing: Text | None = None
    strict: bool = False  # met only with a negative gap (strictly below)

    @property
    def met(self) -> bool:
        if self.gap is None:
            return False
        return self.gap < 0 if self.strict else self.gap <= 0


class ObservationIndex:
    """One indicator's observations by (area, period, cell), the last given winning per
    key. Build it once to judge many areas against the same figures."""

    def __init__(self, indicator: str, observations: Iterable[Observation]) -> None:
        self.values: dict[tuple[str, str, Cell], Decimal | None] = {}
        # The breakdown cells present per (area, period), so finding an area's cells
        # does not scan every area's figures.
        self.cells: dict[tuple[str, str], set[Cell]] = {}
        for o in observations:
            if o.indicator == indicator:
                period = _canonical(o.period)
                self.values[(o.area, period, o.breakdown)] = o.value
                if o.breakdown:
                    self.cells.setdefault((o.area, period), set()).add(o.breakdown)

    def get(self, area: str, period: str, cell: Cell = ()) -> Decimal | None:
        return self.values.get((area, period, cell))


def evaluate(
    indicator: Indicator,
    area: str,
    period: str,
    observations: "Iterable[Observation] | ObservationIndex",
    areas: AreaDirectory,
    cell: Cell = (),
) -> Evaluation:
    """Judge `indicator` for `area` in `period` (canonical: `2022`, `2022Q3`, `2022-09`).

    Only observations of this indicator are used; their order does not matter. Where the
    indicator is broken down, each breakdown cell is judged too (`Evaluation.breakdown`).
    """
    period = str(parse_period(period))
    index = (
        observations
        if isinstance(observations, ObservationIndex)
        else ObservationIndex(indicator.id, observations)
    )
    rule = indicator.target
    now = _judge(indicator, area, period, cell, index, areas)
    earlier_period = a_year_earlier(period)  # None for year 1000: nothing before it
    own = own_cell(rule, cell)
    before_value = index.get(area, earlier_period, own) if earlier_period else None
    trend = _trend(indicator, index.get(area, period, own), before_value)
    if now.missing is not None:
        status, trend = Status.NO_DATA, Trend.UNKNOWN if now.value is None else trend
        because = now.missing
    elif isinstance(rule, MonitorOnly):
        status, because = (
            Status.MONITORING,
            Text("tallet følges uden målsætning", "the figure is monitored without a target"),
        )
    elif now.met:
        status, because = Status.ACHIEVED, Text("målet er nået", "the target is met")
    else:
        before = (
            _judge(indicator, area, earlier_period, cell, index, areas) if earlier_period else _Judgement()
        )
        status, because = _progress(now, before, earlier_period or "—", indicator.unit)
    evaluation = Evaluation(
        indicator=indicator.id,
        area=area,
        status=status,
        period=period,
        value=now.value,
        reference=now.reference,
        reference_label=now.label,
        gap=now.gap,
        rank=now.rank,
        rank_of=now.rank_of,
        trend=trend,
        explanation=_explain(indicator, period, now, status, because),
    )
    if cell or not indicator.breakdowns:
        return evaluation
    cells = _cells(indicator, area, period, index)
    return attrs.evolve(
        evaluation,
        breakdown=tuple((c, evaluate(indicator, area, period, index, areas, cell=c)) for c in cells),
    )


def _cells(indicator: Indicator, area: str, period: str, index: ObservationIndex) -> list[Cell]:
    """Breakdown cells present for the area in the period, over the dimensions this
    revision of the indicator declares (for parity, less the compared dimension)."""
    compared = _compared(indicator)
    declared = {d.value for d in indicator.breakdowns} - compared
    cells = set()
    for cell in index.cells.get((area, period), ()):
        reduced = tuple((d, v) for d, v in cell if d in declared)
        if reduced and {d for d, _ in cell} - declared <= compared:
            cells.add(reduced)
    return sorted(cells)


def _compared(indicator: Indicator) -> set[str]:
    return {indicator.target.focus.dimension.value} if isinstance(indicator.target, Parity) else set()


def _judge(
    indicator: Indicator, area: str, period: str, cell: Cell, index: ObservationIndex, areas: AreaDirectory
) -> _Judgement:
    # What this reads, kpi_core.comparisons.reads plans: the services fetch only that,
    # so a rule changed here without its plan there would judge on too little.
    rule, up = indicator.target, indicator.direction is Direction.BETTER_UP
    own = own_cell(rule, cell)
    value = index.get(area, period, own)
    if value is None:
        what = Text(area, area)
        if own:  # the cell in words, never its code names
            words = describe_cell(own)
            what = Text(f"{area} ({words.da})", f"{area} ({words.en})")
        return _Judgement(
            missing=Text(
                f"der er ingen værdi for {what.da} i {period}", f"there is no value for {what.en} in {period}"
            )
        )
    if isinstance(rule, MonitorOnly):
        return _Judgement(value=value)
    if isinstance(rule, AtOrAbove | AtOrBelow | StrictlyBelow):
        reference, label = _reference_value(rule.reference, area, period, cell, index, areas)
        if reference is None:
            # In a sentence the country is "the whole country", not "whole country".
            said = describe_reference(rule.reference) if isinstance(rule.reference, Country) else None
            return _missing_reference(value, label, period, said)
        gap = reference - value if isinstance(rule, AtOrAbove) else value - reference
        # "Holdes under": equal to the reference is not below it.
        return _Judgement(
            value=value, reference=reference, label=label, gap=gap, strict=isinstance(rule, StrictlyBelow)
        )
    if isinstance(rule, Threshold):
        gap = rule.value - value if rule.bound is Bound.MIN else value - rule.value
        return _Judgement(
            value=value, reference=rule.value, label=describe_target(rule, indicator.unit), gap=gap
        )
    if isinstance(rule, MaxDuration):
        return _Judgement(
            value=value,
            reference=rule.value,
            label=describe_target(rule, indicator.unit),
            gap=value - rule.value,
        )
    if isinstance(rule, ExternalTarget):
        target = next((v.value for v in rule.values if str(parse_period(v.period)) == period), None)
        if target is None:
            return _missing_reference(value, rule.label, period)
        return _Judgement(value=value, reference=target, label=rule.label, gap=target - value)
    if isinstance(rule, Parity):
        reference_cell = with_cell(cell, rule.reference.dimension.value, group_key(rule.reference.values))
        reference = index.get(area, period, reference_cell)
        label = describe_group(rule.reference)
        if reference is None:
            return _missing_reference(value, label, period)
        worse_by = (reference - value) if up else (value - reference)
        return _Judgement(value=value, reference=reference, label=label, gap=worse_by - rule.tolerance)
    if isinstance(rule, RankWithin):
        return _rank(rule, up, area, period, cell, value, index, areas)
    assert isinstance(rule, FollowCluster)
    return _follow(rule, up, area, period, cell, value, index, areas)


def _missing_reference(
    value: Decimal, label: Text | None, period: str, said: Text | None = None
) -> _Judgement:
    # In a sentence: "hele landet", but "Region Hovedstaden" as the region writes itself.
    name = in_sentence(said or label or Text("sammenligningsgrundlaget", "the benchmark"))
    return _Judgement(
        value=value,
        label=label,
        missing=Text(
            f"der er ingen værdi for {name.da} i {period}", f"there is no value for {name.en} in {period}"
        ),
    )


def _reference_value(
    reference: Reference, area: str, period: str, cell: Cell, index: ObservationIndex, areas: AreaDirectory
) -> tuple[Decimal | None, Text]:
    if isinstance(reference, PopulationGroup):
        ref_cell = with_cell(cell, reference.dimension.value, group_key(reference.values))
        return index.get(area, period, ref_cell), describe_group(reference)
    code = reference_area(reference, area, areas)
    if code is None:
        return None, _UNNAMED_CLUSTER
    known = areas.get(code)
    name = known.name if known else code
    label = Text(name, known.name_en or name) if known else Text(code, code)
    return index.get(code, period, cell), label


def _rank(
    rule: RankWithin,
    up: bool,
    area: str,
    period: str,
    cell: Cell,
    value: Decimal,
    index: ObservationIndex,
    areas: AreaDirectory,
) -> _Judgement:
    set_code = reference_area(rule.among, area, areas)
    comparison_set = areas.get(set_code) if set_code is not None else None
    if set_code is None or comparison_set is None:
        return _missing_reference(value, Text("sammenligningsgruppen", "the comparison set"), period)
    members = [m.code for m in areas.municipalities_in(set_code)]
    values = {m: index.get(m, period, cell) for m in members}
    known = {m: v for m, v in values.items() if v is not None}
    name = Text(comparison_set.name, comparison_set.name_en or comparison_set.name)
    if area not in known or len(known) < 2:
        among = area_in_sentence(comparison_set, Lang.DA), area_in_sentence(comparison_set, Lang.EN)
        return _missing_reference(
            value, Text(f"de øvrige kommuner i {among[0]}", f"the other municipalities in {among[1]}"), period
        )
    rank = ranks(known, Direction.BETTER_UP if up else Direction.BETTER_DOWN)[area]
    ordered = sorted(known.values(), reverse=up)
    nth = ordered[min(rule.best, len(ordered)) - 1]
    gap = (nth - value) if up else (value - nth)
    label = Text(f"{name.da}, plads {rule.best}", f"{name.en}, rank {rule.best}")
    # The rank decides; the gap to the N-th value is reported, and is ≤ 0 exactly when met.
    return _Judgement(value=value, reference=nth, label=label, gap=gap, rank=rank, rank_of=len(known))


_UNNAMED_CLUSTER = Text("kommunens ikke angivne klynge", "the municipality's unnamed cluster")


@functools.lru_cache(maxsize=4096)
def _canonical(period: str) -> str:
    # Stores hold canonical periods already; parse once per distinct string anyway.
    return str(parse_period(period))


def ranks(values: dict[str, Decimal], direction: Direction) -> dict[str, int]:
    """Rank every key by its value, better first (for better-down, the lowest value is 1);
    equal values share the better rank: 1, 2, 2, 4.

    >>> ranks({"a": Decimal(1), "b": Decimal(2), "c": Decimal(2), "d": Decimal(3)}, Direction.BETTER_DOWN)
    {'a': 1, 'b': 2, 'c': 2, 'd': 4}
    """
    up = direction is Direction.BETTER_UP
    ordered = sorted(values.values(), reverse=up)
    first: dict[Decimal, int] = {}
    for position, value in enumerate(ordered, start=1):
        first.setdefault(value, position)
    return {key: first[value] for key, value in values.items()}


def _follow(
    rule: FollowCluster,
    up: bool,
    area: str,
    period: str,
    cell: Cell,
    value: Decimal,
    index: ObservationIndex,
    areas: AreaDirectory,
) -> _Judgement:
    cluster = rule.cluster.code
    earlier = a_year_earlier(period)
    label = Text(f"klynge {cluster}", f"cluster {cluster}") if cluster else _UNNAMED_CLUSTER
    before = index.get(area, earlier, cell) if earlier else None
    if before is None:
        return _Judgement(
            value=value,
            label=label,
            missing=Text(
                f"der er ingen værdi for {area} i {earlier} at beregne udviklingen fra",
                f"there is no value for {area} in {earlier} to compute the development from",
            ),
        )
    c_now = index.get(cluster, period, cell) if cluster else None
    c_before = index.get(cluster, earlier, cell) if cluster and earlier else None
    if c_now is None or c_before is None:
        return _missing_reference(value, label, period)
    own, theirs = value - before, c_now - c_before
    gap = (theirs - own) if up else (own - theirs)
    return _Judgement(value=value, reference=c_now, label=label, gap=gap)


def _progress(now: _Judgement, before: _Judgement, earlier: str, unit: Unit) -> tuple[Status, Text]:
    if before.missing is not None or before.gap is None:
        return Status.OFF_TRACK, Text(
            f"målet er ikke nået, og der er intet at sammenligne med i {earlier}",
            f"the target is not met, and there is nothing to compare with in {earlier}",
        )
    if now.rank is not None and before.rank is not None:
        improved = now.rank < before.rank
        da = f"placeringen er {'forbedret' if improved else 'ikke forbedret'} fra {before.rank} i {earlier}"
        en = f"the rank has {'improved' if improved else 'not improved'} from {before.rank} in {earlier}"
    else:
        assert now.gap is not None  # a judgement neither missing nor met has a gap
        improved = now.gap < before.gap
        # The earlier gap with its unit: "(2 måneder)", not "(2)".
        da = f"afstanden til målet er {'mindsket' if improved else 'ikke mindsket'} siden {earlier} ({format_value(before.gap, unit, Lang.DA)})"
        en = f"the gap to the target has {'shrunk' if improved else 'not shrunk'} since {earlier} ({format_value(before.gap, unit, Lang.EN)})"
    status = Status.ON_TRACK if improved else Status.OFF_TRACK
    return status, Text(f"målet er ikke nået; {da}", f"the target is not met; {en}")


def _trend(indicator: Indicator, now: Decimal | None, before: Decimal | None) -> Trend:
    """Which way the figure went over the year: better or worse in its direction, or just
    up or down where it has none (`Direction.NONE`)."""
    if indicator.unit is Unit.PERCENT_CHANGE:
        # The value is itself the change over the year: -2 % after -5 % is still fewer than
        # a year before, so its sign is the trend, not a comparison of two changes.
        change = now
    else:
        change = None if now is None or before is None else now - before
    if change is None:
        return Trend.UNKNOWN
    if change == 0:
        return Trend.STABLE
    if indicator.direction is Direction.NONE:
        return Trend.RISING if change > 0 else Trend.FALLING
    return (
        Trend.IMPROVING if (change > 0) == (indicator.direction is Direction.BETTER_UP) else Trend.WORSENING
    )


def _explain(indicator: Indicator, period: str, j: _Judgement, status: Status, because: Text) -> Text:
    unit = indicator.unit
    # No parentheses inside the parenthesis this goes into.
    reference_da = j.label.da if j.label else "intet sammenligningsgrundlag"
    reference_en = j.label.en if j.label else "no benchmark"
    value_da, value_en = format_value(j.value, unit, Lang.DA), format_value(j.value, unit, Lang.EN)
    against_da = f" mod {format_value(j.reference, unit, Lang.DA)}" if j.reference is not None else ""
    against_en = f" against {format_value(j.reference, unit, Lang.EN)}" if j.reference is not None else ""
    rank_da = f"; nr. {j.rank} af {j.rank_of}" if j.rank is not None else ""
    rank_en = f"; no. {j.rank} of {j.rank_of}" if j.rank is not None else ""
    return Text(
        f"{indicator.id}, {period}: {value_da}{against_da} (sammenlignet med: {reference_da}{rank_da}); {because.da}.",
        f"{indicator.id}, {period}: {value_en}{against_en} (compared with: {reference_en}{rank_en}); {because.en}.",
    )


@attrs.frozen
class FocusAreaStatus:
    """A goal's status is its focus area's key figure's; the rest are counted per status."""

    focus_area: str
    goal: str
    key_figure: Evaluation
    indicators: tuple[Evaluation, ...]

    @property
    def status(self) -> Status:
        return self.key_figure.status

    @property
    def counts(self) -> dict[Status, int]:
        """How many of the focus area's indicators (key figure included) have each status."""
        counts = dict.fromkeys(Status, 0)
        for e in self.indicators:
            counts[e.status] += 1
        return counts


@attrs.frozen
class RevisionStatusReport:
    """Every goal and indicator of one revision for one area."""

    version: str
    area: str
    overall: tuple[Evaluation, ...]
    focus_areas: tuple[FocusAreaStatus, ...]


def latest_period(indicator_id: str, area: str, observations: Iterable[Observation]) -> str | None:
    """The latest period with a value for the indicator and area, or None."""
    found = [
        parse_period(o.period)
        for o in observations
        if o.indicator == indicator_id and o.area == area and o.value is not None and not o.breakdown
    ]
    return str(max(found)) if found else None


def evaluate_revision(
    revision: Revision,
    area: str,
    observations: Iterable[Observation],
    areas: AreaDirectory,
    period: str | None = None,
) -> RevisionStatusReport:
    """Judge every indicator of `revision` under that revision's own rules, in `period`
    or, when it is None, in each indicator's latest period with data for the area."""
    by_indicator: dict[str, list[Observation]] = {}
    for o in observations:
        by_indicator.setdefault(o.indicator, []).append(o)

    def judge(indicator: Indicator) -> Evaluation:
        rows = by_indicator.get(indicator.id, [])
        chosen = period or latest_period(indicator.id, area, rows)
        if chosen is None:
            return nothing_at_all(indicator, area)
        return evaluate(indicator, area, chosen, rows, areas)

    focus_areas = []
    for f in revision.focus_areas:
        evaluations = tuple(judge(i) for i in f.indicators)
        key = next(e for e in evaluations if e.indicator == f.key_figure)
        focus_areas.append(FocusAreaStatus(f.id, f.goal.id, key, evaluations))
    return RevisionStatusReport(
        version=revision.version,
        area=area,
        overall=tuple(judge(i) for i in revision.overall_indicators),
        focus_areas=tuple(focus_areas),
    )


def nothing_at_all(indicator: Indicator, area: str) -> Evaluation:
    why = Text(
        f"{indicator.id}: der er ingen værdier for {area} i nogen periode.",
        f"{indicator.id}: there are no values for {area} in any period.",
    )
    return Evaluation(
        indicator.id, area, Status.NO_DATA, None, None, None, None, None, None, None, Trend.UNKNOWN, why
    )
