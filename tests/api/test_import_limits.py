"""The readers' limits, directly: each refusal names the place and the limit; ordinary files
(CRLF, CR-only line ends, a BOM, quoted line breaks) read as before."""

from pathlib import Path

import pytest

from kpi_api.importing import csv_format, engine
from kpi_api.importing.jobindsats import read_jobindsats
from kpi_api.importing.jsonstat import read_jsonstat
from kpi_api.importing.mappings import load_mapping
from kpi_api.importing.rows import ReadError, load_json
from kpi_api.importing.service import detect_format

FIXTURES = Path(__file__).parent.parent / "fixtures"


def refused(function, *args) -> list[str]:
    with pytest.raises(ReadError) as caught:
        list(function(*args))
    return [str(p) for p in caught.value.problems]


@pytest.mark.parametrize(
    "text",
    [
        "indicator,area,period,value\r\n2.1,151,2022-09,1\r\n2.1,DK,2022-09,2\r\n",
        "indicator,area,period,value\r2.1,151,2022-09,1\r2.1,DK,2022-09,2\r",
        "\ufeffindicator;area;period;value\n2.1;151;2022-09;1\n2.1;DK;2022-09;2",
        'indicator,area,period,value,source\n2.1,151,2022-09,1,"two\nlines"\n2.1,DK,2022-09,2,x\n',
    ],
    ids=["crlf", "cr", "bom-semicolon-no-final-newline", "quoted-line-break"],
)
def test_ordinary_files_read_as_before(text):
    rows = list(csv_format.read_csv(text.encode(), "ok.csv"))
    assert [(r.location, r.get("area"), r.get("value")) for r in rows] == [
        ("row 2", "151", "1"),
        ("row 3", "DK", "2"),
    ]


def test_the_bad_byte_is_found_past_the_first_megabyte():
    data = b"indicator,area,period,value\n" + b"2.1,151,2022,1\n" * 100_000 + b"2.1,\xc3\x28,2022,1\n"
    assert refused(csv_format.read_csv, data, "latin.csv") == [
        f"latin.csv: is not UTF-8 (byte {len(data) - 10}); save it as UTF-8 and try again"
    ]


def test_a_line_of_exactly_the_limit_is_read():
    # A line of MAX_LINE characters with its line feed is not "too long" (its one long
    # field is refused as a field); one more character is.
    header, line = "indicator,area,period,value,source\n", "2.1,151,2022-09,1,"
    source = "x" * (csv_format.MAX_LINE - len(line) - 1)
    problems = refused(csv_format.read_csv, (header + line + source + "\n").encode(), "edge.csv")
    assert problems == ["row 2: has a field longer than 4,096 characters (the most a field may have)"]
    problems = refused(csv_format.read_csv, (header + line + source + "x\n").encode(), "edge.csv")
    assert problems == [
        "line 2: is longer than 262,336 characters; a line has at most 64 fields of at most 4,096 characters"
    ]


def test_a_jobindsats_file_of_too_many_figures_is_refused(monkeypatch):
    monkeypatch.setattr(engine, "MAX_JSON_CELLS", 10)
    problems = refused(
        read_jobindsats,
        (FIXTURES / "jobindsats_y01a02.json").read_bytes(),
        "y01a02.json",
        load_mapping("jobindsats"),
    )
    assert (
        len(problems) == 1
        and "has more than 10 figures; a Jobindsats file may have at most 10 (split it)" in problems[0]
    )


def test_a_jsonstat_cube_with_too_many_dimensions_is_refused():
    dims = {f"D{i}": {"category": {"index": ["a", "b"]}} for i in range(40)}
    document = (
        f'{{"class": "dataset", "id": {list(dims)}, "size": {[2] * 40}, "dimension": {dims}, "value": {{}}}}'
    )
    assert refused(
        read_jsonstat, document.replace("'", '"').encode(), "cube.json", load_mapping("statbank")
    ) == ["cube.json: has 40 dimensions; at most 32"]


def test_deep_or_oversized_json_is_refused_by_name_not_by_a_crash():
    with pytest.raises(ReadError, match="is nested too deeply"):
        load_json(b"[" * 200_000 + b"]" * 200_000, "deep.json")
    assert detect_format("deep.json", b"[" * 200_000) == "json"  # detected, then refused when parsed
    with pytest.raises(ReadError, match="at most 16,777,216 bytes"):
        load_json(b" " * (16 * 1024 * 1024 + 1), "big.json")


def test_a_problem_quotes_at_most_a_little_of_a_long_code():
    document = (
        (FIXTURES / "jobindsats_y01a02.json")
        .read_text(encoding="utf-8")
        .replace('"Ballerup"', '"' + "B" * 100_000 + '"', 1)
    )
    problems = refused(read_jobindsats, document.encode(), "y01a02.json", load_mapping("jobindsats"))
    assert problems and all(len(p) < 1_500 for p in problems)
    assert "… (" in problems[0] and " characters)" in problems[0]
