"""A full disk during an import leaves nothing changed and says what to do."""

import sqlalchemy as sa

from kpi_api.bootstrap import open_services
from kpi_api.importing.service import import_bytes
from kpi_api.storage.engine import create_engine
from kpi_api.storage.observation_store import SqlObservationRepository
from tests.api.test_import_crash import big_csv


def test_a_full_database_rejects_the_import_and_changes_nothing(tmp_path):
    url = f"sqlite:///{tmp_path / 'kpi.sqlite3'}"
    services = open_services(url)
    engine = create_engine(url)
    with engine.connect() as c:
        pages = c.exec_driver_sql("PRAGMA page_count").scalar()
        before = c.exec_driver_sql("SELECT count(*) FROM observations").scalar()
        version = c.exec_driver_sql("SELECT version FROM data_version").scalar()

    # SQLite's page-count limit stands in for a full disk: room for ~20 more pages.
    @sa.event.listens_for(engine, "connect")
    def _limit(dbapi_connection, _record):
        dbapi_connection.execute(f"PRAGMA max_page_count = {pages + 20}")

    engine.dispose()  # new connections only, each with the limit

    rows = big_csv(tmp_path / "big.csv", range(2019, 2021))
    report = import_bytes(
        (tmp_path / "big.csv").read_bytes(),
        "big.csv",
        SqlObservationRepository(engine),
        services.strategies,
        services.areas,
    )
    assert rows > 10_000 and report.rejected
    assert (
        "The database is full" in report.problems[0].message
        and "nothing was written" in report.problems[0].message
    )
    with engine.connect() as c:
        assert c.exec_driver_sql("SELECT count(*) FROM observations").scalar() == before
        assert c.exec_driver_sql("SELECT version FROM data_version").scalar() == version
        assert c.exec_driver_sql("PRAGMA integrity_check").scalar() == "ok"
