"""Hypothesis strategies for kpi_core values, valid by construction.

Public, for library users who property-test their own logic (needs `hypothesis`, the
`testing` extra). Example::

    from hypothesis import given
    from kpi_core import testing

    @given(testing.strategies_with_history())
    def test_every_revision_has_key_figures(strategy):
        for revision in strategy.revisions:
            assert all(revision.indicator(f.key_figure) for f in revision.focus_areas)
"""

import datetime
import functools
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

import attrs
from hypothesis import strategies as st

from kpi_core.areas import COUNTRY_CODE, Area, AreaDirectory, AreaKind
from kpi_core.comparisons import Cell, own_cell, with_cell
from kpi_core.indicators import MAX_DECIMALS, Direction, Indicator, Unit, implied_direction
from kpi_core.observations import Observation, group_key
from kpi_core.periods import Frequency, a_year_earlier
from kpi_core.references import Cluster, Country, Dimension, OwnRegion, PopulationGroup
from kpi_core.rollup import Rollup
from kpi_core.sources import Remark, RemarkKind, RemarkTopic, SourceDocument, SourceRef
from kpi_core.strategy import FocusArea, Goal, LineageKind, LineageNote, Revision, RevisionStatus, Strategy
from kpi_core.targets import (
    AtOrAbove,
    AtOrBelow,
    Bound,
    ExternalTarget,
    FollowCluster,
    MaxDuration,
    MonitorOnly,
    Parity,
    PeriodValue,
    RankWithin,
    StrictlyBelow,
    TargetRule,
    Threshold,
)
from kpi_core.text import Text

DOC = "doc"  # the one source document every generated revision cites

_word = st.text(alphabet="abcæøå", min_size=1, max_size=6)
decimals = st.decimals(min_value=-1000, max_value=1000, places=2, allow_nan=False, allow_infinity=False)
shares = st.decimals(min_value=0, max_value=100, places=1, allow_nan=False, allow_infinity=False)


@functools.cache
def texts() -> st.SearchStrategy[Text]:
    return st.builds(Text, da=_word, en=_word)


@functools.cache
def source_refs() -> st.SearchStrategy[SourceRef]:
    return st.builds(SourceRef, doc=st.just(DOC), at=_word)


def population_groups(dimension: Dimension | None = None) -> st.SearchStrategy[PopulationGroup]:
    dims = st.just(dimension) if dimension else st.sampled_from(Dimension)
    return st.builds(
        PopulationGroup,
        dimension=dims,
        values=st.lists(_word, min_size=1, max_size=2, unique=True).map(tuple),
        label=st.none() | texts(),
    )


@functools.cache
def comparison_sets() -> st.SearchStrategy:
    return st.one_of(
        st.builds(Country), st.builds(OwnRegion), st.builds(Cluster, code=st.none() | st.just("K1"))
    )


@functools.cache
def references() -> st.SearchStrategy:
    return st.one_of(comparison_sets(), population_groups())


def _parity() -> st.SearchStrategy[Parity]:
    return st.sampled_from(Dimension).flatmap(
        lambda d: st.builds(
            Parity,
            focus=population_groups(d),
            reference=population_groups(d),
            tolerance=st.decimals(min_value=0, max_value=10, places=1, allow_nan=False),
        )
    )


@functools.cache
def periods() -> st.SearchStrategy[str]:
    """Canonical period strings: `2022`, `2022Q3`, `2022-09`."""
    years = st.integers(min_value=2000, max_value=2039)
    return st.one_of(
        years.map(str),
        st.tuples(years, st.integers(1, 4)).map(lambda t: f"{t[0]}Q{t[1]}"),
        st.tuples(years, st.integers(1, 12)).map(lambda t: f"{t[0]}-{t[1]:02d}"),
    )


