"""TOML read within limits: the text is measured before `tomllib` sees it.

`tomllib` is quadratic in the number of parts of a dotted key (`a.a.a…a = 1`: 40 KB took
6.8 s and 1.6 GB, 200 KB grew past 24 GB) and recurses once per nested array or inline
table (50,000 deep: RecursionError). So a linear pre-scan measures the text first —
bytes, keys, the length and the number of parts of every key (table headers included),
and how deep arrays and inline tables nest — and refuses it, naming the line, the column
and the limit, before anything is parsed.

The scan knows TOML's strings and comments (a `[` or `.` inside them is text), but not the
rest of the grammar. On valid TOML it counts exactly; past the first place where the text
is not valid TOML it may count wrongly either way, which is harmless: `tomllib` parses in
order and stops with an error at that place, never reaching what follows. Every step
consumes input, so the scan is linear in the size of the text, which it checks first.

Hand-written: no TOML parser on PyPI offers such limits (tomllib, tomli and tomlkit have
none), and the scan is a few dozen lines.
"""

import itertools
import re
import tomllib
from collections.abc import Callable
from typing import Any

import attrs

# Generous for catalogue files (the largest shipped is 37 KB, with about 900 keys, keys
# of up to 3 parts and values nested 3 deep) and small enough that the scan and the
# parse of the densest file within them take under half a second.
MAX_BYTES = 256 * 1024
MAX_KEYS = 20_000
MAX_KEY_LENGTH = 128  # characters of one part of a key
MAX_KEY_PARTS = 8  # parts of one dotted key or table header
MAX_DEPTH = 16  # arrays and inline tables inside each other


@attrs.frozen
class TomlLimitError(ValueError):
    """The text exceeds a limit; `line` and `column` count from 1."""

    message: str
    line: int
    column: int | None = None

    def __str__(self) -> str:
        where = f"line {self.line}" + (f", column {self.column}" if self.column else "")
        return f"{self.message} ({where})"


# Everything the scan must look at; the text between two of these is part of a bare key
# or of a value such as a number or date.
_SIGNIFICANT = re.compile(r"[\[\]{}=,.\"'#\n]")
_VALUE = re.compile(r"[{}\"'#\n]")
_VALUE_IN_TABLE = re.compile(r"[{},\"'#\n]")  # a comma in an inline table: a key follows
_BRACKET = {"[": 1, "]": -1}
# Strings, matched from their opening quote; each alternative begins with a different
# character, so a match (or a failure) takes time linear in what it covers.
_STRINGS = (
    ('"""', re.compile(r'"""(?:[^\\"]|\\[\s\S]|"(?!""))*"""(?:""?(?!"))?')),
    ("'''", re.compile(r"'''(?:[^']|'(?!''))*'''(?:''?(?!'))?")),
    ('"', re.compile(r'"(?:[^\\"\n]|\\.)*"')),
    ("'", re.compile(r"'[^'\n]*'")),
)


def loads(text: str, parse_float: Callable[[str], Any] = float) -> dict[str, Any]:
    """`tomllib.loads` after `check`: raises TomlLimitError or tomllib.TOMLDecodeError."""
    check(text)
    try:
        return tomllib.loads(text, parse_float=parse_float)
    except RecursionError:  # the scan bounds nesting; this is the last resort
        raise TomlLimitError(
            f"values are nested too deeply (at most {MAX_DEPTH} arrays or inline tables)", 1
        ) from None


def check(text: str) -> None:
    """Raise TomlLimitError at the first limit the text exceeds."""
    size = len(text) if len(text) > MAX_BYTES else len(text.encode("utf-8", "surrogatepass"))
    if size > MAX_BYTES:  # (more characters than the limit are more bytes too)
        raise TomlLimitError(f"the file is {size:,} bytes; a catalogue file has at most {MAX_BYTES:,}", 1)
    _Scan(text).run()


