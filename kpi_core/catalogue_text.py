"""What the text of a catalogue file may contain, and when two versions are the same.

Catalogue texts end up in XML (SVG figures), HTML pages and identifiers in URLs, so:

- no control character (Unicode category Cc) anywhere, except a line feed or a tab in
  the bilingual texts (`da`/`en`), which may run over several lines; a C0 control makes
  the SVG ill-formed XML;
- no format character (Cf: U+200B ZERO WIDTH SPACE, U+202E RIGHT-TO-LEFT OVERRIDE, …)
  anywhere, except the soft hyphen (U+00AD) in the bilingual texts: they are invisible,
  so an id or version with one looks like another, and bidirectional overrides make a
  name display as something it is not;
- no surrogate or non-character (U+FFFE, U+FFFF), which XML refuses too;
- a version is 1–32 ASCII letters, digits, `.`, `_` or `-`, starting with a letter or a
  digit (the shipped ones: 2015, 2020, 2022), and two versions are the same when their
  NFKC normal forms agree ignoring case.
"""

import re
import unicodedata
from collections.abc import Iterator

VERSION = re.compile(r"[0-9A-Za-z][0-9A-Za-z._-]{0,31}")
_TEXT_KEYS = ("da", "en")  # the fields of a bilingual Text
_TEXT_ALLOWED = frozenset("\n\t\u00ad")


def describe(char: str) -> str:
    """U+200B ZERO WIDTH SPACE: a character as a person can look it up."""
    name = unicodedata.name(char, "")  # control characters have no name in the database
    return f"U+{ord(char):04X} {name}" if name else f"U+{ord(char):04X}"


def forbidden_characters(data: object, path: str = "$") -> Iterator[str]:
    """A problem (`… @ path`) for the first forbidden character of every string in parsed
    TOML data (dicts, lists, strings and scalars), walked without recursion."""
    pending = [(path, data, False)]
    while pending:
        where, value, is_text = pending.pop()
        if isinstance(value, str):
            if problem := _first_forbidden(value, is_text):
                yield f"{problem} @ {where}"
        elif isinstance(value, dict):
            for key, item in reversed(value.items()):
                pending.append((f"{where}.{key}", item, key in _TEXT_KEYS))
        elif isinstance(value, list):
            for index in reversed(range(len(value))):
                pending.append((f"{where}[{index}]", value[index], False))


def forbidden_in_text(text: str) -> str | None:
    """The first character a bilingual text may not have (`contains … at position n; remove
    it`), or None: the rule of catalogue texts, for any plain text a person writes."""
    return _first_forbidden(text, is_text=True)


def _first_forbidden(text: str, is_text: bool) -> str | None:
    if text.isprintable():  # the common case, at C speed: no Cc, Cf, Cs or unassigned character
        return None
    for position, char in enumerate(text, start=1):
        category = unicodedata.category(char)
        if category in ("Cc", "Cf", "Cs") or char in "\ufffe\uffff":
            if is_text and char in _TEXT_ALLOWED:
                continue
            kind = {"Cc": "a control character", "Cf": "an invisible format character"}.get(
                category, "a non-character"
            )
            return f"contains {kind}, {describe(char)}, at position {position}; remove it"
    return None


def check_version(version: str) -> None:
    """Raise ValueError naming the first character a version may not have."""
    if VERSION.fullmatch(version):
        return
    if not version:
        raise ValueError("a version must not be empty (e.g. 2022)")
    rule = "a version is 1–32 letters, digits, '.', '_' or '-', starting with a letter or a digit (e.g. 2022 or 2022-rev1)"
    if len(version) > 32:
        raise ValueError(f"version {version[:40]!r}… is {len(version)} characters long; {rule}")
    position, char = next(
        (i, c) for i, c in enumerate(version, start=1) if not VERSION.fullmatch(c if i == 1 else f"0{c}")
    )
    visible = "".join(c for c in unicodedata.normalize("NFKC", version) if unicodedata.category(c) != "Cf")
    looks = visible.strip()
    hint = f" (it looks like {looks!r})" if looks != version and VERSION.fullmatch(looks) else ""
    raise ValueError(f"version {version!r} has {describe(char)} at position {position}{hint}; {rule}")


def version_key(version: str) -> str:
    """What two versions are compared by: `2022A` is `2022a`, full-width `２０２２` is `2022`."""
    return unicodedata.normalize("NFKC", version).casefold()