@functools.cache
def target_rules() -> st.SearchStrategy:
    """Every target shape, each with valid parameters."""
    return st.one_of(
        st.builds(AtOrAbove, reference=references()),
        st.builds(AtOrBelow, reference=references()),
        st.builds(StrictlyBelow, reference=references()),
        st.builds(RankWithin, best=st.integers(1, 98), among=comparison_sets()),
        st.builds(Threshold, bound=st.sampled_from(Bound), value=shares),
        _parity(),
        st.builds(
            ExternalTarget,
            label=texts(),
            values=st.lists(st.builds(PeriodValue, period=periods(), value=shares), max_size=3).map(tuple),
        ),
        st.builds(MaxDuration, value=st.decimals(min_value=0, max_value=60, places=0, allow_nan=False)),
        st.builds(FollowCluster, cluster=st.builds(Cluster, code=st.none() | st.just("K1"))),
        st.builds(MonitorOnly),
    )


@functools.cache
def remarks() -> st.SearchStrategy[Remark]:
    return st.builds(Remark, kind=st.sampled_from(RemarkKind), text=texts(), source=st.none() | source_refs())


def indicators(indicator_id: st.SearchStrategy[str] | None = None) -> st.SearchStrategy[Indicator]:
    if indicator_id is None:
        return _indicators()
    return st.tuples(_indicators(), indicator_id).map(lambda t: attrs.evolve(t[0], id=t[1]))


@functools.cache
def _indicators() -> st.SearchStrategy[Indicator]:
    return target_rules().flatmap(_indicator_with)


def _indicator_with(target: TargetRule) -> st.SearchStrategy[Indicator]:
    implied = implied_direction(target)
    monitor = isinstance(target, MonitorOnly)
    if implied:
        directions: st.SearchStrategy[Direction] = st.just(implied)
    elif monitor:  # no target: no direction, or one the catalogue chose and explains
        directions = st.sampled_from(Direction)
    else:  # rank, parity, follow the cluster: either way, but a way
        directions = st.sampled_from([Direction.BETTER_UP, Direction.BETTER_DOWN])
    return directions.flatmap(
        lambda direction: st.builds(
            Indicator,
            id=st.from_regex(r"[1-5]\.[1-9][ab]?", fullmatch=True),
            name=texts(),
            unit=st.sampled_from(Unit),
            direction=st.just(direction),
            target=st.just(target),
            source=source_refs(),
            description=st.none() | texts(),
            breakdowns=st.lists(st.sampled_from(Dimension), unique=True, max_size=3).map(tuple),
            data_source=st.none() | st.just("Jobindsats"),
            remarks=st.lists(remarks(), max_size=1).map(
                lambda rs: (*rs, *_direction_remark(monitor, direction))
            ),
            frequency=st.none() | st.sampled_from(Frequency),
            decimals=st.none() | st.integers(0, MAX_DECIMALS),
        )
    )


def _direction_remark(monitor: bool, direction: Direction) -> tuple[Remark, ...]:
    """The remark a monitor-only indicator needs for a better/worse direction."""
    if not monitor or direction is Direction.NONE:
        return ()
    why = Text("Retningen er antaget (syntetisk).", "The direction is assumed (synthetic).")
    return (Remark(RemarkKind.ASSUMPTION, why, about=RemarkTopic.DIRECTION),)


def area_directories(municipalities: int = 6, regions: int = 2) -> st.SearchStrategy[AreaDirectory]:
    """A small synthetic country: `regions` regions sharing `municipalities` municipalities."""

    def build(assignment: list[int]) -> AreaDirectory:
        areas = [Area(COUNTRY_CODE, "Land (syntetisk)", AreaKind.COUNTRY)]
        areas += [Area(f"R{r}", f"Region {r} (syntetisk)", AreaKind.REGION) for r in range(regions)]
        areas += [
            Area(f"{100 + m}", f"Kommune {m} (syntetisk)", AreaKind.MUNICIPALITY, region=f"R{r}")
            for m, r in enumerate(assignment)
        ]
        return AreaDirectory.of(areas)

    return st.lists(st.integers(0, regions - 1), min_size=municipalities, max_size=municipalities).map(build)


