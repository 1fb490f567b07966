"""The JSON-stat (Statbank) and Jobindsats readers, driven by their mapping files.

Fixtures hold synthetic numbers in the sources' real shapes (tests/fixtures/).
"""

import copy
import datetime
import json
from pathlib import Path

import pytest

from kpi_api.importing.jobindsats import read_jobindsats
from kpi_api.importing.jsonstat import read_jsonstat
from kpi_api.importing.mapping_model import MappingError, mapping_from_dict
from kpi_api.importing.mappings import load_mapping
from kpi_api.importing.rows import ReadError, SourceRow
from kpi_api.importing.validate import indicator_facts, validate
from kpi_core import shipped_areas, shipped_strategies

FIXTURES = Path(__file__).parent.parent / "fixtures"
STATBANK = "statbank_aul01.jsonstat.json"
JOBINDSATS = "jobindsats_y01a02.json"


def _validated(rows):
    return validate(
        rows,
        indicator_facts(shipped_strategies()),
        shipped_areas(),
        published=datetime.date(2022, 11, 1),
        source="x",
    )


def _by_location(rows: list[SourceRow]) -> dict[str, SourceRow]:
    return {r.location: r for r in rows}


def _problems(excinfo) -> list[str]:
    return [str(p) for p in excinfo.value.problems]


# ── Statbank JSON-stat ─────────────────────────────────────────────────────────────────


def statbank_rows(document=None, name=STATBANK, mapping=None, table=None) -> list[SourceRow]:
    data = (FIXTURES / STATBANK).read_bytes() if document is None else json.dumps(document).encode()
    return list(read_jsonstat(data, name, mapping or load_mapping("statbank"), table))


def statbank_document() -> dict:
    return json.loads((FIXTURES / STATBANK).read_text(encoding="utf-8"))


def test_statbank_fixture_reads_every_kept_cell():
    rows = statbank_rows()
    # 3 areas × 3 ages × 2 months; the KØN=M cells are skipped (O1 is by age only).
    assert len(rows) == 18
    assert all(r.get("indicator") == "O1" and r.get("unit") == "percent" for r in rows)
    assert {r.get("area") for r in rows} == {"DK", "1084", "151"}
    assert {r.get("period") for r in rows} == {"2022-08", "2022-09"}


def test_statbank_rows_in_detail():
    rows = _by_location(statbank_rows())
    ballerup_youth = rows["value[29] (OMRÅDE=151, ALDER=16-24, KØN=TOT, ContentsCode=AUP01, Tid=2022M09)"]
    assert dict(ballerup_youth.fields) == {
        "indicator": "O1",
        "area": "151",
        "period": "2022-09",
        "value": "2.0",
        "unit": "percent",
        "source": "Danmarks Statistik, AUP01",
        "published": "2022-10-28",
        "age": "16-24",
    }
    assert ballerup_youth.column_name("area") == "OMRÅDE"
    assert ballerup_youth.column_name("age") == "ALDER"

    country_total = rows["value[0] (OMRÅDE=000, ALDER=TOT, KØN=TOT, ContentsCode=AUP01, Tid=2022M08)"]
    assert (country_total.get("area"), country_total.get("period"), country_total.get("value")) == (
        "DK",
        "2022-08",
        "2.5",
    )
    assert "age" not in country_total.fields  # TOT is the total, not a breakdown

    region = rows["value[12] (OMRÅDE=084, ALDER=TOT, KØN=TOT, ContentsCode=AUP01, Tid=2022M08)"]
    assert region.get("area") == "1084"

    withheld = rows["value[33] (OMRÅDE=151, ALDER=25-29, KØN=TOT, ContentsCode=AUP01, Tid=2022M09)"]
    assert withheld.get("value") == ""
    assert withheld.get("age") == "25-29"

    assert not any("KØN=M" in location for location in rows)


def test_statbank_fixture_validates_without_problems():
    result = _validated(statbank_rows())
    assert result.problems == []
    assert len(result.observations) == 18
    withheld = [o for o in result.observations if o.suppressed]
    assert [(o.area, o.period, dict(o.breakdown)) for o in withheld] == [("151", "2022-09", {"age": "25-29"})]
    assert {o.published for o in result.observations} == {datetime.date(2022, 10, 28)}


