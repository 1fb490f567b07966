"""kpi_core.commentary: the text's rules and the view as of a time."""

import datetime
import re

import pytest

from kpi_core import Lang
from kpi_core.commentary import (
    MAX_TEXT,
    CommentaryError,
    CommentaryVersion,
    Subject,
    SubjectKind,
    as_of,
    check_text,
)

SUBJECT = Subject("s", "2022", SubjectKind.INDICATOR, "2.1")


def day(d: int, hour: int = 12) -> datetime.datetime:
    return datetime.datetime(2026, 12, d, hour, tzinfo=datetime.UTC)


def first(commentary_id="c1", at=None) -> CommentaryVersion:
    return CommentaryVersion(commentary_id, 1, SUBJECT, "151", "2022-09", "Først", None, "anna", at or day(1))


def test_the_text_is_bounded_with_the_limit_in_the_error():
    assert check_text("x" * MAX_TEXT) == "x" * MAX_TEXT
    with pytest.raises(CommentaryError, match=r"2,001 characters long; at most 2,000"):
        check_text("x" * (MAX_TEXT + 1))


@pytest.mark.parametrize(
    ("text", "named"),
    [
        ("a\x00b", "U+0000"),
        ("a\x1bb", "U+001B"),
        ("a\u202eb", "U+202E RIGHT-TO-LEFT OVERRIDE"),
        ("a\rb", "U+000D"),
    ],
)
def test_control_and_invisible_characters_are_refused_by_name_and_position(text, named):
    with pytest.raises(CommentaryError, match=f"{re.escape(named)}.*at position 2; remove it"):
        check_text(text)


def test_line_breaks_and_markup_are_kept_as_plain_text():
    assert check_text("  <b>Steg</b>\r\n\tfordi …  ") == "<b>Steg</b>\n\tfordi …"
    with pytest.raises(CommentaryError, match="empty"):
        check_text(" \n ")


def test_an_edit_keeps_the_other_language_and_numbers_on():
    v1 = first()
    v2 = v1.edited(Lang.EN, "First", "bo", day(2))
    v3 = v2.edited(Lang.DA, "Siden", "cy", day(3))
    assert (v3.number, v3.da, v3.en, v3.author) == (3, "Siden", "First", "cy")
    assert (v1.text(Lang.EN), v1.text_lang(Lang.EN)) == ("Først", Lang.DA)  # no English: the Danish, said so


def test_a_withdrawn_commentary_is_neither_edited_nor_withdrawn_again():
    gone = first().withdrawn_by("bo", day(2))
    with pytest.raises(CommentaryError, match="withdrawn"):
        gone.edited(Lang.DA, "igen", "bo", day(3))
    with pytest.raises(CommentaryError, match="withdrawn already"):
        gone.withdrawn_by("bo", day(3))


def test_as_of_shows_each_commentary_as_it_stood_then_newest_first():
    a1 = first("a", day(1))
    a2 = a1.edited(Lang.DA, "Rettet", "bo", day(3))
    b1 = first("b", day(2))
    b2 = b1.withdrawn_by("bo", day(4))
    versions = [b2, a2, b1, a1]  # in any order
    assert as_of(versions, day(1)) == []  # before the first was written
    on_2nd = as_of(versions, day(2, 13))
    assert [(c.id, c.latest.number) for c in on_2nd] == [("b", 1), ("a", 1)]
    on_3rd = as_of(versions, day(3, 13))
    assert [(c.id, c.latest.number, [v.number for v in c.earlier]) for c in on_3rd] == [
        ("a", 2, [1]),
        ("b", 1, []),
    ]
    assert [c.id for c in as_of(versions)] == ["a"]  # b withdrawn
