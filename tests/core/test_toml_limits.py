"""The TOML pre-scan: every limit refused with its line and column, and no miscounting of
brackets, dots or quotes inside strings and comments."""

import tomllib

import pytest

from kpi_core import toml_limits
from kpi_core.shipped import _DATA
from kpi_core.toml_limits import TomlLimitError


@pytest.mark.parametrize(
    "path", [*sorted((_DATA / "catalogue").glob("*.toml")), _DATA / "areas.toml"], ids=lambda p: p.name
)
def test_the_shipped_files_are_well_inside_the_limits(path):
    text = path.read_text(encoding="utf-8")
    assert toml_limits.loads(text) == tomllib.loads(text)


@pytest.mark.parametrize(
    ("text", "message", "line", "column"),
    [
        (
            "format = 1\n" + "a." * 20_000 + "b = 1\n",
            "has more than 8 parts",
            2,
            16,
        ),  # 6.8 s and 1.6 GB before
        ("[" + "a." * 9 + "b]\n", "has more than 8 parts", 1, 17),
        ("[[x.y]]\n[[" + "a." * 9 + "b]]\n", "has more than 8 parts", 2, 18),
        ("k = {" + "a." * 9 + "b = 1}\n", "has more than 8 parts", 1, 21),
        (
            "a = " + "[" * 50_000 + "]" * 50_000 + "\n",
            "nested more than 16 deep",
            1,
            21,
        ),  # RecursionError before
        ("a = " + "{b = " * 40_000 + "1" + "}" * 40_000 + "\n", "nested more than 16 deep", 1, 85),
        ("x" * 129 + " = 1\n", "a key is longer than 128 characters", 1, 1),
        ('"' + "x" * 129 + '" = 1\n', "a key is longer than 128 characters", 1, 1),
        (
            "a = [1, [2, [3]]]\nb = 1 ]]]]\nc = " + "[" * 17,
            "nested more than 16 deep",
            3,
            21,
        ),  # stray closers
        ("".join(f"k{i} = 1\n" for i in range(20_001)), "more than 20,000 keys", 20_001, 8),
        (
            "# " + "x" * 600_000 + "\n",
            "the file is 600,003 bytes; a catalogue file has at most 262,144",
            1,
            None,
        ),
        ("a = 'æ'\n# " + "ø" * 131_070 + "\n", "the file is 262,152 bytes", 1, None),  # bytes, not characters
    ],
    ids=[
        "dotted-key-bomb",
        "table-header",
        "array-of-tables-header",
        "inline-table-key",
        "nested-arrays",
        "nested-inline-tables",
        "long-bare-key",
        "long-quoted-key",
        "stray-closing-brackets",
        "many-keys",
        "size",
        "size-in-bytes",
    ],
)
def test_each_limit_is_refused_with_its_place(text, message, line, column):
    with pytest.raises(TomlLimitError) as refused:
        toml_limits.loads(text)
    assert message in refused.value.message
    assert (refused.value.line, refused.value.column) == (line, column)


@pytest.mark.parametrize(
    "text",
    [
        'a = "[[[[[[[[[[[[[[[[[[ a.b.c.d.e.f.g.h.i.j"\n',
        "a = 'a.b.c.d.e.f.g.h.i.j [[[[[[[[[[[[[[[[[[[[[['\n",
        'a = """\n[[[[[[[[[[[[[[[[[[[[\n a.b.c.d.e.f.g.h.i.j = 1 \\""" still inside\n"""\n',
        "a = '''\n[[[[[[[[[[[[[[[[[[[[\nx.x.x.x.x.x.x.x.x.x = 1 ''\n'''\n",
        "# [[[[[[[[[[[[[[[[[[[[ a.b.c.d.e.f.g.h.i.j = 1\na = 1 # {{{{{{{{{{{{{{{{{{{{\n",
        "a = [1.5, 2.5, 1979-05-27T07:32:00Z, 'x.y.z.a.b.c.d.e.f']\n",
        '"a.b.c.d.e.f.g.h.i.j" = 1\n',  # one quoted part, not ten
        "a = [\n" + "  [1, 2],\n" * 1000 + "]\n",
    ],
)
def test_brackets_dots_and_quotes_in_strings_and_comments_are_text(text):
    assert toml_limits.loads(text) == tomllib.loads(text)


def test_lines_are_counted_through_multi_line_strings():
    text = 'a = """\none\ntwo\n"""\n' + "[" + "a." * 9 + "b]\n"
    with pytest.raises(TomlLimitError) as refused:
        toml_limits.loads(text)
    assert refused.value.line == 5


def test_recursion_in_tomllib_is_a_limit_error_as_a_last_resort(monkeypatch):
    monkeypatch.setattr(toml_limits, "MAX_DEPTH", 10**6)  # as if the scan had missed it
    with pytest.raises(TomlLimitError, match="nested too deeply"):
        toml_limits.loads("a = " + "[" * 50_000 + "]" * 50_000 + "\n")


def test_dense_punctuation_within_the_limits_passes_and_is_measured():
    # 255 KB of the densest punctuation the scan looks at, 2 deep: within every limit.
    # The time is printed (pytest -s), not asserted: the machine is noisy.
    import time

    text = "a = [" + "[]," * 85_000 + "]\n"
    started = time.perf_counter()
    toml_limits.check(text)
    print(f"\nscan of {len(text):,} bytes of brackets: {time.perf_counter() - started:.3f} s")


def test_keys_are_counted_exactly_headers_included(monkeypatch):
    text = "[[a.b]]\nx = 1\n[[a.b]]\ny = {p = 1, q.r = 2}\n[c]\n"  # 7 keys: 3 headers, 4 keys
    monkeypatch.setattr(toml_limits, "MAX_KEYS", 7)
    toml_limits.check(text)
    monkeypatch.setattr(toml_limits, "MAX_KEYS", 6)
    with pytest.raises(TomlLimitError, match="more than 6 keys") as refused:
        toml_limits.check(text)
    assert (refused.value.line, refused.value.column) == (5, 3)
