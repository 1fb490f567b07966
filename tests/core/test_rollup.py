"""Indicators judged per group (5.4 under 2022) and indicators with figures per group and no
total: hand-computed cases on the catalogue's real indicators, the catalogue's checks of
the roll-up rule, and the laws of "the worst group decides". Figures are synthetic."""

from decimal import Decimal as D

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from kpi_core import (
    SEVERITY,
    CatalogueError,
    Dimension,
    Status,
    Trend,
    evaluate,
    evaluate_revision,
    latest_period,
    parse_revision,
    roll_up,
    shipped_areas,
    shipped_strategies,
    testing,
)
from kpi_core.observations import Observation as O
from kpi_core.shipped import _DATA

AREAS = shipped_areas()
STRATEGY = next(s for s in shipped_strategies() if s.id == "ballerup-beskaeftigelsesstrategi")
R2022, R2020 = STRATEGY.revision("2022"), STRATEGY.revision("2020")
I54 = R2022.indicator("5.4")


def group(period: str, name: str, non_western, others) -> list[O]:
    """5.4's two cells of one target group: the focus group and the reference group."""
    rows = []
    if non_western is not ...:
        rows.append(O("5.4", "151", period, non_western, {"origin": "non_western", "target_group": name}))
    if others is not ...:
        rows.append(O("5.4", "151", period, others, {"origin": "danish+western", "target_group": name}))
    return rows


# Three target groups, figures for 2022 and 2021, no total (5.4 is better up: a larger
# share in company-based offers is better; parity without tolerance).
# dagpenge:          20 against 25 (gap 5), a year earlier 15 against 25 (gap 10): on track
# kontanthjælp:      30 against 28 (gap -2): achieved
# uddannelseshjælp:  10 against 20 (gap 10), a year earlier 12 against 20 (gap 8): off track
THREE = [
    *group("2022", "dagpenge", D(20), D(25)),
    *group("2021", "dagpenge", D(15), D(25)),
    *group("2022", "kontanthjaelp", D(30), D(28)),
    *group("2022", "uddannelseshjaelp", D(10), D(20)),
    *group("2021", "uddannelseshjaelp", D(12), D(20)),
]


def test_the_worst_target_group_decides_5_4():
    e = evaluate(I54, "151", "2022", THREE, AREAS)
    assert e.status is Status.OFF_TRACK
    # The headline shows the deciding group's figures: uddannelseshjælp, 10 against 20.
    assert (e.value, e.reference, e.gap, e.trend) == (D(10), D(20), D(10), Trend.WORSENING)
    assert e.rollup.deciding == (("target_group", "uddannelseshjaelp"),)
    assert e.rollup.counts == ((Status.ACHIEVED, 1), (Status.ON_TRACK, 1), (Status.OFF_TRACK, 1))
    assert e.rollup.missing == ()
    assert e.explanation.da == (
        "5.4, 2022: vurderet pr. målgruppe, hvor den dårligste gruppe afgør: 1 nået, 1 på rette vej og "
        "1 ikke på rette vej af 3 grupper; afgørende er uddannelseshjælp: 10,0 % mod 20,0 % (sammenlignet med: "
        "Borgere med dansk og vestlig herkomst); målet er ikke nået; afstanden til målet er ikke mindsket "
        "siden 2021 (8,0 procentpoint)."
    )
    assert e.explanation.en == (
        "5.4, 2022: judged per target group, the worst group deciding: 1 achieved, 1 on track and "
        "1 off track of 3 groups; deciding is education benefit: 10.0 % against 20.0 % (compared with: "
        "Citizens of Danish and Western origin); the target is not met; the gap to the target has not "
        "shrunk since 2021 (8.0 percentage points)."
    )
    # The groups' own evaluations stay in the breakdown.
    per_group = {cell[0][1]: g.status for cell, g in e.breakdown}
    assert per_group == {
        "dagpenge": Status.ON_TRACK,
        "kontanthjaelp": Status.ACHIEVED,
        "uddannelseshjaelp": Status.OFF_TRACK,
    }


