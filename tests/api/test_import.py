"""Importing canonical CSV: every rejection names row and column; nothing is half-done."""

import datetime
from decimal import Decimal

import pytest
from typer.testing import CliRunner

from kpi_api.cli import app
from kpi_api.importing.service import import_bytes
from kpi_api.storage.observation_store import SqlObservationRepository
from kpi_core import shipped_areas, shipped_strategies
from kpi_core.repository import ObservationQuery
from tests.conftest import reset_observations

STRATEGIES, AREAS = shipped_strategies(), shipped_areas()
HEADER = "indicator,area,period,value,unit,published,flag,age,origin,target_group\n"


def run(engine, text: str, dry_run: bool = False, name: str = "figures.csv"):
    return import_bytes(
        text.encode(),
        name,
        SqlObservationRepository(engine),
        STRATEGIES,
        AREAS,
        dry_run=dry_run,
        imported_by="test",
        today=lambda: datetime.date(2023, 1, 15),
    )


@pytest.fixture
def engine(store_engine):
    reset_observations(store_engine)
    return store_engine


@pytest.mark.parametrize(
    ("row", "column", "message"),
    [
        ("X9,151,2022,1,,,,,,", "indicator", "`X9` is not an indicator of the catalogue"),
        ("2.2,999,2022-09,1,,,,,,", "area", "`999` is not a known area code"),
        ("2.2,Ballerup,2022-09,1,,,,,,", "area", "use the code 151"),
        ("2.2,151,2022-13,1,,,,,,", "period", "'2022-13' is not a month"),
        ("2.2,151,22,1,,,,,,", "period", "'22' is not a period"),
        ("2.2,151,2022-09,abc,,,,,,", "value", "`abc` is not a number"),
        ("2.2,151,2022-09,101,,,,,,", "value", "101 is outside 0–100, but 2.2 is a share in per cent"),
        ("2.2,151,2022-09,-1,,,,,,", "value", "-1 is outside 0–100"),
        ("O2,151,2022-09,1E+999999,,,,,,", "value", "`1E+999999` is out of range"),
        ("O2,151,2022-09,0E-1000000,,,,,,", "value", "`0E-1000000` is out of range"),
        (
            "2.2,151,2022-09,1,count,,,,,",
            "unit",
            "`count` does not match indicator 2.2, which is measured in percent",
        ),
        ("2.2,151,2022-09,1,furlongs,,,,,", "unit", "`furlongs` is not a unit"),
        (
            "2.2,151,2022-09,1,,,,16-24,,",
            "age",
            "indicator 2.2 is not broken down by age (it declares: none)",
        ),
        (
            "5.3,151,2022-09,1,,,,,,dagpenge",
            "target_group",
            "indicator 5.3 is not broken down by target_group",
        ),
        ("2.2,151,2022-09,1,,2023-02-30,,,,", "published", "`2023-02-30` is not a date"),
        ("2.2,151,2022-09,1,,,maybe,,,", "flag", "`maybe` is not a flag"),
        ("2.2,151,2022-09,3,,,suppressed,,,", "value", "a suppressed cell must have no value"),
        # The README's old example: a year in 2.2's monthly series.
        (
            "2.2,151,2022,30.5,,,,,,",
            "period",
            "`2022` is a year, but 2.2 is a monthly series: write one row per month as YYYY-MM (e.g. 2022-06)",
        ),
        ("1.1,151,2022-09,40,,,,,,", "period", "`2022-09` is a month, but 1.1 is a quarterly series"),
        (
            "4.1,151,2022Q3,60,,,,,,",
            "period",
            "`2022Q3` is a quarter, but 4.1 is a yearly series: write one row per year",
        ),
    ],
)
def test_each_rejection_names_row_and_column_and_writes_nothing(engine, row, column, message):
    good = "2.2,DK,2022-09,25,,,,,,"
    report = run(engine, HEADER + good + "\n" + row + "\n")
    assert report.rejected
    assert [(p.location, p.column) for p in report.problems] == [("row 3", column)]
    assert message in report.problems[0].message
    assert SqlObservationRepository(engine).find(ObservationQuery()) == []


def test_a_duplicate_inside_the_file_names_both_rows(engine):
    report = run(
        engine, HEADER + "2.2,151,2022-09,1,,,,,,\n2.2,DK,2022-09,2,,,,,,\n2.2,151,2022-09,1,,,,,,\n"
    )
    (problem,) = report.problems
    assert (problem.location, problem.column) == ("row 4", None)
    assert "already in row 2" in problem.message


def test_header_problems_are_reported_before_any_row(engine):
    report = run(engine, "indicator,area,value,colour\n2.2,151,1,red\n")
    assert {(p.location, p.column) for p in report.problems} == {("header", "period"), ("header", "colour")}


def test_not_utf8_is_a_clear_error(engine):
    report = import_bytes(
        "indicator,area,period,value\n2.2,Ærø,2022-09,1\n".encode("latin-1"),
        "x.csv",
        SqlObservationRepository(engine),
        STRATEGIES,
        AREAS,
    )
    assert "is not UTF-8" in report.problems[0].message


