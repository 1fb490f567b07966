"""A SYNTHETIC national dataset for demos and benchmarks: NOT REAL FIGURES.

`generate()` yields observations for every indicator of the shipped catalogue (each id
once, in its newest definition), for every municipality, region and the country, from
`first_year` to `last_year`. Every row says it is synthetic in `source`.

How a figure is made, in the indicator's unit:

    municipality = national level in the period   (level, trend, COVID-19 bump, season)
                 + the municipality's own offset    (stable over time: a "structure")
                 + noise                            (new in every period)
    breakdown cell = municipality figure × the cell's factor × (1 + small noise)
    region, DK   = the mean of their municipalities (a count: the sum)

Deterministic: every random draw comes from a `random.Random` seeded from a digest of
(seed, what, indicator, area, year), never from the global RNG or the salted `hash()`.
Because the noise of one year depends only on that year, a figure is the same whichever
year range it is generated in; the regions and DK depend on which municipalities are given.

Not generated: cluster figures for `FollowCluster` (the catalogue names no cluster
members), the national values of `ExternalTarget` (the catalogue has none), and
numerators/denominators.

Measure it: `python -m kpi_api.demo.synthetic --first-year 2019` prints the row count and rows/s.
"""

import datetime
import hashlib
import math
import random
import time
from collections.abc import Iterable, Iterator
from decimal import Decimal

import attrs

from kpi_core.areas import Area, AreaKind
from kpi_core.indicators import Direction, Indicator, Unit
from kpi_core.observations import Observation, group_key
from kpi_core.references import Dimension
from kpi_core.shipped import shipped_areas, shipped_strategies
from kpi_core.strategy import Strategy
from kpi_core.targets import target_facts

SOURCE = "SYNTETISKE DATA – demo, ikke virkelige tal (synthetic demo data, not real figures)"
ANCHOR_YEAR = 2022  # a profile's `level` is the national level in this year


# ── Indicator profiles ──────────────────────────────────────────────────────────────────
@attrs.frozen
class Profile:
    """How one indicator behaves, in its own unit (for a count: per 1,000 inhabitants).

    `level` national level in ANCHOR_YEAR; `trend` change per year; `spread` standard
    deviation of the municipalities' stable offsets; `noise` per-period standard deviation;
    `season` amplitude of the yearly cycle (monthly figures only, highest in January);
    `covid` the extra amount at the height of COVID-19 (spring 2020), negative when the
    figure fell (offers and meetings were suspended during the lockdowns).
    """

    level: float
    trend: float = 0.0
    spread: float = 0.0
    noise: float = 0.0
    season: float = 0.0
    covid: float = 0.0


