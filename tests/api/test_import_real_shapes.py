"""Statbank and Jobindsats files in the shapes their APIs answer with (../shared/sources.md),
read through the one mapping engine; the municipality's own mappings (--mapping,
KPI_MAPPINGS, `kpi mapping check`), through the CLI as subprocesses and through GraphQL
on a real server.

The fixtures are RECORDED SHAPES with SYNTHETIC NUMBERS (each says so in its note): the
shapes of real answers, not real data. Expected values are read off the fixtures by hand.
"""

import datetime
import json
import os
import re
import subprocess
import sys
import tomllib
from decimal import Decimal
from pathlib import Path

import httpx
import pytest
from hypothesis import given
from hypothesis import strategies as st

from kpi_api.bootstrap import open_services
from kpi_api.importing import mappings as shipped_mappings
from kpi_api.importing.jobindsats import read_jobindsats
from kpi_api.importing.jsonstat import read_jsonstat
from kpi_api.importing.mapping_model import MappingError, mapping_from_dict, parse_mapping
from kpi_api.importing.mappings import load_mapping, mappings_for_import
from kpi_api.importing.rows import ReadError
from kpi_api.importing.service import import_bytes
from kpi_api.importing.validate import indicator_facts, validate
from kpi_api.storage import tokens
from kpi_core import parse_revision, shipped_areas, shipped_strategies
from kpi_core.repository import ObservationQuery
from kpi_core.shipped import _DATA
from tests.conftest import serving

FIXTURES = Path(__file__).parent.parent / "fixtures"
SHIPPED = Path(shipped_mappings.__file__).parent
KPI = str(Path(sys.executable).with_name("kpi"))
WHOLE_COUNTRY = "statbank_aup03_whole_country.jsonstat.json"
TABLEID = "statbank_aup03_tableid.jsonstat2.json"
V3 = "jobindsats_v3_y07a02.json"
V2_COMMA = "jobindsats_v2_y01a02_decimal_comma.json"


def _facts(rows):
    return [(r.get("indicator"), r.get("area"), r.get("period"), r.get("value")) for r in rows]


def _validated(rows):
    return validate(
        rows,
        indicator_facts(shipped_strategies()),
        shipped_areas(),
        published=datetime.date(2024, 3, 1),
        source="x",
    )


def _problems(excinfo) -> list[str]:
    return [str(p) for p in excinfo.value.problems]


# ── Statbank ────────────────────────────────────────────────────────────────────────────


def test_a_statbank_answer_without_an_area_dimension_is_the_whole_country():
    rows = list(
        read_jsonstat((FIXTURES / WHOLE_COUNTRY).read_bytes(), WHOLE_COUNTRY, load_mapping("statbank"))
    )
    assert _facts(rows) == [("2.1", "DK", "2022-08", "3.1"), ("2.1", "DK", "2022-09", "3.2")]
    assert rows[0].location == "value[0] (ContentsCode=AUP03, Tid=2022M08)"
    assert rows[0].get("source") == "Danmarks Statistik, AUP03"
    assert rows[0].get("published") == "2022-10-28"
    assert _validated(rows).problems == []


def test_without_absent_in_the_mapping_a_file_without_areas_is_refused_with_the_fix():
    mapping = _statbank_dict()
    del mapping["area"]["absent"]
    with pytest.raises(ReadError) as excinfo:
        list(
            read_jsonstat(
                (FIXTURES / WHOLE_COUNTRY).read_bytes(), "x.json", mapping_from_dict(mapping, "mine")
            )
        )
    assert _problems(excinfo) == [
        "x.json: has no area dimension (OMRÅDE or BOPOMR; it has: ContentsCode, Tid); if it is the whole "
        'country, say so in the mapping: absent = "000" under [area]'
    ]


