"""The hostile set: each refused quickly with a readable message and a stable code.
Timings are recorded (printed with -s, and in the issue note), never asserted."""

import statistics
import time

import httpx
import pytest

HOSTILE = {
    "depth 50": ("{ areas { " + "region { " * 50 + "code" + " }" * 50 + " } }", "DEPTH_LIMIT_EXCEEDED"),
    "1,000 aliases": ("{ " + " ".join(f"a{i}: areas {{ code }}" for i in range(1000)) + " }", "TOKEN_LIMIT_EXCEEDED"),
    "40 aliases": ("{ " + " ".join(f"a{i}: areas {{ code }}" for i in range(40)) + " }", "ALIAS_LIMIT_EXCEEDED"),
    "fragment cycle": ("{ strategies { ...A } } fragment A on Strategy { ...B } fragment B on Strategy { ...A }", "GRAPHQL_VALIDATION_FAILED"),
    "fragment alias amplification": (
        "{ strategies { ...F } } fragment F on Strategy { " + " ".join(f"r{i}: revisions {{ version }}" for i in range(31)) + " }",
        "ALIAS_LIMIT_EXCEEDED",
    ),
    "many breakdown filters": (
        '{ strategy(id: "ballerup-beskaeftigelsesstrategi") { revision { indicator(id: "O1") { series(area: "151", breakdown: ['
        + ", ".join('{dimension: "age", value: "x"}' for _ in range(2**10)) + "]) { area } } } } }",
        "TOKEN_LIMIT_EXCEEDED",
    ),
    "null byte": ('{ strategy(id: "x\\u0000y") { id } }', None),
    "bad enum": ("{ areas(kind: PLANET) { code } }", "GRAPHQL_VALIDATION_FAILED"),
}


@pytest.mark.parametrize("name", list(HOSTILE))
def test_hostile_query_refused_with_a_code(server, name):
    query, code = HOSTILE[name]
    timings = []
    for _ in range(10):
        start = time.perf_counter()
        response = httpx.post(f"{server}/graphql", json={"query": query}, timeout=30)
        timings.append(time.perf_counter() - start)
        assert response.status_code < 500 and "Traceback" not in response.text
        body = response.json()
        if code is None:  # not hostile to the service, just odd: answered normally
            assert "errors" not in body or all("code" in e["extensions"] for e in body["errors"])
        else:
            assert body["errors"][0]["extensions"]["code"] == code, body["errors"][0]
    p95 = statistics.quantiles(timings, n=20)[-1]
    print(f"\nhostile {name!r}: median {statistics.median(timings) * 1000:.1f} ms, p95 {p95 * 1000:.1f} ms")


def test_batch_of_100_and_deeply_nested_variables(server):
    batch = httpx.post(f"{server}/graphql", json=[{"query": "{ areas { code } }"}] * 100)
    assert batch.status_code == 400 and batch.json()["errors"][0]["extensions"]["code"] == "BATCHING_NOT_SUPPORTED"
    nested: dict = {}
    for _ in range(500):
        nested = {"x": nested}
    deep = httpx.post(f"{server}/graphql", json={"query": "query($v: String) { areas { code } }", "variables": {"v": nested}})
    assert deep.status_code < 500
    assert deep.json()["errors"][0]["extensions"]["code"] in ("BAD_REQUEST", "GRAPHQL_VALIDATION_FAILED")
