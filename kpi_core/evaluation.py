"""Is a goal achieved, on track or off track — compared with what, and why.

`evaluate(indicator, area, period, observations, areas)` judges one indicator for one
area in one period, under the indicator's own target rule (so the revision the
indicator comes from decides the rule). The rules, in plain words (docs/status-rules.md):

- No value for the area in the period, or none for what the target refers to in that
  same period → NO_DATA, and the explanation says which is missing. Values of different
  periods are never compared.
- Monitor only, with a value → MONITORING (the trend is still reported).
- A rule that does not apply to the area (a rank among municipalities, asked for the
  country) → NOT_APPLICABLE (`kpi_core.applicability`).
- Target met → ACHIEVED. Not met → the same judgement one year earlier (same month,
  quarter or year): a smaller gap (for a rank target: a better rank) → ON_TRACK,
  otherwise OFF_TRACK; nothing to compare a year earlier → NOT_MET_PROGRESS_UNKNOWN.
- A rank target is judged on its whole comparison set (`kpi_core.rank_bounds`): with
  values missing, met or not met only where every completion of the missing values
  agrees, else UNDECIDED; ON_TRACK/OFF_TRACK only where the comparison with a year
  earlier is decided too, else NOT_MET_PROGRESS_UNKNOWN.
- `gap` is signed in the indicator's unit, positive = worse than required.
- Trend: the area's own value against a year earlier, in the indicator's direction
  (up or down where it has none); a percentage change is its own trend (its sign).
- Judged per group (the catalogue's `rollup`, e.g. 5.4 under 2022): each group is judged
  by the rule and the headline comes from the groups (`kpi_core.rollup`): the worst group
  decides, its figures are the headline's, and a group without data keeps the headline
  from being ACHIEVED. Without a roll-up, a headline without a total but with figures
  per group says so (monitored: MONITORING; judged: NO_DATA, naming the groups).

All arithmetic is exact (Decimal); rounding happens only for display. What an
evaluation reads (so what a service fetches for it) is `kpi_core.comparisons.reads`.
"""

import functools
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

import attrs

from kpi_core.applicability import not_applicable
from kpi_core.areas import AreaDirectory
from kpi_core.comparisons import Cell, own_cell, reference_area, with_cell
from kpi_core.indicators import Direction, Indicator, Unit
from kpi_core.observations import Observation, group_key
from kpi_core.periods import a_year_earlier, parse_period
from kpi_core.rank_bounds import RankBounds, rank_bounds
from kpi_core.references import Country, Dimension, PopulationGroup, Reference
from kpi_core.rollup import Rollup, RollupRule, decided, roll_up
from kpi_core.status import SEVERITY, Status, Trend
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
    count_statuses,
    describe_cell,
    describe_group,
    describe_reference,
    describe_target,
    dimension_name,
    format_gap,
    format_value,
    in_sentence,
    join_words,
)


@attrs.frozen
class Evaluation:
    """The judgement of one indicator for one area in one period (`period` is None
    only when the area has no values in any period).

    For a rank target, `rank_of` is the size of the whole comparison set, `rank_known`
    how many of it have a value, and the rank lies between `rank_best` (every missing
    value worse) and `rank_worst` (every missing value better); `rank` is set only when
    nothing is missing, so it is never a rank among a part of the set."""

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
    rank_best: int | None = None
    rank_worst: int | None = None
    rank_known: int | None = None
    rollup: "RollupSummary | None" = None  # how the headline came from its groups, if it did


