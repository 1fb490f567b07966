"""The service under fuzzing, built once per test module over a fresh SQLite file with the
shipped catalogue and the shared SYNTHETIC test figures; and the printed tally."""

import json
import os

import pytest

from kpi_api import tokens
from kpi_api.app import create_app
from kpi_api.config import Settings
from kpi_api.services import open_services
from tests.fuzz._support import EXAMPLES, TALLY, AsgiClient
from tests.synthetic import seed


@pytest.fixture(scope="module")
def fuzz_service(tmp_path_factory):
    """(app, services) over a new database: migrated, catalogue published, figures seeded."""
    url = f"sqlite:///{tmp_path_factory.mktemp('fuzz') / 'kpi.sqlite3'}"
    services = open_services(url)
    seed(services)
    app = create_app(Settings(database_url=url))
    yield app, services
    services.engine.dispose()


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
    terminalreporter.section(f"fuzz outcomes (FUZZ_EXAMPLES={EXAMPLES})")
    for line in lines:
        terminalreporter.write_line(line)
    if path := os.environ.get("FUZZ_REPORT"):
        with open(path, "w", encoding="utf-8") as f:
            json.dump({"FUZZ_EXAMPLES": EXAMPLES, "buckets": TALLY.as_json()}, f, ensure_ascii=False, indent=1)
        terminalreporter.write_line(f"(written to {path})")