def test_statbank_dimension_names_match_ignoring_case():
    # Statbank's CSV formats say TID where its JSON-stat says Tid; the mapping works for both.
    document = statbank_document()
    dims = document["dataset"]["dimension"]
    dims["TID"] = dims.pop("Tid")
    dims["id"][-1] = "TID"
    dims["role"]["time"] = ["TID"]
    rows = statbank_rows(document)
    assert len(rows) == 18
    assert rows[0].location == "value[0] (OMRÅDE=000, ALDER=TOT, KØN=TOT, ContentsCode=AUP01, TID=2022M08)"
    assert rows[0].column_name("period") == "TID"


# A JSON-stat 2.0 dataset with the features Statbank's own answer does not use: ids and
# sizes on the dataset, category index as an array, a sparse value object, a status, a
# quarter, and a gender breakdown.
GENDER_MAPPING = mapping_from_dict(
    {
        "source": "Danmarks Statistik",
        "suppressed_status": [".."],
        "area": {"dimension": "OMRÅDE", "codes": {"000": "DK"}, "keep_known_codes": True},
        "time": {"dimension": "TID", "periods": [{"pattern": r"(\d{4})K([1-4])", "to": "{0}Q{1}"}]},
        "tables": {
            "XYZ01": {
                "indicator": "5.2",
                "unit": "percent",
                "dimensions": {
                    "KØN": {"column": "gender", "total": ["TOT"], "values": {"M": "men", "K": "women"}}
                },
            }
        },
    },
    "gender",
)


def jsonstat2(**changes) -> dict:
    document = {
        "version": "2.0",
        "class": "dataset",
        "label": "XYZ01: Synthetic table for the tests",
        "note": ["SYNTHETIC TEST DATA"],
        "updated": "2022-12-01",
        "id": ["OMRÅDE", "KØN", "TID"],
        "size": [2, 3, 1],
        "role": {"time": ["TID"], "geo": ["OMRÅDE"]},
        "dimension": {
            "OMRÅDE": {"category": {"index": ["000", "151"]}},
            "KØN": {"category": {"index": ["TOT", "M", "K"]}},
            "TID": {"category": {"label": {"2022K3": "2022 3. kvartal"}}},
        },
        "value": {"0": 10.5, "1": 10.1, "2": 10.9, "4": 12.0, "5": 12.8},
        "status": {"5": ".."},
    }
    document.update(changes)
    return document


def test_jsonstat2_sparse_values_status_quarters_and_gender():
    rows = _by_location(statbank_rows(jsonstat2(), name="xyz.json", mapping=GENDER_MAPPING, table="XYZ01"))
    # position 3 (151, TOT) is absent from the sparse value object: no row at all.
    assert set(rows) == {
        "value[0] (OMRÅDE=000, KØN=TOT, TID=2022K3)",
        "value[1] (OMRÅDE=000, KØN=M, TID=2022K3)",
        "value[2] (OMRÅDE=000, KØN=K, TID=2022K3)",
        "value[4] (OMRÅDE=151, KØN=M, TID=2022K3)",
        "value[5] (OMRÅDE=151, KØN=K, TID=2022K3)",
    }
    women = rows["value[2] (OMRÅDE=000, KØN=K, TID=2022K3)"]
    assert (women.get("area"), women.get("period"), women.get("gender"), women.get("value")) == (
        "DK",
        "2022Q3",
        "women",
        "10.9",
    )
    assert women.get("source") == "Danmarks Statistik, XYZ01"  # the table the import was told
    assert women.get("published") == "2022-12-01"
    assert rows["value[4] (OMRÅDE=151, KØN=M, TID=2022K3)"].get("gender") == "men"
    assert rows["value[5] (OMRÅDE=151, KØN=K, TID=2022K3)"].get("value") == ""  # status '..'
    # Read right, and then refused by the shared validation: 5.2 is a monthly series.
    problems = _validated(list(rows.values())).problems
    assert len(problems) == 5 and {p.column for p in problems} == {"TID"}  # the source's own column
    assert problems[0].message.startswith("`2022Q3` is a quarter, but 5.2 is a monthly series")


def test_jsonstat2_value_array_and_index_object_read_the_same():
    dense = jsonstat2(value=[10.5, 10.1, 10.9, None, 12.0, 12.8], status=None)
    dense["dimension"]["KØN"]["category"]["index"] = {"TOT": 0, "M": 1, "K": 2}
    rows = _by_location(statbank_rows(dense, name="xyz.json", mapping=GENDER_MAPPING, table="XYZ01"))
    assert len(rows) == 6
    assert rows["value[3] (OMRÅDE=151, KØN=TOT, TID=2022K3)"].get("value") == ""  # null: suppressed
    assert rows["value[5] (OMRÅDE=151, KØN=K, TID=2022K3)"].get("value") == "12.8"