@attrs.frozen
class RollupSummary:
    """How the headline of an indicator judged per group came from its groups.

    `counts` are the groups per status, best first (SEVERITY reversed, then the statuses
    that decide nothing); `deciding` is the group whose figures the headline shows (None
    when the groups cannot decide it); `missing` are the groups whose status is unknown.
    """

    rule: RollupRule
    per: Dimension
    groups: tuple[Cell, ...]
    counts: tuple[tuple[Status, int], ...]
    deciding: Cell | None
    missing: tuple[Cell, ...]


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
    bounds: RankBounds | None = None  # a rank target: where the rank lies
    best: int | None = None  # a rank target: within the best `best`
    # The label as a sentence reads it ("the Capital Region of Denmark, rank 10"), where
    # that differs from the label a table or legend shows.
    sentence_label: Text | None = None

    @property
    def met(self) -> bool | None:
        """Met (True), not met (False), or undecided on the figures known (None)."""
        if self.bounds is not None and self.best is not None:
            return self.bounds.within(self.best)
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
    earlier_period = a_year_earlier(period)  # None for year 1000: nothing before it
    own = own_cell(rule, cell)
    before_value = index.get(area, earlier_period, own) if earlier_period else None
    trend = _trend(indicator, index.get(area, period, own), before_value)
    inapplicable = not_applicable(rule, area, areas)
    now = (
        _judge(indicator, area, period, cell, index, areas)
        if inapplicable is None
        else _Judgement(value=index.get(area, period, own))
    )
    met = now.met
    if inapplicable is not None:
        status, because = Status.NOT_APPLICABLE, _not_applicable_words(inapplicable)
    elif now.missing is not None:
        status, trend = Status.NO_DATA, Trend.UNKNOWN if now.value is None else trend
        because = now.missing
    elif isinstance(rule, MonitorOnly):
        status, because = (
            Status.MONITORING,
            Text("tallet følges uden målsætning", "the figure is monitored without a target"),
        )
    elif met is True:
        status, because = (
            Status.ACHIEVED,
            _whatever_is_missing(Text("målet er nået", "the target is met"), now),
        )
    elif met is None:
        status, because = Status.UNDECIDED, _undecided_words(now)
    else:
        before = (
            _judge(indicator, area, earlier_period, cell, index, areas)
            if earlier_period
            else _Judgement(
                missing=Text("der er ingen periode et år før", "there is no period a year before")
            )
        )
        status, because = _progress(now, before, earlier_period or "—", indicator.unit, indicator.decimals)
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
        rank_best=now.bounds.best if now.bounds else None,
        rank_worst=now.bounds.worst if now.bounds else None,
        rank_known=now.bounds.known if now.bounds else None,
    )
    if cell or not indicator.breakdowns:
        return evaluation
    cells = _cells(indicator, area, period, index)
    groups = _groups(indicator, indicator.rollup, area, (period, earlier_period), index)
    breakdown = tuple(
        (c, evaluate(indicator, area, period, index, areas, cell=c)) for c in sorted({*cells, *groups})
    )
    evaluation = attrs.evolve(evaluation, breakdown=breakdown)
    if indicator.rollup is not None:
        return _rolled_up(indicator, indicator.rollup, evaluation, groups)
    if now.missing is not None and now.value is None and not own:
        return _group_only(indicator, evaluation)
    return evaluation


def _groups(
    indicator: Indicator,
    rollup: Rollup | None,
    area: str,
    periods: tuple[str, str | None],
    index: "ObservationIndex",
) -> list[Cell]:
    """The groups a roll-up judges: those the catalogue names and those with figures in
    the period or a year earlier (a group that has gone missing since is not forgotten)."""
    if rollup is None:
        return []
    per = rollup.per.value
    found = set(rollup.groups)
    for p in periods:
        if p is not None:
            found |= {c[0][1] for c in _cells(indicator, area, p, index) if len(c) == 1 and c[0][0] == per}
    return [((per, v),) for v in sorted(found)]


