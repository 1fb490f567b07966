"""The synthetic demo dataset: deterministic, complete, plausible and labelled synthetic."""

import datetime
import statistics
from collections import defaultdict
from decimal import Decimal

import pytest

from kpi_api.demo import synthetic as demo
from kpi_core import AreaKind, Status, evaluate, shipped_areas, shipped_strategies

YEAR = 2022
# Ballerup and its region, two more of the region, an island (small: its cells can be
# suppressed) with its region, and the country.
SUBSET = {"DK", "1084", "101", "147", "151", "1081", "825"}


@pytest.fixture(scope="module")
def one_year() -> list:
    """Every indicator for every area in one year (~90,000 rows, under a second)."""
    return list(demo.generate(first_year=YEAR, last_year=YEAR))


def _subset() -> list:
    return [a for a in shipped_areas() if a.code in SUBSET]


def _values(rows) -> list:
    return [(o.key(), o.value) for o in rows]


def test_the_same_seed_gives_the_same_figures_and_another_seed_others():
    first = _values(demo.generate(7, 2021, 2022, areas=_subset()))
    again = _values(demo.generate(7, 2021, 2022, areas=_subset()))
    other = _values(demo.generate(8, 2021, 2022, areas=_subset()))
    assert first == again
    assert [k for k, _ in other] == [k for k, _ in first]
    differing = sum(a != b for (_, a), (_, b) in zip(first, other, strict=True))
    assert differing > 0.8 * len(first)


def test_a_figure_does_not_depend_on_the_year_range():
    longer = [o for o in demo.generate(7, 2020, 2022, areas=_subset()) if o.period.startswith("2022")]
    assert longer == list(demo.generate(7, 2022, 2022, areas=_subset()))


def test_every_indicator_of_every_revision_and_every_area_appears(one_year):
    ids = {i.id for s in shipped_strategies() for r in s.revisions for i in r.indicators}
    assert {o.indicator for o in one_year} == ids
    assert {o.area for o in one_year} == {a.code for a in shipped_areas()}
    assert len({(o.indicator, o.area) for o in one_year}) == len(ids) * len(shipped_areas())


def test_count_is_the_number_of_rows(one_year):
    assert demo.count(YEAR, YEAR) == len(one_year)
    assert demo.count(2021, 2022, areas=_subset()) == sum(
        1 for _ in demo.generate(1, 2021, 2022, areas=_subset())
    )


def test_values_fit_their_unit(one_year):
    units = {i.id: i.unit.value for i in demo.newest_indicators(shipped_strategies())}
    assert all(o.unit == units[o.indicator] for o in one_year)
    values = [(o.unit, o.value) for o in one_year if o.value is not None]
    assert all(Decimal(0) <= v <= Decimal(100) for u, v in values if u == "percent")
    assert all(v == v.to_integral_value() for u, v in values if u == "count")
    assert all(v.as_tuple().exponent == -1 for u, v in values if u != "count")
    assert any(v < 0 for u, v in values if u == "percent_change")


def test_every_row_is_labelled_synthetic_and_published_after_its_period(one_year):
    assert all(o.source == demo.SOURCE for o in one_year)
    assert all(o.published.day == 15 for o in one_year)
    assert {o.published for o in one_year if o.period == "2022"} == {datetime.date(2023, 1, 15)}
    assert {o.published for o in one_year if o.period == "2022-09"} == {datetime.date(2022, 10, 15)}
    assert {o.published for o in one_year if o.period == "2022-12"} == {datetime.date(2023, 1, 15)}


def test_a_few_cells_of_small_municipalities_are_suppressed_never_zero(one_year):
    suppressed = [o for o in one_year if o.suppressed]
    assert suppressed, "the demo should show suppressed cells"
    assert all(o.value is None and o.breakdown for o in suppressed)
    municipalities = {a.code for a in shipped_areas().of_kind(AreaKind.MUNICIPALITY)}
    assert {o.area for o in suppressed} <= municipalities
    assert "825" in {o.area for o in suppressed} or "563" in {o.area for o in suppressed}
    small = {o.area for o in suppressed}
    cells = [o for o in one_year if o.area in small and o.breakdown]
    assert 0.003 < len(suppressed) / len(cells) < 0.03
    assert not any(o.value == 0 for o in one_year if o.breakdown)


