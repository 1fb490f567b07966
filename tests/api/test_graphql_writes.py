"""Authenticated writes and the service's hard limits, over HTTP (real server, real SQLite)."""

import httpx
import pytest
import sqlalchemy as sa

from kpi_api.app import create_app
from kpi_api.bootstrap import open_services
from kpi_api.catalogue import Catalogue
from kpi_api.config import Settings
from kpi_api.graphql.context import graphql_context
from kpi_api.graphql.schema import build_schema
from kpi_api.storage import tokens
from kpi_core.shipped import _DATA
from tests.conftest import run_async, serving

STRATEGY = "ballerup-beskaeftigelsesstrategi"
IMPORT = """mutation($csv: String!, $dry: Boolean) { importObservations(csv: $csv, dryRun: $dry) {
  format rows added unchanged rejected dryRun batch problems { location column message } } }"""
PUBLISH = """mutation($text: String!) { publishRevision(catalogue: $text) { strategyId version published problems } }"""
CSV = "indicator,area,period,value,published,source\n4.2,151,2022-12,7.5,2023-01-10,SYNTETISK\n4.2,DK,2022-12,7.0,2023-01-10,SYNTETISK\n"


# This module publishes revisions and imports rows: its own database and server, so the
# other modules' shared server keeps showing the catalogue as shipped.
@pytest.fixture(scope="module")
def database_url(tmp_path_factory) -> str:
    return f"sqlite:///{tmp_path_factory.mktemp('writes') / 'kpi.sqlite3'}"


@pytest.fixture(scope="module")
def server(database_url):
    with serving(database_url) as base:
        yield base


@pytest.fixture(scope="module")
def made(server, database_url):
    engine = open_services(database_url).engine
    made = {scope: tokens.create(engine, scope, f"test {scope.value}")[0] for scope in tokens.Scope}
    revoked, record = tokens.create(engine, tokens.Scope.IMPORT, "revoked")
    tokens.revoke(engine, record.id)
    made["revoked"] = revoked
    return made


def post(server, query, token=None, **variables):
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    response = httpx.post(
        f"{server}/graphql", json={"query": query, "variables": variables}, headers=headers, timeout=30
    )
    return response


def error_code(response) -> str:
    return response.json()["errors"][0]["extensions"]["code"]


@pytest.mark.parametrize(
    ("who", "code"),
    [
        (None, "UNAUTHENTICATED"),
        ("revoked", "UNAUTHENTICATED"),
        ("bogus", "UNAUTHENTICATED"),
        (tokens.Scope.READ, "FORBIDDEN"),
        (tokens.Scope.PUBLISH, "FORBIDDEN"),
    ],
)
def test_import_needs_an_import_token(server, made, who, code):
    token = {"bogus": "kpi_aaaaaaaaaa_" + "x" * 43, None: None}.get(who, made.get(who))
    response = post(server, IMPORT, token, csv=CSV)
    assert response.status_code == 200 and error_code(response) == code
    assert "Traceback" not in response.text


def test_import_with_a_token_reports_like_the_cli(server, made):
    dry = post(server, IMPORT, made[tokens.Scope.IMPORT], csv=CSV, dry=True).json()["data"][
        "importObservations"
    ]
    assert (dry["rows"], dry["added"], dry["dryRun"], dry["batch"]) == (2, 2, True, None)
    real = post(server, IMPORT, made[tokens.Scope.IMPORT], csv=CSV).json()["data"]["importObservations"]
    assert (real["rows"], real["added"], real["rejected"]) == (2, 2, False) and real["batch"]
    bad = post(
        server, IMPORT, made[tokens.Scope.IMPORT], csv=CSV.replace("2022-12,7.5", "2022-13,7.5")
    ).json()["data"]["importObservations"]
    assert bad["rejected"] and bad["problems"] == [
        {
            "location": "row 2",
            "column": "period",
            "message": "'2022-13' is not a month (expected YYYY-MM with MM 01–12)",
        }
    ]
    status = post(
        server,
        f'{{ strategy(id: "{STRATEGY}") {{ revision(version: "2022") {{ indicator(id: "4.2") {{ status(area: "151") {{ status value }} }} }} }} }}',
    )
    assert status.json()["data"]["strategy"]["revision"]["indicator"]["status"] == {
        "status": "NOT_MET_PROGRESS_UNKNOWN",  # nothing for 2021 to compare with
        "value": "7.5",
    }