P = Profile
# fmt: off
PROFILES: dict[str, Profile] = {
    # id       level  trend  spread noise  season covid
    "O1":   P(2.6,  -0.15, 0.7,  0.08,  0.25,  1.6),   # unemployment rate, by age
    "O2":   P(-1.5,  0.0,  1.5,  0.8,   0.0,   8.0),   # % change in citizens on benefits (12 months)
    "1.1":  P(35.0,  0.3,  5.0,  1.5,   1.0,  -6.0),   # become self-supporting / company offer
    "1.2":  P(85.0,  0.5,  4.0,  2.0,   0.0,  -5.0),   # placements created on time
    "1.3":  P(88.0,  0.3,  3.0,  1.5,   0.0,  -8.0),   # booked meeting or self-booking deadline
    "1.4":  P(45.0,  0.5,  8.0,  2.0,   3.0, -15.0),   # active offer within 13 weeks
    "1.5a": P(4.2,   0.05, 0.6,  0.15,  0.0,  -1.5),   # meetings per full-time unemployed (number)
    "1.5b": P(78.0,  0.3,  6.0,  2.0,   0.0,  10.0),   # fewer than 4 meetings in 6 months
    "1.6":  P(26.0,  0.3,  6.0,  1.0),                 # cooperation rate with companies
    "2.1":  P(2.4,  -0.15, 0.6,  0.08,  0.2,   1.8),   # full-time unemployed, % of insured
    "2.2":  P(45.0, -0.5,  5.0,  1.5,   2.0,  10.0),   # still on dagpenge after 13 weeks
    "2.3":  P(18.0, -0.3,  3.0,  0.8,   1.0,   4.0),   # long-term unemployed
    "2.4":  P(10.0,  0.2,  2.5,  0.8,   0.5,  -4.0),   # insured unemployed in company offers
    "2.5":  P(3.1,   0.05, 0.5,  0.1,   0.2,   0.4),   # on sick leave, % of labour force
    "2.6":  P(30.0,  0.5,  4.0,  1.5,   0.0,  -2.0),   # partly back at work
    "3.1":  P(14.0,  0.2,  3.0,  0.8,   0.5,  -5.0),   # activity-ready in company offers
    "3.2":  P(14.0, -0.3,  3.0,  0.7,   0.5,   2.0),   # flex-job unemployment
    "3.3":  P(2.6,   0.05, 0.5,  0.15),                # disability pensions awarded (count)
    "4.1":  P(72.0,  0.4,  6.0,  1.0),                 # 25–29 with vocational education
    "4.2":  P(2.0,  -0.1,  0.8,  0.06,  0.1,   0.3),   # 18–29 on education benefit
    "4.3":  P(20.0,  0.2,  5.0,  1.5),                 # applications to vocational education
    "4.4":  P(22.0,  0.3,  5.0,  1.5,   0.0,  -6.0),   # education benefit, company offers
    "5.1":  P(16.5, -0.2,  3.0,  0.2,   0.2,   1.0),   # on public benefits, by origin, target group
    "5.2":  P(16.5, -0.2,  3.0,  0.2,   0.2,   1.0),   # … and by gender
    "5.3":  P(48.0, -0.4,  5.0,  1.5,   2.0,  10.0),   # job-ready still on benefit after 13 weeks
    "5.4":  P(12.0,  0.2,  3.0,  1.0,   0.5,  -4.0),   # unemployed in company offers
    "5.5":  P(26.0, -0.2,  4.0,  1.5,   0.0,   4.0),   # duration of closed cases (weeks)
    "5.6":  P(6.0,   0.0,  1.5,  0.4,   0.0,  -2.0),   # sanction rate
    "P1.1": P(4.5,  -0.05, 1.0,  0.3,   0.0,   1.0),   # months unemployed, obviously education-ready
    "P1.2": P(14.0, -0.1,  2.5,  0.8,   0.0,   2.0),   # months unemployed, education-ready
    "P1.3": P(9.0,   0.1,  2.5,  0.8),                 # activity-ready who become education-ready
    "P2.1": P(38.0,  0.3,  7.0,  2.0),                 # combined cross-cutting offer
    "P2.2": P(21.0,  0.2,  4.0,  1.5,   0.0,  -4.0),   # offer leads to job or education
    "P3.1": P(27.0,  0.3,  6.0,  2.0,   0.0,  -6.0),   # early effort for the newly unemployed
    "P3.2": P(1.1,  -0.05, 0.35, 0.05,  0.0,   0.4),   # long-term unemployed, % of labour force
    "P4.1": P(22.0,  0.3,  5.0,  1.2),                 # cooperation rate with companies (2015)
    "P5.1": P(68.0,  0.2,  5.0,  1.5,   0.0,  -3.0),   # kept in job after sickness benefit
}
# fmt: on
# An indicator added to the catalogue later still gets figures, from a profile by unit.
FALLBACK: dict[Unit, Profile] = {
    Unit.PERCENT: P(50.0, 0.0, 6.0, 1.5),
    Unit.PERCENT_CHANGE: P(0.0, 0.0, 1.5, 0.8),
    Unit.COUNT: P(5.0, 0.0, 1.0, 0.3),
    Unit.NUMBER: P(5.0, 0.0, 1.0, 0.3),
    Unit.MONTHS: P(6.0, 0.0, 1.5, 0.4),
    Unit.WEEKS: P(20.0, 0.0, 4.0, 1.0),
}

# Monthly: register figures that Jobindsats/STAR publish every month (unemployment rates,
# benefit shares, offers, meetings, the O2 rolling 12-month change). Every other id is
# yearly: education (4.1, 4.3), disability pensions (3.3 "over years"), company cooperation
# (1.6), case durations and sanctions (5.5, 5.6) and the 2015 plan (P…), followed yearly.
# fmt: off
MONTHLY = frozenset({
    "O1", "O2", "1.1", "1.2", "1.3", "1.4", "1.5a", "1.5b",
    "2.1", "2.2", "2.3", "2.4", "2.5", "2.6", "3.1", "3.2", "4.2", "4.4",
    "5.1", "5.2", "5.3", "5.4",
})
# fmt: on

