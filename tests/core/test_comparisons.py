"""The plan (`kpi_core.reads`) names everything an evaluation reads, for every rule."""

import typing
from decimal import Decimal

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kpi_core import (
    COUNTRY_CODE,
    Area,
    AreaDirectory,
    AreaKind,
    AtOrAbove,
    AtOrBelow,
    Bound,
    Cluster,
    Country,
    Dimension,
    Direction,
    ExternalTarget,
    FollowCluster,
    MaxDuration,
    MonitorOnly,
    Observation,
    OwnRegion,
    Parity,
    PeriodValue,
    PopulationGroup,
    RankWithin,
    StrictlyBelow,
    TargetRule,
    Text,
    Threshold,
    evaluate,
    implied_direction,
    own_cell,
    reads,
    shipped_strategies,
    target_facts,
    testing,
)
from kpi_core.comparisons import with_cell
from kpi_core.targets import TARGET_KINDS

PERIOD_KINDS = [("2020", "2021", "2022"), ("2020Q3", "2021Q3", "2022Q3"), ("2020-05", "2021-05", "2022-05")]
VALUES = [
    Decimal(30),
    Decimal(20),
    Decimal(40),
    Decimal(10),
    Decimal(50),
    None,
]  # ties and gaps; hypothesis favours the first
MUNICIPALITIES = [f"{100 + m}" for m in range(5)]
CLUSTER = "K1"  # the cluster code the rule strategies name


def _country() -> AreaDirectory:
    return AreaDirectory.of(
        [
            Area(COUNTRY_CODE, "Land", AreaKind.COUNTRY),
            Area("R0", "Region 0", AreaKind.REGION),
            Area("R1", "Region 1", AreaKind.REGION),
            Area(CLUSTER, "Klynge", AreaKind.CLUSTER, members=("100", "101", "103")),
            *(
                Area(code, f"Kommune {code}", AreaKind.MUNICIPALITY, region=f"R{n % 2}")
                for n, code in enumerate(MUNICIPALITIES)
            ),
        ]
    )


AREAS = _country()


def _cells(indicator) -> list[tuple]:
    """The cells worth generating figures for: the total and per-dimension cells, each
    also as the rule's own cell and its reference group's cell."""
    base = [()] + [((d.value, v),) for d in indicator.breakdowns for v in ("a", "b")]
    rule, cells = indicator.target, set()
    group = getattr(rule, "reference", None)
    for cell in base:
        cells |= {cell, own_cell(rule, cell)}
        if isinstance(group, PopulationGroup):
            cells.add(with_cell(cell, group.dimension.value, "+".join(sorted(group.values))))
    return sorted(cells)


BASE = shipped_strategies()[0].revisions[0].indicators[0]  # its words; rule and cells are set


def indicator_with(rule, breakdowns=()):
    # A monitor-only figure gets no direction: a better/worse one would need its reason.
    direction = implied_direction(rule) or (
        Direction.NONE if isinstance(rule, MonitorOnly) else Direction.BETTER_UP
    )
    return attrs.evolve(BASE, id="9.9", target=rule, direction=direction, breakdowns=breakdowns)


@st.composite
def worlds(draw):
    """An indicator and a figure (or a gap) for nearly every area, cell and period of one
    kind, so that a plan leaving anything out would change some judgement."""
    # Often none: a broken-down indicator reads every cell, so the cells of a plan matter less.
    breakdowns = draw(st.just(()) | st.lists(st.sampled_from(Dimension), unique=True, max_size=2))
    indicator = indicator_with(draw(testing.target_rules()), breakdowns)
    periods = draw(st.sampled_from(PERIOD_KINDS))
    grid = [(a.code, p, c) for a in AREAS for p in periods for c in _cells(indicator)]
    values = draw(st.lists(st.sampled_from(VALUES), min_size=len(grid), max_size=len(grid)))
    observations = [
        Observation(indicator.id, a, p, v, breakdown=c) for (a, p, c), v in zip(grid, values, strict=True)
    ]
    observations.append(Observation("other", draw(st.sampled_from(MUNICIPALITIES)), periods[-1], Decimal(1)))
    return indicator, draw(st.sampled_from(MUNICIPALITIES)), draw(st.sampled_from(periods)), observations


