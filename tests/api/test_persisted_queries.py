"""Automatic persisted queries (Apollo's APQ protocol) over a real server: an unknown hash,
registration with the query, then hash-only requests over GET and POST; the bound on what
a worker keeps; and the mode that runs registered queries only (KPI_PERSISTED_ONLY)."""

import json

import httpx
import pytest
from typer.testing import CliRunner

from kpi_api.cli import app as cli
from kpi_api.graphql.persisted import PersistedQueries
from tests.conftest import UNLIMITED_ADDRESSES, serving

COUNTRY = "{ areas(kind: COUNTRY) { code } }"
COUNTRY_SHA = "ece04212ae54890510646f1bd00e6516010f3500fd9ee0f7a51daad1d90361a7"  # sha256sum of the text
REGION = "{ areas(kind: REGION) { code } }"
REGION_SHA = "17d76a15ab440380ba4a9621a2880af69ff8599faa58159b07903e63a369580c"
COUNTRY_ANSWER = {"areas": [{"code": "DK"}]}


def hashed(sha: str) -> dict:
    return {"persistedQuery": {"version": 1, "sha256Hash": sha}}


def test_an_unknown_hash_then_registration_then_hash_only_over_get_and_post(server):
    unknown = httpx.post(f"{server}/graphql", json={"extensions": hashed(COUNTRY_SHA)})
    # Apollo Server's answer, word for word: 200 for application/json clients, never cached.
    assert unknown.status_code == 200, unknown.text
    assert unknown.json() == {
        "errors": [{"message": "PersistedQueryNotFound", "extensions": {"code": "PERSISTED_QUERY_NOT_FOUND"}}]
    }
    assert unknown.headers["cache-control"] == "private, no-cache, must-revalidate"
    strict = httpx.post(
        f"{server}/graphql",
        json={"extensions": hashed(COUNTRY_SHA)},
        headers={"accept": "application/graphql-response+json"},
    )
    assert strict.status_code == 404 and "data" not in strict.json()  # no data: a 4xx there

    registered = httpx.post(f"{server}/graphql", json={"query": COUNTRY, "extensions": hashed(COUNTRY_SHA)})
    assert registered.status_code == 200 and registered.json()["data"] == COUNTRY_ANSWER

    by_post = httpx.post(f"{server}/graphql", json={"extensions": hashed(COUNTRY_SHA)})
    assert by_post.json()["data"] == COUNTRY_ANSWER
    # The GET form clients use: extensions as JSON in the query string, no `query`.
    by_get = httpx.get(f"{server}/graphql", params={"extensions": json.dumps(hashed(COUNTRY_SHA))})
    assert by_get.status_code == 200 and by_get.json()["data"] == COUNTRY_ANSWER
    assert by_get.headers["cache-control"] == "public, no-cache" and "etag" in by_get.headers
    again = httpx.get(
        f"{server}/graphql",
        params={"extensions": json.dumps(hashed(COUNTRY_SHA))},
        headers={"if-none-match": by_get.headers["etag"]},
    )
    assert again.status_code == 304  # the answer cache keys on the query the hash names


def test_a_hash_that_does_not_match_the_query_is_refused_and_not_stored(server):
    wrong = httpx.post(f"{server}/graphql", json={"query": REGION, "extensions": hashed(COUNTRY_SHA[::-1])})
    assert wrong.status_code == 400
    (error,) = wrong.json()["errors"]
    assert error["message"].startswith("provided sha does not match query")
    assert REGION_SHA in error["message"] and error["extensions"]["code"] == "BAD_REQUEST"
    assert (
        httpx.post(f"{server}/graphql", json={"extensions": hashed(COUNTRY_SHA[::-1])}).json()["errors"][0][
            "extensions"
        ]["code"]
        == "PERSISTED_QUERY_NOT_FOUND"
    )


@pytest.mark.parametrize(
    ("persisted", "message"),
    [
        ({"version": 2, "sha256Hash": COUNTRY_SHA}, "Unsupported persisted query version"),
        ("ece0", "Unsupported persisted query version"),
        ({"version": 1, "sha256Hash": "ECE0"}, "`extensions.persistedQuery.sha256Hash` must be"),
        ({"version": 1}, "`extensions.persistedQuery.sha256Hash` must be"),
    ],
)
def test_a_malformed_persisted_query_extension_is_a_400(server, persisted, message):
    response = httpx.post(f"{server}/graphql", json={"extensions": {"persistedQuery": persisted}})
    assert response.status_code == 400 and response.json()["errors"][0]["message"].startswith(message)


def test_a_worker_keeps_at_most_its_entries_and_bytes():
    kept = PersistedQueries(max_entries=2, max_bytes=70)
    kept.learn("a" * 64, "x" * 30)
    kept.learn("b" * 64, "y" * 30)
    assert kept.get("a" * 64) == "x" * 30  # now the most recently used
    kept.learn("c" * 64, "z" * 30)  # 3 entries, 90 bytes: "b" (least recently used) goes
    assert kept.get("b" * 64) is None and kept.learnt_count() == 2 and kept.learnt_bytes() == 60
    kept.learn("d" * 64, "w" * 71)  # larger than the whole budget: not kept, nothing evicted
    assert kept.learnt_count() == 2 and kept.get("d" * 64) is None


def test_persisted_only_runs_registered_queries_only(tmp_path, database_url):
    folder = tmp_path / "persisted"
    document = tmp_path / "country.graphql"
    document.write_text(COUNTRY, "utf-8")
    added = CliRunner().invoke(cli, ["persisted", "add", str(document), "--dir", str(folder)])
    assert added.exit_code == 0, added.output
    assert added.output.split()[0] == COUNTRY_SHA
    assert (folder / f"{COUNTRY_SHA}.graphql").read_text("utf-8") == COUNTRY
    bad = tmp_path / "bad.graphql"
    bad.write_text("{ nosuchfield }", "utf-8")
    refused = CliRunner().invoke(cli, ["persisted", "add", str(bad), "--dir", str(folder)])
    assert refused.exit_code == 1 and "not a valid query" in " ".join(refused.output.split())

    with serving(
        database_url, persisted_queries=str(folder), persisted_only=True, **UNLIMITED_ADDRESSES
    ) as base:
        assert (
            httpx.post(f"{base}/graphql", json={"extensions": hashed(COUNTRY_SHA)}).json()["data"]
            == COUNTRY_ANSWER
        )
        assert httpx.post(f"{base}/graphql", json={"query": COUNTRY}).json()["data"] == COUNTRY_ANSWER
        for request in ({"query": REGION}, {"query": REGION, "extensions": hashed(REGION_SHA)}):
            response = httpx.post(f"{base}/graphql", json=request)
            assert response.status_code == 403
            assert response.json()["errors"][0]["extensions"]["code"] == "PERSISTED_QUERY_NOT_IN_LIST"
        # Nothing was learnt from the refused registration.
        assert (
            httpx.post(f"{base}/graphql", json={"extensions": hashed(REGION_SHA)}).json()["errors"][0][
                "extensions"
            ]["code"]
            == "PERSISTED_QUERY_NOT_FOUND"
        )


def test_persisted_only_without_registered_queries_does_not_start(tmp_path, database_url):
    from kpi_api.app import create_app
    from kpi_api.config import Settings

    with pytest.raises(SystemExit, match="holds none"):
        create_app(Settings(database_url=database_url, persisted_only=True, persisted_queries=str(tmp_path)))
