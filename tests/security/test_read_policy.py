"""One read policy (KPI_REQUIRE_READ_TOKEN=1) over HTTP against real servers: every read
surface refuses an anonymous or invalid caller with 401 and serves a valid token; the
paths in KPI_PUBLIC_READ_PATHS stay public; no cache hands a token-holder's answer to
anyone else."""

import subprocess
import sys

import httpx
import pytest

from kpi_api.bootstrap import open_services
from kpi_api.storage import tokens
from tests.service import UNLIMITED_ADDRESSES, serving

STRATEGY = "ballerup-beskaeftigelsesstrategi"
QUERY = "{ areas(kind: COUNTRY) { code } }"
BOGUS = "kpi_aaaaaaaaaa_" + "x" * 43

# Every read surface, as (method, path, request options).
SURFACES = [
    ("POST", "/graphql", {"json": {"query": QUERY}}),
    ("GET", f"/graphql?query={QUERY}", {}),
    ("GET", "/api/strategies", {}),
    ("GET", f"/api/strategies/{STRATEGY}", {}),
    ("GET", f"/api/strategies/{STRATEGY}/revisions/2022", {}),
    ("GET", "/api/status/151", {}),
    ("GET", "/figures/2.1/151.svg", {}),
    ("GET", "/figures/2.1/151.html", {}),
    ("GET", "/figures/2.1/151.csv", {}),
    ("GET", "/figures/2.1/151.json", {}),
    ("HEAD", "/figures/2.1/151.svg", {}),
    ("GET", "/status/151", {}),
    ("GET", "/openapi.json", {}),
    ("GET", "/", {}),  # a redirect to a status page
]
IDS = [f"{m} {p.split('?')[0]}" for m, p, _ in SURFACES]


@pytest.fixture(scope="module")
def database_url(tmp_path_factory) -> str:
    return f"sqlite:///{tmp_path_factory.mktemp('read-policy') / 'kpi.sqlite3'}"


@pytest.fixture(scope="module")
def private(database_url):
    with serving(database_url, require_read_token=True, **UNLIMITED_ADDRESSES) as base:
        yield base


@pytest.fixture(scope="module")
def figures_public(private, database_url):
    with serving(
        database_url, require_read_token=True, public_read_paths=("/figures/",), **UNLIMITED_ADDRESSES
    ) as base:
        yield base


@pytest.fixture(scope="module")
def token(private, database_url) -> str:
    return tokens.create(open_services(database_url).engine, tokens.Scope.READ, "read policy test")[0]


@pytest.fixture(scope="module")
def revoked(private, database_url) -> str:
    engine = open_services(database_url).engine
    made, record = tokens.create(engine, tokens.Scope.READ, "revoked")
    tokens.revoke(engine, record.id)
    return made


def ask(base, method, path, options, token=None, **headers) -> httpx.Response:
    if token:
        headers["authorization"] = f"Bearer {token}"
    return httpx.request(method, base + path, headers=headers, timeout=20, **options)


def code_of(response: httpx.Response) -> str:
    body = response.json()
    return body["errors"][0]["extensions"]["code"] if "errors" in body else body["code"]


@pytest.mark.parametrize(("method", "path", "options"), SURFACES, ids=IDS)
def test_every_read_surface_refuses_a_caller_without_a_token(private, method, path, options):
    response = ask(private, method, path, options)
    assert response.status_code == 401
    assert response.headers["www-authenticate"] == 'Bearer realm="kpi"'
    if method != "HEAD":
        assert code_of(response) == "UNAUTHENTICATED"
        assert "Authorization: Bearer kpi_" in response.text


@pytest.mark.parametrize(("method", "path", "options"), SURFACES, ids=IDS)
def test_every_read_surface_refuses_a_revoked_token(private, revoked, method, path, options):
    response = ask(private, method, path, options, token=revoked)
    assert response.status_code == 401
    assert response.headers["www-authenticate"] == 'Bearer realm="kpi", error="invalid_token"'
    if method != "HEAD":
        assert "not valid or has been revoked" in response.text


@pytest.mark.parametrize(("method", "path", "options"), SURFACES, ids=IDS)
def test_every_read_surface_serves_a_valid_token(private, token, method, path, options):
    response = ask(private, method, path, options, token=token)
    assert response.status_code == (307 if path == "/" else 200), response.text[:300]
    if path.startswith("/graphql"):
        assert response.json()["data"] == {"areas": [{"code": "DK"}]}


def test_the_token_may_come_without_the_bearer_word(private, token):
    assert httpx.get(f"{private}/api/strategies", headers={"authorization": token}).status_code == 200


def test_health_static_and_preflights_stay_open(private):
    assert httpx.get(f"{private}/healthz").json()["status"] == "ok"
    assert httpx.get(f"{private}/static/site.css").status_code == 200
    preflight = httpx.options(
        f"{private}/graphql",
        headers={"origin": "https://intra.example.dk", "access-control-request-method": "POST"},
    )
    assert preflight.status_code in (204, 403)  # answered by the CORS rules, not the read policy


def test_the_graphql_page_in_a_browser_holds_no_data_and_is_not_refused(private):
    # GET /graphql without a query from a browser: the IDE or its instructions page
    # (whoever serves it); either way not a 401, and no data.
    page = httpx.get(f"{private}/graphql", headers={"accept": "text/html"})
    assert page.status_code != 401
    assert STRATEGY not in page.text
    # ... but a query asked for the same way is refused, however it is encoded.
    for query_string in (f"query={QUERY}", f"%71uery={QUERY}", f"x=1&query={QUERY}"):
        asked = httpx.get(f"{private}/graphql?{query_string}", headers={"accept": "text/html"})
        assert asked.status_code == 401, query_string