# How much of the COVID-19 bump applies in each month of 2020 and 2021 (1 = the height,
# April–May 2020); zero before March 2020 and from September 2021.
COVID_SHAPE = {
    2020: (0, 0, 0.5, 1, 1, 0.9, 0.8, 0.7, 0.65, 0.6, 0.6, 0.6),
    2021: (0.55, 0.55, 0.45, 0.35, 0.25, 0.15, 0.1, 0.05, 0, 0, 0, 0),
}

# ── Breakdown cells ─────────────────────────────────────────────────────────────────────
# Per dimension: (value, share of the population, factor on the total). Factors are
# rescaled below so that the cells' weighted mean is the total.
DIMENSION_CELLS: dict[Dimension, tuple[tuple[str, float, float], ...]] = {
    Dimension.AGE: (("16-24", 0.15, 0.85), ("25-29", 0.12, 1.55), ("30-49", 0.43, 0.95), ("50+", 0.30, 0.90)),
    Dimension.GENDER: (("men", 0.5, 1.04), ("women", 0.5, 0.96)),
    Dimension.TARGET_GROUP: (
        ("dagpenge", 0.40, 0.90),
        ("kontanthjaelp", 0.25, 1.25),
        ("uddannelseshjaelp", 0.10, 1.10),
        ("sygedagpenge", 0.25, 0.90),
    ),
    Dimension.COMPANY_LOCATION: (("inside", 0.6, 1.2), ("outside", 0.4, 0.7)),
}
# Origin is special: its factors differ per municipality (so that some municipalities reach
# parity and most do not), and parity needs the pooled cell `danish+western`.
ORIGIN_SHARES = {"danish": 0.84, "western": 0.06, "non_western": 0.10}
ORIGIN_GAP = (0.25, 0.2)  # mean, sd of how much worse non-Western origin fares (relative)
CELL_NOISE = 0.04  # relative noise of a breakdown cell around its expected value

SMALL_POPULATION = 20_000  # below this, a municipality's breakdown cells may be suppressed
SUPPRESSION_RATE = 0.01  # share of a small municipality's breakdown cells that are suppressed
# Rough populations of the largest cities and the smallest islands, so that counts and
# suppression land where a reader expects them; every other municipality gets a drawn size.
# fmt: off
KNOWN_POPULATIONS = {
    "101": 650_000, "751": 360_000, "851": 220_000, "461": 205_000,  # København, Aarhus, Aalborg, Odense
    "630": 120_000, "561": 115_000, "147": 105_000, "730": 99_000,   # Vejle, Esbjerg, Frederiksberg, Randers
    "791": 97_000, "740": 96_000, "621": 94_000, "615": 91_000,      # Viborg, Silkeborg, Kolding, Horsens
    "657": 90_000, "265": 90_000, "370": 83_000,                     # Herning, Roskilde, Næstved
    "825": 1_800, "563": 3_400, "741": 3_700, "492": 6_100,          # Læsø, Fanø, Samsø, Ærø
}
# fmt: on


def _normalised(cells: tuple[tuple[str, float, float], ...]) -> dict[str, float]:
    mean = sum(share * factor for _, share, factor in cells) / sum(share for _, share, _ in cells)
    return {value: factor / mean for value, _, factor in cells}


FACTORS: dict[Dimension, dict[str, float]] = {d: _normalised(c) for d, c in DIMENSION_CELLS.items()}


@attrs.frozen
class Cell:
    """One breakdown cell of an indicator and how its value is made.

    `factor` is the static factor of the non-origin dimension; `origin` the origin value
    whose factor is the municipality's own; `pooled` the indexes of the danish and western
    cells that a `danish+western` cell is the population-weighted mean of.
    """

    breakdown: tuple[tuple[str, str], ...]
    factor: float = 1.0
    origin: str | None = None
    pooled: tuple[int, int] | None = None


