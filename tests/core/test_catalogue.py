"""The shipped catalogue: every file loads, and it says what the documents say."""

from decimal import Decimal

import pytest

from kpi_core import (
    AreaKind,
    Bound,
    Country,
    OwnRegion,
    Parity,
    RankWithin,
    RemarkKind,
    RevisionStatus,
    StrictlyBelow,
    Threshold,
    shipped_areas,
    shipped_revision_files,
    shipped_strategies,
)

STRATEGY = "ballerup-beskaeftigelsesstrategi"
PLAN = "ballerup-beskaeftigelsesplan"


def strategy(strategy_id: str = STRATEGY):
    return next(s for s in shipped_strategies() if s.id == strategy_id)


def test_every_shipped_file_loads():
    names = sorted(f.name for f in shipped_revision_files())
    assert names == [
        "ballerup-beskaeftigelsesplan-2015.toml",
        "ballerup-beskaeftigelsesstrategi-2020.toml",
        "ballerup-beskaeftigelsesstrategi-2022.toml",
        "ballerup-covid19-opfoelgning-2020.toml",
    ]
    assert [(s.id, [r.version for r in s.revisions]) for s in shipped_strategies()] == [
        (PLAN, ["2015"]),
        (STRATEGY, ["2020", "2022"]),
        ("ballerup-covid19-opfoelgning", ["2020"]),
    ]


def test_indicator_ids_are_those_of_the_documents():
    s = strategy()
    assert [i.id for i in s.revision("2022").indicators] == [
        "O1",
        "O2",
        "1.1",
        "1.2",
        "1.3",
        "1.4",
        "1.5b",
        "1.6",
        "2.1",
        "2.2",
        "2.3",
        "2.4",
        "2.5",
        "2.6",
        "3.1",
        "3.2",
        "3.3",
        "4.1",
        "4.2",
        "4.3",
        "4.4",
        "5.1",
        "5.2",
        "5.3",
        "5.4",
        "5.6",
    ]
    assert [i.id for i in s.revision("2020").indicators] == [
        "1.1",
        "1.2",
        "1.3",
        "1.4",
        "1.5a",
        "1.6",
        "2.1",
        "2.2",
        "2.3",
        "2.4",
        "3.1",
        "4.1",
        "4.2",
        "4.3",
        "4.4",
        "5.1",
        "5.2",
        "5.3",
        "5.4",
        "5.5",
        "5.6",
    ]


@pytest.mark.parametrize("version", ["2020", "2022"])
def test_five_focus_areas_each_with_goal_and_key_figure(version):
    revision = strategy().revision(version)
    assert [f.number for f in revision.focus_areas] == [1, 2, 3, 4, 5]
    assert [f.key_figure for f in revision.focus_areas] == ["1.1", "2.1", "3.1", "4.1", "5.1"]
    assert len(revision.principles) == 4


def test_targets_read_as_written():
    r = strategy().revision("2022")
    rank = r.indicator("2.1").target
    assert isinstance(rank, RankWithin) and (rank.best, rank.among) == (10, OwnRegion())
    # The document's own words for the target, not "the best 10 in the municipality's region"
    assert rank.label.da == "Blandt de ti kommuner i Region Hovedstaden, som har den laveste andel"
    assert r.indicator("1.5b").target == Threshold(Bound.MIN, Decimal("80"))
    assert r.indicator("4.4").target == Threshold(Bound.MIN, Decimal("25"))
    assert r.indicator("2.5").target == StrictlyBelow(Country())  # "holdes under"
    parity = r.indicator("5.3").target
    assert isinstance(parity, Parity) and parity.focus.values == ("non_western",)
    assert parity.reference.values == ("danish", "western")


def test_oddities_stay_visible():
    s = strategy()
    r2020, r2022 = s.revision("2020"), s.revision("2022")
    assert RemarkKind.RECONSTRUCTED in {r.kind for r in r2020.remarks}
    assert RemarkKind.CONFLICT in {r.kind for r in r2020.remarks}  # 6 Oct vs "november 2020"
    assert any(
        r.kind is RemarkKind.AMBIGUITY and "FÆRRE" in r.text.da for r in r2022.indicator("1.5b").remarks
    )
    assert r2020.adopted_on.isoformat() == "2020-10-06"
    assert r2020.status is RevisionStatus.SUPERSEDED and r2022.status is RevisionStatus.ADOPTED


def test_every_item_cites_a_source_file():
    for s in shipped_strategies():
        for revision in s.revisions:
            files = {d.id: d.file for d in revision.sources}
            for indicator in revision.indicators:
                assert files[indicator.source.doc].endswith(".txt") and indicator.source.at


def test_revision_in_force_on_a_date():
    import datetime

    s = strategy()
    assert s.in_force(datetime.date(2020, 10, 5)) is None
    assert s.in_force(datetime.date(2021, 6, 1)).version == "2020"
    assert s.in_force(datetime.date(2022, 11, 9)).version == "2022"
    assert strategy(PLAN).in_force(datetime.date(2015, 6, 1)).version == "2015"
    assert strategy(PLAN).in_force(datetime.date(2016, 6, 1)) is None


def test_areas_are_the_98_municipalities_5_regions_and_the_country():
    areas = shipped_areas()
    municipalities = areas.of_kind(AreaKind.MUNICIPALITY)
    assert len(municipalities) == 98
    assert [a.code for a in areas.of_kind(AreaKind.REGION)] == ["1081", "1082", "1083", "1084", "1085"]
    assert areas.get("DK").kind is AreaKind.COUNTRY
    assert areas.get("151").name == "Ballerup" and areas.get("151").region == "1084"
    assert len(areas.municipalities_in("1084")) == 29
    assert sum(len(areas.municipalities_in(r.code)) for r in areas.of_kind(AreaKind.REGION)) == 98
