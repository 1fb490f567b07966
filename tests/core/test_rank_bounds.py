"""Rank targets on a partial comparison set: hand-computed cases on 2.1 ("blandt de ti
kommuner i Region Hovedstaden med den laveste andel", lower is better), and the law that a
status decided on partial data is the status of every completion of the missing values.
All figures here are synthetic test values."""

from decimal import Decimal as D

import attrs
from hypothesis import given
from hypothesis import strategies as st

from kpi_core import AreaKind, Direction, OwnRegion, RankWithin, shipped_areas, shipped_strategies, testing
from kpi_core.evaluation import Status, evaluate
from kpi_core.observations import Observation as O
from kpi_core.rank_bounds import RankBounds, rank_bounds

AREAS = shipped_areas()
R2022 = next(s for s in shipped_strategies() if s.id == "ballerup-beskaeftigelsesstrategi").revision("2022")
RANK = R2022.indicator("2.1")
CAPITAL = [a.code for a in AREAS.municipalities_in("1084")]
OTHERS = [c for c in CAPITAL if c != "151"]  # 28


def test_the_issue_case_two_of_29_known_is_undecided_not_second_of_two():
    # Ballerup 3.0 and København 2.5: among the two, Ballerup is "nr. 2 af 2" (the bug).
    # On the whole region: 1 known better → best case 2; the 27 missing all better → 29.
    obs = [O("2.1", "151", "2022-09", D("3.0")), O("2.1", "101", "2022-09", D("2.5"))]
    e = evaluate(RANK, "151", "2022-09", obs, AREAS)
    assert e.status is Status.UNDECIDED
    assert (e.rank, e.rank_of, e.rank_best, e.rank_worst, e.rank_known) == (None, 29, 2, 29, 2)
    assert (e.reference, e.gap) == (None, None)  # the 10th best value of the region is not known
    assert e.explanation.da == (
        "2.1, 2022-09: 3,0 % (sammenlignet med: Region Hovedstaden, plads 10; værdier for 2 af 29 kommuner, "
        "så nr. 2 til 29 af 29); uafklaret: målet er nået, hvis de 27 manglende værdier alle er dårligere, "
        "og ikke nået, hvis de alle er bedre."
    )
    assert e.explanation.en == (
        "2.1, 2022-09: 3.0 % (compared with: the Capital Region of Denmark, rank 10; values for 2 of 29 municipalities, "
        "so no. 2 to 29 of 29); undecided: the target is met if the 27 missing values are all worse, "
        "and not met if they are all better."
    )


def test_met_in_the_worst_case_is_achieved_on_partial_data():
    # 21 known: Ballerup 1.0 lowest of them; 8 missing → ranks 1 to 9, within the best 10.
    obs = [O("2.1", "151", "2022", D("1.0"))] + [
        O("2.1", c, "2022", D(2 + i)) for i, c in enumerate(OTHERS[:20])
    ]
    e = evaluate(RANK, "151", "2022", obs, AREAS)
    assert (e.status, e.rank, e.rank_best, e.rank_worst, e.rank_known, e.rank_of) == (
        Status.ACHIEVED,
        None,
        1,
        9,
        21,
        29,
    )
    assert e.explanation.da.endswith("så nr. 1 til 9 af 29); målet er nået, uanset de 8 manglende værdier.")
    assert e.explanation.en.endswith(
        "so no. 1 to 9 of 29); the target is met whatever the 8 missing values are."
    )


def test_one_missing_value_is_named_in_the_singular():
    # 28 known, one missing; Ballerup has 9 known below it → ranks 10 to 11.
    values = {c: D(i) for i, c in enumerate(OTHERS)}  # 0, 1, …, 27
    values["151"] = D("9.5")
    obs = [O("2.1", c, "2022", v) for c, v in values.items() if c != OTHERS[0]]  # the one at 0
    e = evaluate(RANK, "151", "2022", obs, AREAS)
    assert (e.status, e.rank_best, e.rank_worst) == (Status.UNDECIDED, 10, 11)
    assert "hvis den manglende værdi er dårligere, og ikke nået, hvis den er bedre" in e.explanation.da
    assert "if the missing value is worse, and not met if it is better" in e.explanation.en


