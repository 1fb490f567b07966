"""HTTP hygiene over a real server: security headers on every response of every route,
errors that quote a short prefix of their input, permission messages of the request they
answer, and a GraphQL response cache that accepts exactly what strawberry accepts."""

import json

import httpx
import pytest

from kpi_api.bootstrap import open_services
from kpi_api.storage import tokens
from tests.conftest import serving

STRATEGY = "ballerup-beskaeftigelsesstrategi"
BOGUS = {"Authorization": "Bearer kpi_aaaaaaaaaa_" + "x" * 43}


@pytest.fixture(scope="module")
def database_url(tmp_path_factory) -> str:
    return f"sqlite:///{tmp_path_factory.mktemp('hygiene') / 'kpi.sqlite3'}"


@pytest.fixture(scope="module")
def server(database_url):
    with serving(database_url) as base:
        yield base


@pytest.fixture(scope="module")
def private_server(server, database_url):
    with serving(database_url, require_read_token=True) as base:
        yield base


@pytest.fixture(scope="module")
def ide_server(server, database_url):
    with serving(database_url, graphiql=True) as base:
        yield base


def only(response, header: str) -> str:
    (value,) = response.headers.get_list(header)  # set once, never twice
    return value


def policy(response) -> dict[str, str]:
    directives = (
        d.strip().split(None, 1) for d in only(response, "content-security-policy").split(";") if d.strip()
    )
    return {d[0]: d[1] if len(d) > 1 else "" for d in directives}


QUERY = "{ areas(kind: COUNTRY) { code } }"
EVERY_ROUTE = [
    ("GET", "/", {}, 307),
    ("GET", "/healthz", {}, 200),
    ("GET", f"/graphql?query={QUERY}", {}, 200),
    ("POST", "/graphql", {"json": {"query": QUERY}}, 200),
    ("POST", "/graphql", {"content": QUERY, "headers": {"content-type": "text/plain"}}, 415),
    ("POST", "/graphql", {"content": b"{", "headers": {"content-type": "application/json"}}, 400),
    ("OPTIONS", "/graphql", {}, 204),
    ("DELETE", "/graphql", {}, 405),
    ("GET", "/static/site.css", {}, 200),
    ("GET", "/static/nothing.css", {}, 404),
    ("GET", "/openapi.json", {}, 200),
    ("GET", "/api/strategies", {}, 200),
    ("GET", f"/api/strategies/{STRATEGY}/revisions/2022", {}, 200),
    ("GET", "/api/strategies/nope", {}, 404),
    ("GET", "/api/status/151?lang=xx", {}, 400),
    ("GET", "/figures/2.1/151.svg", {}, 200),
    ("GET", "/figures/2.1/151.html", {}, 200),
    ("GET", "/figures/2.1/151.csv", {}, 200),
    ("GET", "/figures/2.1/151.json", {}, 200),
    ("GET", "/figures/2.1/151.png", {}, 200),
    ("GET", "/figures/2.1/151.xlsx", {}, 200),
    ("GET", "/figures/2.1/151.gif", {}, 404),
    ("GET", "/status/151", {}, 200),
    ("GET", "/no/such/page", {}, 404),
    ("POST", "/healthz", {}, 405),
]


@pytest.mark.parametrize(
    ("method", "path", "kwargs", "status"),
    EVERY_ROUTE,
    ids=[f"{m} {p.split('?')[0]} {s}" for m, p, _, s in EVERY_ROUTE],
)
def test_every_response_carries_the_security_headers(server, method, path, kwargs, status):
    response = httpx.request(method, f"{server}{path}", **kwargs)
    assert response.status_code == status, response.text
    assert only(response, "referrer-policy") == "no-referrer"
    assert only(response, "x-content-type-options") == "nosniff"
    csp = policy(response)
    assert csp["default-src"] == "'none'" and "script-src" not in csp  # nothing here runs script
    content_type = response.headers.get("content-type", "")
    framed = path.startswith(("/figures/", "/status/")) and content_type.startswith(
        ("text/html", "image/svg+xml")
    )
    assert csp["frame-ancestors"] == ("'self'" if framed else "'none'")  # KPI_FRAME_ANCESTORS kept for pages