def test_the_table_is_extension_px_tableid_over_the_contents_code():
    rows = list(read_jsonstat((FIXTURES / TABLEID).read_bytes(), "download.json", load_mapping("statbank")))
    assert _facts(rows) == [
        ("2.1", "DK", "2022-09", "3.2"),
        ("2.1", "1084", "2022-09", "3.0"),
        ("2.1", "151", "2022-09", "2.7"),
        ("2.1", "147", "2022-09", ""),  # null with status "..": withheld
    ]
    assert {r.get("source") for r in rows} == {"Danmarks Statistik, AUP03"}
    result = _validated(rows)
    assert result.problems == [] and [o.area for o in result.observations if o.suppressed] == ["147"]


def test_neither_a_label_prefix_nor_the_file_name_says_which_table_it_is():
    document = json.loads((FIXTURES / TABLEID).read_text(encoding="utf-8"))
    del document["extension"]
    document["label"] = "AUP03: Fuldtidsledige i pct. af samtlige forsikrede"
    document["dimension"]["ContentsCode"]["category"] = {"index": ["A", "B"]}
    document["size"][1] = 2
    document["value"] = [1, 2, 3, 4, 5, 6, 7, 8]
    del document["status"]
    data = json.dumps(document).encode()
    with pytest.raises(ReadError) as excinfo:
        list(read_jsonstat(data, "aup03.json", load_mapping("statbank")))
    assert _problems(excinfo) == [
        "aup03.json: does not say which Statbank table it is; it has no `extension.px.tableid` and several "
        "ContentsCode categories; say the table (--table AUP01). Mapped: statbank: AUP01, AUP03, AULK04, HFUDD11"
    ]


def test_a_table_named_by_the_import_must_agree_with_the_file():
    with pytest.raises(ReadError) as excinfo:
        list(read_jsonstat((FIXTURES / TABLEID).read_bytes(), "t.json", load_mapping("statbank"), "AUP01"))
    assert _problems(excinfo) == [
        "t.json: is table AUP03 (its extension.px.tableid), not AUP01 as the import was told; drop the table "
        "option or fix it"
    ]


# ── Jobindsats ──────────────────────────────────────────────────────────────────────────


V3_EXPECTED = [
    ("2.5", "151", "2024-01", "3.1"),
    ("2.5", "DK", "2024-01", "2.9"),
    ("2.5", "1084", "2024-01", "2.7"),
    ("2.5", "151", "2024-02", ""),  # null: withheld
]


@pytest.mark.parametrize(
    ("name", "table"), [(V3, None), ("download.json", "Y07A02"), ("download.json", None)]
)
def test_jobindsats_v3_columns_and_rows(name, table):
    # The table by the file's name, by the import's word (any case), or by its columns.
    rows = list(read_jobindsats((FIXTURES / V3).read_bytes(), name, load_mapping("jobindsats"), table))
    # RAR Hovedstaden and Uoplyst område are skipped; the split by sex is skipped (2.5 has none).
    assert _facts(rows) == V3_EXPECTED
    assert rows[0].location == (
        "rows[0] (Periode=2024M01, Område=Ballerup, Køn=Køn i alt, Herkomst=Herkomst i alt, "
        "Status før sygedagpenge=Status før sygedagpenge i alt)"
    )
    assert rows[0].column_name("area") == "Område"
    assert rows[0].get("source") == "Jobindsats (STAR), Y07A02"
    assert _validated(rows).problems == []


def test_jobindsats_v2_decimal_commas_are_read_exactly():
    rows = list(read_jobindsats((FIXTURES / V2_COMMA).read_bytes(), V2_COMMA, load_mapping("jobindsats")))
    assert _facts(rows) == [
        ("O1", "151", "2024-01", "2,0"),
        ("O1", "151", "2024-01", "1,45"),
        ("O1", "DK", "2024-01", "1,9"),
    ]
    result = _validated(rows)
    assert result.problems == []
    assert [(o.area, dict(o.breakdown), o.value) for o in result.observations] == [
        ("151", {}, Decimal("2.0")),
        ("151", {"age": "16-24"}, Decimal("1.45")),
        ("DK", {}, Decimal("1.9")),
    ]


