"""The validation cache is found again: the limit rules are classes made once per schema
(a class made per request would be a new cache key every time, issue #16)."""

from kpi_api.catalogue import Catalogue
from kpi_api.config import Settings
from kpi_api.graphql.context import graphql_context
from kpi_api.graphql.schema import build_schema
from kpi_core import shipped_areas
from tests.conftest import run_async

QUERY = "{ areas(kind: REGION) { code name } }"


def _run(schema, query: str, token: object = None) -> None:
    context = graphql_context(Catalogue(strategies=(), areas=shipped_areas()), None)
    if token is not None:
        context["token"] = token
    result = run_async(schema.execute(query, context_value=context))
    assert result.errors is None, result.errors


def _counts(schema) -> tuple[int, int]:
    info = schema.validation_cache.cached_validate_document.cache_info()
    return info.hits, info.misses


def test_the_same_document_is_validated_once():
    schema = build_schema(Settings())
    _run(schema, QUERY)
    hits, misses = _counts(schema)
    for _ in range(3):
        _run(schema, QUERY)
    assert _counts(schema) == (hits + 3, misses)


def test_another_document_or_other_limits_get_an_entry_of_their_own():
    schema = build_schema(Settings())
    _run(schema, QUERY)
    hits, misses = _counts(schema)
    _run(schema, "{ areas(kind: COUNTRY) { code } }")
    assert _counts(schema) == (hits, misses + 1)
    # The cache is strawberry's, shared by every schema in the process; the rules are part
    # of its key, so a schema with other limits never takes another's validation.
    stricter = build_schema(Settings(max_depth=5))
    _run(stricter, QUERY)
    assert _counts(stricter) == (hits, misses + 2)
    _run(stricter, QUERY)
    assert _counts(stricter) == (hits + 1, misses + 2)