class _Scan:
    def __init__(self, text: str) -> None:
        self.text = text
        self.line, self.line_start = 1, 0
        self.containers: list[str] = []  # the open arrays ("[") and inline tables ("{")
        self.in_key = True  # at the start of a line outside values, or where an inline table expects a key
        self.in_header = False  # inside a [table] or [[array of tables]] header
        self.keys = 0
        self.parts = 1  # of the key being read
        self.part_length = 0

    def run(self) -> None:
        text, position = self.text, 0
        while True:
            if self.in_key:
                match = _SIGNIFICANT.search(text, position)
                self._key_text(len(text[position : match.start() if match else len(text)].strip()), position)
            else:  # in a value, only brackets, strings, comments, line ends (and commas in a table) matter
                match = (_VALUE_IN_TABLE if "{" in self.containers else _VALUE).search(text, position)
                self._brackets(text[position : match.start() if match else len(text)], position)
            if match is None:
                return
            char, position = match.group(), match.end()
            if char == "\n":
                self.line, self.line_start = self.line + 1, position
                if not self.containers:
                    self.in_key = True
            elif char == "#":
                end = text.find("\n", position)
                position = len(text) if end < 0 else end
            elif char in "\"'":
                position = self._string(match.start())
            elif self.in_key:
                self._key_punctuation(char, match.start())
            else:
                self._value_punctuation(char, match.start())

    def _brackets(self, span: str, at: int) -> None:
        """The arrays a stretch of a value opens and closes, counted at C speed (a value
        of 100,000 brackets is the densest input the scan sees)."""
        if "[" not in span and "]" not in span:
            return
        depths = list(itertools.accumulate(map(_BRACKET.get, span, itertools.repeat(0))))
        deepest, lowest = max(depths), min(0, min(depths))
        if len(self.containers) + deepest > MAX_DEPTH:
            self._fail(self._too_deep, at + depths.index(MAX_DEPTH - len(self.containers) + 1))
        del self.containers[max(0, len(self.containers) + lowest) :]  # valid TOML closes only arrays here
        self.containers.extend("[" * (depths[-1] - lowest))

    def _key_text(self, length: int, at: int) -> None:
        self.part_length += length
        if self.part_length > MAX_KEY_LENGTH:
            self._fail(f"a key is longer than {MAX_KEY_LENGTH} characters", at)

    def _key_punctuation(self, char: str, at: int) -> None:
        if char == ".":
            self.parts, self.part_length = self.parts + 1, 0
            if self.parts > MAX_KEY_PARTS:
                self._fail(f"a dotted key or table header has more than {MAX_KEY_PARTS} parts", at)
        elif char == "[" and not self.containers and not self.in_header:
            self.in_header = True  # `[` or `[[` opening a table header (the second `[` lands here too)
        elif char == "=":
            self._end_key(at)
        elif char == "]" and self.in_header:  # the end of a header's key
            self._end_key(at)
            self.in_header = False
            self.in_key = self.text.startswith("]", at + 1)  # `]]`: its second bracket comes here next
        elif char == "]":  # that second bracket
            self.in_key = False
        elif char == "}":  # an empty inline table
            self._close(at)

    def _end_key(self, at: int) -> None:
        self.keys += 1
        if self.keys > MAX_KEYS:
            self._fail(f"the file has more than {MAX_KEYS:,} keys", at)
        self.parts, self.part_length, self.in_key = 1, 0, False

    _too_deep = property(lambda self: f"arrays and inline tables are nested more than {MAX_DEPTH} deep")

    def _value_punctuation(self, char: str, at: int) -> None:
        if char == "{":
            self.containers.append(char)
            if len(self.containers) > MAX_DEPTH:
                self._fail(self._too_deep, at)
            self.in_key = True
        elif char == "}":
            self._close(at)
        elif char == "," and self.containers and self.containers[-1] == "{":
            self.in_key = True

    def _close(self, at: int) -> None:
        if self.containers:
            self.containers.pop()
        self.in_key = False

    def _string(self, at: int) -> int:
        """Skip the string opening at `at` (a quoted key part counts towards the key's length)."""
        text = self.text
        pattern = next(p for opener, p in _STRINGS if text.startswith(opener, at))
        match = pattern.match(text, at)
        if match is None:  # not closed: tomllib refuses the text here (the patterns accept more than TOML)
            return len(text)
        if self.in_key:
            self._key_text(match.end() - at - 2, at)
        newlines = text.count("\n", at, match.end())
        if newlines:
            self.line, self.line_start = self.line + newlines, text.rfind("\n", at, match.end()) + 1
        return match.end()

    def _fail(self, message: str, at: int) -> None:
        raise TomlLimitError(message, self.line, at - self.line_start + 1)
