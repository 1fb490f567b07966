"""`importBatches` and `retractBatch` over HTTP (a real server on a real SQLite file): a
retracted batch leaves the answers at once (cached ones too: the data version moved) and
a replay as of an earlier day still shows it."""

import datetime

import httpx
import pytest

from kpi_api.bootstrap import open_services
from kpi_api.storage import tokens
from tests.conftest import serving

STRATEGY = "ballerup-beskaeftigelsesstrategi"
BATCHES = "{ importBatches { id fileName format rows added importedBy retractedOn retractedBy } }"
RETRACT = "mutation($id: ID!) { retractBatch(id: $id) { id fileName retractedOn retractedBy } }"
IMPORT = "mutation($csv: String!) { importObservations(csv: $csv) { batch added rejected } }"
STATUS = f"""query($d: Date) {{ strategy(id: "{STRATEGY}") {{ revision(version: "2022") {{
  indicator(id: "2.2") {{ status(area: "151", period: "2022-12", asOf: $d) {{ status value }} }} }} }} }}"""
# The right figure in January, a wrong one "published" in February: the mistake to take back.
RIGHT = (
    "indicator,area,period,value,published\n2.2,151,2022-12,30.5,2023-01-10\n2.2,DK,2022-12,29,2023-01-10\n"
)
WRONG = "indicator,area,period,value,published\n2.2,151,2022-12,99,2023-02-10\n"


@pytest.fixture(scope="module")
def database_url(tmp_path_factory) -> str:
    return f"sqlite:///{tmp_path_factory.mktemp('batches') / 'kpi.sqlite3'}"


@pytest.fixture(scope="module")
def server(database_url):
    with serving(database_url, anonymous_rate=1e9, anonymous_burst=10**9) as base:
        yield base


@pytest.fixture(scope="module")
def made(server, database_url):
    engine = open_services(database_url).engine
    return {scope: tokens.create(engine, scope, f"test {scope.value}")[0] for scope in tokens.Scope}


def post(server, query, token=None, **variables) -> dict:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    response = httpx.post(
        f"{server}/graphql", json={"query": query, "variables": variables}, headers=headers, timeout=30
    )
    return response.json()


def test_batches_need_an_import_token(server, made):
    assert post(server, BATCHES)["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    assert post(server, BATCHES, made[tokens.Scope.READ])["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    refused = post(server, RETRACT, made[tokens.Scope.PUBLISH], id="x")
    assert refused["errors"][0]["extensions"]["code"] == "FORBIDDEN"


def test_a_retracted_batch_leaves_the_answers_and_a_replay_still_shows_it(server, made):
    token = made[tokens.Scope.IMPORT]
    right = post(server, IMPORT, token, csv=RIGHT)["data"]["importObservations"]
    wrong = post(server, IMPORT, token, csv=WRONG)["data"]["importObservations"]
    assert (right["added"], wrong["added"]) == (2, 1)
    assert (
        post(server, STATUS)["data"]["strategy"]["revision"]["indicator"]["status"]["value"] == "99"
    )  # now cached
    listed = post(server, BATCHES, token)["data"]["importBatches"]
    assert listed[0] == {
        "id": wrong["batch"],
        "fileName": "graphql-import.csv",
        "format": "csv",
        "rows": 1,
        "added": 1,
        "importedBy": f"token {listed[0]['importedBy'].split()[1]} (test import) via GraphQL",
        "retractedOn": None,
        "retractedBy": None,
    }
    assert [b["id"] for b in listed[:2]] == [wrong["batch"], right["batch"]]  # newest first

    retracted = post(server, RETRACT, token, id=wrong["batch"])["data"]["retractBatch"]
    today = datetime.date.today()
    assert retracted["retractedOn"] == today.isoformat() and retracted["retractedBy"].endswith("via GraphQL")
    # The vintage before it is back, at once (the cached answer is stale: the data version moved).
    status = post(server, STATUS)["data"]["strategy"]["revision"]["indicator"]["status"]
    # 30.5 against DK's 29: not met, and no December a year before to tell the progress by.
    assert status == {"status": "NOT_MET_PROGRESS_UNKNOWN", "value": "30.5"}
    # The committee's view of yesterday, and of February: as they were.
    yesterday = (today - datetime.timedelta(days=1)).isoformat()
    for day in (yesterday, "2023-02-10"):
        assert (
            post(server, STATUS, d=day)["data"]["strategy"]["revision"]["indicator"]["status"]["value"]
            == "99"
        )
    assert (
        post(server, STATUS, d="2023-01-10")["data"]["strategy"]["revision"]["indicator"]["status"]["value"]
        == "30.5"
    )
    assert post(server, BATCHES, token)["data"]["importBatches"][0]["retractedOn"] == today.isoformat()

    again = post(server, RETRACT, token, id=wrong["batch"])
    assert again["errors"][0]["extensions"]["code"] == "CONFLICT"
    assert "was already retracted on" in again["errors"][0]["message"]
    unknown = post(server, RETRACT, token, id="nope")
    assert unknown["errors"][0]["extensions"]["code"] == "NOT_FOUND"
    assert unknown["errors"][0]["message"] == "there is no batch 'nope'; `kpi batches` lists them"


def test_the_list_is_bounded(server, made):
    token = made[tokens.Scope.IMPORT]
    refused = post(server, "{ importBatches(limit: 201) { id } }", token)
    assert refused["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    assert refused["errors"][0]["message"] == "`limit` is 201; it must be 1–200"
    assert len(post(server, "{ importBatches(limit: 1) { id } }", token)["data"]["importBatches"]) == 1
