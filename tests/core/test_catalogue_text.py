"""Catalogue texts: control and invisible characters refused with the path to the field;
versions by pattern, with the look-alike or invisible character named."""

import pytest

from kpi_core import CatalogueError, parse_revision
from kpi_core.catalogue_text import version_key
from kpi_core.shipped import _DATA

GOOD = (_DATA / "catalogue" / "ballerup-beskaeftigelsesstrategi-2022.toml").read_text(encoding="utf-8")
NAME_1_2 = 'name = { da = "Andel placeringer oprettet til tiden"'  # focus_areas[0].indicators[1]


def problems_of(text: str) -> list[str]:
    with pytest.raises(CatalogueError) as caught:
        parse_revision(text, "hostile.toml")
    return caught.value.problems


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        (
            NAME_1_2,
            NAME_1_2.replace("til tiden", "til\\u0007 tiden"),
            "contains a control character, U+0007, at position 31; remove it @ $.focus_areas[0].indicators[1].name.da",
        ),
        (
            NAME_1_2,
            NAME_1_2.replace("Andel", "Andel\\u202e"),
            "contains an invisible format character, U+202E RIGHT-TO-LEFT OVERRIDE, at position 6; remove it "
            "@ $.focus_areas[0].indicators[1].name.da",
        ),
        (
            'id = "P2"',
            'id = "P2\\u200b"',
            "contains an invisible format character, U+200B ZERO WIDTH SPACE, at position 3; remove it @ $.principles[1].id",
        ),
        (
            'id = "P2"',
            'id = "P2\\n"',
            "contains a control character, U+000A, at position 3; remove it @ $.principles[1].id",
        ),
        (
            'case_number = "15.00.00-P22-1-20"',
            'case_number = "15.00\\u001b[31m"',
            "contains a control character, U+001B, at position 6; remove it @ $.case_number",
        ),
        (
            'owner = "151"',
            'owner = "151\\uffff"',
            "contains a non-character, U+FFFF, at position 4; remove it @ $.strategy.owner",
        ),
    ],
    ids=[
        "bell-in-a-name",
        "bidi-override-in-a-name",
        "zero-width-space-in-an-id",
        "line-feed-in-an-id",
        "escape",
        "non-character",
    ],
)
def test_control_and_format_characters_are_refused_with_their_path(old, new, expected):
    assert old in GOOD
    assert expected in problems_of(GOOD.replace(old, new, 1))


def test_line_feeds_tabs_and_soft_hyphens_are_allowed_in_texts():
    text = GOOD.replace(NAME_1_2, NAME_1_2.replace("til tiden", "til\\n\\tti\\u00adden"), 1)
    parsed = parse_revision(text, "multi-line.toml")
    assert parsed.revision.indicator("1.2").name.da == "Andel placeringer oprettet til\n\tti\u00adden"


@pytest.mark.parametrize(
    ("version", "expected"),
    [
        ("2022 ", "version '2022 ' has U+0020 SPACE at position 5 (it looks like '2022')"),
        (
            "２０２２",
            "version '２０２２' has U+FF12 FULLWIDTH DIGIT TWO at position 1 (it looks like '2022')",
        ),
        (
            "2099\\u200B",
            "version '2099\\u200b' has U+200B ZERO WIDTH SPACE at position 5 (it looks like '2099')",
        ),
        ("-1", "version '-1' has U+002D HYPHEN-MINUS at position 1"),
        ("x" * 33, "is 33 characters long"),
    ],
)
def test_versions_follow_the_pattern_and_name_the_odd_character(version, expected):
    problems = problems_of(GOOD.replace('version = "2022"', f'version = "{version}"', 1))
    assert any(expected in p and p.endswith("@ $.version") for p in problems), problems
    assert any("1–32 letters, digits" in p for p in problems)


@pytest.mark.parametrize("version", ["2015", "2020", "2022", "2099-test", "v1.2_rc-3"])
def test_the_shipped_and_ordinary_versions_pass(version):
    assert (
        parse_revision(
            GOOD.replace('version = "2022"', f'version = "{version}"', 1), "ok.toml"
        ).revision.version
        == version
    )


def test_look_alike_versions_share_a_key():
    assert version_key("2022A") == version_key("2022a") == version_key("２０２２ａ")
    assert version_key("2022") != version_key("2023")
