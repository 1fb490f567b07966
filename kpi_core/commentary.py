"""Staff commentary: a short plain text on an indicator or a goal, for an area and a period.

Nothing written is ever changed: an edit or a withdrawal is a new version of the same
commentary (same id, the next number), so what a page showed on a day can be shown again
(`as_of`). The text is plain: it is never read as HTML, and everywhere it is shown it is
escaped. It is bounded and free of control characters (the rules of catalogue texts:
`kpi_core.catalogue_text`), since it ends up in HTML, XML and JSON.

>>> check_text("Ledigheden steg, fordi …\\r\\nVi følger op.")
'Ledigheden steg, fordi …\\nVi følger op.'
>>> check_text("x" * 2001)
Traceback (most recent call last):
...
kpi_core.commentary.CommentaryError: text is 2,001 characters long; at most 2,000 are allowed (shorten it)
"""

import datetime
import enum
from collections.abc import Iterable

import attrs

from kpi_core.catalogue_text import forbidden_in_text
from kpi_core.errors import KpiError, NotFound
from kpi_core.text import Lang

MAX_TEXT = 2000  # characters: a paragraph or two beside a status, not a report


class CommentaryError(KpiError, ValueError):
    """A text or a change that cannot be stored; the message says why and what to do."""


class UnknownCommentary(NotFound):
    pass


class CommentaryConflict(CommentaryError):
    """Another change of the same commentary was stored first; nothing was written."""


class SubjectKind(enum.Enum):
    INDICATOR = "indicator"
    GOAL = "goal"


@attrs.frozen
class Subject:
    """What a commentary is about: an indicator or a goal of one revision of a strategy."""

    strategy_id: str
    version: str  # the revision's version
    kind: SubjectKind
    id: str  # the indicator's or the goal's id


def check_text(text: str) -> str:
    """The text as stored (line breaks as `\\n`, no surrounding blanks), or a CommentaryError."""
    text = text.replace("\r\n", "\n").strip()  # a browser's textarea sends CRLF
    if not text:
        raise CommentaryError("text is empty; write the commentary, or withdraw it with withdrawCommentary")
    if len(text) > MAX_TEXT:
        raise CommentaryError(
            f"text is {len(text):,} characters long; at most {MAX_TEXT:,} are allowed (shorten it)"
        )
    if problem := forbidden_in_text(text):
        raise CommentaryError(f"text {problem}")
    return text


@attrs.frozen
class CommentaryVersion:
    """One stored version: the whole commentary as it stood after one add, edit or withdrawal."""

    commentary_id: str
    number: int  # 1 for the first version
    subject: Subject
    area: str
    period: str
    da: str | None  # the Danish text; None where only English was written
    en: str | None
    author: str  # the name of the token that wrote this version
    written_at: datetime.datetime
    withdrawn: bool = False

    def text(self, lang: Lang) -> str:
        """The text in `lang`, or where it was not written in it, in the other language."""
        wanted, other = (self.en, self.da) if lang is Lang.EN else (self.da, self.en)
        return wanted if wanted is not None else other or ""

    def text_lang(self, lang: Lang) -> Lang:
        """The language `text(lang)` is in."""
        if (self.en if lang is Lang.EN else self.da) is not None:
            return lang
        return Lang.DA if lang is Lang.EN else Lang.EN

    def edited(self, lang: Lang, text: str, author: str, at: datetime.datetime) -> "CommentaryVersion":
        if self.withdrawn:
            raise CommentaryError(
                f"commentary {self.commentary_id} was withdrawn (version {self.number}); add a new commentary instead"
            )
        da, en = (self.da, text) if lang is Lang.EN else (text, self.en)
        return attrs.evolve(self, number=self.number + 1, author=author, written_at=at, da=da, en=en)

    def withdrawn_by(self, author: str, at: datetime.datetime) -> "CommentaryVersion":
        if self.withdrawn:
            raise CommentaryError(
                f"commentary {self.commentary_id} is withdrawn already (version {self.number})"
            )
        return attrs.evolve(self, number=self.number + 1, author=author, written_at=at, withdrawn=True)


@attrs.frozen
class Commentary:
    """A commentary as it stood at a time: its latest version then, and the earlier ones."""

    latest: CommentaryVersion
    earlier: tuple[CommentaryVersion, ...]  # newest first

    @property
    def id(self) -> str:
        return self.latest.commentary_id


def as_of(versions: Iterable[CommentaryVersion], before: datetime.datetime | None = None) -> list[Commentary]:
    """The commentaries as they stood just before `before` (None: now), newest written first;
    one withdrawn by then is not among them.

    >>> s = Subject("s", "2022", SubjectKind.INDICATOR, "2.1")
    >>> day = lambda d: datetime.datetime(2026, 12, d, tzinfo=datetime.UTC)
    >>> v1 = CommentaryVersion("c1", 1, s, "151", "2022", "Først", None, "anna", day(1))
    >>> v2 = v1.edited(Lang.DA, "Siden", "bo", day(3))
    >>> [c.latest.da for c in as_of([v1, v2], day(2))], [c.latest.da for c in as_of([v1, v2])]
    (['Først'], ['Siden'])
    >>> as_of([v1, v2, v2.withdrawn_by("bo", day(4))])
    []
    """
    by_id: dict[str, list[CommentaryVersion]] = {}
    for v in versions:
        if before is None or v.written_at < before:
            by_id.setdefault(v.commentary_id, []).append(v)
    found = []
    for kept in by_id.values():
        kept.sort(key=lambda v: v.number, reverse=True)
        if not kept[0].withdrawn:
            found.append(Commentary(kept[0], tuple(kept[1:])))
    found.sort(key=lambda c: (c.latest.written_at, c.id), reverse=True)
    return found