def cells_of(indicator: Indicator) -> list[Cell]:
    """The total (first) and the breakdown cells: each declared dimension on its own and,
    for a parity indicator also split by target group (5.4), origin × target group."""
    cells = [Cell(())]
    dims = indicator.breakdowns
    parity = target_facts(indicator.target).kind == "parity"
    for dimension in dims:
        if dimension is Dimension.ORIGIN:
            _add_origin(cells, parity)
        else:
            cells += [Cell(((dimension.value, v),), f) for v, f in FACTORS[dimension].items()]
    if parity and Dimension.ORIGIN in dims and Dimension.TARGET_GROUP in dims:
        for group, factor in FACTORS[Dimension.TARGET_GROUP].items():
            _add_origin(cells, parity, ("target_group", group), factor)
    return cells


def _add_origin(
    cells: list[Cell], pooled: bool, other: tuple[str, str] | None = None, factor: float = 1.0
) -> None:
    extra = (other,) if other else ()
    first = len(cells)
    for origin in ORIGIN_SHARES:
        cells.append(Cell(tuple(sorted((("origin", origin), *extra))), factor, origin=origin))
    if pooled:  # the reference group of parity, read from one cell
        name = group_key(("danish", "western"))
        cells.append(Cell(tuple(sorted((("origin", name), *extra))), pooled=(first, first + 1)))


# ── Randomness ──────────────────────────────────────────────────────────────────────────
def rng(seed: int, *parts: object) -> random.Random:
    """A generator for one purpose, seeded from a digest of its name: stable across runs
    and Python versions (unlike `hash()`), and independent of every other purpose."""
    digest = hashlib.blake2b(repr((seed, *parts)).encode(), digest_size=8).digest()
    return random.Random(int.from_bytes(digest, "big"))


@attrs.frozen
class Municipality:
    code: str
    population: int
    hardship: float  # shared across indicators: a weak labour market is weak on most figures

    @property
    def small(self) -> bool:
        return self.population < SMALL_POPULATION


def _municipality(seed: int, code: str) -> Municipality:
    r = rng(seed, "municipality", code)
    drawn = int(min(80_000, max(10_000, math.exp(r.gauss(math.log(40_000), 0.5)))))
    population = KNOWN_POPULATIONS.get(code, drawn)
    return Municipality(code, population, r.gauss(0, 1))


# ── Periods ─────────────────────────────────────────────────────────────────────────────
@attrs.frozen
class PeriodSpec:
    label: str
    national: float  # the national level in this period
    published: datetime.date