def _rolled_up(
    indicator: Indicator, rollup: Rollup, evaluation: "Evaluation", groups: list[Cell]
) -> "Evaluation":
    """The headline from the groups' own evaluations (kept in `breakdown`)."""
    judged = dict(evaluation.breakdown)
    members = [(g, judged[g]) for g in groups]
    headline = roll_up([e.status for _, e in members], rollup.rule)
    missing = tuple(g for g, e in members if not decided(e.status))
    present = {e.status for _, e in members}
    order = [*reversed(SEVERITY), *(s for s in Status if s not in SEVERITY)]
    counts = tuple((s, sum(e.status is s for _, e in members)) for s in order if s in present)
    deciding = None
    if headline is not None:  # of the groups with the headline's status, the farthest from the target
        deciding = max(
            (m for m in members if m[1].status is headline),
            key=lambda m: (m[1].gap is not None, m[1].gap or 0),
        )
    summary = RollupSummary(
        rollup.rule, rollup.per, tuple(groups), counts, deciding[0] if deciding else None, missing
    )
    prefix = f"{indicator.id}, {evaluation.period}: "
    dimension = dimension_name(rollup.per)
    n = len(members)
    intro = Text(
        f"vurderet pr. {dimension}, hvor den dårligste gruppe afgør: "
        + (
            f"{count_statuses(counts).da} af {n} {'gruppe' if n == 1 else 'grupper'}"
            if n
            else "ingen grupper"
        ),
        f"judged per {dimension_name(rollup.per, Lang.EN)}, the worst group deciding: "
        + (f"{count_statuses(counts).en} of {n} {'group' if n == 1 else 'groups'}" if n else "no groups"),
    )
    lacking = join_words(describe_cell(g) for g in missing) if missing else Text("–", "–")
    if headline is not None and deciding is not None:
        group, chosen = deciding
        name = describe_cell(group)
        # The group's own explanation, less its "5.4, 2022: " and its full stop: the same
        # figures and reasons, said once.
        own = Text(
            chosen.explanation.da.removeprefix(prefix).removesuffix("."),
            chosen.explanation.en.removeprefix(prefix).removesuffix("."),
        )
        tail_da = f"; der mangler tal for {lacking.da}, men det kan ikke gøre status bedre" if missing else ""
        tail_en = (
            f"; there are no figures for {lacking.en}, which cannot make the status better" if missing else ""
        )
        return attrs.evolve(
            evaluation,
            status=headline,
            **_figures(chosen),
            explanation=Text(
                f"{prefix}{intro.da}; afgørende er {name.da}: {own.da}{tail_da}.",
                f"{prefix}{intro.en}; deciding is {name.en}: {own.en}{tail_en}.",
            ),
            rollup=summary,
        )
    known = [(g, e) for g, e in members if decided(e.status)]
    # The data cannot decide the headline: with nothing known, there is no data; with
    # every known group met, it is undecided; with a known group not met, the target is
    # not met, and how far from it the missing groups may leave it is unknown.
    status = Status.NO_DATA
    if not members:
        why = Text(
            f"der er ingen tal pr. {dimension} for {evaluation.area} i {evaluation.period}",
            f"there are no figures per {dimension_name(rollup.per, Lang.EN)} for {evaluation.area} in {evaluation.period}",
        )
    elif not known:
        why = Text(f"der er ingen tal for {lacking.da}", f"there are no figures for {lacking.en}")
    else:
        worst_group, worst = min(known, key=lambda m: SEVERITY.index(m[1].status))
        status = Status.UNDECIDED if worst.status is Status.ACHIEVED else Status.NOT_MET_PROGRESS_UNKNOWN
        if worst.status is Status.ACHIEVED:
            why = Text(
                f"der mangler tal for {lacking.da}, så det kan ikke afgøres, om målet er nået: "
                "det er kun nået, når alle grupper har nået det",
                f"there are no figures for {lacking.en}, so whether the target is met cannot be decided: "
                "it is met only when every group has met it",
            )
        else:
            name = describe_cell(worst_group)
            why = Text(
                f"målet er ikke nået for {name.da}; der mangler tal for {lacking.da}, "
                "så det kan ikke afgøres, om det er på rette vej",
                f"the target is not met for {name.en}; there are no figures for {lacking.en}, "
                "so whether it is on track cannot be decided",
            )
    return attrs.evolve(
        evaluation,
        status=status,
        **_figures(None),
        explanation=Text(f"{prefix}{intro.da}; {why.da}.", f"{prefix}{intro.en}; {why.en}."),
        rollup=summary,
    )


def _figures(shown: "Evaluation | None") -> dict[str, Any]:
    """The figures a headline shows, all taken from one evaluation (the deciding group's),
    or none of them where the groups cannot decide it."""
    return {
        "value": shown.value if shown else None,
        "reference": shown.reference if shown else None,
        "reference_label": shown.reference_label if shown else None,
        "gap": shown.gap if shown else None,
        "rank": shown.rank if shown else None,
        "rank_of": shown.rank_of if shown else None,
        "rank_best": shown.rank_best if shown else None,
        "rank_worst": shown.rank_worst if shown else None,
        "rank_known": shown.rank_known if shown else None,
        "trend": shown.trend if shown else Trend.UNKNOWN,
    }