def test_revalidations_carry_them_too(server):
    for path in ("/figures/2.1/151.svg", f"/graphql?query={QUERY}"):
        first = httpx.get(f"{server}{path}")
        again = httpx.get(f"{server}{path}", headers={"If-None-Match": first.headers["etag"]})
        assert again.status_code == 304
        assert only(again, "x-content-type-options") == "nosniff" and policy(again)["default-src"] == "'none'"


def test_the_frameworks_own_500_carries_them_too():
    from starlette.routing import Route

    from kpi_api.app import _App
    from tests.conftest import run_async

    async def broken(request):
        raise RuntimeError("a bug")

    async def ask():
        transport = httpx.ASGITransport(
            app=_App(routes=[Route("/broken", broken)]), raise_app_exceptions=False
        )
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
            return await client.get("/broken")

    response = run_async(ask())
    assert response.status_code == 500 and only(response, "x-content-type-options") == "nosniff"
    assert only(response, "referrer-policy") == "no-referrer" and policy(response)["default-src"] == "'none'"


def test_graphiql_gets_a_policy_that_allows_this_origin_only(ide_server):
    response = httpx.get(f"{ide_server}/graphql", headers={"Accept": "text/html"})
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/html")
    csp = policy(response)
    assert (
        csp["default-src"] == "'none'"
        and csp["script-src"] == "'self'"
        and csp["connect-src"] == "'self'"
        and csp["frame-ancestors"] == "'none'"
    )
    assert "http" not in only(response, "content-security-policy")  # no other origin, by name or scheme
    for asset in ("react.production.min.js", "react-dom.production.min.js", "graphiql.min.js", "start.js"):
        assert f'src="/static/graphiql/{asset}"' in response.text
        assert httpx.get(f"{ide_server}/static/graphiql/{asset}").status_code == 200


# ── errors quote a short prefix of their input ───────────────────────────────────────────
LONG = 12_000  # under the HTTP parser's 16 KiB limit for a request line


@pytest.mark.parametrize(
    "path",
    [
        f"/api/status/{'a' * LONG}",
        f"/figures/2.1/{'a' * LONG}.svg",
        f"/figures/{'9' * LONG}/151.svg",
        f"/figures/2.1/151.{'p' * LONG}",
        f"/figures/2.1/151.svg?from={'2' * LONG}",
        f"/api/strategies/{'s' * LONG}",
        f"/status/151?revision={'r' * LONG}",
        f"/no/such/{'p' * LONG}",
    ],
    ids=[
        "rest area",
        "figure area",
        "figure indicator",
        "figure format",
        "figure from",
        "rest strategy",
        "status revision",
        "no route",
    ],
)
def test_web_errors_quote_a_short_prefix_and_the_length(server, path):
    response = httpx.get(f"{server}{path}")
    print(f"{len(path):,} characters of URL: {len(response.content)} bytes of answer")
    assert (
        response.status_code in (400, 404) and response.headers["content-type"] == "application/problem+json"
    )
    assert len(response.content) < 1000, len(response.content)
    assert (
        f"({LONG + len('/no/such/') if path.startswith('/no/') else LONG:,} characters)"
        in response.json()["detail"]
    )


def test_graphql_errors_quote_a_short_prefix_and_the_length(server, database_url):
    token, _ = tokens.create(
        open_services(database_url).engine, tokens.Scope.PUBLISH, "hygiene"
    )  # may send 16 MiB
    huge = "a" * 1_048_576
    status = f"""query($a: String!) {{ strategy(id: "{STRATEGY}") {{ revision(version: "2022") {{ indicator(id: "2.1") {{
      status(area: $a) {{ status }} }} }} }} }}"""
    diff = """query($a: ID!) { revisionDiff(strategyId: $a, from: "2020", to: "2022") { from } }"""
    for query in (status, diff):
        response = httpx.post(
            f"{server}/graphql",
            json={"query": query, "variables": {"a": huge}},
            headers={"Authorization": f"Bearer {token}"},
            timeout=30,
        )
        print(f"GraphQL, a 1 MiB argument: {len(response.content)} bytes of answer")
        assert len(response.content) < 1000, len(response.content)
        assert (
            "'aaaa" in response.text and "(1,048,576 characters)" in response.json()["errors"][0]["message"]
        )
    period = httpx.post(
        f"{server}/graphql",
        json={
            "query": """{{ strategy(id: "{}") {{ revision(version: "2022") {{
      indicator(id: "2.1") {{ status(area: "151", period: "{}") {{ status }} }} }} }} }}""".format(
                STRATEGY, "2" * 20_000
            )
        },
    )
    assert (
        len(period.content) < 1000
        and "(20,000 characters) is not a period" in period.json()["errors"][0]["message"]
    )


