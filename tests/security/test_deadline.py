"""The deadline reaches the work itself: the status service stops at its cancellation
points, and the database aborts a statement, when the request's time is up. (Over HTTP:
test_runtime_limits.py.) On a real SQLite file and a real PostgreSQL server."""

import datetime
import threading
import time

import pytest
import sqlalchemy as sa

import kpi_core as core
from kpi_api.bootstrap import open_services
from kpi_api.demo.loader import load_demo
from kpi_api.http import deadline
from kpi_api.status_service import StatusRequest, evaluate_many

# Far more work than the limit: about ten status tables of 26 indicators × 98 municipalities.
TABLES = 10


def in_thread_with_limit(seconds: float, work) -> tuple[BaseException | None, float, float]:
    """Run `work` in a thread under a deadline: (what it raised, its CPU seconds, wall seconds)."""
    outcome: dict = {}

    def run() -> None:
        started = time.thread_time()
        try:
            with deadline.limited_to(seconds):
                work()
        except BaseException as exc:
            outcome["raised"] = exc
        outcome["cpu"] = time.thread_time() - started

    thread = threading.Thread(target=run)
    started = time.monotonic()
    thread.start()
    thread.join(timeout=120)
    return outcome.get("raised"), outcome.get("cpu", float("nan")), time.monotonic() - started


def test_the_status_service_stops_at_the_deadline(tmp_path):
    services = open_services(f"sqlite:///{tmp_path / 'kpi.sqlite3'}")
    load_demo(services, 2022, 2023, 2024)
    revision = next(s for s in services.strategies if s.id == "ballerup-beskaeftigelsesstrategi").revision(
        "2022"
    )
    municipalities = [a.code for a in services.areas.of_kind(core.AreaKind.MUNICIPALITY)]
    requests = [
        StatusRequest(i, a, None, datetime.date(2024, 1 + n, 1))
        for n in range(TABLES)
        for a in municipalities
        for i in revision.indicators
    ]
    # Long enough for the store's query (a second or so), not for the evaluations after it.
    raised, cpu, wall = in_thread_with_limit(
        4, lambda: evaluate_many(requests, services.observations, services.areas)
    )
    print(
        f"\n{len(requests):,} evaluations under a 4 s limit: stopped after {wall:.2f} s, {cpu:.2f} s of CPU"
    )
    assert isinstance(raised, deadline.DeadlineExceeded), raised
    assert "4 s" in str(raised)


@pytest.mark.parametrize("kind", ["sqlite", "postgresql"])
def test_the_database_aborts_a_statement_at_the_deadline(kind, tmp_path, request):
    url = (
        f"sqlite:///{tmp_path / 'kpi.sqlite3'}"
        if kind == "sqlite"
        else request.getfixturevalue("postgres_url")
    )
    engine = open_services(url).engine
    # Minutes of work for either database, unless it is stopped.
    endless = (
        "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 10000000000) SELECT count(*) FROM c"
        if kind == "sqlite"
        else "SELECT pg_sleep(300)"
    )

    def query() -> None:
        with engine.connect() as connection:
            connection.execute(sa.text(endless)).all()

    raised, _, wall = in_thread_with_limit(0.5, query)
    print(
        f"\n{kind}: a statement of minutes under a 0.5 s limit ended after {wall:.2f} s: {type(raised).__name__}"
    )
    # The database stopped it (the thread was inside one statement, never at a
    # cancellation point of ours), and it reports the request's deadline.
    assert isinstance(raised, deadline.DeadlineExceeded), raised
    assert "0.5 s" in str(raised)
    with engine.connect() as connection:  # the connection is usable afterwards, without a limit
        assert connection.execute(sa.text("SELECT 1")).scalar_one() == 1
    engine.dispose()