def test_a_jobindsats_table_the_mappings_do_not_know_is_named_with_the_fix():
    with pytest.raises(ReadError) as excinfo:
        list(read_jobindsats((FIXTURES / V3).read_bytes(), "x.json", load_mapping("jobindsats"), "y25i01"))
    assert _problems(excinfo) == [
        "x.json: is table y25i01, which no mapping knows (jobindsats: y01a02, y07a02, y08a02, y09a02); map it in a mapping of "
        "your own ([tables.y25i01] in a file given with --mapping or kept in KPI_MAPPINGS)"
    ]


@pytest.mark.parametrize(
    ("fixture", "fmt", "added"),
    [
        (WHOLE_COUNTRY, "jsonstat", 2),
        (TABLEID, "jsonstat", 4),
        (V3, "jobindsats", 4),
        (V2_COMMA, "jobindsats", 3),
    ],
)
def test_every_shape_is_recognised_without_a_format(tmp_path, fixture, fmt, added):
    services = open_services(f"sqlite:///{tmp_path / 'kpi.sqlite3'}")
    report = import_bytes(
        (FIXTURES / fixture).read_bytes(), fixture, services.observations, services.strategies, services.areas
    )
    assert (report.format, report.problems, report.added) == (fmt, (), added)


def test_json_of_another_shape_is_named_as_such(tmp_path):
    services = open_services(f"sqlite:///{tmp_path / 'kpi.sqlite3'}")
    report = import_bytes(
        b'{"hello": 1}', "x.json", services.observations, services.strategies, services.areas
    )
    assert [str(p) for p in report.problems] == [
        'x.json: is JSON, but neither a Statbank/JSON-stat dataset ({"dataset": {...}} or {"class": "dataset", '
        '...}) nor a Jobindsats answer ({"columns": [...], "rows": [...]} (API v3) or [{"Variables": [...], '
        '"Data": [...]}] (API v2))'
    ]


# ── Mapping files ───────────────────────────────────────────────────────────────────────


def _statbank_dict() -> dict:
    return tomllib.loads((SHIPPED / "statbank.toml").read_text(encoding="utf-8"))


# A mapping of the municipality's own, for a table no shipped mapping knows: EGEN01, a
# made-up table in Statbank's shape (as AULK04: ENHED 1 = persons, 2 = per cent of the
# labour force), for 2.3, keeping the per-cent unit only.
OWN_MAPPING = """\
format = "jsonstat"
source = "Danmarks Statistik"

[area]
dimension = "OMRÅDE"
codes = { "000" = "DK" }
keep_known_codes = true
absent = "000"

[time]
dimension = "Tid"
periods = [{ pattern = '(\\d{4})M(\\d{2})', to = "{0}-{1}" }]

[tables.EGEN01]
indicator = "2.3"
unit = "percent"

[tables.EGEN01.dimensions.ENHED]
total = ["2"]  # the share: the figure itself, no breakdown
skip = ["1"]   # the count of persons
"""

OWN_TABLE = {
    "dataset": {
        "dimension": {
            "OMRÅDE": {"category": {"index": {"000": 0, "151": 1}}},
            "ENHED": {"category": {"index": {"1": 0, "2": 1}}},
            "ContentsCode": {"category": {"index": {"EGEN01": 0}}},
            "Tid": {"category": {"index": {"2022M09": 0}}},
            "id": ["OMRÅDE", "ENHED", "ContentsCode", "Tid"],
            "size": [2, 2, 1, 1],
            "role": {"geo": ["OMRÅDE"], "metric": ["ContentsCode"], "time": ["Tid"]},
        },
        "note": ["RECORDED SHAPE, SYNTHETIC NUMBERS"],
        "updated": "2022-10-20T06:00:00Z",
        "value": [41000, 1.4, 310, 1.0],
    }
}


