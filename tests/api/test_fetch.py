"""`kpi fetch` against Statbank and Jobindsats as real HTTP servers on 127.0.0.1 that
answer in the APIs' recorded shapes with synthetic numbers (tests/api/recorded_apis.py):
the rows imported (hand-computed), a second fetch of the same release, retries and
Retry-After, an API that stays down, a dry run, and where the Jobindsats key goes."""

import datetime
import json
import time
from decimal import Decimal
from pathlib import Path

import pytest
import sqlalchemy as sa
from typer.testing import CliRunner

from kpi_api.bootstrap import open_services
from kpi_api.cli import app
from kpi_api.fetching import run
from kpi_api.fetching.http import FetchError, Limits
from kpi_api.fetching.periods import since_month, wanted
from kpi_api.fetching.source import release_date
from kpi_api.importing.mappings import mappings_for_import
from kpi_core import shipped_areas
from kpi_core.repository import ObservationQuery
from tests.api.recorded_apis import KEY, Recorded, jobindsats_app, served, statbank_app


@pytest.fixture
def apis():
    recorded = Recorded()
    with served(statbank_app(recorded)) as statbank, served(jobindsats_app(recorded)) as jobindsats:
        yield recorded, f"{statbank}/v1", f"{jobindsats}/v3"


@pytest.fixture
def database(tmp_path):
    url = f"sqlite:///{tmp_path / 'kpi.sqlite3'}"
    open_services(url)  # created and migrated, as `kpi serve` leaves it
    return url


def _fetch(apis, database, *args, key=KEY):
    _, statbank, jobindsats = apis
    env = {
        "KPI_STATBANK_URL": statbank,
        "KPI_JOBINDSATS_URL": jobindsats,
        "KPI_JOBINDSATS_KEY": key,
        "KPI_MAPPINGS": "",
    }
    return CliRunner().invoke(app, ["fetch", "--database", database, *args], env=env)


def _stored(database, indicator):
    """The figures a fetch stored (a new database also holds the documents' own figures)."""
    found = open_services(database).observations.find(ObservationQuery(indicators=(indicator,)))
    return {
        (o.area, o.period, o.breakdown, o.value, o.published)
        for o in found
        if o.published in (STATBANK_DAY, JOBINDSATS_DAY)
    }


def _batches(database) -> int:
    with sa.create_engine(database).connect() as c:
        return c.execute(
            sa.text("SELECT count(*) FROM import_batches WHERE imported_by LIKE '%kpi fetch%'")
        ).scalar_one()


STATBANK_DAY = datetime.date(2026, 11, 27)  # the answer's `updated`
JOBINDSATS_DAY = datetime.date(2026, 11, 20)  # update_latest in the list of tables


