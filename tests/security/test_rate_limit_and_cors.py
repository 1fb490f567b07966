"""Per-token rate limits and CORS as documented (public GETs any origin; /graphql only
the configured origins; never credentials)."""

import httpx
import pytest

from kpi_api.app import create_app
from kpi_api.bootstrap import open_services
from kpi_api.config import Settings
from kpi_api.storage import tokens
from tests.conftest import run_async


@pytest.fixture(scope="module")
def app_and_token(tmp_path_factory):
    url = f"sqlite:///{tmp_path_factory.mktemp('sec') / 'kpi.sqlite3'}"
    settings = Settings(
        database_url=url, token_rate=1.0, token_burst=3, cors_origins=("https://intra.example.dk",)
    )
    app = create_app(settings)
    token, _ = tokens.create(open_services(url).engine, tokens.Scope.READ, "rate test")
    return app, token


def call(app, method: str, path: str, **kwargs):
    async def go():
        async with httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://test"
        ) as client:
            return await client.request(method, path, **kwargs)

    return run_async(go())


def test_a_token_over_its_rate_gets_429_with_retry_after(app_and_token):
    app, token = app_and_token
    auth = {"Authorization": f"Bearer {token}"}
    answers = [
        call(app, "POST", "/graphql", json={"query": "{ areas(kind: REGION) { code } }"}, headers=auth)
        for _ in range(6)
    ]
    statuses = [a.status_code for a in answers]
    assert statuses[:3] == [200, 200, 200] and 429 in statuses[3:]
    limited = next(a for a in answers if a.status_code == 429)
    assert int(limited.headers["retry-after"]) >= 1
    assert limited.json()["errors"][0]["extensions"]["code"] == "RATE_LIMITED"
    # Anonymous reads are not counted against the token.
    assert (
        call(app, "POST", "/graphql", json={"query": "{ areas(kind: REGION) { code } }"}).status_code == 200
    )


def test_graphql_cors_only_for_configured_origins(app_and_token):
    app, _ = app_and_token
    good = call(
        app,
        "OPTIONS",
        "/graphql",
        headers={"Origin": "https://intra.example.dk", "Access-Control-Request-Method": "POST"},
    )
    assert (
        good.status_code == 204 and good.headers["access-control-allow-origin"] == "https://intra.example.dk"
    )
    assert "access-control-allow-credentials" not in good.headers
    bad = call(
        app,
        "OPTIONS",
        "/graphql",
        headers={"Origin": "https://evil.example", "Access-Control-Request-Method": "POST"},
    )
    assert bad.status_code == 403 and "access-control-allow-origin" not in bad.headers
    post = call(
        app,
        "POST",
        "/graphql",
        json={"query": "{ areas(kind: COUNTRY) { code } }"},
        headers={"Origin": "https://evil.example"},
    )
    assert "access-control-allow-origin" not in post.headers
    figure = call(app, "GET", "/api/strategies", headers={"Origin": "https://evil.example"})
    assert figure.headers["access-control-allow-origin"] == "*" and "set-cookie" not in figure.headers