def test_achieved_only_when_every_group_is():
    rows = [*group("2022", "dagpenge", D(26), D(25)), *group("2022", "kontanthjaelp", D(30), D(28))]
    e = evaluate(I54, "151", "2022", rows, AREAS)
    # Both met; the deciding group is the one nearest to missing it: dagpenge, gap -1.
    assert e.status is Status.ACHIEVED and e.gap == D(-1)
    assert "2 nået af 2 grupper; afgørende er dagpenge: 26,0 % mod 25,0 %" in e.explanation.da


def test_a_group_without_data_keeps_the_headline_from_being_achieved():
    rows = [*group("2022", "dagpenge", D(30), D(25)), *group("2022", "kontanthjaelp", None, D(28))]
    e = evaluate(I54, "151", "2022", rows, AREAS)
    assert e.status is Status.UNDECIDED and e.value is None and e.trend is Trend.UNKNOWN
    assert e.rollup.missing == ((("target_group", "kontanthjaelp"),),) and e.rollup.deciding is None
    assert e.explanation.da == (
        "5.4, 2022: vurderet pr. målgruppe, hvor den dårligste gruppe afgør: 1 nået og 1 uden data af "
        "2 grupper; der mangler tal for kontanthjælp, så det kan ikke afgøres, om målet er nået: det er "
        "kun nået, når alle grupper har nået det."
    )
    assert "there are no figures for social assistance, so whether the target is met cannot be decided" in (
        e.explanation.en
    )


def test_a_group_not_met_with_another_missing_is_not_called_on_track():
    # dagpenge is on track (gap 10 → 5), kontanthjælp has no figure: it might be off track.
    rows = [*group("2022", "dagpenge", D(20), D(25)), *group("2021", "dagpenge", D(15), D(25))]
    rows += group("2022", "kontanthjaelp", ..., D(28))
    e = evaluate(I54, "151", "2022", rows, AREAS)
    assert e.status is Status.NOT_MET_PROGRESS_UNKNOWN
    assert (
        "målet er ikke nået for dagpenge; der mangler tal for kontanthjælp, så det kan ikke afgøres, om det er på rette vej"
        in (e.explanation.da)
    )


def test_off_track_is_decided_whatever_a_missing_group_brings():
    rows = [*THREE, *group("2022", "sygedagpenge", None, None)]
    e = evaluate(I54, "151", "2022", rows, AREAS)
    assert e.status is Status.OFF_TRACK and e.rollup.missing == ((("target_group", "sygedagpenge"),),)
    assert e.explanation.da.endswith(
        "; der mangler tal for sygedagpenge, men det kan ikke gøre status bedre."
    )
    assert e.explanation.en.endswith(
        "; there are no figures for sickness benefit, which cannot make the status better."
    )


def test_a_group_gone_since_a_year_earlier_is_not_forgotten():
    # kontanthjælp had figures in 2021 and has none in 2022: the 2022 headline cannot be met.
    rows = [*group("2022", "dagpenge", D(30), D(25)), *group("2021", "kontanthjaelp", D(30), D(28))]
    e = evaluate(I54, "151", "2022", rows, AREAS)
    assert e.status is Status.UNDECIDED
    assert dict(e.breakdown)[(("target_group", "kontanthjaelp"),)].status is Status.NO_DATA


def test_the_latest_period_is_the_latest_with_a_group_and_the_2020_rule_still_needs_its_total():
    rows = [*group("2022", "dagpenge", D(30), D(25)), *group("2021", "dagpenge", D(20), D(25))]
    by_id = {
        e.indicator: e
        for version in (R2022, R2020)
        for f in evaluate_revision(version, "151", rows, AREAS).focus_areas
        for e in f.indicators
        if e.indicator == "5.4" and version is R2022
    }
    assert by_id["5.4"].period == "2022" and by_id["5.4"].status is Status.ACHIEVED
    # Under 2020, 5.4 is judged in total (origin only): figures per target group do not
    # stand in for it, and the headline says where the figures are.
    (e2020,) = [
        e
        for f in evaluate_revision(R2020, "151", rows, AREAS).focus_areas
        for e in f.indicators
        if e.indicator == "5.4"
    ]
    assert e2020.status is Status.NO_DATA and e2020.period == "2022"
    assert "der er ingen værdi for 151 (ikke-vestlig herkomst) i 2022" in e2020.explanation.da


