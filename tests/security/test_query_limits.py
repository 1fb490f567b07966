"""The depth, alias, cost and selection limits (kpi_api/graphql/query_limits.py): linear
in the document, fragments included, checked before graphql-core's own rules, cached.
Timings are printed (-s), never asserted."""

import random
import statistics
import threading
import time

import httpx
import pytest
from graphql import get_introspection_query, parse, specified_rules, validate
from hypothesis import given, settings
from hypothesis import strategies as st
from strawberry.extensions import ValidationCache
from strawberry.extensions.max_aliases import count_fields_with_alias
from strawberry.extensions.query_depth_limiter import create_validator
from strawberry.schema.schema import validate_document

from kpi_api.bootstrap import open_services
from kpi_api.catalogue import Catalogue
from kpi_api.config import Settings
from kpi_api.graphql.context import graphql_context
from kpi_api.graphql.cost import COSTS, lists_of_objects
from kpi_api.graphql.query_limits import DocumentMeasure, Limits, limits_rule
from kpi_api.graphql.schema import build_schema, schema
from kpi_api.storage import tokens
from kpi_core.shipped import shipped_areas, shipped_strategies
from tests.conftest import run_async
from tests.security.test_hostile import HOSTILE, STATUS_TABLES, fragment_chain

STRATEGY = "ballerup-beskaeftigelsesstrategi"
TABLE = f'{{ statusTable(strategyId: "{STRATEGY}", version: "2022") {{ version indicators }} }}'


def post(server: str, query: str, token: str | None = None) -> dict:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return httpx.post(f"{server}/graphql", json={"query": query}, headers=headers, timeout=60).json()


# ── the cost limit ──────────────────────────────────────────────────────────────────────
def test_thirty_status_tables_are_refused_naming_cost_and_budgets(server):
    error = post(server, STATUS_TABLES)["errors"][0]
    assert error["extensions"] == {"code": "COST_LIMIT_EXCEEDED", "cost": 45_030, "maximumCost": 2_000}
    assert error["message"].startswith(
        "This query costs 45,030; at most 2,000 are allowed for anonymous callers (10,000 with an API token)."
    )
    assert "Ask for fewer fields, or split the query." in error["message"]


def test_thirty_status_tables_are_refused_with_a_token_too(server, database_url):
    token, _ = tokens.create(open_services(database_url).engine, tokens.Scope.READ, "cost limit test")
    error = post(server, STATUS_TABLES, token)["errors"][0]
    assert error["extensions"]["code"] == "COST_LIMIT_EXCEEDED"
    assert error["message"].startswith("This query costs 45,030; at most 10,000 are allowed. ")


def test_two_status_tables_need_a_token(server, database_url):
    two = f"{{ a: {TABLE[2:-2]} b: {TABLE[2:-2]} }}"
    assert post(server, two)["errors"][0]["extensions"]["code"] == "COST_LIMIT_EXCEEDED"
    token, _ = tokens.create(open_services(database_url).engine, tokens.Scope.READ, "two tables")
    answer = post(server, two, token)
    assert "errors" not in answer and answer["data"]["a"] == answer["data"]["b"]


def test_one_status_table_is_allowed_without_a_token(server):
    answer = post(server, TABLE)
    assert "errors" not in answer and answer["data"]["statusTable"]["version"] == "2022"


def test_an_answer_says_what_it_cost_and_what_is_allowed(server, database_url):
    query = "{ areas { code region { name } } }"  # 110 areas × (1 + a region 1)
    assert post(server, query)["extensions"] == {
        "cost": {"requestedQueryCost": 220, "maximumQueryCost": 2_000}
    }
    token, _ = tokens.create(open_services(database_url).engine, tokens.Scope.READ, "cost in the answer")
    assert post(server, query, token)["extensions"]["cost"]["maximumQueryCost"] == 10_000


def test_the_full_introspection_query_is_allowed_once(server):
    answer = post(server, get_introspection_query(descriptions=True))
    assert "errors" not in answer and answer["data"]["__schema"]["queryType"]["name"] == "Query"