def test_a_fetch_imports_the_mapped_rows_with_the_release_as_vintage(apis, database):
    result = _fetch(apis, database, "--table", "AUP01,y07a02", "--since", "2026-09")
    assert result.exit_code == 0, result.output
    # AUP01 → O1 by age: 3 areas (000 → DK, 084 → 1084, 151; landsdel 01 not asked for)
    # × 3 ages (TOT the total, 16-24, 25-29) × 2 months (from --since 2026-09 on).
    o1 = _stored(database, "O1")
    assert len(o1) == 18
    age = lambda a: (("age", a),)  # noqa: E731
    assert ("151", "2026-09", age("16-24"), Decimal("3.1"), STATBANK_DAY) in o1  # 2.6 + 0.4 + 0.1
    assert ("DK", "2026-10", (), Decimal("3.1"), STATBANK_DAY) in o1  # 2.9 + 0 + 0.2
    assert ("1084", "2026-09", age("25-29"), Decimal("3.9"), STATBANK_DAY) in o1  # 3.1 + 0.7 + 0.1
    # Y07A02 → 2.5: Ballerup, Region Hovedstaden, Hele landet (RAR and Uoplyst område
    # skipped, "Mænd" rows skipped) × 2 months; the key figure column only.
    assert _stored(database, "2.5") == {
        ("151", "2026-09", (), Decimal("3.1"), JOBINDSATS_DAY),
        ("151", "2026-10", (), Decimal("3.3"), JOBINDSATS_DAY),
        ("1084", "2026-09", (), Decimal("2.7"), JOBINDSATS_DAY),
        ("1084", "2026-10", (), Decimal("2.9"), JOBINDSATS_DAY),
        ("DK", "2026-09", (), Decimal("2.9"), JOBINDSATS_DAY),
        ("DK", "2026-10", (), Decimal("3.1"), JOBINDSATS_DAY),
    }
    recorded = apis[0]
    data = [r for r in recorded.of("statbank") if r[2].endswith("/data")]
    assert len(data) == 1
    asked = {v["code"]: v["values"] for v in json.loads(data[0][4])["variables"]}
    assert asked == {
        "OMRÅDE": ["000", "084", "151"],
        "ALDER": ["TOT", "16-24", "25-29"],
        "KØN": ["TOT"],
        "Tid": ["2026M09", "2026M10"],
    }
    paths = [r[2] for r in recorded.of("jobindsats") if r[2].startswith("/v3/data/")]
    assert sorted(p.split("hierarchy.")[1].split("&")[0] for p in paths) == [
        "_hele_landet=/",
        "_nykom=*",
        "_region=*",
    ]
    assert all("period.M=2026M09,2026M10" in p for p in paths)


def test_a_share_of_two_jobindsats_tables_is_computed_from_one_fetch(apis, database):
    result = _fetch(apis, database, "--table", "y08a02,y09a02", "--since", "2026-10")
    assert result.exit_code == 0, result.output
    found = open_services(database).observations.find(ObservationQuery(indicators=("3.2",)))
    later = datetime.date(2026, 11, 14)  # the later of the two releases (13 and 14 November)
    assert {(o.area, o.period, o.value, o.numerator, o.denominator, o.published) for o in found} == {
        (
            "151",
            "2026-10",
            Decimal("10.0"),
            Decimal("50.0"),
            Decimal("500.0"),
            later,
        ),  # 100 × 50 ÷ (450 + 50)
        ("1084", "2026-10", Decimal("10.0"), Decimal("2000.0"), Decimal("20000.0"), later),  # 2000 ÷ 20000
        ("DK", "2026-10", Decimal("11.1"), Decimal("7500.0"), Decimal("67500.0"), later),  # 11.11… → 11.1
    }
    assert "y08a02+y09a02" in result.output


def test_fetching_the_same_release_again_imports_nothing(apis, database):
    assert _fetch(apis, database, "--table", "AUP01,y07a02", "--since", "2026-09").exit_code == 0
    before = (_stored(database, "O1"), _stored(database, "2.5"), _batches(database))
    again = _fetch(apis, database, "--table", "AUP01,y07a02", "--since", "2026-09")
    assert again.exit_code == 0, again.output
    assert (_stored(database, "O1"), _stored(database, "2.5"), _batches(database)) == before
    assert before[2] == 2
    lines = [line for line in again.output.splitlines() if "AUP01" in line or "y07a02" in line]
    assert len(lines) == 2 and all(" 0 " in line for line in lines), again.output


def test_the_key_goes_to_the_jobindsats_url_only(apis, database):
    assert _fetch(apis, database, "--since", "2026-09", "--table", "AUP01,y07a02").exit_code == 0
    recorded = apis[0]
    assert recorded.of("statbank") and recorded.of("jobindsats")
    assert all("authorization" not in r[3] for r in recorded.of("statbank"))
    assert all(r[3]["authorization"] == f"Bearer {KEY}" for r in recorded.of("jobindsats"))


def test_a_dry_run_fetches_and_counts_but_writes_nothing(apis, database):
    result = _fetch(apis, database, "--table", "AUP01", "--since", "2026-09", "--dry-run")
    assert result.exit_code == 0, result.output
    assert "Dry run" in result.output and "18" in result.output
    assert _stored(database, "O1") == set() and _batches(database) == 0


def _wanted(tables):
    return run.plan(mappings_for_import(), tables)