# ── permission messages belong to the request they answer ────────────────────────────────
def read(base: str, headers=None) -> dict:
    return httpx.post(
        f"{base}/graphql", json={"query": "{ strategies { id } }"}, headers=headers or {}
    ).json()


def test_each_caller_gets_its_own_permission_message(private_server):
    for _ in range(2):  # in turn, so a message left behind by one would reach the next
        bogus = read(private_server, BOGUS)["errors"][0]
        anonymous = read(private_server)["errors"][0]
        assert bogus["message"] == "The API token is not valid or has been revoked."
        assert anonymous["message"].startswith("Reading needs an API token here")
        assert bogus["extensions"]["code"] == anonymous["extensions"]["code"] == "UNAUTHENTICATED"


def test_a_cached_public_answer_is_not_given_to_an_invalid_token(server):
    assert "errors" not in read(server) and "errors" not in read(server)  # the second from the cache
    cold, warm = (
        httpx.get(f"{server}/graphql", params={"query": "{ t: areas(kind: COUNTRY) { code } }"})
        for _ in range(2)
    )
    # The answer depends on who asks, and on the media type and language asked for (graphql/over_http.py).
    assert cold.headers["vary"] == warm.headers["vary"] == "Authorization, Accept, Accept-Language"
    assert read(server, BOGUS)["errors"][0]["message"] == "The API token is not valid or has been revoked."


# ── the response cache accepts exactly what strawberry accepts ───────────────────────────
def ask(server, body: bytes, content_type: str | None) -> httpx.Response:
    return httpx.post(
        f"{server}/graphql", content=body, headers={"content-type": content_type} if content_type else {}
    )


def outcome(response: httpx.Response) -> tuple:
    return response.status_code, response.json()


@pytest.mark.parametrize(
    ("content_type", "status"),
    # 415 before any cache: GraphQL over HTTP wants a POST's body as application/json
    # (until issue 17 these were 400s from strawberry, and before that, executed).
    [("text/plain", 415), (None, 415), ("application/x-www-form-urlencoded", 415), ("application/json", 200)],
)
def test_a_post_gets_the_same_answer_cached_or_not(server, content_type, status):
    body = json.dumps(
        {"query": "{{ {}: areas(kind: COUNTRY) {{ code }} }}".format(f"c{status}{len(content_type or '')}")}
    ).encode()
    cold = ask(server, body, content_type)  # nothing cached for this query yet
    assert ask(server, body, "application/json").status_code == 200  # now it is
    warm = ask(server, body, content_type)
    assert outcome(cold) == outcome(warm) and cold.status_code == status, (outcome(cold), outcome(warm))


def test_the_cache_reads_get_parameters_as_strawberry_does(server):
    country, region = "{ x: areas(kind: COUNTRY) { code } }", "{ x: areas(kind: REGION) { code } }"
    answers = {q: httpx.post(f"{server}/graphql", json={"query": q}).json() for q in (country, region)}
    both = httpx.get(f"{server}/graphql", params=[("query", country), ("query", region)])
    assert both.status_code == 400  # ambiguous: refused (strawberry ran the last), cached or not
    assert both.json()["errors"][0]["message"] == "The URL gives `query` 2 times; give it once."
    assert (
        httpx.get(f"{server}/graphql", params={"query": country}).json() == answers[country]
    )  # not poisoned by it
    assert httpx.get(f"{server}/graphql", params=[("query", country), ("query", region)]).status_code == 400
    blank = httpx.get(f"{server}/graphql", params={"query": country, "variables": ""})
    assert blank.status_code == 400  # strawberry refuses `variables=`; so does the cache
    bad = httpx.post(f"{server}/graphql", json={"query": country, "extensions": 5})
    assert bad.status_code == 400
