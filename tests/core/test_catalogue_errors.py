"""A broken catalogue file gives a located error (file, path, what was expected)."""

import pytest

from kpi_core import CatalogueError, build_strategies, parse_revision, shipped_revision_files
from kpi_core.shipped import _DATA

GOOD = (_DATA / "catalogue" / "ballerup-beskaeftigelsesstrategi-2022.toml").read_text(encoding="utf-8")
FILE = "broken.toml"


def problems_of(text: str) -> list[str]:
    with pytest.raises(CatalogueError) as caught:
        parse_revision(text, FILE)
    assert caught.value.file == FILE
    assert FILE in str(caught.value)
    return caught.value.problems


def test_the_unbroken_file_parses():
    assert parse_revision(GOOD, FILE).revision.version == "2022"


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        (
            'target = { kind = "threshold", bound = "min", value = "80" }',
            'target = { kind = "thresold", bound = "min", value = "80" }',
            "unknown kind 'thresold'; expected one of: at_or_above, at_or_below, strictly_below, rank_within, "
            "threshold, parity, external_target, max_duration, follow_cluster, monitor_only "
            "@ $.focus_areas[0].indicators[4].target",
        ),
        (
            'target = { kind = "threshold", bound = "min", value = "80" }',
            'target = { kind = "threshold", bound = "least", value = "80" }',
            "'least' is not a valid Bound; expected one of: min, max @ $.focus_areas[0].indicators[4].target.bound",
        ),
        (
            'target = { kind = "threshold", bound = "min", value = "80" }',
            'target = { kind = "threshold", bound = "min", value = "80 pct" }',
            "expected a decimal number, got '80 pct' @ $.focus_areas[0].indicators[4].target.value",
        ),
        (
            'unit = "percent"\nfrequency = "monthly"\ndirection = "none"\nbreakdowns = ["age"]',
            'unit = "procent"\nfrequency = "monthly"\ndirection = "none"\nbreakdowns = ["age"]',
            "'procent' is not a valid Unit; expected one of: percent, percent_change, count, number, months, weeks "
            "@ $.overall_indicators[0].unit",
        ),
        (
            'unit = "percent"\nfrequency = "monthly"\ndirection = "none"\nbreakdowns = ["age"]',
            'unit = "percent"\nfrequency = "weekly"\ndirection = "none"\nbreakdowns = ["age"]',
            "'weekly' is not a valid Frequency; expected one of: monthly, quarterly, yearly "
            "@ $.overall_indicators[0].frequency",
        ),
        (
            # 1.2 has no target: its "higher is better" is the catalogue's, and must say why
            'about = "direction"\ntext = { da = "Ingen målsætning angivet i kilden; indikatoren følges. Retningen \'højere er bedre\' er antaget: indikatoren tæller',
            "text = { da = \"Ingen målsætning angivet i kilden; indikatoren følges. Retningen 'højere er bedre' er antaget: indikatoren tæller",
            'indicator 1.2: a monitor-only indicator with direction better_up needs a remark with about = "direction"',
        ),
        (
            'key_figure = "2.1"',
            'key_figure = "2.9"',
            "focus area F2: key figure '2.9' is not one of its indicators",
        ),
        ('key_figure = "2.1"', 'key_figure = "2.1"\nkeyfigure = "2.1"', "unknown field(s) keyfigure"),
        (
            'decimals = 1\nunit = "percent"\nfrequency = "monthly"\ndirection = "none"',
            'decimals = 7\nunit = "percent"\nfrequency = "monthly"\ndirection = "none"',
            "indicator O1: decimals must be a whole number from 0 to 4 (how many a publication prints), not 7",
        ),
        ('case_number = "15.00.00-P22-1-20"', "case_number = 15", "expected text, got 15 @ $.case_number"),
        ('version = "2022"\n', "", "required field missing @ $.version"),
        (
            'doc = "bilag2-2022", at = "Side 3, Oversigt, Overordnet" }',
            'doc = "bilag9", at = "x" }',
            "cites document 'bilag9'",
        ),
        ("format = 1", "format = 2", "expected `format = 1`"),
        (
            'case_number = "15.00.00-P22-1-20"',
            'case_number = "15\\u0000"',
            "must not contain a NUL character",
        ),
        ('id = "1.2"', 'id = "1.1"', "indicator id '1.1' is used twice"),
        (
            'name = { da = "Andelen af langtidsledige borgere", en',
            'name = { da = " ", en',
            "da must not be blank",
        ),
    ],
)
def test_a_broken_file_names_the_place(old, new, expected):
    assert GOOD.count(old) >= 1, old
    problems = problems_of(GOOD.replace(old, new, 1))
    assert any(expected in p for p in problems), problems


def test_invalid_toml_names_line_and_column():
    (problem,) = problems_of(GOOD.replace('version = "2022"', 'version = "2022', 1))
    assert problem.startswith("not valid TOML:") and "line" in problem


def test_a_lineage_note_contradicting_the_revisions_is_rejected():
    files = [f for f in shipped_revision_files() if f.strategy.id == "ballerup-beskaeftigelsesstrategi"]
    old = '[[lineage]]\nsubject = "5.4"\nkind = "rescoped"'
    broken = parse_revision(GOOD.replace(old, old.replace("rescoped", "reworded")), FILE)
    with pytest.raises(CatalogueError) as caught:
        build_strategies([files[0], broken])
    assert "the note says 5.4 was reworded, but comparing with revision 2020 shows rescoped" in str(
        caught.value
    )


def test_a_replacement_must_name_an_existing_successor():
    files = [f for f in shipped_revision_files() if f.strategy.id == "ballerup-beskaeftigelsesstrategi"]
    broken = parse_revision(GOOD.replace('successor = "1.5b"', 'successor = "1.5c"'), FILE)
    with pytest.raises(CatalogueError) as caught:
        build_strategies([files[0], broken])
    assert (
        "lineage note 'replaced' on '1.5a' needs it in the previous revision only, with its successor '1.5c'"
        in str(caught.value)
    )