def _fetch_all(apis, tables, **limits):
    _, statbank, jobindsats = apis
    endpoints = run.Endpoints(statbank, jobindsats, KEY)
    areas = shipped_areas()
    return run.fetch_all(
        _wanted(tables), endpoints, Limits(**limits), (2026, 9), lambda c: areas.get(c) is not None
    )


def test_429_then_200_is_retried_and_retry_after_is_honoured(apis):
    recorded = apis[0]
    recorded.forced["statbank:/v1/data"] = [(429, {"Retry-After": "1"})]
    started = time.monotonic()
    (fetched,) = _fetch_all(apis, ["AUP01"], backoff=0.01)
    assert time.monotonic() - started >= 1.0  # the server's second, not the 0.01 s back-off
    assert len([r for r in recorded.of("statbank") if r[2].endswith("/data")]) == 2
    assert fetched.published == STATBANK_DAY


def test_a_retry_after_beyond_the_limit_gives_up_at_once(apis):
    apis[0].forced["statbank:/v1/data"] = [(503, {"Retry-After": "3600"})]
    started = time.monotonic()
    with pytest.raises(
        FetchError, match=r"Statbank table AUP01: HTTP 503, and the API asks to wait 3,600 s \(Retry-After\)"
    ):
        _fetch_all(apis, ["AUP01"], backoff=0.01)
    assert time.monotonic() - started < 5


def test_500_forever_gives_up_with_a_clear_error(apis):
    apis[0].always["statbank:/v1/tableinfo"] = 500
    with pytest.raises(FetchError) as raised:
        _fetch_all(apis, ["AUP01"], backoff=0.01, retries=3)
    assert str(raised.value).startswith("Statbank table AUP01: gave up after 4 attempts (last: HTTP 500)")
    assert len(apis[0].of("statbank")) == 4


def test_500_forever_through_the_cli_writes_nothing(apis, database):
    apis[0].always["jobindsats:/v3/data/"] = 500
    result = _fetch(apis, database, "--table", "AUP01,y07a02", "--since", "2026-09", "--retries", "0")
    assert result.exit_code == 1
    assert "Fetch failed; nothing was stored." in result.output
    assert "Jobindsats table y07a02 (_nykom): gave up after 1 attempts (last: HTTP 500)" in result.output
    assert _batches(database) == 0 and _stored(database, "O1") == set()  # AUP01 was fetched, not stored


def test_the_time_limit_bounds_the_whole_fetch(apis):
    apis[0].always["statbank:/v1/tableinfo"] = 503
    started = time.monotonic()
    with pytest.raises(FetchError, match=r"longer than its time limit of 1 s \(--time-limit\)"):
        _fetch_all(apis, ["AUP01"], backoff=0.4, retries=10, time_limit=1.0)
    assert time.monotonic() - started < 3


def test_an_answer_past_the_size_cap_stops_the_download(apis):
    with pytest.raises(FetchError, match=r"the answer is larger than 200 bytes, the most a fetch reads"):
        _fetch_all(apis, ["AUP01"], max_bytes=200)


def test_without_a_key_nothing_is_asked_and_the_error_says_what_to_do(apis, database):
    result = _fetch(apis, database, "--table", "y07a02", key="")
    assert result.exit_code == 1
    assert "Jobindsats tables y07a02: KPI_JOBINDSATS_KEY is not set" in result.output
    assert "--source statbank" in result.output
    assert apis[0].requests == []


def test_a_refused_key_names_the_table_and_the_fix(apis, database):
    result = _fetch(apis, database, "--table", "y07a02", key="wrong")
    assert result.exit_code == 1
    assert (
        "the list of Jobindsats tables (/tables): HTTP 401, Jobindsats refused the key (Unauthorized); check KPI_JOBINDSATS_KEY"
        in result.output
    )
    assert len(apis[0].requests) == 1  # refused: not asked again