@st.composite
def partial_comparison_sets(
    draw: st.DrawFn,
    indicator: str,
    members: Sequence[str],
    periods: Sequence[str],
    area: str | None = None,
    values: st.SearchStrategy[Decimal] | None = None,
    max_missing: int | None = None,
) -> list[Observation]:
    """Observations of `indicator` for a comparison set with holes, as published tables
    have them: in each period some members (at most `max_missing`, default any number)
    have a suppressed cell (None) or no row at all, the rest a value. `area` (a member)
    always has a value in the first of `periods`, the one judged.

    With `completions(...)` a test states the law of rank targets: a status decided on
    the partial set is the status of every completion of its missing values."""
    value = values if values is not None else shares
    rows = []
    for period in periods:
        candidates = [m for m in members if (m, period) != (area, periods[0])]
        limit = len(candidates) if max_missing is None else min(max_missing, len(candidates))
        holes = draw(st.lists(st.sampled_from(candidates), unique=True, max_size=limit)) if candidates else []
        for member in members:
            if member not in holes:
                rows.append(Observation(indicator, member, period, draw(value), source="synthetic"))
            elif draw(st.booleans()):  # suppressed; else absent
                rows.append(Observation(indicator, member, period, None, source="synthetic"))
    return rows


@st.composite
def completions(
    draw: st.DrawFn,
    observations: Sequence[Observation],
    members: Sequence[str],
    periods: Sequence[str],
    values: st.SearchStrategy[Decimal] | None = None,
) -> list[Observation]:
    """`observations` (totals of one indicator) with a value for every member in every
    period: the known values kept, each missing one (suppressed or absent) drawn."""
    value = values if values is not None else shares
    indicator = observations[0].indicator if observations else "synthetic"
    known = {(o.area, o.period): o.value for o in observations if o.value is not None and not o.breakdown}
    return [
        Observation(
            indicator,
            member,
            period,
            known[(member, period)] if (member, period) in known else draw(value),
            source="synthetic",
        )
        for period in periods
        for member in members
    ]


def observation_series(
    indicator: str,
    area: str,
    period_strategy: st.SearchStrategy[str] | None = None,
    values: st.SearchStrategy | None = None,
    max_size: int = 8,
    suppressed: bool = True,
) -> st.SearchStrategy[list[Observation]]:
    """Observations of one indicator for one area, one per period (unique periods);
    with `suppressed`, some cells have no value (None), as published tables do."""
    value = values if values is not None else shares
    cell = st.one_of(value, st.none()) if suppressed else value
    return st.lists(
        st.tuples(period_strategy if period_strategy is not None else periods(), cell),
        max_size=max_size,
        unique_by=lambda t: t[0],
    ).map(lambda rows: [Observation(indicator, area, p, v, source="synthetic") for p, v in rows])


@st.composite
def revisions(draw: st.DrawFn, version: str = "1", ids: list[str] | None = None) -> Revision:
    """A valid revision with up to five focus areas; `ids` fixes its indicator ids."""
    if ids is None:
        ids = draw(
            st.lists(st.from_regex(r"[1-9]\.[1-9][ab]?", fullmatch=True), min_size=1, max_size=8, unique=True)
        )
    chunks = _split(ids, draw(st.integers(1, min(5, len(ids)))))
    focus_areas = []
    for number, chunk in enumerate(chunks, start=1):
        members = tuple(attrs.evolve(draw(_indicators()), id=i) for i in chunk)
        focus_areas.append(
            FocusArea(
                id=f"F{number}",
                number=number,
                name=draw(texts()),
                goal=Goal(id=f"M{number}", statement=draw(texts()), source=draw(source_refs())),
                key_figure=draw(st.sampled_from(chunk)),
                indicators=members,
                source=draw(source_refs()),
            )
        )
    start = draw(st.dates(datetime.date(2000, 1, 1), datetime.date(2030, 12, 31)))
    return Revision(
        version=version,
        status=draw(st.sampled_from(RevisionStatus)),
        title=draw(texts()),
        sources=(SourceDocument(id=DOC, file="doc.txt", title="Generated document (synthetic)"),),
        source=draw(source_refs()),
        focus_areas=tuple(focus_areas),
        in_force_from=start,
        remarks=tuple(draw(st.lists(remarks(), max_size=1))),
    )


