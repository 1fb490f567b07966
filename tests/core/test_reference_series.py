"""`reference_series`: what a rule compares the area with, period by period, is what the
status compares with (so a chart draws the status's own reference)."""

from decimal import Decimal

from hypothesis import given, settings

from kpi_core import (
    Observation,
    RankWithin,
    Text,
    evaluate,
    reference_series,
    shipped_areas,
    shipped_strategies,
)
from tests.core.test_comparisons import AREAS, ONE_OF_EACH, indicator_with, worlds

R2022 = next(s for s in shipped_strategies() if s.id == "ballerup-beskaeftigelsesstrategi").revision("2022")
SHIPPED = shipped_areas()
CAPITAL = [m.code for m in SHIPPED.municipalities_in("1084")]


@settings(max_examples=200)
@given(worlds())
def test_where_the_status_has_a_reference_the_series_has_the_same_value(world):
    indicator, area, _, observations = world
    periods = sorted({o.period for o in observations if o.indicator == indicator.id})
    found = reference_series(indicator, area, periods, observations, AREAS)
    assert found.periods == tuple(periods)
    for period, value in zip(found.periods, found.values, strict=True):
        e = evaluate(indicator, area, period, observations, AREAS)
        if e.reference is not None:
            assert value == e.reference, (period, indicator.target)
            assert found.label == e.reference_label


def test_the_tenth_best_of_the_region_per_period_and_none_with_a_member_missing():
    indicator = R2022.indicator("2.1")  # among the ten lowest of Region Hovedstaden
    rows = [
        Observation("2.1", code, period, Decimal(n) / 10 + shift)
        for period, shift in (("2021Q4", Decimal(1)), ("2022Q4", Decimal(0)))
        for n, code in enumerate(CAPITAL)
    ]
    rows = [r for r in rows if not (r.period == "2021Q4" and r.area == CAPITAL[-1])]  # one missing
    rows.append(Observation("2.1", "151", "2022Q3", Decimal(3)))  # Ballerup alone: no set
    found = reference_series(indicator, "151", ["2021Q4", "2022Q3", "2022Q4"], rows, SHIPPED)
    assert found.label == Text("Region Hovedstaden, plads 10", "Capital Region of Denmark, rank 10")
    # 2021Q4: 28 of 29 known, so the tenth lowest of the region is not known.
    assert found.values == (None, None, Decimal("0.9"))
    assert evaluate(indicator, "151", "2022Q4", rows, SHIPPED).reference == Decimal("0.9")


def test_parity_compares_with_the_reference_group_in_words():
    indicator = R2022.indicator("5.3")
    rows = [
        Observation("5.3", "151", "2022-06", Decimal(14), breakdown=(("origin", "non_western"),)),
        Observation("5.3", "151", "2022-06", Decimal(10), breakdown=(("origin", "danish+western"),)),
    ]
    found = reference_series(indicator, "151", ["2022-05", "2022-06"], rows, SHIPPED)
    assert found.values == (None, Decimal(10))
    assert found.label.da == "Borgere med dansk og vestlig herkomst"
    assert found.label.en == "Citizens of Danish and Western origin"


def test_fixed_targets_hold_in_every_period_and_an_external_one_in_its_own():
    periods = ["2021", "2022"]
    threshold, _, external, duration = (indicator_with(ONE_OF_EACH[i]) for i in (4, 5, 6, 7))
    assert reference_series(threshold, "100", periods, [], AREAS).values == (Decimal(80), Decimal(80))
    assert reference_series(duration, "100", periods, [], AREAS).values == (Decimal(4), Decimal(4))
    assert reference_series(external, "100", ["2020", *periods], [], AREAS).values == (
        None,
        Decimal(40),
        Decimal(50),
    )


def test_a_monitored_figure_compares_with_nothing():
    found = reference_series(indicator_with(ONE_OF_EACH[-1]), "100", ["2022"], [], AREAS)
    assert (found.label, found.values) == (None, (None,))


def test_a_rank_in_a_set_smaller_than_the_rank_is_the_sets_last():
    indicator = indicator_with(RankWithin(9, ONE_OF_EACH[3].among))  # region R0 has three
    members = [m.code for m in AREAS.municipalities_in("R0")]
    rows = [Observation("9.9", code, "2022", Decimal(n)) for n, code in enumerate(members)]
    assert reference_series(indicator, members[0], ["2022"], rows, AREAS).values == (Decimal(0),)
