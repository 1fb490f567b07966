"""Fixtures and helpers for the service's tests: real databases (a SQLite file, a throwaway
PostgreSQL) and a real server (uvicorn on a loopback port). Loaded by tests/conftest.py
only where the service is installed, so tests/core runs with the core's dependencies alone."""

import contextlib
import socket
import threading
import time
from collections.abc import Iterator

import httpx
import pytest
import sqlalchemy as sa
import uvicorn

from kpi_api.app import create_app
from kpi_api.bootstrap import open_services
from kpi_api.config import Settings
from kpi_api.storage.engine import create_engine, migrate


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


# ── a real server: uvicorn on a free loopback port, over a real SQLite file ──────────────
def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def database_url(tmp_path_factory) -> str:
    return f"sqlite:///{tmp_path_factory.mktemp('db') / 'kpi.sqlite3'}"


@contextlib.contextmanager
def serving(database_url: str, **settings) -> Iterator[str]:
    """uvicorn on a free loopback port (a thread of this process), over `database_url`,
    configured like `kpi serve` (`settings`: Settings fields to change)."""
    from kpi_api.http.header_timeout import protocol_with_header_timeout

    port = _free_port()
    settings = Settings(database_url=database_url, **settings)
    config = uvicorn.Config(
        create_app(settings),
        host="127.0.0.1",
        port=port,
        log_level="warning",
        http=protocol_with_header_timeout(settings.header_timeout),
        proxy_headers=settings.trusted_proxies > 0,
        forwarded_allow_ips="*",
    )
    instance = uvicorn.Server(config)
    thread = threading.Thread(target=instance.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not instance.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the test server did not start")
        time.sleep(0.02)
    yield f"http://127.0.0.1:{port}"
    instance.should_exit = True
    thread.join(timeout=10)


# The suite's clients are all one address, sending far faster than any reader: the shared
# server does not limit addresses (tests/security/test_runtime_limits.py tests the limit).
UNLIMITED_ADDRESSES = {"anonymous_rate": 1e9, "anonymous_burst": 10**9}


@pytest.fixture(scope="session")
def server(database_url):
    with serving(database_url, **UNLIMITED_ADDRESSES) as base:
        yield base


@pytest.fixture(scope="module")
def seeded(server, database_url):
    """The served database with the synthetic figures of tests/synthetic.py (imported once)."""
    from tests.synthetic import seed

    services = open_services(database_url)
    if not any(b.file_name == "status-test.csv" for b in services.observations.batches()):
        seed(services)
    return services


@pytest.fixture(scope="session")
def gql(server):
    client = httpx.Client(base_url=server, timeout=10)

    def run(query: str, **variables) -> dict:
        response = client.post("/graphql", json={"query": query, "variables": variables})
        assert response.status_code == 200, response.text
        body = response.json()
        assert "errors" not in body, body["errors"]
        return body["data"]

    yield run
    client.close()


def run_async(coroutine):
    """Run a coroutine to completion on its own thread: the browser tests' Playwright
    keeps an event loop running on the main thread, where asyncio.run would refuse."""
    import asyncio
    import concurrent.futures

    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coroutine).result()