def test_publish_needs_a_publish_token_and_is_immutable(server, made):
    text = (_DATA / "catalogue" / "ballerup-beskaeftigelsesstrategi-2022.toml").read_text(encoding="utf-8")
    new = text.replace('version = "2022"', 'version = "2099-test"').replace(
        "in_force_from = 2022-11-09", "in_force_from = 2099-01-01"
    )
    new = new[: new.index("# ── What changed since the 2020 revision")]  # no changes against 2022
    assert error_code(post(server, PUBLISH, None, text=new)) == "UNAUTHENTICATED"
    assert error_code(post(server, PUBLISH, made[tokens.Scope.IMPORT], text=new)) == "FORBIDDEN"
    broken = post(
        server, PUBLISH, made[tokens.Scope.PUBLISH], text=new.replace('bound = "min"', 'bound = "least"', 1)
    ).json()["data"]["publishRevision"]
    assert broken["published"] is False and "'least' is not a valid Bound" in broken["problems"][0]
    done = post(server, PUBLISH, made[tokens.Scope.PUBLISH], text=new).json()["data"]["publishRevision"]
    assert done == {"strategyId": STRATEGY, "version": "2099-test", "published": True, "problems": []}
    versions = post(server, f'{{ strategy(id: "{STRATEGY}") {{ revisions {{ version }} }} }}').json()["data"][
        "strategy"
    ]["revisions"]
    assert [v["version"] for v in versions] == ["2020", "2022", "2099-test"]
    again = post(
        server, PUBLISH, made[tokens.Scope.PUBLISH], text=new.replace("Fleksjobledigheden", "Fleksjob")
    ).json()["data"]["publishRevision"]
    assert again["published"] is False and "published revisions are immutable" in again["problems"][0]


def test_a_database_dump_holds_no_usable_token(made, database_url):
    engine = sa.create_engine(database_url)
    with engine.connect() as c:
        dump = repr(c.execute(sa.text("SELECT * FROM api_tokens")).all())
    for token in made.values():
        assert token.split("_", 2)[2] not in dump  # the secret part never appears
    engine.dispose()


def test_an_import_token_may_send_a_larger_body(server, made):
    padding = "\n" * (100 * 1024)  # blank lines are skipped by the reader
    response = post(server, IMPORT, made[tokens.Scope.IMPORT], csv=CSV + padding, dry=True)
    assert response.status_code == 200 and response.json()["data"]["importObservations"]["rows"] == 2


def test_introspection_and_read_tokens_are_configurable(database_url):
    services = open_services(database_url)
    catalogue = Catalogue(strategies=services.strategies, areas=services.areas)
    closed = build_schema(Settings(introspection=False))
    result = run_async(
        closed.execute(
            "{ __schema { types { name } } }", context_value=graphql_context(catalogue, services.observations)
        )
    )
    assert result.errors and result.errors[0].extensions["code"] == "INTROSPECTION_DISABLED"
    private = Settings(require_read_token=True)
    result = run_async(
        build_schema(private).execute(
            "{ areas { code } }",
            context_value=graphql_context(catalogue, services.observations, settings=private),
        )
    )
    assert result.errors[0].extensions == {"code": "UNAUTHENTICATED"}


def test_a_request_over_the_time_limit_gets_a_timeout_error(tmp_path):
    app = create_app(Settings(database_url=f"sqlite:///{tmp_path / 'kpi.sqlite3'}", request_timeout=0))

    async def ask():
        async with httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://test"
        ) as client:
            return await client.post("/graphql", json={"query": "{ areas { code } }"})

    response = run_async(ask())
    assert response.status_code == 503 and error_code(response) == "TIMEOUT"


class BrokenStore:
    """A store whose database has gone away (a fake: it raises with internals in the message)."""

    def find(self, query):
        raise RuntimeError("connection to /var/lib/secret.sqlite3 failed: SELECT * FROM observations")

    latest_periods = latest_periods_by_cell = find


def test_an_unexpected_failure_is_masked(database_url):
    services = open_services(database_url)
    catalogue = Catalogue(strategies=services.strategies, areas=services.areas)
    query = f'{{ strategy(id: "{STRATEGY}") {{ revision(version: "2022") {{ focusAreas {{ goal {{ status(area: "151") {{ status }} }} }} }} }} }}'
    result = run_async(build_schema().execute(query, context_value=graphql_context(catalogue, BrokenStore())))
    assert {e.message for e in result.errors} == {"Unexpected error."}
    assert {e.extensions["code"] for e in result.errors} == {"INTERNAL_SERVER_ERROR"}
    assert "secret" not in repr([e.formatted for e in result.errors])


def test_an_import_over_the_api_is_capped_in_rows_with_the_limit_in_the_answer(database_url, made):
    # An import is held whole until it commits; over HTTP the server's memory bounds it
    # (KPI_MAX_API_IMPORT_ROWS, 200,000 by default; here 3 to keep the test small).
    rows = "".join(f"4.2,151,{year},7.5,2023-01-10,SYNTETISK\n" for year in range(2010, 2014))
    with serving(database_url, max_api_import_rows=3) as base:
        answer = post(
            base, IMPORT, made[tokens.Scope.IMPORT], csv=CSV.splitlines(keepends=True)[0] + rows, dry=True
        )
    result = answer.json()["data"]["importObservations"]
    assert result["added"] == 0
    assert any("at most 3 per import" in p["message"] for p in result["problems"]), result["problems"]
