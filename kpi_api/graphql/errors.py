"""Stable `extensions.code` on every GraphQL error, and no internals in any of them.

Errors raised on purpose (bad input, auth, not found) already carry a code. Limit and
validation errors from graphql-core and strawberry's limiters get one here; any other
exception is masked as "Unexpected error." (logged with its traceback on the server).
"""

import logging
from collections.abc import Iterator

from graphql import GraphQLError
from strawberry.extensions import SchemaExtension

log = logging.getLogger("kpi_api.graphql")

_BY_MESSAGE = (
    ("Document contains more than", "TOKEN_LIMIT_EXCEEDED"),
    ("Syntax Error", "GRAPHQL_PARSE_FAILED"),
    ("introspection is disabled", "INTROSPECTION_DISABLED"),
    ("GraphQL introspection has been disabled", "INTROSPECTION_DISABLED"),
)


def with_code(error: GraphQLError) -> GraphQLError:
    if error.extensions and "code" in error.extensions:
        return error
    original = error.original_error
    if original is not None and not isinstance(original, GraphQLError):
        return GraphQLError(
            "Unexpected error.",
            error.nodes,
            error.source,
            error.positions,
            error.path,
            extensions={"code": "INTERNAL_SERVER_ERROR"},
        )
    code = next((c for text, c in _BY_MESSAGE if text in error.message), None)
    if code is None:
        code = "GRAPHQL_VALIDATION_FAILED" if error.path is None else "BAD_REQUEST"
    return GraphQLError(
        error.message,
        error.nodes,
        error.source,
        error.positions,
        error.path,
        extensions={**(error.extensions or {}), "code": code},
    )


class ErrorCodes(SchemaExtension):
    def on_operation(self) -> Iterator[None]:
        yield
        result = self.execution_context.result
        if result is not None and getattr(result, "errors", None):
            result.errors = [with_code(e) for e in result.errors]