def _group_only(indicator: Indicator, evaluation: "Evaluation") -> "Evaluation":
    """A headline without a total but with figures per group, for an indicator the
    catalogue gives no roll-up: monitored, it is followed per group; judged, its target is
    for the total, which the groups cannot stand in for (their shares do not add up
    without their counts, and every group meeting a benchmark does not make the total
    meet it), so it stays NO_DATA and says where the figures are."""
    with_values = [c for c, e in evaluation.breakdown if e.value is not None]
    if not with_values:
        return evaluation
    names = {d for c in with_values for d, _ in c}
    dims = [d for d in Dimension if d.value in names]
    per = join_words(Text(dimension_name(d), dimension_name(d, Lang.EN)) for d in dims)
    prefix = f"{indicator.id}, {evaluation.period}: "
    where = Text(
        f"der er intet tal i alt for {evaluation.area}, kun tal pr. {per.da} (se opdelingen)",
        f"there is no figure in total for {evaluation.area}, only figures per {per.en} (see the breakdown)",
    )
    if isinstance(indicator.target, MonitorOnly):
        return attrs.evolve(
            evaluation,
            status=Status.MONITORING,
            explanation=Text(
                f"{prefix}{where.da}; tallet følges uden målsætning.",
                f"{prefix}{where.en}; the figure is monitored without a target.",
            ),
        )
    return attrs.evolve(
        evaluation,
        explanation=Text(
            f"{prefix}{where.da}; målet gælder tallet i alt, og kataloget angiver ingen regel for at vurdere det pr. gruppe.",
            f"{prefix}{where.en}; the target is for the total, and the catalogue gives no rule to judge it per group.",
        ),
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
    # The whole set the catalogue names, members without a value included (as None): a
    # rank among those that happen to have a value is no rank in the set.
    values = {m.code: index.get(m.code, period, cell) for m in areas.municipalities_in(set_code)}
    name = Text(comparison_set.name, comparison_set.name_en or comparison_set.name)
    if area not in values:  # only an area the directory does not know (else NOT_APPLICABLE)
        among = area_in_sentence(comparison_set, Lang.DA), area_in_sentence(comparison_set, Lang.EN)
        return _Judgement(
            value=value,
            missing=Text(
                f"{area} er ikke blandt kommunerne i {among[0]}",
                f"{area} is not among the municipalities of {among[1]}",
            ),
        )
    bounds = rank_bounds(area, values, Direction.BETTER_UP if up else Direction.BETTER_DOWN)
    label = _rank_label(name, rule.best)
    sentence_label = Text(label.da, f"{area_in_sentence(comparison_set, Lang.EN)}, rank {rule.best}")
    if bounds.exact is None:
        # The N-th best value of the set is not known either: no reference, no gap.
        return _Judgement(
            value=value,
            label=label,
            rank_of=bounds.of,
            bounds=bounds,
            best=rule.best,
            sentence_label=sentence_label,
        )
    nth = _nth_best(values, rule.best, up)
    assert nth is not None  # every value is known where the rank is exact
    gap = (nth - value) if up else (value - nth)
    # The rank decides; the gap to the N-th value is reported, and is ≤ 0 exactly when met.
    return _Judgement(
        value=value,
        reference=nth,
        label=label,
        gap=gap,
        rank=bounds.exact,
        rank_of=bounds.of,
        bounds=bounds,
        best=rule.best,
        sentence_label=sentence_label,
    )


def _nth_best(values: Mapping[str, Decimal | None], best: int, up: bool) -> Decimal | None:
    """The `best`-th best value of a comparison set (its last, in a set smaller than
    that), or None where any member's value is missing: the N-th best of a part of the
    set is not the N-th best of the set."""
    if any(v is None for v in values.values()) or not values:
        return None
    ordered = sorted((v for v in values.values() if v is not None), reverse=up)
    return ordered[min(best, len(ordered)) - 1]


_UNNAMED_CLUSTER = Text("kommunens ikke angivne klynge", "the municipality's unnamed cluster")


def _rank_label(comparison_set: Text, best: int) -> Text:
    return Text(f"{comparison_set.da}, plads {best}", f"{comparison_set.en}, rank {best}")


def _cluster_label(rule: FollowCluster) -> Text:
    code = rule.cluster.code
    return Text(f"klynge {code}", f"cluster {code}") if code else _UNNAMED_CLUSTER


@attrs.frozen
class RuleReference:
    """What a rule compares the area with, period by period: `values[i]` for `periods[i]`
    (None where it is not known), under the label the status uses."""

    label: Text | None
    periods: tuple[str, ...]
    values: tuple[Decimal | None, ...]


def reference_series(
    indicator: Indicator,
    area: str,
    periods: Iterable[str],
    observations: "Iterable[Observation] | ObservationIndex",
    areas: AreaDirectory,
    cell: Cell = (),
) -> RuleReference:
    """The reference `evaluate` judges the area against, in each of `periods`, so that a
    chart draws exactly what the status compares with: for a rank target the N-th best
    value of the whole comparison set (None in a period where any member's value is
    missing), for parity the reference group's value, for a threshold or a maximum its
    value, for an external target the period's target, for a benchmark or a cluster that
    area's value; a monitored indicator compares with nothing (label None). The values
    read are those `kpi_core.comparisons.reads` plans.

    >>> from kpi_core.shipped import shipped_areas, shipped_strategies
    >>> r2022 = next(s for s in shipped_strategies() if s.id == "ballerup-beskaeftigelsesstrategi").revision("2022")
    >>> areas = shipped_areas()
    >>> rows = [Observation("2.1", m.code, "2022", Decimal(n)) for n, m in enumerate(areas.municipalities_in("1084"))]
    >>> found = reference_series(r2022.indicator("2.1"), "151", ["2021", "2022"], rows, areas)
    >>> found.label.da, found.values  # the tenth lowest of 29 in 2022; nothing known in 2021
    ('Region Hovedstaden, plads 10', (None, Decimal('9')))
    """
    index = (
        observations
        if isinstance(observations, ObservationIndex)
        else ObservationIndex(indicator.id, observations)
    )
    shown = tuple(str(parse_period(p)) for p in periods)
    found = [_reference_in(indicator, area, p, cell, index, areas) for p in shown]
    label = next((lb for _, lb in found if lb is not None), None)
    return RuleReference(label, shown, tuple(v for v, _ in found))


def _reference_in(
    indicator: Indicator, area: str, period: str, cell: Cell, index: ObservationIndex, areas: AreaDirectory
) -> tuple[Decimal | None, Text | None]:
    """One period's reference and its label, by the same helpers `_judge` uses."""
    rule, up = indicator.target, indicator.direction is Direction.BETTER_UP
    match rule:
        case AtOrAbove() | AtOrBelow() | StrictlyBelow():
            return _reference_value(rule.reference, area, period, cell, index, areas)
        case Threshold() | MaxDuration():
            return rule.value, describe_target(rule, indicator.unit)
        case ExternalTarget():
            target = next((v.value for v in rule.values if str(parse_period(v.period)) == period), None)
            return target, rule.label
        case Parity():
            return _reference_value(rule.reference, area, period, cell, index, areas)
        case RankWithin():
            set_code = reference_area(rule.among, area, areas)
            comparison_set = areas.get(set_code) if set_code is not None else None
            if set_code is None or comparison_set is None:
                return None, Text("sammenligningsgruppen", "the comparison set")
            name = Text(comparison_set.name, comparison_set.name_en or comparison_set.name)
            values = {m.code: index.get(m.code, period, cell) for m in areas.municipalities_in(set_code)}
            return _nth_best(values, rule.best, up), _rank_label(name, rule.best)
        case FollowCluster():
            code = rule.cluster.code
            return (index.get(code, period, cell) if code else None), _cluster_label(rule)
        case MonitorOnly():
            return None, None
    raise TypeError(f"no reference for the target rule {type(rule).__name__}: add it to reference_series")


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
    label = _cluster_label(rule)
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


def _progress(
    now: _Judgement, before: _Judgement, earlier: str, unit: Unit, places: int | None = None
) -> tuple[Status, Text]:
    not_met = _whatever_is_missing(Text("målet er ikke nået", "the target is not met"), now)
    if before.missing is not None or (before.gap is None and before.bounds is None):
        why = before.missing or Text(
            f"der er intet at sammenligne med i {earlier}", f"there is nothing to compare with in {earlier}"
        )
        return Status.NOT_MET_PROGRESS_UNKNOWN, Text(
            f"{not_met.da}; udviklingen er ukendt, fordi {why.da}",
            f"{not_met.en}; progress is unknown because {why.en}",
        )
    if now.bounds is not None and before.bounds is not None:
        was = _rank_range(before.bounds)
        decided = now.bounds.better_than(before.bounds)
        if decided is None:
            return Status.NOT_MET_PROGRESS_UNKNOWN, Text(
                f"{not_met.da}; om placeringen er forbedret fra {was.da} i {earlier}, afhænger af de manglende værdier",
                f"{not_met.en}; whether the rank has improved from {was.en} in {earlier} depends on the missing values",
            )
        improved = decided
        da = f"placeringen er {'forbedret' if improved else 'ikke forbedret'} fra {was.da} i {earlier}"
        en = f"the rank has {'improved' if improved else 'not improved'} from {was.en} in {earlier}"
    else:
        # A judgement neither missing nor met has a gap, and so has a year earlier's
        # under the same rule (a rank target has bounds in both).
        assert now.gap is not None and before.gap is not None
        improved = now.gap < before.gap
        # The earlier gap with its unit: "(2 måneder)", "(8 procentpoint)", not "(2)".
        da = f"afstanden til målet er {'mindsket' if improved else 'ikke mindsket'} siden {earlier} ({format_gap(before.gap, unit, Lang.DA, places)})"
        en = f"the gap to the target has {'shrunk' if improved else 'not shrunk'} since {earlier} ({format_gap(before.gap, unit, Lang.EN, places)})"
    status = Status.ON_TRACK if improved else Status.OFF_TRACK
    return status, Text(f"{not_met.da}; {da}", f"{not_met.en}; {en}")


def _rank_range(bounds: RankBounds) -> Text:
    """`27`, or `mellem 12 og 14` where values are missing."""
    if bounds.exact is not None:
        return Text(str(bounds.exact), str(bounds.exact))
    return Text(f"mellem {bounds.best} og {bounds.worst}", f"between {bounds.best} and {bounds.worst}")


def _missing_count(j: _Judgement) -> int:
    return j.bounds.of - j.bounds.known if j.bounds else 0


def _whatever_is_missing(claim: Text, j: _Judgement) -> Text:
    """A claim decided on a partial comparison set says that the missing cannot change it."""
    missing = _missing_count(j)
    if not missing:
        return claim
    if missing == 1:
        return Text(f"{claim.da}, uanset den manglende værdi", f"{claim.en} whatever the missing value is")
    return Text(
        f"{claim.da}, uanset de {missing} manglende værdier",
        f"{claim.en} whatever the {missing} missing values are",
    )


def _undecided_words(j: _Judgement) -> Text:
    missing = _missing_count(j)
    if missing == 1:
        return Text(
            "uafklaret: målet er nået, hvis den manglende værdi er dårligere, og ikke nået, hvis den er bedre",
            "undecided: the target is met if the missing value is worse, and not met if it is better",
        )
    return Text(
        f"uafklaret: målet er nået, hvis de {missing} manglende værdier alle er dårligere, og ikke nået, hvis de alle er bedre",
        f"undecided: the target is met if the {missing} missing values are all worse, and not met if they are all better",
    )


def _not_applicable_words(reason: Text) -> Text:
    return Text(f"gælder ikke: {reason.da}", f"not applicable: {reason.en}")


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
    unit, places = indicator.unit, indicator.decimals  # as the catalogue says it is printed
    if status is Status.NOT_APPLICABLE:  # nothing was compared: the value and why not
        value_da, value_en = (
            format_value(j.value, unit, Lang.DA, places),
            format_value(j.value, unit, Lang.EN, places),
        )
        return Text(
            f"{indicator.id}, {period}: {value_da}; {because.da}.",
            f"{indicator.id}, {period}: {value_en}; {because.en}.",
        )
    # No parentheses inside the parenthesis this goes into.
    label = j.sentence_label or j.label
    reference_da = label.da if label else "intet sammenligningsgrundlag"
    reference_en = label.en if label else "no benchmark"
    value_da, value_en = (
        format_value(j.value, unit, Lang.DA, places),
        format_value(j.value, unit, Lang.EN, places),
    )
    against_da = f" mod {format_value(j.reference, unit, Lang.DA, places)}" if j.reference is not None else ""
    against_en = (
        f" against {format_value(j.reference, unit, Lang.EN, places)}" if j.reference is not None else ""
    )
    rank_da = f"; nr. {j.rank} af {j.rank_of}" if j.rank is not None else ""
    rank_en = f"; no. {j.rank} of {j.rank_of}" if j.rank is not None else ""
    if j.bounds is not None and j.rank is None:
        b = j.bounds
        rank_da = f"; værdier for {b.known} af {b.of} kommuner, så nr. {b.best} til {b.worst} af {b.of}"
        rank_en = f"; values for {b.known} of {b.of} municipalities, so no. {b.best} to {b.worst} of {b.of}"
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


def latest_period(indicator: Indicator | str, area: str, observations: Iterable[Observation]) -> str | None:
    """The period the indicator is judged in for the area when none is asked for
    (`headline_period`), or None without any value. Given an id only, it is read as an
    indicator judged on its total."""
    indicator_id = indicator if isinstance(indicator, str) else indicator.id
    latest: dict[Cell, str] = {}
    for o in observations:
        if o.indicator == indicator_id and o.area == area and o.value is not None:
            period = _canonical(o.period)
            if o.breakdown not in latest or parse_period(period) > parse_period(latest[o.breakdown]):
                latest[o.breakdown] = period
    if isinstance(indicator, str):
        found = [latest[()]] if () in latest else list(latest.values())
        return str(max(map(parse_period, found))) if found else None
    return headline_period(indicator, latest)


def headline_period(indicator: Indicator, latest: Mapping[Cell, str], or_any: bool = True) -> str | None:
    """The latest period in which the headline has its own figure, from the latest
    period with a value per cell (of one area): the total; for parity the focus group;
    judged per group, any group (for parity, its focus group). Where the headline has
    none in any period (and `or_any`), the latest with any value, so that the groups are
    shown beside a headline that says why it has none.

    >>> from kpi_core.shipped import shipped_strategies
    >>> r2022 = next(s for s in shipped_strategies() if s.id == "ballerup-beskaeftigelsesstrategi").revision("2022")
    >>> latest = {(("origin", "non_western"), ("target_group", "dagpenge")): "2025-11",
    ...           (("origin", "non_western"),): "2024-12", (("target_group", "dagpenge"),): "2025-12"}
    >>> headline_period(r2022.indicator("5.4"), latest)  # per target group: the focus group's
    '2025-11'
    >>> headline_period(r2022.indicator("5.3"), latest)  # parity in total: the focus group's
    '2024-12'
    """
    rule = indicator.target
    if indicator.rollup is not None:
        per = indicator.rollup.per.value
        own = [p for c, p in latest.items() if per in dict(c) and c == own_cell(rule, ((per, dict(c)[per]),))]
    else:
        own = [p for c, p in latest.items() if c == own_cell(rule, ())]
    found = own or (list(latest.values()) if or_any else [])
    return str(max(map(parse_period, found))) if found else None


def headline_cells(indicator: Indicator) -> Cell | None:
    """Which cells `headline_period` looks for first, as a store's `latest_periods_by_cell`
    takes it: None the total only; else every cell holding these pairs (the focus group
    for parity; judged per group without parity, `()`: every cell)."""
    own = own_cell(indicator.target, ())
    return own if own or indicator.rollup is not None else None


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
        chosen = period or latest_period(indicator, area, rows)
        if chosen is None:
            return nothing_at_all(indicator, area, areas)
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


def nothing_at_all(
    indicator: Indicator,
    area: str,
    areas: AreaDirectory | None = None,
    within: tuple[str, ...] | None = None,
) -> Evaluation:
    """The answer where the area has no values in any period, or in any of `within` (the
    periods of a revision written for a stated period: kpi_core.revision_time): NO_DATA,
    or NOT_APPLICABLE where the rule does not apply to the area whatever its values
    (given `areas`)."""
    inapplicable = not_applicable(indicator.target, area, areas) if areas is not None else None
    if inapplicable is not None:
        words = _not_applicable_words(inapplicable)
        why = Text(f"{indicator.id}: {words.da}.", f"{indicator.id}: {words.en}.")
        status = Status.NOT_APPLICABLE
    elif within:
        months = [p for p in within if "-" in p] or list(within)
        first, last = months[0], months[-1]
        why = Text(
            f"{indicator.id}: der er ingen værdier for {area} i perioderne fra {first} til {last}, "
            "som revisionen bedømmes på.",
            f"{indicator.id}: there are no values for {area} in the periods from {first} to {last}, "
            "which the revision is judged on.",
        )
        status = Status.NO_DATA
    else:
        why = Text(
            f"{indicator.id}: der er ingen værdier for {area} i nogen periode.",
            f"{indicator.id}: there are no values for {area} in any period.",
        )
        status = Status.NO_DATA
    return Evaluation(
        indicator.id, area, status, None, None, None, None, None, None, None, Trend.UNKNOWN, why
    )