@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("/figures/2.1/151.svg", 200),
        ("/figures/2.1/151.html", 200),
        ("/figures/4.1/DK.csv", 200),
        ("/status/151", 401),
        ("/api/strategies", 401),
        ("/openapi.json", 401),
        (f"/graphql?query={QUERY}", 401),
    ],
)
def test_public_read_paths_open_only_what_they_list(figures_public, path, status):
    assert httpx.get(figures_public + path).status_code == status


def test_a_token_holders_web_answer_is_never_an_anonymous_callers(figures_public, token):
    path = f"{figures_public}/figures/2.1/151.json?lang=en"
    held = httpx.get(path, headers={"authorization": f"Bearer {token}"})  # cached for the token-holder
    anonymous = httpx.get(path)
    assert held.status_code == anonymous.status_code == 200
    assert held.headers["etag"] != anonymous.headers["etag"]  # two cache entries, two keys
    assert held.headers["cache-control"] == "private, no-cache"  # no shared cache keeps it
    assert anonymous.headers["cache-control"] == "no-cache"
    assert held.headers["vary"] == anonymous.headers["vary"] == "Authorization"
    # The token-holder's validator does not revalidate an anonymous request.
    again = httpx.get(path, headers={"if-none-match": held.headers["etag"]})
    assert again.status_code == 200 and again.headers["etag"] == anonymous.headers["etag"]


def test_a_cached_answer_is_not_given_to_a_caller_the_policy_refuses(private, token):
    for path in ("/api/status/151?lang=en", f"/graphql?query={QUERY}"):
        assert ask(private, "GET", path, {}, token=token).status_code == 200
        assert ask(private, "GET", path, {}, token=token).status_code == 200  # from the cache
        assert ask(private, "GET", path, {}).status_code == 401
        assert ask(private, "GET", path, {}, token=BOGUS).status_code == 401
    posted = {"json": {"query": "{ strategies { id } }"}}
    assert ask(private, "POST", "/graphql", posted, token=token).status_code == 200
    assert ask(private, "POST", "/graphql", posted).status_code == 401


def test_an_invalid_token_is_refused_on_the_web_routes_even_when_reads_are_public(database_url):
    with serving(database_url, **UNLIMITED_ADDRESSES) as public:
        assert httpx.get(f"{public}/api/strategies").status_code == 200
        refused = httpx.get(f"{public}/api/strategies", headers={"authorization": f"Bearer {BOGUS}"})
        assert refused.status_code == 401 and refused.json()["code"] == "UNAUTHENTICATED"


def test_guesses_at_the_web_routes_and_at_graphql_share_one_bucket(database_url):
    bogus = {"authorization": f"Bearer {BOGUS}"}
    with serving(database_url, anonymous_rate=0.001, anonymous_burst=3) as base:
        guesses = [httpx.get(f"{base}/figures/2.1/151.svg", headers=bogus) for _ in range(3)]
        # /graphql with a token is not counted per address, only its guesses are: the
        # three made at a figure have used up the bucket, so this one is not even looked up.
        graphql = httpx.post(f"{base}/graphql", json={"query": QUERY}, headers=bogus)
    assert [g.status_code for g in guesses] == [401, 401, 401]
    assert graphql.status_code == 429
    assert "with invalid tokens" in graphql.json()["errors"][0]["message"]


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("/graphql", "'/graphql' is not a read surface that can be made public"),
        ("/", "'/' is not a read surface"),
        ("/figures", "'/figures' is not a read surface"),
        (",".join(["/figures/"] * 21), "lists 21 paths; at most 20"),
    ],
)
def test_a_public_read_path_that_is_no_read_surface_stops_the_start(value, message):
    run = subprocess.run(
        [sys.executable, "-c", "from kpi_api.config import Settings; Settings.from_env()"],
        env={"KPI_PUBLIC_READ_PATHS": value, "PATH": ""},
        capture_output=True,
        text=True,
    )
    assert run.returncode == 1 and message in run.stderr


def test_public_read_paths_are_read_from_the_environment(monkeypatch):
    from kpi_api.config import Settings

    monkeypatch.setenv("KPI_PUBLIC_READ_PATHS", " /figures/2.1/ , /openapi.json")
    assert Settings.from_env().public_read_paths == ("/figures/2.1/", "/openapi.json")


def test_a_token_holders_graphql_answer_is_never_an_anonymous_callers(database_url, token):
    # Two introspections cost 2,400: more than an anonymous caller may ask (2,000), within
    # a token's 10,000. The token-holder's answer is cached; the anonymous caller is refused.
    costly = {"query": "{ a: __schema { queryType { name } } b: __schema { queryType { name } } }"}
    with serving(database_url, **UNLIMITED_ADDRESSES) as public:
        for _ in range(2):  # the second from the cache
            held = httpx.post(f"{public}/graphql", json=costly, headers={"authorization": f"Bearer {token}"})
            assert held.json()["data"]["a"] == {"queryType": {"name": "Query"}}
        anonymous = httpx.post(f"{public}/graphql", json=costly).json()
    assert anonymous["errors"][0]["extensions"]["code"] == "COST_LIMIT_EXCEEDED"
    assert "data" not in anonymous or anonymous["data"] is None
