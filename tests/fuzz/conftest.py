"""The service under fuzzing, built once per test module over a fresh SQLite file (or, with
FUZZ_DATABASE=postgresql, the test session's throwaway PostgreSQL) with the shipped
catalogue and the shared SYNTHETIC test figures; tokens for writes; and the printed tally
(FUZZ_REPORT=path also writes it as JSON)."""

import json
import os

import attrs
import pytest

from kpi_api.app import create_app
from kpi_api.bootstrap import open_services
from kpi_api.config import Settings
from kpi_api.storage import tokens
from tests.conftest import run_async
from tests.fuzz._support import EXAMPLES, TALLY, AsgiClient
from tests.synthetic import seed


@pytest.fixture(scope="module")
def fuzz_service(request, tmp_path_factory):
    """(app, services) over a database: migrated, catalogue published, figures seeded. A new
    SQLite file per module; with FUZZ_DATABASE=postgresql the throwaway PostgreSQL server of
    the test session instead (one database, shared by the modules; each undoes its imports)."""
    if os.environ.get("FUZZ_DATABASE", "sqlite") == "postgresql":
        url = request.getfixturevalue("postgres_url")
    else:
        url = f"sqlite:///{tmp_path_factory.mktemp('fuzz') / 'kpi.sqlite3'}"
    services = open_services(url)
    seed(services)
    app = create_app(service_settings(url))
    lifespan = app.router.lifespan_context(app)  # run it here: the clients below do not
    run_async(lifespan.__aenter__())  # on its own thread: Playwright may hold the main one
    yield app, services
    run_async(lifespan.__aexit__(None, None, None))
    services.engine.dispose()


def service_settings(url: str) -> Settings:
    """The service's defaults, except the rate limits: the fuzzers send hundreds of writes a
    second with one token (and reads from one address), and are after what the service
    does with them."""
    unlimited = {"token_rate": 1e9, "token_burst": 10**9, "anonymous_rate": 1e9, "anonymous_burst": 10**9}
    return Settings(
        database_url=url, **{k: v for k, v in unlimited.items() if k in attrs.fields_dict(Settings)}
    )


@pytest.fixture(scope="module")
def fuzz_client(fuzz_service):
    client = AsgiClient(fuzz_service[0])
    yield client
    client.close()


@pytest.fixture(scope="module")
def write_tokens(fuzz_service):
    """One valid token per scope (only their hashes are stored)."""
    engine = fuzz_service[1].engine
    return {scope: tokens.create(engine, scope, f"fuzz {scope.value}")[0] for scope in tokens.Scope}


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    lines = TALLY.summary()
    if not lines:
        return
    database = os.environ.get("FUZZ_DATABASE", "sqlite")
    terminalreporter.section(f"fuzz outcomes (FUZZ_EXAMPLES={EXAMPLES}, FUZZ_DATABASE={database})")
    for line in lines:
        terminalreporter.write_line(line)
    if path := os.environ.get("FUZZ_REPORT"):
        with open(path, "w", encoding="utf-8") as f:
            json.dump(
                {"FUZZ_EXAMPLES": EXAMPLES, "FUZZ_DATABASE": database, "buckets": TALLY.as_json()},
                f,
                ensure_ascii=False,
                indent=1,
            )
        terminalreporter.write_line(f"(written to {path})")
