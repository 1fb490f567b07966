"""A real server: uvicorn on a free loopback port, over a real SQLite file."""

import socket
import threading
import time

import httpx
import pytest
import uvicorn

from kpi_api.app import create_app
from kpi_api.config import Settings


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def database_url(tmp_path_factory) -> str:
    return f"sqlite:///{tmp_path_factory.mktemp('db') / 'kpi.sqlite3'}"


@pytest.fixture(scope="session")
def server(database_url):
    port = _free_port()
    config = uvicorn.Config(create_app(Settings(database_url=database_url)), host="127.0.0.1", port=port, log_level="warning")
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
