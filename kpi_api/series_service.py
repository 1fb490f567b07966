"""Series and rankings of one indicator, read from the store with one query each."""

import datetime

import attrs

from kpi_api.http import deadline
from kpi_core import (
    AreaDirectory,
    Cell,
    Indicator,
    PeriodKind,
    ReferenceLine,
    RuleReference,
    Text,
    own_cell,
    parse_period,
    reads,
    reference_lines,
    reference_series,
)
from kpi_core.evaluation import ranks
from kpi_core.repository import ObservationQuery, ObservationRepository


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
    own = own_cell(indicator.target, cell)
    references = reference_lines(indicator.target, area, areas, cell)
    compared = [
        ReferenceLine(Text(known.name, known.name_en or known.name), known.code, own)
        for known in (areas.get(c) for c in compare)
        if known is not None
    ]
    wanted_areas = sorted({area, *(line.area for line in (*references, *compared))})
    rows = repository.find(ObservationQuery(indicators=(indicator.id,), areas=wanted_areas, as_of=as_of))
    low = parse_period(first) if first else None
    high = parse_period(last) if last else None

    shown = []

    def points(code: str, wanted_cell: Cell) -> Points:
        deadline.check()
        chosen = sorted(
            (
                (parse_period(o.period), o)
                for o in rows
                if o.area == code
                and o.breakdown == wanted_cell
                and _within(parse_period(o.period), low, high)
            ),
            key=lambda t: t[0],
        )
        shown.extend(o for _, o in chosen)
        return Points(
            tuple(str(p) for p, _ in chosen),
            tuple(o.value for _, o in chosen),
            tuple(o.provisional for _, o in chosen),
        )

    own_points = points(area, own)
    return SeriesData(
        indicator=indicator.id,
        area=area,
        unit=indicator.unit.value,
        cell=own,
        points=own_points,
        references=tuple(
            ReferenceSeries(r.label, r.area, r.cell, points(r.area, r.cell)) for r in references
        ),
        compared=tuple(ReferenceSeries(c.label, c.area, c.cell, points(c.area, c.cell)) for c in compared),
        sources=tuple(sorted({o.source for o in shown if o.source})),
        vintage=max((o.published for o in shown if o.published), default=None),
    )


# A rank target's reference reads its whole comparison set in every period shown: at most
# this many periods (20 years of months), so a figure's query stays one bounded read.
MAX_RANK_PERIODS = 240


def rank_reference(
    indicator: Indicator,
    area: str,
    periods: tuple[str, ...],
    repository: ObservationRepository,
    areas: AreaDirectory,
    as_of: datetime.date | None = None,
    cell: Cell = (),
) -> RuleReference | None:
    """A rank target's N-th best value of its comparison set in each of `periods` (the
    latest MAX_RANK_PERIODS of them), as the status computes it (`kpi_core.reference_series`,
    reading the set `kpi_core.reads` plans); None for another rule or a set not known."""
    plan = reads(indicator, area, periods[-1], areas, cell) if periods else None
    if plan is None or plan.among is None:
        return None
    shown = tuple(sorted(periods, key=parse_period))[-MAX_RANK_PERIODS:]
    deadline.check()
    rows = repository.find(
        ObservationQuery(indicators=(indicator.id,), areas=sorted(plan.areas), periods=shown, as_of=as_of)
    )
    return reference_series(indicator, area, shown, rows, areas, cell)


@attrs.frozen
class RankingData:
    indicator: str
    among: str
    period: str | None
    entries: tuple[tuple[int, str, object], ...]  # (rank, area code, value), best first


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
        latest = repository.latest_periods(
            ObservationQuery(indicators=(indicator.id,), areas=members, as_of=as_of)
        )
        period = max((parse_period(p) for p in latest.values()), default=None)
        period = str(period) if period else None
    if period is None:
        return RankingData(indicator.id, among, None, ())
    rows = repository.find(
        ObservationQuery(indicators=(indicator.id,), areas=members, periods=(period,), as_of=as_of)
    )
    values = {o.area: o.value for o in rows if not o.breakdown and o.value is not None}
    ranked = ranks(values, indicator.direction)
    entries = sorted((rank, code, values[code]) for code, rank in ranked.items())
    return RankingData(indicator.id, among, period, tuple(entries))


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