def periods_of(profile: Profile, monthly: bool, year: int) -> list[PeriodSpec]:
    """The periods of one year, each with its national level and publication date (the
    15th of the month after the period ends)."""
    if not monthly:
        covid = sum(COVID_SHAPE.get(year, (0,) * 12)) / 12
        national = profile.level + profile.trend * (year - ANCHOR_YEAR) + profile.covid * covid
        return [PeriodSpec(str(year), national, datetime.date(year + 1, 1, 15))]
    specs = []
    for month in range(1, 13):
        t = year + (month - 1) / 12 - ANCHOR_YEAR
        covid = COVID_SHAPE.get(year, (0,) * 12)[month - 1]
        season = math.cos(2 * math.pi * (month - 1) / 12)  # winter high, summer low
        national = profile.level + profile.trend * t + profile.covid * covid + profile.season * season
        published = datetime.date(year + month // 12, month % 12 + 1, 15)
        specs.append(PeriodSpec(f"{year}-{month:02d}", national, published))
    return specs


# ── Values ──────────────────────────────────────────────────────────────────────────────
def _bounded(unit: Unit, x: float) -> float:
    """Keep a value possible for its unit, rounded as published: shares within 0–100
    (never exactly 0 or 100), counts whole, changes of either sign, others positive."""
    if unit is Unit.PERCENT:
        return round(min(99.9, max(0.1, x)), 1)
    if unit is Unit.COUNT:
        return float(max(0, round(x)))
    if unit is Unit.PERCENT_CHANGE:
        return round(x, 1)
    return round(max(0.1, x), 1)


def _origin_factors(r: random.Random, worse: int) -> dict[str, float]:
    """Factors per origin for one municipality: non-Western origin fares worse by a gap of
    its own (sometimes none, so parity is sometimes reached), Western a third of that, and
    Danish what keeps the population-weighted mean at 1."""
    gap = min(0.8, max(-0.3, r.gauss(*ORIGIN_GAP)))
    non_western, western = 1 + worse * gap, 1 + worse * gap / 3
    danish = (
        1 - ORIGIN_SHARES["western"] * western - ORIGIN_SHARES["non_western"] * non_western
    ) / ORIGIN_SHARES["danish"]
    return {"danish": danish, "western": western, "non_western": non_western}


def _cell_values(
    cells: list[Cell], total: float, origin: dict[str, float], r: random.Random, unit: Unit
) -> list[float]:
    raw = [total]
    for cell in cells[1:]:
        if cell.pooled:
            d, w = raw[cell.pooled[0]], raw[cell.pooled[1]]
            shares = ORIGIN_SHARES["danish"], ORIGIN_SHARES["western"]
            raw.append((shares[0] * d + shares[1] * w) / (shares[0] + shares[1]))
        else:
            f = cell.factor * (origin[cell.origin] if cell.origin else 1.0)
            raw.append(total * f * (1 + r.gauss(0, CELL_NOISE)))
    return [_bounded(unit, x) for x in raw]


def _decimal(unit: Unit, x: float) -> Decimal:
    return Decimal(int(x)) if unit is Unit.COUNT else Decimal(f"{x:.1f}")


# ── The generator ───────────────────────────────────────────────────────────────────────
def newest_indicators(strategies: Iterable[Strategy]) -> list[Indicator]:
    """Every indicator id of every revision, once, in its newest definition (revisions
    ordered by the day they came into force)."""
    revisions = [r for s in strategies for r in s.revisions]
    revisions.sort(key=lambda r: r.in_force_from or datetime.date.min)
    newest: dict[str, Indicator] = {}
    for revision in revisions:
        for indicator in revision.indicators:
            newest[indicator.id] = indicator  # first-seen order, newest definition
    return list(newest.values())


def _select(
    areas: Iterable[Area] | None, strategies: Iterable[Strategy] | None, indicators: Iterable[str] | None
):
    chosen = tuple(shipped_areas() if areas is None else areas)
    found = newest_indicators(shipped_strategies() if strategies is None else strategies)
    if indicators is not None:
        wanted = set(indicators)
        found = [i for i in found if i.id in wanted]
    return chosen, found


def _aggregates(areas: tuple[Area, ...]) -> list[tuple[str, list[str]]]:
    """Each non-municipality area with the given municipalities it is the mean of."""
    municipalities = [a.code for a in areas if a.kind is AreaKind.MUNICIPALITY]
    region_of = {a.code: a.region for a in areas if a.kind is AreaKind.MUNICIPALITY}
    result = []
    for area in areas:
        if area.kind is AreaKind.COUNTRY:
            members = municipalities
        elif area.kind is AreaKind.REGION:
            members = [m for m in municipalities if region_of[m] == area.code]
        elif area.kind is AreaKind.CLUSTER:
            members = [m for m in area.members if m in region_of]
        else:
            continue
        if members:
            result.append((area.code, members))
    return result


def generate(
    seed: int = 2022,
    first_year: int = 2010,
    last_year: int = 2025,
    areas: Iterable[Area] | None = None,
    strategies: Iterable[Strategy] | None = None,
    *,
    indicators: Iterable[str] | None = None,
) -> Iterator[Observation]:
    """Synthetic observations, ordered by indicator, year, area (municipalities first),
    period and cell. `areas` defaults to the shipped 98 municipalities, 5 regions and DK;
    a region, the country or a cluster is the mean (for a count, the sum) of those of its
    municipalities given, suppressed cells included as a statistics office would.
    `indicators` limits the output to some ids (for benchmarks and tests)."""
    chosen, found = _select(areas, strategies, indicators)
    municipalities = [_municipality(seed, a.code) for a in chosen if a.kind is AreaKind.MUNICIPALITY]
    aggregates = _aggregates(chosen)
    for indicator in found:
        yield from _indicator_rows(seed, indicator, municipalities, aggregates, first_year, last_year)


def _indicator_rows(
    seed, indicator: Indicator, municipalities, aggregates, first_year, last_year
) -> Iterator[Observation]:
    unit, iid = indicator.unit, indicator.id
    profile = PROFILES.get(iid) or FALLBACK[unit]
    cells = cells_of(indicator)
    worse = 1 if indicator.direction is Direction.BETTER_DOWN else -1
    per_capita = unit is Unit.COUNT  # a count's profile is per 1,000 inhabitants
    traits = {}
    for m in municipalities:  # stable over time: drawn once per indicator and municipality
        r = rng(seed, "offset", iid, m.code)
        z = min(2.5, max(-2.5, 0.6 * worse * m.hardship + 0.8 * r.gauss(0, 1)))
        traits[m.code] = (profile.spread * z, _origin_factors(r, worse))
    for year in range(first_year, last_year + 1):
        periods = periods_of(profile, iid in MONTHLY, year)
        grid: dict[str, list[list[float]]] = {}
        for m in municipalities:
            offset, origin = traits[m.code]
            r = rng(seed, "noise", iid, m.code, year)
            scale = m.population / 1000 if per_capita else 1.0
            grid[m.code] = [
                _cell_values(
                    cells, (p.national + offset + r.gauss(0, profile.noise)) * scale, origin, r, unit
                )
                for p in periods
            ]
            hidden = _suppressed(seed, iid, m, year, len(periods), len(cells))
            yield from _rows(iid, unit, m.code, periods, cells, grid[m.code], hidden)
        for code, members in aggregates:
            values = [
                [_bounded(unit, _combine(unit, [grid[m][p][c] for m in members])) for c in range(len(cells))]
                for p in range(len(periods))
            ]
            yield from _rows(iid, unit, code, periods, cells, values, frozenset())


def _combine(unit: Unit, values: list[float]) -> float:
    return sum(values) if unit is Unit.COUNT else sum(values) / len(values)


def _suppressed(seed: int, iid: str, m: Municipality, year: int, n_periods: int, n_cells: int) -> frozenset:
    """(period, cell) positions of a small municipality's breakdown cells that are
    suppressed (*diskretioneret*); totals are never suppressed."""
    if not m.small or n_cells == 1:
        return frozenset()
    r = rng(seed, "suppress", iid, m.code, year)
    return frozenset(
        (p, c) for p in range(n_periods) for c in range(1, n_cells) if r.random() < SUPPRESSION_RATE
    )


def _rows(iid, unit, code, periods, cells, values, hidden) -> Iterator[Observation]:
    unit_value = unit.value
    for p, period in enumerate(periods):
        row = values[p]
        for c, cell in enumerate(cells):
            yield Observation(
                indicator=iid,
                area=code,
                period=period.label,
                value=None if (p, c) in hidden else _decimal(unit, row[c]),
                breakdown=cell.breakdown,
                published=period.published,
                source=SOURCE,
                unit=unit_value,
            )


def count(
    first_year: int = 2010,
    last_year: int = 2025,
    areas: Iterable[Area] | None = None,
    strategies: Iterable[Strategy] | None = None,
    *,
    indicators: Iterable[str] | None = None,
) -> int:
    """The exact number of rows `generate` yields for these arguments, without making them
    (suppressed cells are rows too; the seed does not change the count)."""
    chosen, found = _select(areas, strategies, indicators)
    n_areas = sum(a.kind is AreaKind.MUNICIPALITY for a in chosen) + len(_aggregates(chosen))
    years = max(0, last_year - first_year + 1)
    return sum(len(cells_of(i)) * (12 if i.id in MONTHLY else 1) for i in found) * years * n_areas


def main(argv: list[str] | None = None) -> None:
    """Benchmark: generate the range, print rows and rows/s."""
    import argparse

    parser = argparse.ArgumentParser(description="Generate the synthetic demo dataset and time it.")
    parser.add_argument("--seed", type=int, default=2022)
    parser.add_argument("--first-year", type=int, default=2010)
    parser.add_argument("--last-year", type=int, default=2025)
    args = parser.parse_args(argv)
    start = time.perf_counter()
    rows = suppressed = 0
    for observation in generate(args.seed, args.first_year, args.last_year):
        rows += 1
        suppressed += observation.value is None
    seconds = time.perf_counter() - start
    expected = count(args.first_year, args.last_year)
    print(
        f"{args.first_year}–{args.last_year}: {rows:,} rows ({suppressed:,} suppressed; "
        f"count() says {expected:,}) in {seconds:.1f} s = {rows / seconds:,.0f} rows/s"
    )


if __name__ == "__main__":
    main()