def test_parity_with_figures_per_origin_and_no_total_compares_the_groups_directly():
    # 5.3 (better down): 14 % of non-Western origin against 10 % of Danish and Western origin.
    rows = [
        O("5.3", "151", "2022-06", D(14), {"origin": "non_western"}),
        O("5.3", "151", "2022-06", D(10), {"origin": "danish+western"}),
        O("5.3", "151", "2021-06", D(16), {"origin": "non_western"}),
        O("5.3", "151", "2021-06", D(10), {"origin": "danish+western"}),
    ]
    (e,) = [
        e
        for f in evaluate_revision(R2022, "151", rows, AREAS).focus_areas
        for e in f.indicators
        if e.indicator == "5.3"
    ]
    assert (e.period, e.status, e.value, e.reference, e.gap) == (
        "2022-06",
        Status.ON_TRACK,
        D(14),
        D(10),
        D(4),
    )
    assert e.trend is Trend.IMPROVING  # 16 → 14, lower is better


def test_a_monitored_indicator_with_figures_per_group_only_is_monitored():
    rows = [
        O("5.1", "151", "2022", D(12), {"origin": "non_western", "target_group": "kontanthjaelp"}),
        O("5.1", "151", "2022", D(4), {"origin": "danish", "target_group": "kontanthjaelp"}),
    ]
    (e,) = [
        e
        for f in evaluate_revision(R2022, "151", rows, AREAS).focus_areas
        for e in f.indicators
        if e.indicator == "5.1"
    ]
    assert (e.status, e.period, e.value, e.trend) == (Status.MONITORING, "2022", None, Trend.UNKNOWN)
    assert e.explanation.da == (
        "5.1, 2022: der er intet tal i alt for 151, kun tal pr. herkomst og målgruppe (se opdelingen); "
        "tallet følges uden målsætning."
    )
    assert e.explanation.en.startswith(
        "5.1, 2022: there is no figure in total for 151, only figures per origin and target group"
    )


def test_a_judged_indicator_with_figures_per_group_only_says_where_they_are():
    # 2.5 (judged in total against the country) as if it were split by origin: per origin
    # only, it cannot be judged, since the groups meeting the benchmark do not make the
    # total meet it.
    split = attrs.evolve(R2022.indicator("2.5"), breakdowns=(Dimension.ORIGIN,))
    rows = [O("2.5", "151", "2022-03", D(3), {"origin": "danish"}), O("2.5", "DK", "2022-03", D(3))]
    e = evaluate(split, "151", "2022-03", rows, AREAS)
    assert e.status is Status.NO_DATA
    assert e.explanation.da == (
        "2.5, 2022-03: der er intet tal i alt for 151, kun tal pr. herkomst (se opdelingen); målet gælder "
        "tallet i alt, og kataloget angiver ingen regel for at vurdere det pr. gruppe."
    )
    assert (
        "the target is for the total, and the catalogue gives no rule to judge it per group"
        in e.explanation.en
    )
    assert latest_period(split, "151", rows) == "2022-03"


# ── the rule in the catalogue ─────────────────────────────────────────────────────────
GOOD = (_DATA / "catalogue" / "ballerup-beskaeftigelsesstrategi-2022.toml").read_text(encoding="utf-8")
ROLLUP = 'rollup = { per = "target_group", rule = "worst" }'
WHERE = "@ $.focus_areas[4].indicators[3]"


def test_5_4_is_judged_per_target_group_by_the_worst_group():
    assert ROLLUP in GOOD
    assert (I54.rollup.per.value, I54.rollup.rule.value, I54.rollup.groups) == ("target_group", "worst", ())
    assert R2020.indicator("5.4").rollup is None
    assert (
        parse_revision(GOOD.replace(ROLLUP, 'rollup = { per = "target_group" }'), "x")
        .revision.indicator("5.4")
        .rollup
        == I54.rollup
    )  # worst is the default