# ── Statbank: files that cannot be read ─────────────────────────────────────────────────


def test_value_count_not_matching_the_sizes_is_a_read_error():
    document = statbank_document()
    document["dataset"]["value"].pop()
    with pytest.raises(ReadError) as excinfo:
        statbank_rows(document)
    assert _problems(excinfo) == [
        f"{STATBANK}: has 35 values, but the dimension sizes 3 × 3 × 2 × 1 × 2 make 36"
    ]


def test_unknown_area_code_names_the_dimension_and_category():
    document = statbank_document()
    dims = document["dataset"]["dimension"]
    dims["OMRÅDE"]["category"]["index"] = {"000": 0, "999": 1, "151": 2}
    with pytest.raises(ReadError) as excinfo:
        statbank_rows(document)
    (problem,) = _problems(excinfo)
    assert problem.startswith("dimension OMRÅDE, category '999': is not an area")


def test_unknown_breakdown_category_and_unmapped_dimension():
    document = statbank_document()
    dims = document["dataset"]["dimension"]
    dims["ALDER"]["category"]["index"] = {"TOT": 0, "16-24": 1, "15-99": 2}
    dims["ydelsestype"] = {"category": {"index": {"LDP": 0}}}
    dims["id"].insert(1, "ydelsestype")
    dims["size"].insert(1, 1)
    with pytest.raises(ReadError) as excinfo:
        statbank_rows(document)
    problems = _problems(excinfo)
    assert (
        "dimension ALDER, category '15-99': is not in the mapping; map it to a breakdown value, the total or the skip list (table AUP01)"
        in problems
    )
    assert any(p.startswith("dimension ydelsestype: is not in the mapping for table AUP01") for p in problems)


def test_period_the_mapping_cannot_read():
    document = statbank_document()
    document["dataset"]["dimension"]["Tid"]["category"]["index"] = {"2022H1": 0, "2022M09": 1}
    with pytest.raises(ReadError) as excinfo:
        statbank_rows(document)
    assert _problems(excinfo)[0].startswith(
        "dimension Tid, category '2022H1': is not a period the mapping knows"
    )


def test_unknown_table_is_a_read_error():
    document = statbank_document()
    contents = document["dataset"]["dimension"]["ContentsCode"]["category"]
    contents["index"] = {"FOLK1A": 0}
    with pytest.raises(ReadError) as excinfo:
        statbank_rows(document, name="download.json")
    assert _problems(excinfo) == [
        "download.json: is table FOLK1A (its ContentsCode), which no mapping knows (statbank: AUP01, AUP03, AULK04, HFUDD11); map it in "
        "a mapping of your own ([tables.FOLK1A] in a file given with --mapping or kept in KPI_MAPPINGS)"
    ]


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b'{"dataset": {"value": [1, 2', "is not valid JSON (line 1, column"),
        (b"\xff\xfe{}", "is not UTF-8"),
        (b'{"hello": "world"}', "is not a JSON-stat dataset"),
        (b"[1, 2, 3]", "is not a JSON-stat dataset"),
    ],
)
def test_unreadable_statbank_files(data, expected):
    with pytest.raises(ReadError) as excinfo:
        list(read_jsonstat(data, "upload.json", load_mapping("statbank")))
    (problem,) = _problems(excinfo)
    assert problem.startswith(f"upload.json: {expected}")


@pytest.mark.parametrize("role", [["geo"], {"geo": "OMRÅDE"}, "geo", 7])
def test_a_role_of_the_wrong_shape_is_a_read_error(role):
    # Found by fuzzing: a list as `role` was an AttributeError (an internal error).
    document = statbank_document()
    document["dataset"]["dimension"]["role"] = role
    with pytest.raises(ReadError) as excinfo:
        statbank_rows(document, name="upload.json")
    assert _problems(excinfo) == [
        'upload.json: has a `role` that is not an object of dimension lists (e.g. {"geo": ["OMRÅDE"], "time": ["Tid"]})'
    ]


def test_size_not_matching_the_categories():
    document = statbank_document()
    document["dataset"]["dimension"]["size"][0] = 4
    with pytest.raises(ReadError) as excinfo:
        statbank_rows(document)
    assert _problems(excinfo) == ["dimension OMRÅDE: `size` says 4 categories, but its category index has 3"]