def test_every_list_of_objects_has_a_bound_and_every_cost_names_a_field():
    assert lists_of_objects(schema._schema) <= {c for c, cost in COSTS.items() if cost.bound is not None}
    for coordinate in COSTS:
        type_name, field_name = coordinate.split(".")
        if not field_name.startswith("__"):  # introspection fields are not in the type map
            assert field_name in schema._schema.type_map[type_name].fields, coordinate


def test_the_schema_states_each_cost_the_limit_counts():
    sdl = schema.as_str()
    assert "Cost: 1,500 + 1 + its selection." in sdl  # statusTable
    assert "Cost: 110 × (1 + its selection), counted as 110 entries whatever it returns." in sdl  # areas
    costed = [c for c in COSTS if not c.split(".")[1].startswith("__")]
    for coordinate in costed:
        type_name, field_name = coordinate.split(".")
        assert "Cost: " in schema._schema.type_map[type_name].fields[field_name].description, coordinate


# ── linear, and the same numbers as the document with its fragments written out ──────────
TYPES = {  # a corner of the schema: scalar fields, and object fields with the type they return
    "Strategy": (
        ["id", "name"],
        [("owner", "Area"), ("revisions", "Revision"), ('revision(version: "2022")', "Revision")],
    ),
    "Area": (["code", "name", "kind"], [("region", "Area")]),
    "Revision": (["version", "title"], [("indicators", "Indicator"), ("focusAreas", "FocusArea")]),
    "FocusArea": (["id", "number"], [("goal", "Goal"), ("indicators", "Indicator")]),
    "Goal": (["id"], [('status(area: "151")', "Evaluation")]),
    "Indicator": (["id", "unit"], [('status(area: "151")', "Evaluation"), ("remarks", "Remark")]),
    "Evaluation": (["status", "value"], [("breakdown", "BreakdownEvaluation")]),
    "BreakdownEvaluation": ([], [("evaluation", "Evaluation")]),
    "Remark": (["kind"], []),
}


@st.composite
def documents(draw) -> tuple[str, str]:
    """A small document with fragments (each may spread earlier ones, so no cycles), and
    the same document with every spread replaced by an inline fragment of its body."""
    fragments: list[tuple[str, str, str]] = []  # name, type, body with the spreads inlined
    texts: list[str] = []

    def selection(type_name: str, depth: int) -> tuple[str, str]:
        scalars, objects = TYPES[type_name]
        written, inlined = [], []
        for _ in range(draw(st.integers(1, 3))):
            spreadable = [f for f in fragments if f[1] == type_name]
            kind = draw(
                st.sampled_from(["scalar", "object", "spread"] if spreadable else ["scalar", "object"])
            )
            alias = f"a{draw(st.integers(0, 99))}: " if draw(st.booleans()) else ""
            if kind == "spread":
                name, _, body = draw(st.sampled_from(spreadable))
                written.append(f"...{name}")
                inlined.append(f"... on {type_name} {{ {body} }}")
            elif kind == "object" and objects and depth < 4:
                field, returns = draw(st.sampled_from(objects))
                inner_written, inner_inlined = selection(returns, depth + 1)
                written.append(f"{alias}{field} {{ {inner_written} }}")
                inlined.append(f"{alias}{field} {{ {inner_inlined} }}")
            elif scalars:
                field = draw(st.sampled_from(scalars))
                written.append(alias + field)
                inlined.append(alias + field)
            else:
                written.append("__typename")
                inlined.append("__typename")
        return " ".join(written), " ".join(inlined)

    for n in range(draw(st.integers(0, 4))):
        type_name = draw(st.sampled_from(list(TYPES)))
        written, inlined = selection(type_name, 1)
        fragments.append((f"F{n}", type_name, inlined))
        texts.append(f"fragment F{n} on {type_name} {{ {written} }}")
    written, inlined = selection("Strategy", 1)
    operation = f'{{ strategy(id: "{STRATEGY}") {{ %s }} }}'
    return " ".join([operation % written, *texts]), operation % inlined


def _measured(text: str):
    measure = DocumentMeasure(schema._schema, parse(text))
    (operation,) = measure.operations
    return measure.operation(operation)


@given(documents())
@settings(max_examples=300, deadline=None)
def test_fragments_count_as_if_written_out(pair):
    with_fragments, inlined = pair
    a, b = _measured(with_fragments), _measured(inlined)
    assert (a.depth, a.aliases, a.cost) == (b.depth, b.aliases, b.cost), pair