def test_the_shipped_aulk04_feeds_2_3_with_the_share_of_the_labour_force():
    document = json.loads(json.dumps(OWN_TABLE).replace('"EGEN01"', '"AULK04"'))
    rows = list(read_jsonstat(json.dumps(document).encode(), "x.json", load_mapping("statbank")))
    assert _facts(rows) == [("2.3", "DK", "2022-09", "1.4"), ("2.3", "151", "2022-09", "1.0")]
    assert {r.get("source") for r in rows} == {"Danmarks Statistik, AULK04"}


def test_an_own_mapping_reads_a_table_the_shipped_ones_do_not():
    rows = list(
        read_jsonstat(json.dumps(OWN_TABLE).encode(), "egen01.json", parse_mapping(OWN_MAPPING, "own"))
    )
    assert _facts(rows) == [("2.3", "DK", "2022-09", "1.4"), ("2.3", "151", "2022-09", "1.0")]


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (
            lambda t: t.replace('indicator = "2.3"', 'indicatr = "2.3"'),
            ["tables.EGEN01: extra fields found (indicatr)"],
        ),
        (
            lambda t: t.replace("keep_known_codes = true", 'keep_known_codes = "yes"'),
            ["area.keep_known_codes: expected true or false, found str 'yes'"],
        ),
        (
            lambda t: t.replace("'(\\d{4})M(\\d{2})'", "'(\\d{4}M'"),
            [
                "time.periods[0].pattern: `(\\d{4}M` is not a regular expression (missing ), unterminated subpattern at position 0)"
            ],
        ),
        (
            lambda t: t + '\n[tables.EGEN01.dimensions."KØN"]\ncolumn = "sex"\nvalues = { M = "men" }\n',
            [
                "tables.EGEN01.dimensions.KØN.column: `sex` is not a breakdown column; expected one of: "
                "age, gender, origin, target_group, company_location"
            ],
        ),
        (
            lambda t: t.replace('format = "jsonstat"', 'format = "px"'),
            ["format: `px` is not a format; expected one of: jsonstat, jobindsats"],
        ),
        (
            lambda t: t.replace("[time]", "[tid]"),
            [
                "(the file): extra fields found (tid)",
            ],
        ),
        (
            lambda t: (
                t
                + '[derived."2.3"]\ndecimals = 9\nnumerator = [{ table = "NOPE" }]\ndenominator = [{ table = "EGEN01" }]\n'
            ),
            [
                "derived.2.3.decimals: 9 is not 0–6",
                "derived.2.3.numerator[0].table: `NOPE` is not among the mapping's tables; add [tables.NOPE]",
            ],
        ),
    ],
    ids=["typo", "type", "regex", "column", "format", "section", "derived"],
)
def test_a_broken_mapping_is_refused_with_every_problem_located(change, expected):
    with pytest.raises(MappingError) as excinfo:
        parse_mapping(change(OWN_MAPPING), "own")
    assert excinfo.value.problems == expected


def test_a_mapping_file_is_bounded_like_every_toml_input(tmp_path):
    path = tmp_path / "big.toml"
    path.write_text("# " + "x" * 300_000)
    with pytest.raises(MappingError) as excinfo:
        mappings_for_import(path)
    assert excinfo.value.problems == ["is 300,002 bytes; a mapping file has at most 262,144"]


def test_a_mapping_that_never_ends_is_read_no_further_than_the_limit():
    with pytest.raises(MappingError) as excinfo:
        mappings_for_import(Path("/dev/zero"))
    assert excinfo.value.problems == ["is longer than 262,144 bytes; a mapping file has at most 262,144"]


def test_two_own_mappings_of_one_table_are_refused_naming_both(tmp_path):
    (tmp_path / "a.toml").write_text(OWN_MAPPING)
    (tmp_path / "b.toml").write_text(OWN_MAPPING)
    with pytest.raises(MappingError) as excinfo:
        mappings_for_import(directory=tmp_path)
    assert excinfo.value.problems == [
        "tables.EGEN01: mapped by both a.toml and b.toml; keep it in one of them"
    ]


