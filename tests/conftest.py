import os

from hypothesis import HealthCheck, settings

# `ci` keeps CI time bounded; `dev` (default) explores a little more.
settings.register_profile("ci", max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("dev", max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "dev"))


import pytest
import sqlalchemy as sa

from kpi_api.database import create_engine, migrate


@pytest.fixture(scope="session")
def postgres_url():
    from tests.postgres import PostgresServer

    server = PostgresServer()
    url = server.start()
    yield url
    server.stop()


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
def store_engine(request, tmp_path_factory):
    """A migrated database of each kind, shared by a session; tests reset what they use."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('store') / 'kpi.sqlite3'}"
    else:
        url = request.getfixturevalue("postgres_url")
    engine = create_engine(url)
    migrate(engine)
    yield engine
    engine.dispose()


def reset_observations(engine: sa.Engine) -> None:
    with engine.begin() as c:
        c.execute(sa.text("DELETE FROM observations"))
        c.execute(sa.text("DELETE FROM import_batches"))
        c.execute(sa.text("UPDATE data_version SET version = 0"))
