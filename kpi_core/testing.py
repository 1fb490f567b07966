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
from typing import Any

import attrs
from hypothesis import strategies as st

from kpi_core.areas import COUNTRY_CODE, Area, AreaDirectory, AreaKind
from kpi_core.indicators import Direction, Indicator, Unit, implied_direction
from kpi_core.observations import Observation
from kpi_core.periods import Frequency
from kpi_core.references import Cluster, Country, Dimension, OwnRegion, PopulationGroup
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