def test_an_own_file_named_like_a_shipped_one_replaces_it(tmp_path):
    (tmp_path / "statbank.toml").write_text(OWN_MAPPING)
    names = [(m.name, sorted(m.tables)) for m in mappings_for_import(directory=tmp_path)]
    assert names == [("statbank", ["EGEN01"]), ("jobindsats", ["y01a02", "y07a02", "y08a02", "y09a02"])]


# ── Through the CLI, as an analyst runs it ──────────────────────────────────────────────


def kpi(*args: str, cwd: Path, **env: str) -> subprocess.CompletedProcess:
    environment = {k: v for k, v in os.environ.items() if k != "KPI_MAPPINGS"}
    environment |= {"COLUMNS": "300", "KPI_DATABASE_URL": f"sqlite:///{cwd / 'kpi.sqlite3'}", **env}
    return subprocess.run([KPI, *args], cwd=cwd, env=environment, capture_output=True, text=True, timeout=120)


def _stored(cwd: Path, indicator: str) -> list[tuple[str, str, str | None]]:
    services = open_services(f"sqlite:///{cwd / 'kpi.sqlite3'}")
    found = services.observations.find(ObservationQuery(indicators=(indicator,)))
    return sorted((o.area, o.period, None if o.value is None else str(o.value)) for o in found)


