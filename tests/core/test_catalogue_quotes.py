"""The shipped catalogue quotes its source documents exactly.

The documents are the text extracted from the municipality's PDFs, kept in
tests/fixtures/seeds/ under the file names the catalogue cites. Line breaks and the
hyphens that split a word at a line end are the PDF's, not the text's, so they are undone
before comparing; `001_…` (appendix 1) came out of the PDF with mangled letters
(`M4l` for `Mål`), so a quote from it must match all but a few letters.
"""

import difflib
import re
from pathlib import Path

import pytest

from kpi_core import RemarkKind, RemarkTopic, RevisionStatus, shipped_strategies

SEEDS = Path(__file__).resolve().parents[1] / "fixtures" / "seeds"
MANGLED = {"001_00250b416b2bcc30.txt"}


def normalised(text: str) -> str:
    text = re.sub(r"(\w)-[ \t]*\n\s*(\w)", r"\1\2", text)  # "mod-\ntager" → "modtager"
    return " ".join(text.split())


def without_footnote_marks(text: str) -> str:
    return re.sub(r"([a-zæøå])\d\b", r"\1", text)  # "Langtidsledigheden1 skal" → "… skal"


SEED_TEXT = {
    p.name: without_footnote_marks(normalised(p.read_text(encoding="utf-8"))) for p in SEEDS.glob("*.txt")
}
STRATEGIES = {s.id: s for s in shipped_strategies()}


def found_in(quote: str, file: str) -> bool:
    """The quote is in the file; a quote's first letter may be capitalised in the catalogue."""
    quote, text = normalised(quote).casefold(), SEED_TEXT[file].casefold()
    if quote in text:
        return True
    if file not in MANGLED:
        return False
    # Mangled letters: the best window of the quote's length matches ≥ 95 %, and every
    # digit is the same (a letter is mangled, a figure is not).
    matcher = difflib.SequenceMatcher(None, text, quote, autojunk=False)
    start = matcher.find_longest_match(0, len(text), 0, len(quote))
    window = text[max(0, start.a - start.b) : max(0, start.a - start.b) + len(quote)]
    digits = [re.findall(r"\d[\d.,]*\d", t) for t in (window, quote)]  # "0gsa" is a mangled "også"
    return digits[0] == digits[1] and difflib.SequenceMatcher(None, window, quote).ratio() >= 0.95


def revision(strategy: str, version: str):
    return STRATEGIES[strategy].revision(version)


def files_of(rev) -> set[str]:
    return {d.file for d in rev.sources}


def test_seed_files_are_the_ones_the_catalogue_cites():
    cited = {d.file for s in STRATEGIES.values() for r in s.revisions for d in r.sources}
    assert cited == set(SEED_TEXT)


def test_2022_descriptions_are_the_appendix_text_without_change_marks():
    rev = revision("ballerup-beskaeftigelsesstrategi", "2022")
    for indicator in rev.indicators:
        if indicator.description is None:
            continue
        text = indicator.description.da
        assert not text.startswith(("Ny:", "Ny ")), indicator.id  # a change mark, kept in lineage
        assert found_in(text, "003_32cb856ef402e1f5.txt"), indicator.id
    assert {n.subject for n in rev.lineage if n.kind.value == "added"} >= {"2.5", "3.2", "3.3"}


def test_2022_lineage_reasons_quote_the_remarks_column():
    rev = revision("ballerup-beskaeftigelsesstrategi", "2022")
    for note in rev.lineage:
        if note.subject.startswith("M"):  # a goal's rewording is described, not quoted
            continue
        reason = re.sub(r"^(Ny\. |Udgår: |UDGÅR / ERSTATES MED: )", "", note.reason.da).rstrip(".")
        assert found_in(reason, "003_32cb856ef402e1f5.txt"), note.subject
    removed = next(n for n in rev.lineage if n.subject == "5.5")
    # The document has no comma before "og den" nor after "data)".
    assert "disse data og den må derfor sløjfes" in removed.reason.da
    assert "(eller lignende data) medtages" in removed.reason.da


def quoted_parts(text: str) -> list[str]:
    """Parts of a remark in single or double quotes that are quotations: long enough, not
    the direction words the catalogue writes itself ('højere er bedre')."""
    found = [q for pair in re.findall(r"'(\w[^']{11,})'|\"(\w[^\"]{11,})\"", text) for q in pair if q]
    return [q for q in found if q not in {"højere er bedre", "lavere er bedre"}]


@pytest.mark.parametrize(
    "strategy, version",
    [
        ("ballerup-beskaeftigelsesplan", "2015"),
        ("ballerup-beskaeftigelsesstrategi", "2020"),
        ("ballerup-beskaeftigelsesstrategi", "2022"),
        ("ballerup-covid19-opfoelgning", "2020"),
    ],
)
def test_quotations_in_remarks_are_in_a_source_of_the_revision(strategy, version):
    rev = revision(strategy, version)
    remarks = [
        *rev.remarks,
        *(r for f in rev.focus_areas for r in (*f.remarks, *f.goal.remarks)),
        *(r for i in rev.indicators for r in i.remarks),
    ]
    missing = [
        q
        for r in remarks
        for q in quoted_parts(r.text.da)
        if not any(found_in(q.replace(" (sic)", ""), f) for f in files_of(rev))
    ]
    assert missing == []