def test_semicolons_and_danish_decimal_commas(engine):
    report = run(engine, "indicator;area;period;value\n2.2;151;2022-09;30,5\n2.2;DK;2022-09;28\n")
    assert not report.rejected and report.added == 2
    values = {o.area: o.value for o in SqlObservationRepository(engine).find(ObservationQuery())}
    assert values == {"151": Decimal("30.5"), "DK": Decimal("28")}


def test_suppressed_cells_are_stored_as_no_value(engine):
    run(engine, HEADER + "O1,151,2022-09,,,,suppressed,25-29,,\nO1,151,2022-09,..,,,,16-24,,\n")
    stored = SqlObservationRepository(engine).find(ObservationQuery())
    assert [o.value for o in stored] == [None, None]


def test_dry_run_counts_exactly_what_the_import_then_does(engine):
    text = HEADER + "2.2,151,2022-09,30,,,,,,\n2.2,DK,2022-09,28,,,,,,\n"
    run(engine, HEADER + "2.2,151,2022-09,30,,,,,,\n", name="first.csv")
    dry = run(engine, text, dry_run=True)
    assert SqlObservationRepository(engine).data_version() == 1  # nothing written
    real = run(engine, text)
    assert (dry.rows, dry.added, dry.unchanged) == (real.rows, real.added, real.unchanged) == (2, 1, 1)


def test_reimporting_the_same_file_changes_nothing(engine):
    text = HEADER + "2.2,151,2022-09,30,,,,,,\n"
    first, again = run(engine, text), run(engine, text)
    assert first.added == 1 and again.added == 0 and again.batch == first.batch
    assert "already imported" in again.message
    store = SqlObservationRepository(engine)
    assert store.data_version() == 1 and len(store.batches()) == 1


def test_a_revised_figure_keeps_the_old_vintage_for_as_of(engine):
    run(engine, HEADER + "2.2,151,2022-09,30,,2023-01-10,,,,\n", name="january.csv")
    run(engine, HEADER + "2.2,151,2022-09,31.5,,2023-03-10,,,,\n", name="march.csv")
    store = SqlObservationRepository(engine)
    assert [o.value for o in store.find(ObservationQuery())] == [Decimal("31.5")]
    assert [o.value for o in store.find(ObservationQuery(as_of=datetime.date(2023, 2, 1)))] == [Decimal("30")]


def test_the_same_vintage_with_another_value_is_rejected(engine):
    run(engine, HEADER + "2.2,151,2022-09,30,,2023-01-10,,,,\n", name="a.csv")
    report = run(engine, HEADER + "2.2,151,2022-09,29,,2023-01-10,,,,\n", name="b.csv")
    assert report.rejected and "already stored as 30, the file says 29" in report.problems[0].message


def test_the_cli_exits_non_zero_on_rejection_and_prints_the_report(tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text(HEADER + "2.2,151,2022-13,1,,,,,,\n", encoding="utf-8")
    result = CliRunner().invoke(
        app, ["import", str(bad), "--database", f"sqlite:///{tmp_path / 'kpi.sqlite3'}"]
    )
    assert result.exit_code == 1
    assert "row 2, column `period`: '2022-13' is not a month" in result.output
    assert "nothing was written" in result.output


def test_the_cli_imports_and_summarises(tmp_path):
    good = tmp_path / "good.csv"
    good.write_text(HEADER + "2.2,151,2022-09,30,,,,,,\n2.2,DK,2022-09,28,,,,,,\n", encoding="utf-8")
    url = f"sqlite:///{tmp_path / 'kpi.sqlite3'}"
    dry = CliRunner().invoke(app, ["import", str(good), "--dry-run", "--database", url])
    assert dry.exit_code == 0 and "that would be stored" in dry.output and "nothing written" in dry.output
    real = CliRunner().invoke(app, ["import", str(good), "--database", url])
    assert real.exit_code == 0 and "stored" in real.output


def test_text_the_database_cannot_hold_is_refused_by_row_and_column(engine):
    # PostgreSQL refuses NUL in text and the column holds 500 characters: say so per cell.
    header = "indicator,area,period,value,source\n"
    nul = run(engine, header + "2.2,151,2022-09,1,a\x00b\n")
    assert [(p.location, p.column, p.message) for p in nul.problems] == [
        ("row 2", "source", "contains a NUL character (\\x00); remove it")
    ]
    long = run(engine, header + "2.2,151,2022-09,1," + "x" * 501 + "\n")
    assert [(p.location, p.column) for p in long.problems] == [
        ("row 2", "source")
    ] and "at most 500" in long.problems[0].message


def test_each_indicator_takes_periods_of_its_own_frequency(engine):
    ok = "2.2,151,2022-09,30.5,,,,,,\n1.1,151,2022Q3,40,,,,,,\n4.1,151,2022,60,,,,,,\nP4.1,151,2013,16.6,,,,,,\n"
    report = run(engine, HEADER + ok)
    assert not report.rejected and report.added == 4