def _split(items: list[str], parts: int) -> list[list[str]]:
    size, extra = divmod(len(items), parts)
    out, start = [], 0
    for n in range(parts):
        end = start + size + (1 if n < extra else 0)
        out.append(items[start:end])
        start = end
    return out


@st.composite
def strategies_with_history(draw: st.DrawFn, max_revisions: int = 3) -> Strategy:
    """A strategy whose revisions add, drop, replace and re-scope indicators, each later
    revision carrying lineage notes that agree with what actually changed."""
    count = draw(st.integers(1, max_revisions))
    pool = [f"{a}.{b}" for a in range(1, 6) for b in range(1, 10)]
    ids = draw(st.lists(st.sampled_from(pool), min_size=1, max_size=5, unique=True))
    first = draw(revisions("1", ids))
    chain = [first]
    for n in range(2, count + 1):
        previous = chain[-1]
        before = [i.id for i in previous.indicators]
        unused = [p for p in pool if p not in before and all(r.indicator(p) is None for r in chain)]
        fate = {i: draw(st.sampled_from(["keep", "drop", "replace", "rescope"])) for i in before}
        if all(f in ("drop", "replace") for f in fate.values()):
            fate[before[0]] = "keep"
        notes, after_ids, changed = [], [], {}
        for old, what in fate.items():
            if what == "replace" and unused:
                new = unused.pop(0)
                after_ids.append(new)
                notes.append(
                    LineageNote(old, LineageKind.REPLACED, draw(texts()), draw(source_refs()), successor=new)
                )
            elif what in ("drop", "replace"):
                notes.append(LineageNote(old, LineageKind.REMOVED, draw(texts()), draw(source_refs())))
            else:
                after_ids.append(old)
                changed[old] = what == "rescope"
        added = draw(st.lists(st.sampled_from(unused), unique=True, max_size=2)) if unused else []
        after_ids += added
        notes += [LineageNote(a, LineageKind.ADDED, draw(texts()), draw(source_refs())) for a in added]
        revision = draw(revisions(str(n), after_ids))
        # Kept indicators keep their definition unless re-scoped (then the unit differs).
        kept = {}
        for i in previous.indicators:
            if i.id in changed:
                if changed[i.id]:
                    other = next(u for u in Unit if u is not i.unit)
                    kept[i.id] = i.__class__(**{**_fields(i), "unit": other})
                    notes.append(LineageNote(i.id, LineageKind.RESCOPED, draw(texts()), draw(source_refs())))
                else:
                    kept[i.id] = i
        focus_areas = tuple(
            f.__class__(**{**_fields(f), "indicators": tuple(kept.get(i.id, i) for i in f.indicators)})
            for f in revision.focus_areas
        )
        # `revisions()` and this chain date every revision they make.
        assert previous.in_force_from is not None and revision.in_force_from is not None
        start = max(previous.in_force_from, revision.in_force_from) + datetime.timedelta(days=1)
        chain.append(
            revision.__class__(
                **{
                    **_fields(revision),
                    "focus_areas": focus_areas,
                    "lineage": tuple(notes),
                    "in_force_from": start,
                }
            )
        )
    return Strategy(
        id="synthetic-strategy",
        name=Text("Syntetisk strategi", "Synthetic strategy"),
        owner="151",
        revisions=tuple(chain),
    )


def _fields(value: attrs.AttrsInstance) -> dict[str, Any]:
    return {a.name: getattr(value, a.name) for a in attrs.fields(type(value)) if a.init}


# ── Group-only data: an indicator judged per group, figures per group and no total ─────
GROUP_NAMES = ("dagpenge", "kontanthjaelp", "uddannelseshjaelp", "sygedagpenge")