@settings(max_examples=300)  # a tenth per rule class; a world takes milliseconds
@given(worlds())
def test_evaluating_on_only_what_the_plan_names_gives_the_same_result(world):
    indicator, area, period, observations = world
    plan = reads(indicator, area, period, AREAS)
    named = [o for o in observations if plan.covers(o)]
    assert evaluate(indicator, area, period, named, AREAS) == evaluate(
        indicator, area, period, observations, AREAS
    )


RULE_CLASSES = typing.get_args(TargetRule)
ORIGIN = Dimension.ORIGIN
ONE_OF_EACH = [
    AtOrAbove(Country()),
    AtOrBelow(OwnRegion()),
    StrictlyBelow(Cluster(CLUSTER)),
    RankWithin(2, OwnRegion()),
    Threshold(Bound.MIN, Decimal(80)),
    Parity(PopulationGroup(ORIGIN, ("non_western",)), PopulationGroup(ORIGIN, ("danish", "western"))),
    ExternalTarget(
        Text("mål", "target"), (PeriodValue("2022", Decimal(50)), PeriodValue("2021", Decimal(40)))
    ),
    MaxDuration(Decimal(4)),
    FollowCluster(Cluster(CLUSTER)),
    MonitorOnly(),
]


def test_every_rule_class_has_a_kind_an_example_here_and_a_strategy():
    assert set(RULE_CLASSES) == set(TARGET_KINDS) == {type(r) for r in ONE_OF_EACH}


@pytest.mark.parametrize("rule", ONE_OF_EACH, ids=lambda r: type(r).__name__)
def test_every_rule_class_has_a_plan_and_facts(rule):
    assert "100" in reads(indicator_with(rule), "100", "2022", AREAS).areas
    assert target_facts(rule).kind == TARGET_KINDS[type(rule)]


def test_a_rule_without_a_plan_fails_loudly_rather_than_reading_nothing():
    unplanned = type("NewRule", (), {})()
    with pytest.raises(TypeError, match="no plan for the target rule NewRule"):
        reads(indicator_with(unplanned), "100", "2022", AREAS)
    with pytest.raises(TypeError, match="no facts for the target rule NewRule"):
        target_facts(unplanned)


def test_a_rank_target_reads_its_whole_set_and_says_which():
    plan = reads(indicator_with(RankWithin(2, OwnRegion())), "100", "2022-05", AREAS)
    assert plan.among == "R0"
    assert plan.areas == {"100", "102", "104"}
    assert plan.periods == {"2022-05", "2021-05"}
    assert plan.cells == {()}


def test_a_parity_target_reads_both_groups_in_the_area_only():
    plan = reads(indicator_with(ONE_OF_EACH[5]), "100", "2022", AREAS)
    assert plan.areas == {"100"}
    assert plan.cells == {(), (("origin", "non_western"),), (("origin", "danish+western"),)}


def test_following_the_cluster_reads_two_years_back():
    assert reads(indicator_with(FollowCluster(Cluster(CLUSTER))), "100", "2022", AREAS).periods == {
        "2022",
        "2021",
        "2020",
    }


def test_a_broken_down_indicator_reads_every_cell_and_year_1000_has_no_year_before():
    plan = reads(indicator_with(MonitorOnly(), (Dimension.AGE,)), "100", "1000", AREAS)
    assert plan.cells is None
    assert plan.periods == {"1000"}


def test_the_plan_covers_the_observations_it_names_in_any_spelling():
    plan = reads(indicator_with(AtOrAbove(Country())), "100", "2022Q3", AREAS)
    assert plan.covers(Observation(plan.indicator, "100", "2022q3", Decimal(1)))
    assert plan.covers(Observation(plan.indicator, COUNTRY_CODE, "2021Q3", Decimal(1)))
    assert not plan.covers(Observation(plan.indicator, "R0", "2022Q3", Decimal(1)))
    assert not plan.covers(Observation("another", "100", "2022Q3", Decimal(1)))


def test_target_facts_give_what_pages_show():
    assert target_facts(Threshold(Bound.MAX, Decimal(3))).value == Decimal(3)
    assert target_facts(MonitorOnly()).monitored_only
    external = target_facts(ONE_OF_EACH[6])
    assert [v.period for v in external.target_values] == ["2021", "2022"]  # oldest first
    assert target_facts(ONE_OF_EACH[5]).reference == ONE_OF_EACH[5].reference