def _region(period, ballerup, better, worse):
    """Ballerup's value, `better` others below it and `worse` above, the rest missing."""
    rows = [O("2.1", "151", period, ballerup)]
    rows += [O("2.1", c, period, ballerup - 1) for c in OTHERS[:better]]
    rows += [O("2.1", c, period, ballerup + 1) for c in OTHERS[better : better + worse]]
    return rows


def test_not_met_on_partial_data_and_decidedly_closer_than_a_year_earlier_is_on_track():
    # 2022: 14 known better, 10 known worse, 4 missing → 15 to 19: missed even in the best case.
    # 2021: all 29 known, 21 better → rank 22. Even the worst case 19 beats 22 → ON_TRACK.
    obs = _region("2022", D(5), 14, 10) + _region("2021", D(6), 21, 7)
    e = evaluate(RANK, "151", "2022", obs, AREAS)
    assert (e.status, e.rank_best, e.rank_worst, e.rank_known) == (Status.ON_TRACK, 15, 19, 25)
    assert e.explanation.da.endswith(
        "målet er ikke nået, uanset de 4 manglende værdier; placeringen er forbedret fra 22 i 2021."
    )
    assert e.explanation.en.endswith(
        "the target is not met whatever the 4 missing values are; the rank has improved from 22 in 2021."
    )


def test_not_met_and_decidedly_no_better_than_a_year_earlier_is_off_track():
    # 2022: 15 to 19 as above. 2021: all known, 12 better → 13. Even the best case now
    # (15) is no better than 13 → OFF_TRACK.
    obs = _region("2022", D(5), 14, 10) + _region("2021", D(6), 12, 16)
    e = evaluate(RANK, "151", "2022", obs, AREAS)
    assert (e.status, e.rank_best, e.rank_worst) == (Status.OFF_TRACK, 15, 19)
    assert e.explanation.en.endswith("the rank has not improved from 13 in 2021.")


def test_not_met_with_the_year_earlier_comparison_undecided_is_progress_unknown():
    # 2022: 15 to 19. 2021: 10 better, 8 worse known, 10 missing → 11 to 21: overlaps.
    obs = _region("2022", D(5), 14, 10) + _region("2021", D(6), 10, 8)
    e = evaluate(RANK, "151", "2022", obs, AREAS)
    assert e.status is Status.NOT_MET_PROGRESS_UNKNOWN
    assert e.explanation.da.endswith(
        "målet er ikke nået, uanset de 4 manglende værdier; om placeringen er forbedret fra mellem 11 og 21 "
        "i 2021, afhænger af de manglende værdier."
    )
    assert e.explanation.en.endswith(
        "whether the rank has improved from between 11 and 21 in 2021 depends on the missing values."
    )


def test_not_met_with_nothing_a_year_earlier_is_progress_unknown_and_says_what_is_missing():
    obs = _region("2022", D(5), 14, 14)  # all known: rank 15, not met; no 2021 at all
    e = evaluate(RANK, "151", "2022", obs, AREAS)
    assert (e.status, e.rank, e.rank_of) == (Status.NOT_MET_PROGRESS_UNKNOWN, 15, 29)
    assert e.explanation.da.endswith(
        "målet er ikke nået; udviklingen er ukendt, fordi der er ingen værdi for 151 i 2021."
    )
    assert e.explanation.en.endswith(
        "the target is not met; progress is unknown because there is no value for 151 in 2021."
    )


def test_a_suppressed_cell_counts_as_missing_never_as_a_value():
    obs = _region("2022", D(5), 5, 0) + [O("2.1", c, "2022", None) for c in OTHERS[5:]]
    e = evaluate(RANK, "151", "2022", obs, AREAS)
    assert (e.status, e.rank_best, e.rank_worst, e.rank_known) == (Status.UNDECIDED, 6, 29, 6)