@attrs.frozen
class GroupOnlyCase:
    """Figures of one indicator judged per group (`Indicator.rollup`) for one area in one
    period and a year earlier, with no total, as `group_only_cases` draws them.

    `missing` are the (period, cell) whose value the figures lack (suppressed or absent).
    """

    indicator: Indicator
    area: str
    period: str
    observations: tuple[Observation, ...]
    missing: tuple[tuple[str, Cell], ...]


def _group_rules() -> st.SearchStrategy[TargetRule]:
    origin = Dimension.ORIGIN
    parity = st.builds(
        Parity,
        focus=st.just(PopulationGroup(origin, ("non_western",))),
        reference=st.just(PopulationGroup(origin, ("danish", "western"))),
        tolerance=st.decimals(min_value=0, max_value=2, places=1, allow_nan=False),
    )
    return st.one_of(parity, st.builds(Threshold, bound=st.sampled_from(Bound), value=shares))


@st.composite
def group_only_cases(
    draw: st.DrawFn,
    per: Dimension = Dimension.TARGET_GROUP,
    max_groups: int = 4,
    earlier_complete: bool = False,
) -> GroupOnlyCase:
    """An indicator judged per `per` (parity by origin within each group, or a threshold)
    and its figures for area 151 in 2022 and 2021: per group, a value, a suppressed one
    (None) or none at all, and no total. The groups are named in the catalogue
    (`Rollup.groups`) or only found in the figures; every group found only in the figures
    has at least one row. With `earlier_complete`, 2021 has every value."""
    rule = draw(_group_rules())
    implied = implied_direction(rule)
    breakdowns = (Dimension.ORIGIN, per) if isinstance(rule, Parity) else (per,)
    groups = draw(st.lists(st.sampled_from(GROUP_NAMES), min_size=1, max_size=max_groups, unique=True))
    named = draw(st.booleans())
    indicator = Indicator(
        id="G1",
        name=Text("Gruppeindikator (syntetisk)", "Group indicator (synthetic)"),
        unit=Unit.PERCENT,
        direction=implied if implied else draw(st.sampled_from([Direction.BETTER_UP, Direction.BETTER_DOWN])),
        target=rule,
        source=SourceRef(DOC, "syntetisk"),
        breakdowns=breakdowns,
        rollup=Rollup(per, groups=tuple(groups) if named else ()),
    )
    needed = [own_cell(rule, ((per.value, g),)) for g in groups]
    if isinstance(rule, Parity):
        reference = group_key(rule.reference.values)
        needed += [with_cell(((per.value, g),), "origin", reference) for g in groups]
    rows, missing = [], []
    for period in ("2022", a_year_earlier("2022") or "2021"):
        for cell in needed:
            kind = (
                "value"
                if earlier_complete and period != "2022"
                else draw(st.sampled_from(["value", "none", "absent"]))
            )
            if kind == "absent":
                missing.append((period, cell))
                continue
            value = draw(shares) if kind == "value" else None
            if value is None:
                missing.append((period, cell))
            rows.append(Observation("G1", "151", period, value, cell, source="synthetic"))
    if not named:  # a group the catalogue does not name is known from its rows only
        present = {dict(o.breakdown)[per.value] for o in rows}
        for g in (g for g in groups if g not in present):
            cell = needed[groups.index(g)]
            rows.append(Observation("G1", "151", "2022", None, cell, source="synthetic"))
    return GroupOnlyCase(indicator, "151", "2022", tuple(rows), tuple(missing))


def group_completions(case: GroupOnlyCase) -> st.SearchStrategy[list[Observation]]:
    """The case's figures with every missing value filled in (a later vintage of a
    suppressed cell, or the cell that was absent)."""
    by_key = {(o.period, o.breakdown): o for o in case.observations}

    def fill(values: list[Decimal]) -> list[Observation]:
        filled = dict(by_key)
        for (period, cell), value in zip(case.missing, values, strict=True):
            filled[(period, cell)] = Observation(
                case.indicator.id, case.area, period, value, cell, source="synthetic"
            )
        return list(filled.values())

    return st.lists(shares, min_size=len(case.missing), max_size=len(case.missing)).map(fill)