@given(documents())
@settings(max_examples=200, deadline=None)
def test_depth_and_aliases_are_counted_as_strawberry_counted_them(pair):
    # strawberry's own limiters, which walk every spread again (fine for small documents):
    # the limits keep their meaning, only the time to check them changed.
    with_fragments, _ = pair
    document, depths = parse(with_fragments), {}
    validate(schema._schema, document, [create_validator(10**6, None, depths.update)])
    fragments = {d.name.value: d for d in document.definitions if d.kind == "fragment_definition"}
    measured = _measured(with_fragments)
    assert (measured.depth, measured.aliases) == (
        depths["anonymous"],
        count_fields_with_alias(document.definitions[0], fragments),
    )


def test_a_chain_of_fragments_costs_what_it_would_written_out():
    # F1 = 2 × F0, …: F40 holds 2^40 copies of `revisions` (10 × (1 + 0) each) under `strategies`.
    measured = _measured(fragment_chain(41, "revisions { version }"))
    assert (measured.cost, measured.depth) == (10 * (1 + 2**40 * 10), 2)


def test_measuring_is_linear_in_the_number_of_fragments():
    # Doubling the chain doubles the time; if spreads were walked again it would square it.
    timings = {}
    for n in (100, 200, 400):
        document = parse(fragment_chain(n))
        start = time.perf_counter()
        DocumentMeasure(schema._schema, document)
        timings[n] = time.perf_counter() - start
    print("\nmeasure fragment chains: " + ", ".join(f"F{n} {t * 1000:.2f} ms" for n, t in timings.items()))
    assert _measured(fragment_chain(400)).cost == 10  # and it finishes: 2^399 copies were never walked


# ── checked first, once per document ────────────────────────────────────────────────────
def _execute(built, query: str):
    catalogue = Catalogue(shipped_strategies(), shipped_areas())
    return run_async(built.execute(query, context_value=graphql_context(catalogue, None)))


def test_the_validation_cache_finds_the_limits_rule_again():
    # A rule class made per request (as before) gave a new cache key every time: no hit, ever.
    built = build_schema(Settings())
    cached = ValidationCache(
        maxsize=512
    ).cached_validate_document  # the LRU cache the schema's extension shares
    query = f"{{ strategies {{ id }} }} # {random.random()}"  # a document this process has not validated yet
    before = cached.cache_info()
    for _ in range(3):
        assert _execute(built, query).errors is None
    after = cached.cache_info()
    assert (after.misses - before.misses, after.hits - before.hits) == (1, 2)


def test_a_refused_document_meets_no_other_rule():
    # The limits abort the validation: the answer is the one refusal, not graphql-core's
    # errors for the same document (here: an unknown field, and 11 repeats).
    result = _execute(build_schema(Settings()), "{ strategies { nonsense " + "id " * 11 + "} }")
    assert [e.extensions["code"] for e in result.errors] == ["SELECTION_LIMIT_EXCEEDED"]


# ── while hostile documents run, the service answers others ─────────────────────────────
@pytest.mark.parametrize(
    "name", ["F39 fragment chain", "F60 fragment chain", "F60 with a list", "330 repeats of one field"]
)
def test_health_and_a_cheap_query_answer_while_hostile_documents_run(server, name):
    case, stop = HOSTILE[name], threading.Event()
    hostile: list[tuple[float, str | None]] = []

    def attack(n: int) -> None:
        with httpx.Client(base_url=server, timeout=60) as client:
            while not stop.is_set():
                # A comment makes each document new: no cache (parser, validation, answers) helps.
                body = case.body.replace(b'{"query": "', b'{"query": "#%d-%d\\n' % (n, len(hostile)), 1)
                start = time.perf_counter()
                answer = client.post(
                    "/graphql", content=body, headers={"content-type": "application/json"}
                ).json()
                hostile.append(
                    (
                        time.perf_counter() - start,
                        (answer.get("errors") or [{}])[0].get("extensions", {}).get("code"),
                    )
                )

    attackers = [threading.Thread(target=attack, args=(n,)) for n in range(4)]
    for thread in attackers:
        thread.start()
    health, cheap = [], []
    try:
        with httpx.Client(base_url=server, timeout=60) as client:
            for _ in range(30):
                start = time.perf_counter()
                assert client.get("/healthz").status_code == 200
                health.append(time.perf_counter() - start)
                start = time.perf_counter()
                assert client.post("/graphql", json={"query": "{ areas(kind: REGION) { code } }"}).json()[
                    "data"
                ]["areas"]
                cheap.append(time.perf_counter() - start)
    finally:
        stop.set()
        for thread in attackers:
            thread.join()
    assert hostile and {code for _, code in hostile} == {case.code}
    print(
        f"\nwhile {name!r} ran ({len(hostile)} requests, median {statistics.median(t for t, _ in hostile) * 1000:.1f} ms, "
        f"max {max(t for t, _ in hostile) * 1000:.1f} ms): /healthz median {statistics.median(health) * 1000:.1f} ms, "
        f"max {max(health) * 1000:.1f} ms; cheap query median {statistics.median(cheap) * 1000:.1f} ms, "
        f"max {max(cheap) * 1000:.1f} ms"
    )