def test_cli_imports_a_real_statbank_answer_without_format(tmp_path):
    path = tmp_path / "download.json"
    path.write_bytes((FIXTURES / WHOLE_COUNTRY).read_bytes())
    result = kpi("import", str(path), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "download.json (jsonstat)" in result.stdout
    assert _stored(tmp_path, "2.1") == [("DK", "2022-08", "3.1"), ("DK", "2022-09", "3.2")]


def test_cli_imports_jobindsats_v3_with_the_table_named(tmp_path):
    path = tmp_path / "export.json"
    path.write_bytes((FIXTURES / V3).read_bytes())
    result = kpi("import", "--table", "y07a02", str(path), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert _stored(tmp_path, "2.5") == [
        ("1084", "2024-01", "2.7"),
        ("151", "2024-01", "3.1"),
        ("151", "2024-02", None),
        ("DK", "2024-01", "2.9"),
    ]


def test_cli_own_mapping_by_option_and_by_directory(tmp_path):
    data = tmp_path / "egen01.json"
    data.write_text(json.dumps(OWN_TABLE))
    own = tmp_path / "mappings"
    own.mkdir()
    (own / "ballerup.toml").write_text(OWN_MAPPING)

    refused = kpi("import", "--dry-run", str(data), cwd=tmp_path)
    assert refused.returncode == 1
    assert "is table EGEN01 (its ContentsCode), which no mapping knows" in refused.stderr

    by_option = kpi("import", "--dry-run", "--mapping", str(own / "ballerup.toml"), str(data), cwd=tmp_path)
    assert by_option.returncode == 0, by_option.stderr

    by_directory = kpi("import", str(data), cwd=tmp_path, KPI_MAPPINGS=str(own))
    assert by_directory.returncode == 0, by_directory.stderr
    assert _stored(tmp_path, "2.3") == [("151", "2022-09", "1.0"), ("DK", "2022-09", "1.4")]


def test_cli_refuses_an_import_whose_mapping_is_broken(tmp_path):
    data = tmp_path / "egen01.json"
    data.write_text(json.dumps(OWN_TABLE))
    bad = tmp_path / "bad.toml"
    bad.write_text(OWN_MAPPING.replace('unit = "percent"', 'unit = "percent"\ncolour = "red"'))
    result = kpi("import", "--mapping", str(bad), str(data), cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.splitlines() == [
        "Rejected egen01.json: the mapping cannot be used; nothing was written.",
        "mapping bad is invalid:",
        "  tables.EGEN01: extra fields found (colour)",
    ]
    assert not (tmp_path / "kpi.sqlite3").exists()


def test_cli_mapping_check(tmp_path):
    good = tmp_path / "ballerup.toml"
    good.write_text(OWN_MAPPING)
    wrong = tmp_path / "wrong.toml"
    wrong.write_text(
        OWN_MAPPING.replace('"2.3"', '"9.9"').replace(
            'total = ["2"]', 'column = "age"\nvalues = { "2" = "x" }'
        )
    )
    result = kpi("mapping", "check", str(good), str(wrong), cwd=tmp_path)
    assert result.returncode == 1
    assert result.stdout.splitlines() == [
        f"ok  {good}: jsonstat, tables EGEN01 (indicators checked against the shipped catalogue)"
    ]
    assert result.stderr.splitlines() == [
        f"{wrong}: 1 problem(s)",
        "  tables.EGEN01.indicator: `9.9` is not an indicator of any published strategy (ids look like 2.1, "
        "1.5b, O1; publish its strategy first)",
    ]
    for name in ("statbank", "jobindsats"):  # the shipped files pass their own check
        assert kpi("mapping", "check", str(SHIPPED / f"{name}.toml"), cwd=tmp_path).returncode == 0


def test_a_mapping_may_feed_an_indicator_of_any_published_strategy(tmp_path):
    # A strategy of another municipality, published into the database: its indicator E2
    # (a count) is fed from EGEN01's persons by a mapping of one's own.
    text = (_DATA / "catalogue" / "ballerup-covid19-opfoelgning-2020.toml").read_text(encoding="utf-8")
    text = re.sub(
        r'"C([123])"', r'"E\1"', text.replace('id = "ballerup-covid19-opfoelgning"', 'id = "egen-strategi"')
    )
    services = open_services(f"sqlite:///{tmp_path / 'kpi.sqlite3'}")
    assert services.revisions.publish([parse_revision(text, "egen.toml")], by="test").added
    own = tmp_path / "egen.toml"
    own.write_text(
        OWN_MAPPING.replace('indicator = "2.3"\nunit = "percent"', 'indicator = "E2"\nunit = "count"')
        .replace('total = ["2"]', 'total = ["1"]')
        .replace('skip = ["1"]', 'skip = ["2"]')
    )
    data = tmp_path / "egen01.json"
    data.write_text(json.dumps(OWN_TABLE))

    assert kpi("mapping", "check", str(own), cwd=tmp_path).returncode == 1  # not in the shipped catalogue
    database = f"sqlite:///{tmp_path / 'kpi.sqlite3'}"
    checked = kpi("mapping", "check", "--database", database, str(own), cwd=tmp_path)
    assert checked.returncode == 0, checked.stderr
    imported = kpi("import", "--mapping", str(own), str(data), cwd=tmp_path)
    assert imported.returncode == 0, imported.stderr
    assert _stored(tmp_path, "E2") == [("151", "2022-09", "310"), ("DK", "2022-09", "41000")]


# ── Through GraphQL ─────────────────────────────────────────────────────────────────────

IMPORT = """mutation($data: String!, $format: ImportFormat, $table: String, $mapping: String) {
  importObservations(csv: $data, format: $format, table: $table, mapping: $mapping) {
    format rows added rejected problems { location message } } }"""


@pytest.fixture(scope="module")
def own_server(tmp_path_factory):
    folder = tmp_path_factory.mktemp("own-mappings")
    (folder / "ballerup.toml").write_text(OWN_MAPPING)
    url = f"sqlite:///{tmp_path_factory.mktemp('shapes') / 'kpi.sqlite3'}"
    with serving(url, mappings=str(folder)) as base:
        token = tokens.create(open_services(url).engine, tokens.Scope.IMPORT, "shapes")[0]
        yield base, token


def _import(own_server, **variables) -> dict:
    base, token = own_server
    response = httpx.post(
        f"{base}/graphql",
        json={"query": IMPORT, "variables": variables},
        headers={"Authorization": f"Bearer {token}"},
        timeout=30,
    )
    assert response.status_code == 200 and "errors" not in response.json(), response.text
    return response.json()["data"]["importObservations"]


def test_graphql_takes_the_format_the_table_and_the_mapping(own_server):
    data = (FIXTURES / V3).read_text(encoding="utf-8")
    result = _import(own_server, data=data, format="JOBINDSATS", table="y07a02", mapping="jobindsats")
    assert (result["format"], result["rejected"], result["added"]) == ("jobindsats", False, 4)

    result = _import(own_server, data=json.dumps(OWN_TABLE), format="JSONSTAT", mapping="ballerup")
    assert (result["rejected"], result["added"]) == (False, 2)


def test_graphql_refuses_an_unknown_mapping_and_a_wrong_table(own_server):
    data = (FIXTURES / V3).read_text(encoding="utf-8")
    result = _import(own_server, data=data, format="JOBINDSATS", mapping="../../etc/passwd")
    assert result["rejected"] and result["problems"] == [
        {
            "location": "mapping ../../etc/passwd",
            "message": "no mapping named '../../etc/passwd'; available: ballerup, jobindsats, statbank",
        }
    ]
    result = _import(own_server, data=data, format="JOBINDSATS", table="y01a02")
    assert result["rejected"]
    assert result["problems"][0] == {
        "location": "column 'Status før sygedagpenge'",
        "message": "is not in the mapping for table y01a02; name it as a dimension, a measure or ignore it",
    }


# ── Derived indicators ──────────────────────────────────────────────────────────────────

HFUDD11 = "statbank_hfudd11.jsonstat.json"
FLEX = "jobindsats_v2_y08a02_y09a02.json"


def test_4_1_is_the_share_of_25_29_year_olds_with_a_qualifying_education():
    rows = list(read_jsonstat((FIXTURES / HFUDD11).read_bytes(), HFUDD11, load_mapping("statbank")))
    # DK: (60,000 + 15,000 + 55,000 + 40,000 + 48,000 + 2,000) / 350,000 = 62.857… %;
    # Ballerup: (650 + 150 + 500 + 200 + 330 + 20) / 3,000 = 61.666… %.
    assert _facts(rows) == [("4.1", "DK", "2022", "62.9"), ("4.1", "151", "2022", "61.7")]
    assert (rows[0].get("numerator"), rows[0].get("denominator")) == ("220000", "350000")
    assert rows[0].get("published") == "2023-06-21"
    assert rows[0].get("source") == (
        "Danmarks Statistik, 100 × (HFUDD11 [HFUDD=H30+H40+H50+H60+H70+H80; ALDER=25-29]) ÷ "
        "(HFUDD11 [HFUDD=TOT; ALDER=25-29])"
    )
    result = _validated(rows)
    assert result.problems == []
    assert [(o.value, o.numerator, o.denominator) for o in result.observations] == [
        (Decimal("62.9"), Decimal(220000), Decimal(350000)),
        (Decimal("61.7"), Decimal(1850), Decimal(3000)),
    ]


def test_a_withheld_input_withholds_the_share():
    document = json.loads((FIXTURES / HFUDD11).read_text(encoding="utf-8"))
    document["dataset"]["value"][17] = None  # Ballerup, H80
    rows = list(read_jsonstat(json.dumps(document).encode(), HFUDD11, load_mapping("statbank")))
    assert _facts(rows) == [("4.1", "DK", "2022", "62.9"), ("4.1", "151", "2022", "")]
    assert rows[1].get("numerator") == "" and rows[1].get("denominator") == ""


def _flex_rows(document=None, table="y08a02,y09a02"):
    data = (FIXTURES / FLEX).read_bytes() if document is None else json.dumps(document).encode()
    return list(read_jobindsats(data, "download.json", load_mapping("jobindsats"), table))


def test_3_2_is_computed_from_two_tables_of_one_answer():
    rows = _flex_rows()
    # Ballerup 2024M01: 72.5 / (652.5 + 72.5) = 10.0 %; DK: 8,488 / (66,012 + 8,488) = 11.39… %;
    # Ballerup 2024M02: ledighedsydelse withheld, so the share is too.
    assert _facts(rows) == [
        ("3.2", "151", "2024-01", "10.0"),
        ("3.2", "DK", "2024-01", "11.4"),
        ("3.2", "151", "2024-02", ""),
    ]
    assert (rows[0].get("numerator"), rows[0].get("denominator")) == ("72.5", "725.0")
    assert _validated(rows).problems == []


def test_an_input_missing_where_the_others_are_stops_the_import():
    document = json.loads((FIXTURES / FLEX).read_text(encoding="utf-8"))
    del document[1]["Data"][1]  # Y09A02 for Hele landet
    with pytest.raises(ReadError) as excinfo:
        _flex_rows(document)
    assert _problems(excinfo) == [
        "derived 3.2 (DK, 2024-01): lacks the numerator's y09a02 (the file has its other inputs there); import "
        "a file holding every input of the share, or drop the place from the download"
    ]


def test_one_table_alone_computes_nothing_and_the_tables_are_named_one_each():
    document = json.loads((FIXTURES / FLEX).read_text(encoding="utf-8"))
    assert _flex_rows(document[:1], table="y08a02") == []
    with pytest.raises(ReadError) as excinfo:
        _flex_rows(table="y08a02,y09a02,y01a02")
    assert _problems(excinfo) == [
        "download.json: holds 2 table(s), but the import named 3; name one per table, in order"
    ]


def test_cli_stores_a_derived_share_with_its_counts(tmp_path):
    path = tmp_path / "flex.json"
    path.write_bytes((FIXTURES / FLEX).read_bytes())
    result = kpi("import", "--table", "y08a02,y09a02", str(path), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    services = open_services(f"sqlite:///{tmp_path / 'kpi.sqlite3'}")
    found = services.observations.find(ObservationQuery(indicators=("3.2",)))
    assert sorted((o.area, o.period, o.value, o.numerator, o.denominator) for o in found) == [
        ("151", "2024-01", Decimal("10.0"), Decimal("72.5"), Decimal("725.0")),
        ("151", "2024-02", None, None, None),
        ("DK", "2024-01", Decimal("11.4"), Decimal("8488.0"), Decimal("74500.0")),
    ]
    assert {o.source for o in found} == {
        "Jobindsats (STAR), 100 × (Y09A02 Antal fuldtidspersoner) ÷ (Y08A02 Antal fuldtidspersoner + "
        "Y09A02 Antal fuldtidspersoner)"
    }


def test_cli_mapping_check_refuses_a_toml_bomb_by_its_limit(tmp_path):
    bomb = tmp_path / "bomb.toml"
    bomb.write_text('format = "jsonstat"\nx = ' + "[" * 50_000 + "]" * 50_000 + "\n")
    result = kpi("mapping", "check", str(bomb), cwd=tmp_path)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert result.stderr.splitlines() == [
        f"{bomb}: 1 problem(s)",
        "  arrays and inline tables are nested more than 16 deep (line 2, column 21)",
    ]


_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3),
    max_leaves=12,
)
_KEYS = st.sampled_from(
    ["format", "area", "time", "period", "tables", "derived", "source", "suppressed", "x"]
)


@given(
    st.dictionaries(_KEYS, _VALUES, max_size=5)
    | st.builds(lambda d, t: {**_statbank_dict(), t: d}, _VALUES, _KEYS)
)
def test_any_mapping_is_a_mapping_or_located_problems(raw):
    try:
        mapping_from_dict(raw, "fuzz")
    except MappingError as exc:
        assert exc.problems and all(isinstance(p, str) and p for p in exc.problems)
