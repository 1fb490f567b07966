"""Trends say better or worse only where a direction is stated or its assumption shown;
a percentage change's trend is its own sign; explanations are in words (hand-computed)."""

from decimal import Decimal as D

import attrs
import pytest

from kpi_core import (
    Direction,
    Indicator,
    Lang,
    MonitorOnly,
    Observation,
    Remark,
    RemarkKind,
    RemarkTopic,
    Status,
    Text,
    Trend,
    Unit,
    evaluate,
    shipped_areas,
    shipped_strategies,
)
from kpi_core.wording import direction_assumption, trend_label

AREAS = shipped_areas()
STRATEGIES = {s.id: s for s in shipped_strategies()}
R2022 = STRATEGIES["ballerup-beskaeftigelsesstrategi"].revision("2022")
PLAN = STRATEGIES["ballerup-beskaeftigelsesplan"].revision("2015")


def judged(indicator_id: str, now: str, before: str | None, area: str = "151", revision=R2022, **cell):
    period, earlier = "2022-09", "2021-09"
    if revision is PLAN:
        period, earlier = "2015", "2014"
    figures = [Observation(indicator_id, area, period, D(now), breakdown=cell)]
    if before is not None:
        figures.append(Observation(indicator_id, area, earlier, D(before), breakdown=cell))
    return evaluate(revision.indicator(indicator_id), area, period, figures, AREAS)


@pytest.mark.parametrize(
    "now, before, trend",
    [
        ("-2", "-5", Trend.FALLING),  # fewer on benefits than a year before, though less of a fall
        ("-5", "-2", Trend.FALLING),
        ("3.1", "-4", Trend.RISING),
        ("3.1", "7", Trend.RISING),  # more than a year before, though less of a rise
        ("0", "-5", Trend.STABLE),
        ("-2", None, Trend.FALLING),  # the change is the comparison: no earlier figure needed
    ],
)
def test_a_percentage_change_is_its_own_trend(now, before, trend):
    o2 = judged("O2", now, before)
    assert (o2.status, o2.trend) == (Status.MONITORING, trend)


def test_a_percentage_change_with_a_direction_is_better_by_its_sign():
    # A catalogue that did choose "lower is better" for O2 (and said why): -2 % after -5 %
    # is still fewer people on benefits, so better, not worse.
    why = Remark(RemarkKind.ASSUMPTION, Text("antaget", "assumed"), about=RemarkTopic.DIRECTION)
    o2 = attrs.evolve(R2022.indicator("O2"), direction=Direction.BETTER_DOWN, remarks=(why,))
    figures = [Observation("O2", "151", "2022-09", D("-2")), Observation("O2", "151", "2021-09", D("-5"))]
    assert evaluate(o2, "151", "2022-09", figures, AREAS).trend is Trend.IMPROVING


@pytest.mark.parametrize(
    "indicator, now, before, trend, label_da, label_en",
    [
        ("5.1", "12", "13", Trend.FALLING, "Lavere end året før", "Lower than a year earlier"),
        ("5.1", "14", "13", Trend.RISING, "Højere end året før", "Higher than a year earlier"),
        ("3.3", "40", "40", Trend.STABLE, "Uændret fra året før", "Unchanged from a year earlier"),
        ("O1", "4.1", "4.5", Trend.FALLING, "Lavere end året før", "Lower than a year earlier"),
        ("1.2", "81", "78", Trend.IMPROVING, "Bedre end året før", "Better than a year earlier"),
        ("1.6", "30", "31", Trend.WORSENING, "Dårligere end året før", "Worse than a year earlier"),
    ],
)
def test_no_better_or_worse_without_a_stated_or_shown_direction(
    indicator, now, before, trend, label_da, label_en
):
    e = judged(indicator, now, before)
    assert e.trend is trend
    assert (trend_label(e.trend, Lang.DA), trend_label(e.trend, Lang.EN)) == (label_da, label_en)


def test_an_assumed_direction_is_printed_with_its_reason():
    assumed = direction_assumption(R2022.indicator("1.2"))
    assert assumed.da.startswith("Antaget: højere er bedre. ")
    assert "placeringer oprettet til tiden" in assumed.da
    assert assumed.en.startswith("Assumed: higher is better. ")
    neutral = direction_assumption(R2022.indicator("O2"))
    assert neutral.da.startswith("Ingen retning valgt. ")
    assert direction_assumption(R2022.indicator("2.2")) is None  # its target states the direction


