"""With the response cache on, no answer is ever stale after a write — from this
process, another process, or another worker on the same PostgreSQL database."""

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

from kpi_api.bootstrap import open_services
from kpi_api.storage import tokens

KPI = str(Path(sys.executable).parent / "kpi")
QUERY = '{ strategy(id: "ballerup-beskaeftigelsesstrategi") { revision(version: "2022") { indicator(id: "4.4") { status(area: "147", period: "2021-12") { value } } } } }'


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _serve(url: str, extra_env: dict | None = None) -> tuple[subprocess.Popen, str]:
    port = _port()
    # One test client sends far faster than a reader: no per-address limit (unless asked).
    env = {
        **os.environ,
        "KPI_RESPONSE_CACHE": "1",
        "KPI_ANONYMOUS_RATE": "1e9",
        "KPI_ANONYMOUS_BURST": "1000000000",
        **(extra_env or {}),
    }
    process = subprocess.Popen(
        [KPI, "serve", "--port", str(port), "--database", url],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                return process, base
        except httpx.TransportError:
            time.sleep(0.1)
    process.kill()
    raise RuntimeError("server did not start")


def value(base: str) -> str | None:
    answer = httpx.post(f"{base}/graphql", json={"query": QUERY}, timeout=10).json()
    return answer["data"]["strategy"]["revision"]["indicator"]["status"]["value"]


def _csv(n: int) -> str:
    return f"indicator,area,period,value,source\n4.4,147,2021-12,{n},SYNTETISK\n"


def test_a_write_from_another_process_is_seen_at_once(tmp_path):
    url = f"sqlite:///{tmp_path / 'kpi.sqlite3'}"
    server, base = _serve(url)
    try:
        assert value(base) is None and value(base) is None  # the second answer came from the cache
        figure = httpx.get(f"{base}/figures/4.4/147.json?from=2021&to=2021").json()
        assert figure["series"][0]["values"] == []
        for n in (20, 21, 22):  # each import by a separate `kpi import` process
            csv = tmp_path / f"v{n}.csv"
            # a new vintage each time: a revised figure, published later
            csv.write_text(
                f"indicator,area,period,value,published,source\n4.4,147,2021-12,{n},2030-01-{n - 10:02d},SYNTETISK\n"
            )
            subprocess.run([KPI, "import", str(csv), "--database", url], check=True, capture_output=True)
            assert value(base) == str(n)
            assert httpx.get(f"{base}/figures/4.4/147.json?from=2021&to=2021").json()["series"][0][
                "values"
            ] == [str(n)]
    finally:
        server.kill()
        server.wait()


def test_two_workers_on_postgresql_agree(postgres_url):
    import sqlalchemy as sa

    admin = sa.create_engine(postgres_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as c:
        c.exec_driver_sql("DROP DATABASE IF EXISTS two_workers")
        c.exec_driver_sql("CREATE DATABASE two_workers")
    admin.dispose()
    url = postgres_url.rsplit("/", 1)[0] + "/two_workers"
    token, _ = tokens.create(open_services(url).engine, tokens.Scope.IMPORT, "two workers test")
    first, a = _serve(url)
    second, b = _serve(url)
    try:
        assert value(a) is None and value(b) is None and value(b) is None  # b has it cached
        mutation = "mutation($csv: String!) { importObservations(csv: $csv) { added rejected } }"
        answer = httpx.post(
            f"{a}/graphql",
            json={"query": mutation, "variables": {"csv": _csv(27)}},
            headers={"Authorization": f"Bearer {token}"},
            timeout=30,
        ).json()
        assert answer["data"]["importObservations"] == {"added": 1, "rejected": False}
        assert value(b) == "27"  # served fresh by the other worker, not from its cache
        assert value(a) == "27"
    finally:
        for p in (first, second):
            p.kill()
            p.wait()