def test_covid_item_was_noted_and_keeps_the_minutes_figures():
    rev = revision("ballerup-covid19-opfoelgning", "2020")
    minutes = "004_60c6c6843d7217b6.txt"
    assert rev.status is RevisionStatus.NOTED  # "Beslutning: Taget til efterretning"
    assert found_in(
        "Orientering om udvikling på arbejdsmarkedet under COVID-19 tages til efterretning.", minutes
    )
    c1 = rev.indicator("C1")
    fall = next(r for r in c1.remarks if "knap 50" in r.text.da)
    first_sentence = fall.text.da.split(" (")[0]
    assert found_in(first_sentence, minutes) and fall.source.at == "Punkt 2, Sagsfremstilling"
    assert "fall of almost 50" in fall.text.en and "260" in fall.text.en
    english = " ".join(r.text.en for r in rev.remarks) + rev.focus_areas[0].goal.statement.en
    assert "Business and Employment Committee" in english and " the Employment Committee" not in english


def test_2022_expected_rise_of_unemployment_is_quoted_with_its_source():
    f2 = revision("ballerup-beskaeftigelsesstrategi", "2022").focus_areas[1]
    rise = next(r for r in f2.remarks if "100.000" in r.text.da)
    assert rise.source.doc == "bilag1-2022" and "100,000" in rise.text.en
    assert found_in(rise.text.da.split(" (")[0], "001_00250b416b2bcc30.txt")
    wrong = rise.text.da.split(" (")[0]
    assert not found_in(wrong.replace("stige", "falde"), "001_00250b416b2bcc30.txt")
    assert not found_in(wrong.replace("100.000", "10.000"), "001_00250b416b2bcc30.txt")


def test_2015_youth_figures_are_on_the_plans_own_indicator_and_the_fall_is_general():
    plan = revision("ballerup-beskaeftigelsesplan", "2015")
    youth = plan.indicator("P1.4")
    assert youth.breakdowns[0].value == "age" and youth.direction.value == "none"
    assert any(r.kind is RemarkKind.RECONSTRUCTED and "ikke som O1" in r.text.da for r in youth.remarks)
    f3 = plan.focus_areas[2]
    assert not any("0,5 pct. pt." in r.text.da for r in (*f3.remarks, *f3.goal.remarks))
    fall = next(r for r in plan.remarks if "0,5 pct. pt." in r.text.da)
    assert found_in(fall.text.da.split(" (")[0], "002_48db1d82ebe3c6cf.txt")


@pytest.mark.parametrize(
    "strategy, version, ids",
    [
        ("ballerup-beskaeftigelsesstrategi", "2022", ["4.4"]),
        ("ballerup-beskaeftigelsesstrategi", "2020", ["4.4"]),
        ("ballerup-beskaeftigelsesplan", "2015", ["P2.1", "P2.2", "P3.1"]),
    ],
)
def test_skal_percentages_recorded_as_minimums_say_so(strategy, version, ids):
    rev = revision(strategy, version)
    for iid in ids:
        assert any("ikke 'mindst'" in r.text.da for r in rev.indicator(iid).remarks), iid


@pytest.mark.parametrize("version", ["2020", "2022"])
def test_key_figure_as_first_row_is_a_stated_assumption(version):
    rev = revision("ballerup-beskaeftigelsesstrategi", version)
    remark = next(r for r in rev.remarks if "første række" in r.text.da)
    assert remark.kind is RemarkKind.ASSUMPTION
    assert [f.key_figure for f in rev.focus_areas] == [f.indicators[0].id for f in rev.focus_areas]


def test_2020_english_follows_the_2020_danish():
    rev = revision("ballerup-beskaeftigelsesstrategi", "2020")
    p2, p3 = rev.principles[1], rev.principles[2]
    assert "beskæftigelsesforløb" in p2.text.da and "employment programmes" in p2.text.en
    assert "employment-oriented" not in p2.text.en
    assert "Ballerup Kommunes medarbejdere" in p3.text.da and "Ballerup Kommune's staff" in p3.text.en
    # The 2020 minutes list the five focus areas; the 2022 appendix is not their source.
    assert [f.source.doc for f in rev.focus_areas] == ["referat-2020"] * 5


@pytest.mark.parametrize("version", ["2020", "2022"])
def test_goal_wordings_translate_the_danish(version):
    rev = revision("ballerup-beskaeftigelsesstrategi", version)
    m5 = rev.focus_areas[4].goal
    assert "skal på niveau med" in m5.statement.da and "on a level with" in m5.statement.en
    i41 = rev.indicator("4.1")
    assert "[uddannelse]" in i41.name.da and "[education]" in i41.name.en


def test_every_monitor_only_direction_is_none_or_explained():
    for s in STRATEGIES.values():
        for rev in s.revisions:
            for i in rev.indicators:
                if i.target.__class__.__name__ == "MonitorOnly":
                    explained = [r for r in i.remarks if r.about is RemarkTopic.DIRECTION]
                    assert explained, (s.id, rev.version, i.id)  # the reason, for "none" too
                    if i.direction.value != "none":
                        assert explained[0].kind is RemarkKind.ASSUMPTION


def test_every_shipped_indicator_declares_its_frequency():
    kinds = {}
    for s in STRATEGIES.values():
        for rev in s.revisions:
            for i in rev.indicators:
                assert i.frequency is not None, (s.id, rev.version, i.id)
                kinds[i.id] = i.frequency.value
    # Where no source says how often (the case-system figures), the assumption is a remark.
    r2022 = revision("ballerup-beskaeftigelsesstrategi", "2022")
    for iid in ("1.2", "1.3", "2.6"):
        assert any(r.about is RemarkTopic.FREQUENCY for r in r2022.indicator(iid).remarks), iid
    # As the sources publish them: Jobindsats/Statbank monthly, quarterly tables, yearly education.
    assert (kinds["2.2"], kinds["O1"], kinds["1.1"], kinds["3.3"], kinds["4.1"], kinds["P4.1"]) == (
        "monthly",
        "monthly",
        "quarterly",
        "quarterly",
        "yearly",
        "yearly",
    )