def test_parity_indicators_have_the_danish_and_western_group_cell(one_year):
    cells = defaultdict(dict)
    for o in one_year:
        if o.indicator == "5.3":
            cells[(o.area, o.period)][o.breakdown] = o.value
    assert len(cells) == len(shipped_areas()) * 12
    for values in cells.values():
        assert set(values) == {
            (),
            *((("origin", v),) for v in ("danish", "western", "non_western", "danish+western")),
        }
    ballerup = cells[("151", "2022-09")]
    pooled, danish, western = (ballerup[(("origin", v),)] for v in ("danish+western", "danish", "western"))
    if None not in (pooled, danish, western):
        assert min(danish, western) - Decimal("0.1") <= pooled <= max(danish, western) + Decimal("0.1")


def test_5_4_is_split_by_origin_and_target_group(one_year):
    cells = {
        o.breakdown for o in one_year if o.indicator == "5.4" and o.area == "151" and o.period == "2022-09"
    }
    assert (("origin", "danish+western"), ("target_group", "kontanthjaelp")) in cells
    assert (("origin", "non_western"), ("target_group", "dagpenge")) in cells
    assert (("target_group", "sygedagpenge"),) in cells
    assert len(cells) == 1 + 4 + 4 + 4 * 4


def test_the_country_and_a_region_are_the_mean_of_their_municipalities(one_year):
    areas = shipped_areas()
    totals = {
        o.area: o.value
        for o in one_year
        if o.indicator == "2.1" and o.period == "2022-09" and not o.breakdown
    }
    municipalities = [totals[a.code] for a in areas.of_kind(AreaKind.MUNICIPALITY)]
    assert abs(totals["DK"] - statistics.mean(municipalities)) <= Decimal("0.05")
    capital = [totals[a.code] for a in areas.municipalities_in("1084")]
    assert len(capital) == 29
    assert abs(totals["1084"] - statistics.mean(capital)) <= Decimal("0.05")
    above = sum(v > totals["DK"] for v in municipalities) / len(municipalities)
    assert 0.3 < above < 0.7


def test_monthly_indicators_have_twelve_periods_a_year_and_the_others_one(one_year):
    periods = defaultdict(set)
    for o in one_year:
        if o.area == "151" and not o.breakdown:
            periods[o.indicator].add(o.period)
    for indicator, found in periods.items():
        if indicator in demo.MONTHLY:
            assert found == {f"{YEAR}-{m:02d}" for m in range(1, 13)}, indicator
        else:
            assert found == {str(YEAR)}, indicator
    assert {"O1", "2.1", "2.2", "2.3", "2.4", "2.5", "2.6", "3.2", "4.2", "1.4"} <= demo.MONTHLY
    assert not {"4.1", "4.3", "3.3", "P1.1", "P5.1"} & demo.MONTHLY


def test_unemployment_rises_with_covid():
    rows = demo.generate(first_year=2019, last_year=2020, areas=_subset(), indicators=["2.1"])
    dk = {o.period: o.value for o in rows if o.area == "DK" and not o.breakdown}
    assert dk["2020-05"] > dk["2019-05"] + Decimal("0.5")


def test_the_demo_figures_can_be_judged(one_year):
    revision = next(s for s in shipped_strategies() if s.id == "ballerup-beskaeftigelsesstrategi").revision(
        "2022"
    )
    rank = evaluate(
        revision.indicator("2.1"),
        "151",
        "2022-09",
        [o for o in one_year if o.indicator == "2.1"],
        shipped_areas(),
    )
    assert rank.status is not Status.NO_DATA
    assert rank.rank_of == 29
    parity = evaluate(
        revision.indicator("5.4"),
        "151",
        "2022-09",
        [o for o in one_year if o.indicator == "5.4"],
        shipped_areas(),
    )
    assert parity.status is not Status.NO_DATA
    assert len(parity.breakdown) == 4  # one per target group, each judged against danish+western