# ── the worst validation found under the token limit ──────────────────────────────────────
def _repeated(names: list[str], copies: int, leaf: str) -> str:
    body = leaf
    for name in reversed(names):
        body = " ".join([f"{name} {{ {body} }}"] * copies)
    return body


def _spread_everywhere(fragments: int, places: int) -> str:
    spreads = " ".join(f"...A{i}" for i in range(fragments))
    return (
        "{ "
        + " ".join(f"s{j}: strategies {{ {spreads} }}" for j in range(places))
        + " } "
        + " ".join(f"fragment A{i} on Strategy {{ id name }}" for i in range(fragments))
    )


# Each as adversarial as found: fragment chains, repeats (OverlappingFieldsCanBeMerged is
# quadratic in them, and repeats inside repeats multiply), many fragments in many places,
# variables. None is over 3,000 tokens.
WORST = {
    "F60": (fragment_chain(60), None),
    "F60 through inline fragments": (fragment_chain(60, inline=True), None),
    "10 fragments in each of 29 places": (_spread_everywhere(10, 29), None),
    "11 fragments in each of 29 places": (_spread_everywhere(11, 29), "SELECTION_LIMIT_EXCEEDED"),
    "10 repeats": ("{ " + _repeated(["strategies"], 10, "id") + " }", None),
    "3 × 3 nested repeats": (
        '{{ strategy(id: "{}") {{ {} }} }}'.format(STRATEGY, _repeated(["owner", "region"], 3, "code")),
        None,
    ),
    "8 × 8 × 8 nested repeats": (
        '{{ strategy(id: "{}") {{ {} }} }}'.format(
            STRATEGY, _repeated(["owner", "region", "region"], 8, "code")
        ),
        "SELECTION_LIMIT_EXCEEDED",
    ),
    "330 repeats": ("{ " + " ".join(['strategy(id: "a") { id }'] * 330) + " }", "SELECTION_LIMIT_EXCEEDED"),
    "2,990 __typename": ("{ " + " ".join(["__typename"] * 2990) + " }", "SELECTION_LIMIT_EXCEEDED"),
    "700 unused variables": (
        "query(" + " ".join(f"$v{i}: String" for i in range(700)) + ") { __typename }",
        "GRAPHQL_VALIDATION_FAILED",
    ),
    "the full introspection query": (get_introspection_query(descriptions=True), None),
}


@pytest.mark.parametrize("name", list(WORST))
def test_worst_validation_found_is_refused_or_valid(name):
    text, code = WORST[name]
    document = parse(text, max_tokens=3000)
    rules = (limits_rule(schema._schema, Limits(12, 30, 2000, 10000), anonymous=True), *specified_rules)
    timings = []
    for _ in range(5):
        start = time.perf_counter()
        errors = validate_document(schema._schema, document, rules)
        timings.append(time.perf_counter() - start)
    if code is None:
        assert errors == [], errors[:1]
    else:
        assert errors and (
            (errors[0].extensions or {}).get("code") == code or code == "GRAPHQL_VALIDATION_FAILED"
        ), errors[:1]
    print(f"\nvalidation of {name!r}: {min(timings) * 1000:.1f} ms (best of 5), {code or 'valid'}")