def test_a_target_needs_a_direction_and_a_monitor_only_direction_needs_a_reason():
    o1 = R2022.indicator("O1")
    with pytest.raises(ValueError, match="direction 'none' is only for a monitor-only indicator"):
        attrs.evolve(R2022.indicator("2.1"), direction=Direction.NONE)
    assumed = Indicator(o1.id, o1.name, o1.unit, Direction.BETTER_DOWN, MonitorOnly(), o1.source)
    assert 'needs a remark with about = "direction"' in assumed.unexplained_direction()
    assert (
        Indicator(o1.id, o1.name, o1.unit, Direction.NONE, MonitorOnly(), o1.source).direction
        is Direction.NONE
    )


def test_explanations_use_words_not_codes():
    # 5.3 with the focus group and no reference group: the cell and group in words.
    e = judged("5.3", "30", None, origin="non_western")
    assert e.status is Status.NO_DATA
    assert "origin=" not in e.explanation.da + e.explanation.en
    # A cell without its value names the cell in words: 5.4 per target group, focus group missing.
    figures = [
        Observation(
            "5.4", "151", "2022-09", D(25), breakdown={"origin": "danish+western", "target_group": "dagpenge"}
        )
    ]
    e54 = evaluate(R2022.indicator("5.4"), "151", "2022-09", figures, AREAS)
    cell = next(b for c, b in e54.breakdown if c == (("target_group", "dagpenge"),))
    assert "151 (ikke-vestlig herkomst, dagpenge)" in cell.explanation.da
    assert "151 (non-Western origin, unemployment benefit)" in cell.explanation.en


def test_region_names_keep_their_capitals_and_take_the_article_in_english():
    e = judged("2.1", "3", None)  # no other municipality of the region has a value
    assert "sammenlignet med: Region Hovedstaden, plads 10; værdier for 1 af 29 kommuner" in e.explanation.da
    assert "region hovedstaden" not in e.explanation.da
    assert "compared with: the Capital Region of Denmark, rank 10" in e.explanation.en
    e22 = judged("2.2", "3", None)  # no national value
    assert "der er ingen værdi for hele landet i 2022-09" in e22.explanation.da
    assert "there is no value for the whole country in 2022-09" in e22.explanation.en


def test_the_earlier_gap_has_its_unit_and_parentheses_do_not_nest():
    # P1.1: at most 4 months; 5 now (gap 1), 6 a year before (gap 2) → on track.
    e = judged("P1.1", "5", "6", revision=PLAN)
    assert e.status is Status.ON_TRACK and e.gap == D(1)
    assert e.explanation.da == (
        "P1.1, 2015: 5,0 måneder mod 4,0 måneder (sammenlignet med: Højst 4 måneder); "
        "målet er ikke nået; afstanden til målet er mindsket siden 2014 (2,0 måneder)."
    )
    assert e.explanation.en.endswith("the gap to the target has shrunk since 2014 (2.0 months).")
    c3 = STRATEGIES["ballerup-covid19-opfoelgning"].revision("2020").indicator("C3")
    shown = evaluate(c3, "DK", "2020-09", [Observation("C3", "DK", "2020-09", D(247194))], AREAS)
    assert shown.explanation.da == (
        "C3, 2020-09: 247.194 (sammenlignet med: intet sammenligningsgrundlag); tallet følges uden målsætning."
    )
    assert "247,194 (compared with: no benchmark)" in shown.explanation.en
    for text in (e.explanation.da, shown.explanation.en):
        depth = max_depth = 0
        for ch in text:
            depth += {"(": 1, ")": -1}.get(ch, 0)
            max_depth = max(max_depth, depth)
        assert max_depth == 1


def test_the_rank_target_is_said_in_the_documents_words():
    from kpi_core.wording import describe_target

    words = describe_target(R2022.indicator("2.1").target, Unit.PERCENT)
    assert words.da == "Blandt de ti kommuner i Region Hovedstaden, som har den laveste andel"
    assert words.en == "Among the ten municipalities in the Capital Region of Denmark with the lowest share"


def test_a_revision_published_before_the_rule_still_loads_as_published():
    # Stored documents are immutable: one published without direction remarks (as every
    # revision was before the rule) is loaded as it is; only new files are refused.
    from kpi_core.catalogue import structure_revision, unstructure_revision

    document = unstructure_revision(R2022)
    for area in document["focus_areas"]:
        for indicator in area["indicators"]:
            indicator["remarks"] = [r for r in indicator.get("remarks", []) if r.get("about") != "direction"]
    loaded = structure_revision(document)
    assumed = loaded.indicator("1.2")
    assert assumed.direction is Direction.BETTER_UP and assumed.unexplained_direction() is not None
