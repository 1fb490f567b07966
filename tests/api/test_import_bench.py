"""The import benchmark measures what `kpi import` does, and its one optimisation (the
period checks memoised per distinct period) answers as before. Real SQLite files."""

import datetime
import json

import pytest
import sqlalchemy as sa

from bench.import_bench import (
    FILE_NAMES,
    GENERATORS,
    fresh,
    parsed,
    pipeline,
    reference,
    synthetic_jobindsats,
    synthetic_jsonstat,
)
from kpi_api.importing.service import import_bytes
from kpi_api.storage.observation_store import SqlObservationRepository
from kpi_core import shipped_areas, shipped_strategies

AREAS = len(shipped_areas())  # 98 municipalities, 5 regions, DK: the bench's every area


def _stored(engine: sa.Engine) -> list[tuple]:
    columns = "indicator, area, period, value, breakdown, unit"
    with engine.connect() as c:
        return c.exec_driver_sql(f"SELECT {columns} FROM observations ORDER BY {columns}").all()


def _import(tmp_path, text: str):
    return import_bytes(
        text.encode(),
        "figures.csv",
        SqlObservationRepository(fresh(f"sqlite:///{tmp_path / 'kpi.sqlite3'}")),
        shipped_strategies(),
        shipped_areas(),
        imported_by="test",
        today=lambda: datetime.date(2023, 1, 15),
    )


def test_a_wrong_kind_of_period_is_refused_on_every_row_it_repeats_on(tmp_path):
    # 2.2 is monthly: the year 2022 is refused on rows 2 and 4 alike (the memoised answer
    # is the message, every time), the month between is fine, and a period that is no
    # period is refused each time it comes (an error is not remembered as an answer).
    report = _import(
        tmp_path,
        "indicator,area,period,value\n2.2,151,2022,30.5\n2.2,151,2022-06,30.5\n2.2,DK,2022,31\n"
        "2.2,151,2022-13,1\n2.2,151,2022-13,2\n",
    )
    year = "`2022` is a year, but 2.2 is a monthly series: write one row per month as YYYY-MM (e.g. 2022-06)"
    month = "'2022-13' is not a month (expected YYYY-MM with MM 01–12)"
    assert [(p.location, p.column, p.message) for p in report.problems] == [
        ("row 2", "period", year),
        ("row 4", "period", year),
        ("row 5", "period", month),
        ("row 6", "period", month),
    ]


def test_the_same_periods_pass_again_once_memoised(tmp_path):
    report = _import(tmp_path, "indicator,area,period,value\n2.2,151,2022-06,30.5\n2.2,DK,2022-06,31\n")
    assert (report.rejected, report.added) == (False, 2)


@pytest.mark.parametrize("fmt", ["csv", "jsonstat", "jobindsats"])
def test_the_import_stores_exactly_the_rows_the_reference_inserts(tmp_path, fmt):
    data = GENERATORS[fmt](2000)
    rows = parsed(fmt, data)
    ours, theirs = fresh(f"sqlite:///{tmp_path / 'a.sqlite3'}"), fresh(f"sqlite:///{tmp_path / 'b.sqlite3'}")
    reference(theirs, rows)
    pipeline(ours, fmt, data, len(rows))  # asserts every row was added
    assert _stored(ours) == _stored(theirs)
    assert len(_stored(ours)) == len(rows) >= 2000


def test_the_synthetic_inputs_have_the_real_shapes_and_are_recognised_without_a_format(tmp_path):
    cube = json.loads(synthetic_jsonstat(10))
    # One month of every area × 7 ages; the sexes' total only.
    assert (cube["class"], cube["id"], cube["size"]) == (
        "dataset",
        ["OMRÅDE", "ALDER", "KØN", "ContentsCode", "Tid"],
        [AREAS, 7, 1, 1, 1],
    )
    assert cube["dimension"]["Tid"]["category"]["index"] == ["2025M12"]
    answer = json.loads(synthetic_jobindsats(3))
    first = next(iter(shipped_areas()))
    name = "Hele landet" if first.code == "DK" else first.name  # areas by name, as Jobindsats writes them
    assert answer["rows"] == [
        ["2025M12", name, "Køn i alt", age, "Herkomst i alt", 1000, 800.5, rate, rate / 2]
        for age, rate in (("Alder i alt", 1.2), ("16-24 år", 2.2), ("25-29 år", 3.2))
    ]
    for fmt in ("jsonstat", "jobindsats"):
        report = import_bytes(
            GENERATORS[fmt](AREAS * 7),
            FILE_NAMES[fmt],
            SqlObservationRepository(fresh(f"sqlite:///{tmp_path / f'{fmt}.sqlite3'}")),
            shipped_strategies(),
            shipped_areas(),
            imported_by="test",
        )
        assert (report.format, report.rejected, report.added) == (fmt, False, AREAS * 7)
