"""Cache whole GraphQL answers to queries, keyed by (data version, caller may read,
normalised query, variables, operation). Mutations, malformed requests and answers with
errors are never cached. GET requests also get an ETag and a 304 on revalidation."""

import asyncio
import functools
import hashlib

import orjson
from graphql import GraphQLError, OperationType, get_operation_ast, parse, print_ast

from kpi_api.data_version import DataVersion
from kpi_api.response_cache import Cached, ResponseCache


@functools.lru_cache(maxsize=512)
def _normalised_query(query: str, operation_name: str | None) -> str | None:
    """The query printed from its syntax tree (so spacing and comments do not matter),
    or None when it is not one cacheable query operation."""
    try:
        document = parse(query)
    except GraphQLError:
        return None
    operation = get_operation_ast(document, operation_name)
    if operation is None or operation.operation is not OperationType.QUERY:
        return None
    return print_ast(document)


def request_key(method: str, query_string: bytes, body: bytes) -> tuple | None:
    try:
        if method == "GET":
            from urllib.parse import parse_qs

            params = {k: v[0] for k, v in parse_qs(query_string.decode()).items()}
            payload = {"query": params.get("query"), "variables": orjson.loads(params["variables"]) if params.get("variables") else None,
                       "operationName": params.get("operationName")}  # fmt: skip
        else:
            payload = orjson.loads(body)
    except (ValueError, UnicodeDecodeError):
        return None
    if not isinstance(payload, dict) or not isinstance(payload.get("query"), str):
        return None  # batches and the like: the app answers them
    variables, operation = payload.get("variables"), payload.get("operationName")
    if (variables is not None and not isinstance(variables, dict)) or (operation is not None and not isinstance(operation, str)):
        return None
    normalised = _normalised_query(payload["query"], operation)
    if normalised is None:
        return None
    try:
        variables_key = orjson.dumps(variables or {}, option=orjson.OPT_SORT_KEYS)
    except orjson.JSONEncodeError:  # e.g. nested deeper than orjson's limit: not worth caching
        return None
    return (normalised, variables_key, operation)


class GraphQLResponseCache:
    def __init__(self, app, cache: ResponseCache, versions: DataVersion) -> None:
        self.app, self.cache, self.versions = app, cache, versions

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http" or scope["method"] not in ("GET", "POST"):
            return await self.app(scope, receive, send)
        body, more = b"", True
        while more:
            message = await receive()
            if message["type"] != "http.request":
                return await self.app(scope, _replay(body, message), send)
            body += message.get("body", b"")
            more = message.get("more_body", False)
        parts = request_key(scope["method"], scope.get("query_string", b""), body)
        if parts is None:
            return await self.app(scope, _replay(body), send)
        caller = scope.get("state", {}).get("caller")
        version = self.versions.current() if self.versions.cheap else await asyncio.to_thread(self.versions.current)
        key = (version, caller is not None and caller.token is not None, *parts)
        etag = 'W/"' + hashlib.sha256(repr(key).encode()).hexdigest()[:32] + '"'
        if scope["method"] == "GET" and etag in dict(scope.get("headers") or []).get(b"if-none-match", b"").decode():
            return await _send(send, 304, b"", None, etag)
        hit = self.cache.get(key)
        if hit is not None:
            return await _send(send, 200, hit.body, hit.content_type, etag)
        captured: dict = {"status": None, "headers": [], "body": b""}

        async def capture(message) -> None:
            if message["type"] == "http.response.start":
                captured["status"], captured["headers"] = message["status"], list(message.get("headers") or [])
                message = {**message, "headers": [*captured["headers"], (b"etag", etag.encode())]}
            elif message["type"] == "http.response.body":
                captured["body"] += message.get("body", b"")
            await send(message)

        await self.app(scope, _replay(body), capture)
        content_type = dict(captured["headers"]).get(b"content-type", b"application/json").decode()
        if captured["status"] == 200 and b'"errors"' not in captured["body"]:
            self.cache.put(key, Cached(captured["body"], content_type, etag))


def _replay(body: bytes, then: dict | None = None):
    sent = False

    async def receive():
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return then or {"type": "http.disconnect"}

    return receive


async def _send(send, status: int, body: bytes, content_type: str | None, etag: str) -> None:
    headers = [(b"etag", etag.encode()), (b"content-length", str(len(body)).encode())]
    if content_type:
        headers.append((b"content-type", content_type.encode()))
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})
