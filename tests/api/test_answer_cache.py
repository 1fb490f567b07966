"""The answer cache stores only what a query ran: it keys on the text as sent (it does
not parse documents itself), so which operation ran is learnt from the schema's run."""

import httpx
import pytest

from kpi_api.app import create_app
from kpi_api.bootstrap import open_services
from kpi_api.config import Settings
from kpi_api.storage import tokens
from tests.conftest import run_async, serving

CSV = "indicator,area,period,value,published,source\n4.2,{area},2022-09,7.5,2022-10-10,SYNTETISK\n"
# One document, two operations: the operation name decides which runs.
BOTH = (
    "query Look { areas(kind: REGION) { code } } "
    "mutation Store($csv: String!) { importObservations(csv: $csv) { added unchanged } }"
)
ONLY = "mutation($csv: String!) { importObservations(csv: $csv) { added unchanged } }"


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    url = f"sqlite:///{tmp_path_factory.mktemp('answer-cache') / 'kpi.sqlite3'}"
    with serving(url, response_cache=True) as base:
        token, _ = tokens.create(open_services(url).engine, tokens.Scope.IMPORT, "answer cache test")
        with httpx.Client(base_url=base, timeout=30, headers={"Authorization": f"Bearer {token}"}) as client:
            yield client


def _import(client: httpx.Client, document: str, area: str, operation: str | None = None) -> tuple:
    body = {"query": document, "variables": {"csv": CSV.format(area=area)}, "operationName": operation}
    answer = client.post("/graphql", json=body).json()
    assert "errors" not in answer, answer
    result = answer["data"]["importObservations"]
    return result["added"], result["unchanged"]


@pytest.mark.parametrize(("document", "operation", "area"), [(ONLY, None, "151"), (BOTH, "Store", "147")])
def test_a_mutation_sent_twice_runs_twice(served, document, operation, area):
    # Over HTTP, as an integrator sees it (the write's new data version also keeps the
    # first answer from being found again; test_only_queries_are_stored sees the rule).
    assert _import(served, document, area, operation) == (1, 0)
    assert _import(served, document, area, operation) == (0, 1)


def test_the_query_of_a_two_operation_document_is_cached(served):
    request = {"query": BOTH, "operationName": "Look"}
    first = served.get("/graphql", params=request)
    again = served.get("/graphql", params=request, headers={"If-None-Match": first.headers["etag"]})
    assert first.status_code == 200 and len(first.json()["data"]["areas"]) == 5
    assert again.status_code == 304


def test_only_queries_are_stored(tmp_path):
    # A dry run changes nothing, so the data version stays and a stored answer would be
    # found again: the cache itself shows what it kept.
    url = f"sqlite:///{tmp_path / 'kpi.sqlite3'}"
    app = create_app(Settings(database_url=url, response_cache=True))
    token, _ = tokens.create(open_services(url).engine, tokens.Scope.IMPORT, "answer cache test")
    dry = "mutation($csv: String!) { importObservations(csv: $csv, dryRun: true) { added } }"
    requests = [
        {"query": dry, "variables": {"csv": CSV.format(area="151")}},
        {"query": BOTH, "variables": {"csv": CSV.format(area="151")}, "operationName": "Store"},
        {"query": BOTH, "operationName": "Look"},
    ]

    async def stored_after_each() -> list[int]:
        transport = httpx.ASGITransport(app=app)
        headers = {"Authorization": f"Bearer {token}"}
        sizes = []
        async with httpx.AsyncClient(transport=transport, base_url="http://test", headers=headers) as client:
            for request in requests:
                answer = (await client.post("/graphql", json=request)).json()
                assert "errors" not in answer, answer
                sizes.append(len(app.state.response_cache))
        return sizes

    assert run_async(stored_after_each()) == [0, 0, 1]
