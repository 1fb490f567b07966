"""The statuses themselves: "not met, progress unknown" is its own status, never OFF_TRACK,
and every status has its words. All figures here are synthetic test values."""

from decimal import Decimal as D

from kpi_core import Lang, shipped_areas, shipped_strategies
from kpi_core.evaluation import Status, evaluate
from kpi_core.observations import Observation as O
from kpi_core.wording import status_label, status_meaning, status_phrase, status_symbol

AREAS = shipped_areas()
R2022 = next(s for s in shipped_strategies() if s.id == "ballerup-beskaeftigelsesstrategi").revision("2022")


def test_not_met_with_nothing_a_year_earlier_is_not_met_progress_unknown():
    # 2.2 (at or below the national level): 30 against 29 is not met; 2021 has no figure
    # for the country, so nothing says whether the gap of 1 is smaller than before.
    obs = [
        O("2.2", "151", "2022", D("30")),
        O("2.2", "DK", "2022", D("29")),
        O("2.2", "151", "2021", D("33")),
    ]
    e = evaluate(R2022.indicator("2.2"), "151", "2022", obs, AREAS)
    assert (e.status, e.gap) == (Status.NOT_MET_PROGRESS_UNKNOWN, D("1"))
    assert e.explanation.da == (
        "2.2, 2022: 30,0 % mod 29,0 % (sammenlignet med: Hele landet); målet er ikke nået; "
        "udviklingen er ukendt, fordi der er ingen værdi for hele landet i 2021."
    )
    assert e.explanation.en == (
        "2.2, 2022: 30.0 % against 29.0 % (compared with: Whole country); the target is not met; "
        "progress is unknown because there is no value for the whole country in 2021."
    )
    # With the country's 2021 figure the comparison is made: gap 4 then, 1 now → ON_TRACK.
    decided = evaluate(R2022.indicator("2.2"), "151", "2022", [*obs, O("2.2", "DK", "2021", D("29"))], AREAS)
    assert decided.status is Status.ON_TRACK


def test_the_new_statuses_have_their_words():
    words = {
        Status.NOT_MET_PROGRESS_UNKNOWN: ("Ikke nået, udvikling ukendt", "Not met, progress unknown"),
        Status.UNDECIDED: ("Uafklaret", "Undecided"),
        Status.NOT_APPLICABLE: ("Gælder ikke", "Not applicable"),
    }
    for status, (da, en) in words.items():
        assert (status_label(status, Lang.DA), status_label(status, Lang.EN)) == (da, en)
        assert status.value == status.name.lower()
    # The legend no longer claims a comparison with a year earlier that nobody made.
    assert "ikke mindre end et år før" not in status_meaning(Status.NOT_MET_PROGRESS_UNKNOWN, Lang.DA)
    assert "kan ikke afgøres" in status_meaning(Status.NOT_MET_PROGRESS_UNKNOWN, Lang.DA)


def test_every_status_has_words_a_symbol_and_a_meaning_in_both_languages():
    symbols = set()
    for status in Status:
        for lang in Lang:
            assert status_label(status, lang) and status_phrase(status, lang) and status_meaning(status, lang)
        symbols.add(status_symbol(status))
    assert len(symbols) == len(Status)  # the symbol beside the words tells them apart too