# ── Jobindsats ──────────────────────────────────────────────────────────────────────────


def jobindsats_rows(document=None, name=JOBINDSATS, mapping=None) -> list[SourceRow]:
    data = (FIXTURES / JOBINDSATS).read_bytes() if document is None else json.dumps(document).encode()
    return list(read_jobindsats(data, name, mapping or load_mapping("jobindsats")))


def jobindsats_document() -> list:
    return json.loads((FIXTURES / JOBINDSATS).read_text(encoding="utf-8"))


def test_jobindsats_fixture_rows():
    rows = jobindsats_rows()
    # 13 data rows; the split by sex and by origin is skipped (O1 is by age only).
    assert len(rows) == 11
    by_location = _by_location(rows)
    youth = by_location[
        "Data[2] (Area=Ballerup, Periode=2022M09, Køn=I alt, Alder=16-24 år, Herkomst=Herkomst i alt)"
    ]
    assert dict(youth.fields) == {
        "indicator": "O1",
        "area": "151",
        "period": "2022-09",
        "age": "16-24",
        "value": "1.4",
        "unit": "percent",
        "source": "Jobindsats (STAR), Y01A02",
    }
    assert youth.column_name("value") == "Fuldtidspersoner i pct. af arbejdsstyrken 16-66 år"
    assert youth.column_name("age") == "Alder"

    country = by_location[
        "Data[7] (Area=Hele landet, Periode=2022M08, Køn=I alt, Alder=Alder i alt, Herkomst=Herkomst i alt)"
    ]
    assert (country.get("area"), country.get("period"), country.get("value"), country.get("age")) == (
        "DK",
        "2022-08",
        "1.9",
        "",
    )
    region = by_location[
        "Data[11] (Area=Region Hovedstaden, Periode=2022M09, Køn=I alt, Alder=Alder i alt, Herkomst=Herkomst i alt)"
    ]
    assert region.get("area") == "1084"

    withheld = by_location[
        "Data[6] (Area=Ballerup, Periode=2022M09, Køn=I alt, Alder=60 år og derover, Herkomst=Herkomst i alt)"
    ]
    assert (withheld.get("value"), withheld.get("age")) == ("", "60-99")
    assert not any("Mænd" in location or "ikke-vestlige" in location for location in by_location)


def test_jobindsats_fixture_validates_without_problems():
    result = _validated(jobindsats_rows())
    assert result.problems == []
    assert len(result.observations) == 11
    assert sum(o.suppressed for o in result.observations) == 1


def test_jobindsats_sickness_benefit_share_feeds_2_5():
    document = [
        {
            "Variables": [
                {"Label": label}
                for label in (
                    "Area",
                    "Periode",
                    "Køn",
                    "Herkomst",
                    "Status før sygedagpenge",
                    "Antal personer",
                    "Antal fuldtidspersoner",
                    "Fuldtidspersoner i pct. af arbejdsstyrken 16-66 år",
                    "Fuldtidspersoner i pct. af befolkningen 16-66 år",
                )
            ],
            "Data": [
                ["Ballerup", "2022M09", "I alt", "Herkomst i alt", "I alt", 1210, 905.5, "3,1", "2,4"],
                ["Hele landet", "2022M09", "I alt", "Herkomst i alt", "I alt", 98000, 71800.0, "2,9", "2,2"],
                ["Ballerup", "2022M09", "I alt", "Herkomst i alt", "Fleksjob", 40, 31.0, "0,1", "0,1"],
            ],
        }
    ]
    rows = jobindsats_rows(document, name="Y07A02.json")
    assert [(r.get("indicator"), r.get("area"), r.get("period"), r.get("value")) for r in rows] == [
        ("2.5", "151", "2022-09", "3,1"),  # 2.5 is monthly: the table's monthly extract
        ("2.5", "DK", "2022-09", "2,9"),
    ]
    assert _validated(rows).problems == []


def test_jobindsats_table_found_by_its_columns_when_the_name_does_not_say():
    assert len(jobindsats_rows(name="export.json")) == 11


def test_jobindsats_unknown_area_names_the_column_and_value():
    document = jobindsats_document()
    document[0]["Data"][0][0] = "Atlantis"
    with pytest.raises(ReadError) as excinfo:
        jobindsats_rows(document)
    (problem,) = _problems(excinfo)
    assert problem.startswith("column 'Area', value 'Atlantis': is not an area")


