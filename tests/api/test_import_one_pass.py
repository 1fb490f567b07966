"""A good file is checked and stored in one pass, a chunk at a time (quick_check.py,
SqlObservationRepository.add_rows), and stores exactly what the full check and `add`
store; a file with a problem anywhere — after chunks were already inserted, in the
mapping, a figure twice, a conflict — writes nothing and is answered as before.
On a real SQLite file and a real PostgreSQL, a fresh database each."""

import datetime
import json
import uuid

import pytest
import sqlalchemy as sa

from bench.import_bench import GENERATORS, synthetic_jsonstat
from kpi_api.importing import quick_check
from kpi_api.importing.mappings import mappings_for_import
from kpi_api.importing.service import import_bytes, read_source
from kpi_api.importing.validate import indicator_facts, validate
from kpi_api.storage.engine import create_engine, migrate
from kpi_api.storage.observation_store import SqlObservationRepository
from kpi_core import shipped_areas, shipped_strategies
from kpi_core.repository import ImportBatch

DAY = datetime.date(2023, 1, 15)
HEADER = "indicator,area,period,value,age,published,source,flag\n"


@pytest.fixture(params=["sqlite", "postgresql"])
def new_url(request, tmp_path):
    """A function giving a new, migrated database's URL of the kind."""

    def make() -> str:
        if request.param == "sqlite":
            url = f"sqlite:///{tmp_path / f'{uuid.uuid4().hex[:8]}.sqlite3'}"
        else:
            server = sa.make_url(request.getfixturevalue("postgres_url"))
            name = f"one_pass_{uuid.uuid4().hex[:8]}"
            admin = sa.create_engine(server, isolation_level="AUTOCOMMIT")
            with admin.connect() as c:
                c.exec_driver_sql(f"CREATE DATABASE {name}")
            admin.dispose()
            url = server.set(database=name).render_as_string(hide_password=False)
        migrate(create_engine(url))
        return url

    return make


def _import(url: str, data: bytes, name: str = "figures.csv", fmt: str | None = None):
    return import_bytes(
        data,
        name,
        SqlObservationRepository(create_engine(url)),
        shipped_strategies(),
        shipped_areas(),
        fmt=fmt,
        imported_by="test",
        today=lambda: DAY,
    )


def _stored(url: str) -> list[tuple]:
    columns = "indicator, area, period, breakdown, published, value, numerator, denominator, unit, provisional, source"
    with create_engine(url).connect() as c:
        return [tuple(r) for r in c.exec_driver_sql(f"SELECT {columns} FROM observations ORDER BY {columns}")]


def _written(url: str) -> tuple[int, int]:
    with create_engine(url).connect() as c:
        return (
            c.exec_driver_sql("SELECT count(*) FROM observations").scalar_one(),
            c.exec_driver_sql("SELECT count(*) FROM import_batches").scalar_one(),
        )


def _full_check_and_add(url: str, data: bytes, name: str, fmt: str) -> None:
    """What the import did before the one pass: every row validated, then `add`."""
    fmt, source = read_source(data, name, fmt, mappings_for_import())
    checked = validate(source, indicator_facts(shipped_strategies()), shipped_areas(), DAY, name)
    assert not checked.problems
    batch = ImportBatch("full", name, "sha", fmt, "test", datetime.datetime(2023, 1, 15, tzinfo=datetime.UTC))
    SqlObservationRepository(create_engine(url)).add(batch, checked.observations)


MIXED = (
    HEADER
    + "O1,151,2022-09,3.10,,,,\n"  # a trailing zero: stored as the Decimal's text, 3.10
    + "O1,151,2022-09,2,25-29,2023-01-10,Jobcenter,foreløbig\n"
    + "O1,DK,2022-09,,16-24,,,suppressed\n"
    + 'O1,1084,2022-09,"4,5",,,,provisional|foreløbig\n'
    + "2.2,151,2022-09,1E+2,,,,\n"
)


@pytest.mark.parametrize("fmt", ["csv", "jsonstat", "jobindsats", "mixed"])
def test_a_good_file_stores_exactly_what_the_full_check_and_add_store(new_url, fmt):
    data = MIXED.encode() if fmt == "mixed" else GENERATORS[fmt](12_000)  # several chunks
    name = {"jsonstat": "aup01.json", "jobindsats": "y01a02.json"}.get(fmt, "figures.csv")
    fast, full = new_url(), new_url()
    report = _import(fast, data, name)
    assert not report.rejected, report.problems[:3]
    _full_check_and_add(full, data, name, "csv" if fmt == "mixed" else fmt)
    assert _stored(fast) == _stored(full)
    assert report.added == report.rows == len(_stored(fast)) == (5 if fmt == "mixed" else len(_stored(full)))
    assert report.rows >= (5 if fmt == "mixed" else 12_000)


def test_a_problem_after_several_stored_chunks_writes_nothing(new_url):
    url = new_url()
    good = GENERATORS["csv"](3 * quick_check.CHUNK).decode()
    report = _import(url, (good + "O1,151,2022-13,1,,SYNTETISK\n").encode())
    last = 3 * quick_check.CHUNK + 2
    assert [(p.location, p.column) for p in report.problems] == [(f"row {last}", "period")]
    assert report.rows == last - 1
    assert _written(url) == (0, 0)


def test_a_mapping_problem_at_the_end_of_a_json_stat_file_writes_nothing(new_url):
    url = new_url()
    cube = json.loads(synthetic_jsonstat(12_000))
    areas = cube["dimension"]["OMRÅDE"]["category"]["index"]
    areas[-1] = "999"  # no such area: its cells come last in the cube's order
    report = _import(url, json.dumps(cube).encode(), "aup01.json")
    assert report.rejected and "OMRÅDE" in str(report.problems[0]) and "999" in str(report.problems[0])
    assert _written(url) == (0, 0)


def test_a_figure_twice_is_named_by_both_rows_and_writes_nothing(new_url):
    url = new_url()
    rows = "".join(f"O1,151,{2020 - i // 12}-{i % 12 + 1:02d},1,,,,\n" for i in range(7_000))
    report = _import(url, (HEADER + rows + "O1,151,2020-01,1,,,,\n").encode())
    (problem,) = report.problems
    assert problem.location == "row 7002" and "already in row 2" in problem.message
    assert _written(url) == (0, 0)


def test_stored_rows_are_counted_unchanged_and_a_changed_one_is_a_conflict(new_url):
    url = new_url()
    first = HEADER + "O1,151,2022-09,3.1,,,,\nO1,DK,2022-09,2.9,,,,\n"
    assert _import(url, first.encode(), "first.csv").added == 2
    again = _import(url, (first + "O1,1084,2022-09,3,,,,\n").encode(), "second.csv")
    assert (again.rejected, again.rows, again.added, again.unchanged) == (False, 3, 1, 2)
    # A stored figure twice in the file is still a figure twice.
    twice = _import(url, (HEADER + "O1,151,2022-09,3.10,,,,\nO1,151,2022-09,3.1,,,,\n").encode(), "t.csv")
    assert [p.location for p in twice.problems] == ["row 3"] and "already in row 2" in twice.problems[
        0
    ].message
    changed = _import(url, (HEADER + "O1,DK,2022-10,1,,,,\nO1,151,2022-09,3.2,,,,\n").encode(), "c.csv")
    assert changed.rejected and "already stored as 3.1, the file says 3.2" in changed.problems[0].message
    assert _written(url) == (3, 2)
