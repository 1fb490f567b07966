"""The request rules of graphql/over_http.py and the view's answers, over a real server,
beyond what the graphql-http audit checks: each status, media type and code by hand."""

import httpx
import pytest

GRAPHQL_RESPONSE = "application/graphql-response+json"
STRICT = {"accept": f"{GRAPHQL_RESPONSE}, application/json;q=0.9"}  # what Apollo Client 4 sends


@pytest.mark.parametrize(
    ("accept", "media"),
    [
        (None, "application/json"),
        ("*/*", "application/json"),
        ("application/json", "application/json"),
        (GRAPHQL_RESPONSE, GRAPHQL_RESPONSE),
        (f"{GRAPHQL_RESPONSE}, application/json;q=0.9", GRAPHQL_RESPONSE),
        (f"application/json, {GRAPHQL_RESPONSE};q=0.5", "application/json"),
        ("text/csv", "application/json"),  # nothing we have: the specification's fallback
    ],
)
def test_the_answer_is_in_the_media_type_asked_for(server, accept, media):
    headers = {"accept": accept} if accept else {}
    response = httpx.post(f"{server}/graphql", json={"query": "{ __typename }"}, headers=headers)
    assert response.status_code == 200 and response.headers["content-type"].split(";")[0] == media
    assert "Accept" in response.headers["vary"]


@pytest.mark.parametrize(
    ("query", "variables", "code"),
    [
        ("{ areas(", None, "GRAPHQL_PARSE_FAILED"),
        ("{ nosuchfield }", None, "GRAPHQL_VALIDATION_FAILED"),
        ("query($k: AreaKind!) { areas(kind: $k) { code } }", {"k": 5}, None),  # variable coercion
    ],
)
def test_a_request_error_has_no_data_and_is_400_only_under_graphql_response_json(
    server, query, variables, code
):
    body = {"query": query, "variables": variables}
    strict = httpx.post(f"{server}/graphql", json=body, headers=STRICT)
    legacy = httpx.post(f"{server}/graphql", json=body)
    assert (strict.status_code, legacy.status_code) == (400, 200)
    for response in (strict, legacy):
        assert "data" not in response.json() and response.json()["errors"]
        if code:
            assert response.json()["errors"][0]["extensions"]["code"] == code


def test_a_field_error_keeps_data_and_200_under_graphql_response_json(server):
    response = httpx.post(
        f"{server}/graphql",
        json={"query": '{ revisionDiff(strategyId: "nosuch", from: "1", to: "2") { from } }'},
        headers=STRICT,
    )
    assert response.status_code == 200 and "data" in response.json()  # the field ran, and failed
    assert response.json()["errors"][0]["extensions"]["code"] == "NOT_FOUND"


@pytest.mark.parametrize("content_type", [None, "text/plain", "application/json; charset=latin-1"])
def test_a_post_that_is_not_utf8_json_is_415_with_what_to_send(server, content_type):
    headers = {"content-type": content_type} if content_type else {}
    response = httpx.post(f"{server}/graphql", content=b'{"query": "{ __typename }"}', headers=headers)
    assert response.status_code == 415 and response.headers["accept-post"] == "application/json"
    assert response.json()["errors"][0]["extensions"]["code"] == "UNSUPPORTED_MEDIA_TYPE"


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (
            {"query": "{ __typename }", "extensions": "x"},
            "`extensions` must be an object or null, not a string.",
        ),
        (
            {"query": "{ __typename }", "extensions": [1]},
            "`extensions` must be an object or null, not an array.",
        ),
        ({"query": "{ __typename }", "variables": 1}, "`variables` must be an object or null, not a number."),
        ({"query": 1}, "`query` must be a string or null, not a number."),
        ({}, "The request has no `query`; send the GraphQL document in `query`."),
    ],
)
def test_parameters_of_the_wrong_kind_are_400_naming_the_parameter(server, body, message):
    response = httpx.post(f"{server}/graphql", json=body)
    assert response.status_code == 400 and response.json()["errors"][0]["message"] == message


def test_a_mutation_over_get_is_405_and_a_query_over_get_is_cacheable(server):
    mutation = httpx.get(
        f"{server}/graphql", params={"query": 'mutation { publishRevision(file: "x") { id } }'}
    )
    assert mutation.status_code == 405 and mutation.headers["allow"] == "POST"
    assert mutation.json()["errors"][0]["extensions"]["code"] == "METHOD_NOT_ALLOWED"
    query = httpx.get(f"{server}/graphql", params={"query": "{ __typename }"})
    assert query.status_code == 200 and query.headers["cache-control"] == "public, no-cache"
    private = httpx.get(
        f"{server}/graphql", params={"query": "{ __typename }"}, headers={"authorization": "Bearer nosuch"}
    )
    assert private.headers.get("cache-control") in (None, "private, no-cache")


def test_a_browser_gets_a_page_on_how_to_send_queries_when_the_ide_is_off(server):
    response = httpx.get(f"{server}/graphql", headers={"accept": "text/html,application/xhtml+xml,*/*;q=0.8"})
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/html")
    assert "content-type: application/json" in response.text and "KPI_GRAPHIQL=1" in response.text
    assert "Send en forespørgsel med POST" in response.text  # Danish first; ?lang=en in English
    english = httpx.get(f"{server}/graphql?lang=en", headers={"accept": "text/html"})
    assert "Send a query with POST and JSON" in english.text
    assert "script-src" not in response.headers["content-security-policy"]  # the page runs no script
