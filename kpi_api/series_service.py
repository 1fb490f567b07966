"""Series and rankings of one indicator, read from the store with one query each."""

import datetime

import attrs

from kpi_api.http import deadline
from kpi_core import (
    COUNTRY_CODE,
    AreaDirectory,
    Cluster,
    Indicator,
    OwnRegion,
    Parity,
    RankWithin,
    Text,
    PeriodKind,
    group_key,
    parse_period,
)
from kpi_core.evaluation import ranks
from kpi_core.repository import ObservationQuery, ObservationRepository

Cell = tuple[tuple[str, str], ...]


@attrs.frozen
class Points:
    """Columnar: periods[i] has values[i] (None = suppressed) and provisional[i]."""

    periods: tuple[str, ...]
    values: tuple
    provisional: tuple[bool, ...]


@attrs.frozen
class ReferenceSeries:
    label: Text
    area: str
    cell: Cell
    points: Points


@attrs.frozen
class SeriesData:
    indicator: str
    area: str
    unit: str
    cell: Cell
    points: Points
    references: tuple[ReferenceSeries, ...]
    compared: tuple[ReferenceSeries, ...] = ()  # areas a reader asked to see beside it
    sources: tuple[str, ...] = ()  # of every figure shown
    vintage: datetime.date | None = None  # the newest published date among them


def series(
    indicator: Indicator,
    area: str,
    repository: ObservationRepository,
    areas: AreaDirectory,
    first: str | None = None,
    last: str | None = None,
    as_of: datetime.date | None = None,
    cell: Cell = (),
    compare: tuple[str, ...] = (),
) -> SeriesData:
    """The area's series (for parity: the focus group's) and the series it is judged
    against: the reference group for parity, else the country and the area's region (and
    a named cluster), all for the same breakdown cell."""
    rule = indicator.target
    own_cell, references = cell, []
    own = areas.get(area)
    if isinstance(rule, Parity):
        own_cell = _with(cell, rule.focus.dimension.value, group_key(rule.focus.values))
        ref_cell = _with(cell, rule.reference.dimension.value, group_key(rule.reference.values))
        label = rule.reference.label or Text(" og ".join(rule.reference.values), " and ".join(rule.reference.values))
        references.append((label, area, ref_cell))
    else:
        for code in (COUNTRY_CODE, own.region if own else None, _cluster_code(rule)):
            known = areas.get(code) if code else None
            if known is not None and code != area:
                references.append((Text(known.name, known.name_en or known.name), code, cell))
    compared = [(Text(areas.get(c).name, areas.get(c).name_en or areas.get(c).name), c, own_cell) for c in compare if areas.get(c)]
    wanted_areas = sorted({area, *(code for _, code, _ in references), *(c for _, c, _ in compared)})
    rows = repository.find(ObservationQuery(indicators=(indicator.id,), areas=wanted_areas, as_of=as_of))
    low = parse_period(first) if first else None
    high = parse_period(last) if last else None

    shown = []

    def points(code: str, wanted_cell: Cell) -> Points:
        deadline.check()
        chosen = sorted(
            ((parse_period(o.period), o)
             for o in rows
             if o.area == code and o.breakdown == wanted_cell and _within(parse_period(o.period), low, high)),
            key=lambda t: t[0],
        )  # fmt: skip
        shown.extend(o for _, o in chosen)
        return Points(
            tuple(str(p) for p, _ in chosen), tuple(o.value for _, o in chosen), tuple(o.provisional for _, o in chosen)
        )

    own_points = points(area, own_cell)
    reference_lines = tuple(ReferenceSeries(label, code, c, points(code, c)) for label, code, c in references)
    compared_lines = tuple(ReferenceSeries(label, code, c, points(code, c)) for label, code, c in compared)
    return SeriesData(
        indicator=indicator.id,
        area=area,
        unit=indicator.unit.value,
        cell=own_cell,
        points=own_points,
        references=reference_lines,
        compared=compared_lines,
        sources=tuple(sorted({o.source for o in shown if o.source})),
        vintage=max((o.published for o in shown if o.published), default=None),
    )


@attrs.frozen
class RankingData:
    indicator: str
    among: str
    period: str | None
    entries: tuple[tuple[int, str, object], ...]  # (rank, area code, value), best first


def default_comparison_set(indicator: Indicator, owner: str, areas: AreaDirectory) -> str:
    """The set a ranking is taken in when none is asked for: the rank target's own set
    (seen from the strategy's owner), else the owner's region."""
    rule, own = indicator.target, areas.get(owner)
    if isinstance(rule, RankWithin):
        if isinstance(rule.among, Cluster) and rule.among.code:
            return rule.among.code
        if not isinstance(rule.among, OwnRegion):
            return COUNTRY_CODE
    return own.region if own and own.region else COUNTRY_CODE


def ranking(
    indicator: Indicator,
    among: str,
    repository: ObservationRepository,
    areas: AreaDirectory,
    period: str | None = None,
    as_of: datetime.date | None = None,
) -> RankingData:
    members = [m.code for m in areas.municipalities_in(among)]
    if period is None:
        latest = repository.latest_periods(ObservationQuery(indicators=(indicator.id,), areas=members, as_of=as_of))
        period = max((parse_period(p) for p in latest.values()), default=None)
        period = str(period) if period else None
    if period is None:
        return RankingData(indicator.id, among, None, ())
    rows = repository.find(ObservationQuery(indicators=(indicator.id,), areas=members, periods=(period,), as_of=as_of))
    values = {o.area: o.value for o in rows if not o.breakdown and o.value is not None}
    ranked = ranks(values, indicator.direction)
    entries = sorted((rank, code, values[code]) for code, rank in ranked.items())
    return RankingData(indicator.id, among, period, tuple(entries))


def _with(cell: Cell, dimension: str, value: str) -> Cell:
    return tuple(sorted({**dict(cell), dimension: value}.items()))


def _cluster_code(rule) -> str | None:
    reference = getattr(rule, "reference", None) or getattr(rule, "cluster", None) or getattr(rule, "among", None)
    return reference.code if isinstance(reference, Cluster) else None


def _within(period, low, high) -> bool:
    """Inclusive bounds of the series' own kind, or whole years (`to: "2021"` includes
    December 2021)."""
    if low is not None and (period.year, period.index) < (low.year, low.index):
        return False
    if high is not None:
        if high.kind is PeriodKind.YEAR:
            return period.year <= high.year
        return (period.year, period.index) <= (high.year, high.index)
    return True