def test_jobindsats_areas_we_do_not_model_are_skipped_by_the_shipped_mapping():
    # The regional labour-market councils and "Uoplyst område" are skipped, not refused;
    # "Ballerup Kommune" is Ballerup.
    document = jobindsats_document()
    document[0]["Data"][0][0] = "RAR Hovedstaden"
    document[0]["Data"][1][0] = "Uoplyst område"
    document[0]["Data"][2][0] = "Ballerup Kommune"
    rows = jobindsats_rows(document)
    assert len(rows) == 11 - 2
    assert not any("RAR" in r.location or "Uoplyst" in r.location for r in rows)
    assert [r.get("area") for r in rows if "Ballerup Kommune" in r.location] == ["151"]


def test_jobindsats_unknown_category_and_column():
    document = jobindsats_document()
    document[0]["Data"][1][3] = "18-19 år"
    with pytest.raises(ReadError) as excinfo:
        jobindsats_rows(document)
    assert _problems(excinfo) == [
        "column 'Alder', value '18-19 år': is not in the mapping; map it to a breakdown value, the total or the skip list (table y01a02)"
    ]

    document = jobindsats_document()
    document[0]["Variables"].insert(2, {"Label": "Visitationskategori"})
    for record in document[0]["Data"]:
        record.insert(2, "Jobparat")
    with pytest.raises(ReadError) as excinfo:
        jobindsats_rows(document)
    assert _problems(excinfo) == [
        "column 'Visitationskategori': is not in the mapping for table y01a02; name it as a dimension, a measure or ignore it"
    ]


def test_jobindsats_rolling_year_period_is_refused_with_the_mappings_reason():
    document = jobindsats_document()
    document[0]["Data"][0][1] = "2022QMAT02"
    with pytest.raises(ReadError) as excinfo:
        jobindsats_rows(document)
    assert _problems(excinfo) == [
        "column 'Periode', value '2022QMAT02': is a rolling year (QMAT: a twelve-month total or average), which "
        "has no canonical period; download the table with period type M, Q or Y instead (v3: period.M=…, "
        "period.Q=…) (table y01a02)"
    ]


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b'[{"Variables": [', "upload.json: is not valid JSON (line 1, column"),
        (
            b'{"rows": []}',
            'upload.json: is not a Jobindsats table (expected {"columns": [...], "rows": [...]} (API v3) '
            'or [{"Variables": [...], "Data": [...]}] (API v2))',
        ),
    ],
)
def test_unreadable_jobindsats_files(data, expected):
    with pytest.raises(ReadError) as excinfo:
        list(read_jobindsats(data, "upload.json", load_mapping("jobindsats")))
    (problem,) = _problems(excinfo)
    assert problem.startswith(expected)


def test_jobindsats_row_of_the_wrong_width():
    document = jobindsats_document()
    document[0]["Data"][4].pop()
    with pytest.raises(ReadError) as excinfo:
        jobindsats_rows(document)
    assert _problems(excinfo) == ["Data[4]: has 8 values, but there are 9 variables"]


# ── Mapping files ───────────────────────────────────────────────────────────────────────


def test_packaged_mappings_load_and_unknown_names_are_refused():
    assert load_mapping("statbank").tables["AUP01"].indicator == "O1"
    measure = (
        load_mapping("jobindsats")
        .tables["y07a02"]
        .measures["Fuldtidspersoner i pct. af arbejdsstyrken 16-66 år"]
    )
    assert measure.indicator == "2.5"
    with pytest.raises(MappingError, match="no mapping named 'dst'; available: jobindsats, statbank"):
        load_mapping("dst")
    with pytest.raises(MappingError):
        load_mapping("../statbank")


def test_mapped_indicators_and_units_exist_in_the_catalogue():
    facts = indicator_facts(shipped_strategies())
    for name in ("statbank", "jobindsats"):
        for table in load_mapping(name).tables.values():
            targets = [*table.measures.values(), *([table.measure("")] if table.indicator else [])]
            for target in targets:
                assert target.indicator in facts
                assert facts[target.indicator].unit.value == target.unit


def test_mapping_is_not_changed_by_reading():
    mapping = load_mapping("statbank")
    before = copy.deepcopy(mapping)
    statbank_rows(mapping=mapping)
    assert mapping == before