def test_a_table_the_api_does_not_know_is_named_with_the_fix(apis, database, tmp_path):
    own = tmp_path / "own.toml"
    shipped = Path(run.__file__).parent.parent / "importing" / "mappings" / "statbank.toml"
    text = shipped.read_text(encoding="utf-8").replace("[tables.AULK04]", "[tables.NOSUCH1]")
    text = text.replace("[tables.AULK04.", "[tables.NOSUCH1.")
    own.write_text(text, encoding="utf-8")
    result = _fetch(apis, database, "--mapping", str(own), "--table", "NOSUCH1")
    assert result.exit_code == 1
    assert (
        "Statbank table NOSUCH1: Statbank does not know the table (Tabellen NOSUCH1 findes ikke)"
        in result.output
    )
    assert "remove [tables.NOSUCH1] from the mapping" in result.output


def test_a_table_no_mapping_covers_is_refused_before_any_request(apis, database):
    result = _fetch(apis, database, "--table", "FOLK1A")
    assert result.exit_code == 2
    assert (
        "--table FOLK1A: no mapping covers this table (mapped: jobindsats: y01a02, y07a02, y08a02, y09a02; statbank: AUP01, AUP03, AULK04, HFUDD11)"
        in result.output
    )
    assert "[tables.FOLK1A]" in result.output
    assert apis[0].requests == []


@pytest.mark.parametrize(
    ("written", "day"),
    [
        ("2026-08-10T08:00:00", datetime.date(2026, 8, 10)),
        ("2026-08-10", datetime.date(2026, 8, 10)),
        ("10-08-2026", datetime.date(2026, 8, 10)),
        ("10.08.2026", datetime.date(2026, 8, 10)),
        ("", None),
        ("soon", None),
        (None, None),
        ("2026-13-01", None),
    ],
)
def test_a_release_date_is_read_as_the_apis_write_it_or_not_at_all(written, day):
    assert release_date(written) == day


def test_since_keeps_the_periods_that_start_on_or_after_it():
    time_rule = next(m for m in mappings_for_import() if m.format == "jsonstat").time
    first = since_month("2022Q3")
    assert first == (2022, 7)
    kept = [
        p
        for p in ("2022M06", "2022M07", "2022K2", "2022K3", "2022", "2023", "2022H1")
        if wanted(p, time_rule, first)
    ]
    assert kept == ["2022M07", "2022K3", "2023"]  # a year counts from its January; half-years are not read
    with pytest.raises(ValueError, match="--since: '2022-13' is not a month"):
        since_month("2022-13")


def test_without_table_a_second_source_of_an_indicator_is_left_to_be_named():
    everything = {w.table for w in run.plan(mappings_for_import())}
    # Y01A02 (O1, approximate) is left out beside AUP01 (O1, exact); Y07A02 (2.5) stays,
    # and so do Y08A02 and Y09A02 (read for the derived 3.2).
    assert everything == {"AUP01", "AUP03", "AULK04", "HFUDD11", "y07a02", "y08a02", "y09a02"}
    assert [w.table for w in run.plan(mappings_for_import(), ["Y01A02"])] == ["y01a02"]
    assert {w.table for w in run.plan(mappings_for_import(), sources=["jobindsats"])} == {
        "y01a02",
        "y07a02",
        "y08a02",
        "y09a02",
    }


def test_an_answer_that_trickles_in_is_stopped_at_the_time_limit():
    import asyncio

    from starlette.applications import Starlette
    from starlette.responses import StreamingResponse
    from starlette.routing import Route

    from kpi_api.fetching.http import Client, Deadline

    async def trickle():
        for _ in range(40):  # a byte every 0.2 s: each well within the time-out, 8 s in all
            yield b" "
            await asyncio.sleep(0.2)

    async def slow(request):
        return StreamingResponse(trickle(), media_type="application/json")

    with served(Starlette(routes=[Route("/slow", slow)])) as base:
        limits = Limits(timeout=5, time_limit=1.0)
        client = Client(base, limits, Deadline(limits.time_limit))
        started = time.monotonic()
        with pytest.raises(FetchError, match=r"longer than its time limit of 1 s"):
            client.request("GET", "/slow", "a slow answer")
        assert time.monotonic() - started < 3
        client.close()
