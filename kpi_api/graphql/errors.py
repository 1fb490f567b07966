"""Stable `extensions.code` on every GraphQL error, and no internals in any of them.

Errors raised on purpose (bad input, auth, not found) already carry a code. Limit and
validation errors from graphql-core and strawberry's limiters get one here; any other
exception is masked as "Unexpected error." (logged with its traceback on the server).
"""

import ast
import logging
import re
from collections.abc import Iterator

import orjson
from graphql import GraphQLError
from strawberry.extensions import SchemaExtension

log = logging.getLogger("kpi_api.graphql")

_BY_MESSAGE = (
    ("Document contains more than", "TOKEN_LIMIT_EXCEEDED"),
    ("Syntax Error", "GRAPHQL_PARSE_FAILED"),
    ("introspection is disabled", "INTROSPECTION_DISABLED"),
    ("GraphQL introspection has been disabled", "INTROSPECTION_DISABLED"),
)


# Variables that do not fit their declared types (graphql-core's coercion): the client's
# input, so BAD_USER_INPUT like a bad argument, not a validation failure of the document.
_COERCION = re.compile(
    r"^Variable '\$\w+' (?:has invalid value|got invalid value|of required type .* was not provided"
    r"|of non-null type .* must not be null)"
)
# graphql-core prints the value it refused with Python's repr ({'x': 1}, True, None): the
# client sent JSON, so it is told in JSON's words what it sent instead.
_PYTHON_VALUE = re.compile(r"(?:(?<=: )|(?<=be ))(\{.*\}|\[.*\]|True|False|None)(?=$|\.|;)", re.S)
_JSON_WORDS = {"True": "true", "False": "false", "None": "null"}
_SHOWN = 80  # characters of a refused object shown as JSON; longer ones are named by kind


def json_worded(message: str) -> str:
    """The message with a refused value named as JSON names it.

    >>> print(json_worded("String cannot represent a non string value: {'x': [1, None]}"))
    String cannot represent a non string value: {"x":[1,null]}
    >>> json_worded("Int cannot represent non-integer value: True"), json_worded("not to be None.")
    ('Int cannot represent non-integer value: true', 'not to be null.')
    """

    def named(match: re.Match) -> str:
        text = match.group(1)
        if text in _JSON_WORDS:
            return _JSON_WORDS[text]
        try:  # graphql-core's repr of JSON values is a Python literal, unless it cut it short
            shown = orjson.dumps(ast.literal_eval(text)).decode() if len(text) < 4 * _SHOWN else ""
        except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError, orjson.JSONEncodeError):
            shown = ""
        if shown and len(shown) <= _SHOWN:
            return shown
        return "an object" if text.startswith("{") else "an array"

    return _PYTHON_VALUE.sub(named, message)


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
    if code is None and _COERCION.match(error.message):
        code = "BAD_USER_INPUT"
    if code is None:
        code = "GRAPHQL_VALIDATION_FAILED" if error.path is None else "BAD_REQUEST"
    return GraphQLError(
        json_worded(error.message),
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