@pytest.mark.parametrize(
    ("rollup", "problem"),
    [
        (
            'rollup = { per = "age" }',
            f"indicator 5.4: rollup.per = 'age' is not among its breakdowns (origin, target_group); add it to `breakdowns` {WHERE}",
        ),
        (
            'rollup = { per = "origin" }',
            f"indicator 5.4: rollup.per = 'origin' is the dimension its parity compares; the groups must be of another dimension {WHERE}",
        ),
        (
            'rollup = { per = "target_group", rule = "best" }',
            f"'best' is not a valid RollupRule; expected one of: worst {WHERE}.rollup.rule",
        ),
        (
            'rollup = { per = "target_group", groups = ["dagpenge", "dagpenge"] }',
            f"`groups` names 'dagpenge' twice; name each group once {WHERE}.rollup",
        ),
        (
            'rollup = { per = "target_group", rul = "worst" }',
            f"unknown field(s) rul (check the spelling) {WHERE}.rollup",
        ),
    ],
)
def test_a_bad_rollup_is_a_located_error(rollup, problem):
    with pytest.raises(CatalogueError) as caught:
        parse_revision(GOOD.replace(ROLLUP, rollup), "broken.toml")
    assert caught.value.problems == [problem]


def test_a_monitored_indicator_has_nothing_to_roll_up():
    text = GOOD.replace(
        'breakdowns = ["origin", "target_group"]\ntarget = { kind = "monitor_only" }',
        'breakdowns = ["origin", "target_group"]\ntarget = { kind = "monitor_only" }\n' + ROLLUP,
        1,
    )
    with pytest.raises(
        CatalogueError, match=r"indicator 5.1 is monitored without a target: it has no status to roll up"
    ):
        parse_revision(text, "broken.toml")


# ── laws ───────────────────────────────────────────────────────────────────────────────
statuses = st.lists(st.sampled_from(list(Status)), min_size=1, max_size=6)


def better(a: Status, b: Status) -> bool:
    return SEVERITY.index(a) > SEVERITY.index(b)


@given(statuses)
def test_the_roll_up_is_never_better_than_its_worst_known_group(groups):
    headline = roll_up(groups)
    known = [s for s in groups if s in SEVERITY]
    if headline is not None:
        assert not any(better(headline, s) for s in known)
        assert headline in known  # some group has it: it is that group's status
    if headline is Status.ACHIEVED:
        assert all(s is Status.ACHIEVED for s in groups)


@given(statuses, st.data())
def test_a_decided_roll_up_is_the_roll_up_of_every_completion(groups, data):
    headline = roll_up(groups)
    completion = [s if s in SEVERITY else data.draw(st.sampled_from(SEVERITY)) for s in groups]
    if headline is not None:
        assert roll_up(completion) is headline
    # Whatever the missing groups bring, it is no better than the known groups' worst.
    known = [s for s in groups if s in SEVERITY]
    if known:
        assert not better(roll_up(completion), min(known, key=SEVERITY.index))


@given(testing.group_only_cases())
def test_the_headline_of_generated_groups_is_never_better_than_its_worst_group(case):
    e = evaluate(case.indicator, case.area, case.period, case.observations, AREAS)
    groups = [g for cell, g in e.breakdown if cell in e.rollup.groups]
    assert len(groups) == len(e.rollup.groups) >= 1
    if e.status in SEVERITY:
        assert not any(better(e.status, g.status) for g in groups if g.status in SEVERITY)
    if e.status is Status.ACHIEVED:
        assert all(g.status is Status.ACHIEVED for g in groups)
    if any(g.status not in SEVERITY for g in groups):
        assert e.status is not Status.ACHIEVED


@given(testing.group_only_cases(earlier_complete=True), st.data())
def test_a_decided_headline_is_the_headline_of_every_completion(case, data):
    # A year earlier is complete here, so each group's own progress is known once its
    # figures are: a completed headline is decided.
    e = evaluate(case.indicator, case.area, case.period, case.observations, AREAS)
    filled = data.draw(testing.group_completions(case))
    after = evaluate(case.indicator, case.area, case.period, filled, AREAS)
    assert after.status in SEVERITY  # every group has its figures now
    if e.status is Status.NOT_MET_PROGRESS_UNKNOWN:  # not met is decided, how far is not
        assert after.status is not Status.ACHIEVED
    elif e.status in SEVERITY:
        assert after.status is e.status