def test_rank_bounds_by_hand():
    values = {"a": D(1), "b": D(2), "c": D(2), "d": None, "e": D(3)}
    assert rank_bounds("c", values, Direction.BETTER_DOWN) == RankBounds(best=2, worst=3, known=4, of=5)
    assert rank_bounds("c", values, Direction.BETTER_UP) == RankBounds(best=2, worst=3, known=4, of=5)
    assert rank_bounds("e", values, Direction.BETTER_UP) == RankBounds(best=1, worst=2, known=4, of=5)
    assert RankBounds(3, 3, 5, 5).exact == 3 and RankBounds(2, 3, 4, 5).exact is None
    assert RankBounds(12, 14, 27, 29).better_than(RankBounds(15, 15, 29, 29)) is True
    assert RankBounds(12, 14, 27, 29).better_than(RankBounds(12, 12, 29, 29)) is False
    assert RankBounds(12, 14, 27, 29).better_than(RankBounds(13, 13, 29, 29)) is None


# ── the law ─────────────────────────────────────────────────────────────────────────────
DECIDED = {Status.ACHIEVED, Status.ON_TRACK, Status.OFF_TRACK}
NOT_MET = {Status.ON_TRACK, Status.OFF_TRACK, Status.NOT_MET_PROGRESS_UNKNOWN}
PERIODS = ["2022", "2021"]


@st.composite
def partial_worlds(draw):
    """A synthetic country, a rank target in one of its regions, and figures with holes."""
    areas = draw(testing.area_directories(municipalities=12, regions=2))
    area = draw(st.sampled_from([a.code for a in areas.of_kind(AreaKind.MUNICIPALITY)]))
    members = [m.code for m in areas.municipalities_in(areas.require(area).region)]
    # Mostly a small N, so that "not met" and its progress are reached as often as "met".
    best = draw(st.integers(1, max(1, len(members) // 3)) | st.integers(1, len(members)))
    indicator = attrs.evolve(
        RANK,
        direction=draw(st.sampled_from([Direction.BETTER_UP, Direction.BETTER_DOWN])),
        target=RankWithin(best=best, among=OwnRegion()),
    )
    few = st.integers(0, 6).map(D)  # few distinct values, so ties are common
    holes = draw(st.sampled_from([2, None]))  # a few holes, or any number
    obs = draw(testing.partial_comparison_sets("2.1", members, PERIODS, area, few, max_missing=holes))
    if draw(st.booleans()):
        # The area the worst of all a year earlier, so that a decided ON_TRACK occurs too.
        worst = D(-50) if indicator.direction is Direction.BETTER_UP else D(50)
        obs = [o for o in obs if (o.area, o.period) != (area, "2021")] + [O("2.1", area, "2021", worst)]
    return areas, area, members, indicator, obs, few


@given(partial_worlds(), st.data())
def test_a_status_decided_on_partial_data_is_the_status_of_every_completion(world, data):
    areas, area, members, indicator, obs, few = world
    partial = evaluate(indicator, area, "2022", obs, areas)
    complete = data.draw(testing.completions(obs, members, PERIODS, values=few))
    whole = evaluate(indicator, area, "2022", complete, areas)
    assert whole.rank is not None and partial.rank_best <= whole.rank <= partial.rank_worst
    assert whole.rank_of == partial.rank_of == len(members)
    if partial.status in DECIDED:
        assert whole.status is partial.status
    elif partial.status is Status.NOT_MET_PROGRESS_UNKNOWN:
        assert whole.status in NOT_MET  # "not met" is decided, the progress may not be
    else:
        assert partial.status is Status.UNDECIDED


@given(partial_worlds())
def test_undecided_exactly_when_the_extreme_completions_disagree(world):
    areas, area, members, indicator, obs, _ = world
    partial = evaluate(indicator, area, "2022", obs, areas)
    up = indicator.direction is Direction.BETTER_UP
    known = {(o.area, o.period): o.value for o in obs if o.value is not None}

    def completed(missing_better: bool) -> Status:
        # Beyond every known value, on the better or the worse side.
        fill = D(-100) if missing_better != up else D(100)
        rows = [O("2.1", m, p, known.get((m, p), fill)) for p in PERIODS for m in members]
        return evaluate(indicator, area, "2022", rows, areas).status

    best_case, worst_case = completed(missing_better=False), completed(missing_better=True)
    assert (partial.status is Status.UNDECIDED) == (
        best_case is Status.ACHIEVED and worst_case is not Status.ACHIEVED
    )
    if partial.status is Status.ACHIEVED:
        assert worst_case is Status.ACHIEVED
