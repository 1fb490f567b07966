"""Areas a rule does not apply to: NOT_APPLICABLE, with the figure shown and the reason
said, never "no data". All figures here are synthetic test values."""

from decimal import Decimal as D

import attrs
from hypothesis import given
from hypothesis import strategies as st

from kpi_core import (
    Area,
    AreaDirectory,
    AreaKind,
    AtOrAbove,
    AtOrBelow,
    Cluster,
    Country,
    OwnRegion,
    RankWithin,
    shipped_areas,
    shipped_strategies,
    testing,
)
from kpi_core.applicability import not_applicable
from kpi_core.evaluation import Status, Trend, evaluate, evaluate_revision
from kpi_core.observations import Observation as O

AREAS = shipped_areas()
R2022 = next(s for s in shipped_strategies() if s.id == "ballerup-beskaeftigelsesstrategi").revision("2022")
RANK = R2022.indicator("2.1")  # among the ten best in the municipality's region
NATIONAL = R2022.indicator("2.2")  # at or below the national level


def test_a_rank_among_municipalities_for_the_country_is_not_applicable_not_no_data():
    obs = [O("2.1", "DK", "2022-09", D("3.1")), O("2.1", "DK", "2021-09", D("3.4"))]
    e = evaluate(RANK, "DK", "2022-09", obs, AREAS)
    assert (e.status, e.value, e.reference, e.rank, e.rank_of) == (
        Status.NOT_APPLICABLE,
        D("3.1"),
        None,
        None,
        None,
    )
    assert e.trend is Trend.IMPROVING  # the figure and its trend are still shown
    assert e.explanation.da == "2.1, 2022-09: 3,1 %; gælder ikke: målet rangerer kommuner, ikke hele landet."
    assert e.explanation.en == (
        "2.1, 2022-09: 3.1 %; not applicable: the target ranks municipalities, not the whole country."
    )


def test_a_rank_for_a_region_is_not_applicable():
    e = evaluate(RANK, "1084", "2022-09", [O("2.1", "1084", "2022-09", D("2.9"))], AREAS)
    assert e.status is Status.NOT_APPLICABLE
    assert e.explanation.en.endswith("not applicable: the target ranks municipalities, not regions.")


def test_not_applicable_even_without_any_figure():
    report = evaluate_revision(R2022, "DK", [O("2.2", "DK", "2022", D("29"))], AREAS)
    rank = report.focus_areas[1].key_figure
    assert (rank.indicator, rank.status, rank.period) == ("2.1", Status.NOT_APPLICABLE, None)
    assert rank.explanation.da == "2.1: gælder ikke: målet rangerer kommuner, ikke hele landet."
    # 2.2 compares with the whole country, which cannot be compared with itself.
    national = next(e for e in report.focus_areas[1].indicators if e.indicator == "2.2")
    assert national.status is Status.NOT_APPLICABLE
    assert national.explanation.en == (
        "2.2, 2022: 29.0 %; not applicable: the target compares with the whole country, "
        "not the whole country with itself."
    )


def test_a_region_is_still_judged_against_the_country():
    obs = [O("2.2", "1084", "2022", D("28")), O("2.2", "DK", "2022", D("29"))]
    assert evaluate(NATIONAL, "1084", "2022", obs, AREAS).status is Status.ACHIEVED


def test_a_regional_benchmark_does_not_apply_to_the_country():
    regional = attrs.evolve(NATIONAL, target=AtOrBelow(reference=OwnRegion()))
    e = evaluate(regional, "DK", "2022", [O("2.2", "DK", "2022", D("29"))], AREAS)
    assert e.status is Status.NOT_APPLICABLE
    assert "compares municipalities with their region, not the whole country" in e.explanation.en


def test_a_municipality_outside_the_named_cluster_is_not_ranked_in_it():
    areas = AreaDirectory.of(
        [*AREAS, Area("K1", "Klynge 1", AreaKind.CLUSTER, members=("151", "153", "155"))]
    )
    in_cluster = attrs.evolve(RANK, target=RankWithin(best=1, among=Cluster(code="K1")))
    obs = [O("2.1", c, "2022", D(n)) for n, c in enumerate(["151", "153", "155", "101"])]
    assert evaluate(in_cluster, "151", "2022", obs, areas).status is Status.ACHIEVED  # 0 is the lowest
    outside = evaluate(in_cluster, "101", "2022", obs, areas)
    assert outside.status is Status.NOT_APPLICABLE
    assert outside.explanation.da.endswith(
        "gælder ikke: målet rangerer kommunerne i Klynge 1, og København er ikke en af dem."
    )


def test_an_unknown_area_is_left_to_the_rule():
    assert not_applicable(RANK.target, "999", AREAS) is None
    assert evaluate(RANK, "999", "2022", [O("2.1", "999", "2022", D(1))], AREAS).status is Status.NO_DATA


@given(testing.area_directories(), st.data())
def test_rules_that_compare_within_the_country_apply_to_every_municipality(areas, data):
    code = data.draw(st.sampled_from([a.code for a in areas.of_kind(AreaKind.MUNICIPALITY)]))
    for rule in (
        RankWithin(best=3, among=OwnRegion()),
        RankWithin(best=3, among=Country()),
        AtOrAbove(reference=Country()),
        AtOrBelow(reference=OwnRegion()),
    ):
        assert not_applicable(rule, code, areas) is None
    for other in areas.of_kind(AreaKind.REGION) + areas.of_kind(AreaKind.COUNTRY):
        assert not_applicable(RankWithin(best=3, among=Country()), other.code, areas) is not None
