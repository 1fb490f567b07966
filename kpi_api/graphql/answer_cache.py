"""Cache whole GraphQL answers to queries, keyed by (data version, who is calling,
query text, variables, operation). Mutations, malformed requests and answers with
errors are never cached. GET requests also get an ETag and a 304 on revalidation.

The key is the query as sent, not as parsed: parsing it here as well as in the schema
doubled the CPU of every large document, and under a crowd of them the threads doing it
starved the event loop of the GIL (/healthz waited). Clients send the same text each
time, so little sharing is lost. Whether the operation run was a query (and so may be
stored) is known only once the schema has parsed it: `RecordOperationType` notes it for
the request (operation_note.py), and nothing is stored without that note.

A request is answered from the cache only when the framework would run it as it stands:
the cache reads it with strawberry's own rules (methods, content types, GET parameters,
the IDE page, batches, streaming) before it looks, so a request gets the same answer
whether or not it is cached. Reading it by hand, the cache once answered `text/plain`
POSTs that strawberry refuses, and keyed on the first of two `query` parameters while
strawberry ran the last. In front of it, graphql/over_http.py has already refused what
the GraphQL-over-HTTP rules refuse (content type, parameters) and replaced a persisted
query's hash with its text; the key holds the media type the client accepts, since the
answer's Content-Type (and status) depend on it, and the language its Accept-Language
asks for, since every text field without its own `lang:` answers in it."""

import asyncio
import datetime
import hashlib

import orjson
from starlette.requests import Request
from strawberry.types.graphql import OperationType

from kpi_api.graphql.language import LANGUAGE
from kpi_api.graphql.operation_note import noting_the_operation
from kpi_api.graphql.over_http import MEDIA_TYPE
from kpi_api.http.response_cache import Cached, DataVersions, ResponseCache


async def request_key(view, scope, body: bytes) -> tuple | None:
    """(the query's digest, variables, operation) as `view` (the strawberry GraphQL app)
    reads the request, or None when it is not one plain query the view would run as it stands."""
    adapter = view.request_adapter_class(Request(scope, _replay(body)))
    if not view.is_request_allowed(adapter) or view.should_render_graphql_ide(adapter):
        return None
    if adapter.method == "GET" and not view.allow_queries_via_get:
        return None
    try:
        data = await view.parse_http_body(adapter)
    except Exception:  # whatever the view refuses (content type, JSON, a batch), it answers itself
        return None
    if (
        isinstance(data, list)
        or data.protocol != "http"
        or not isinstance(data.query, str)
        or data.extensions
    ):
        return None
    operation = data.operation_name
    if operation is not None and not isinstance(operation, str):
        return None
    try:
        variables_key = orjson.dumps(data.variables or {}, option=orjson.OPT_SORT_KEYS)
    except orjson.JSONEncodeError:  # e.g. nested deeper than orjson's limit: not worth caching
        return None
    return (hashlib.sha256(data.query.encode("utf-8", "surrogatepass")).digest(), variables_key, operation)


class GraphQLResponseCache:
    def __init__(self, app, cache: ResponseCache, versions: DataVersions, view=None) -> None:
        # `view` (the strawberry GraphQL app) reads requests; `app` answers the ones not
        # in the cache (the view, or a guard in front of it).
        self.app, self.cache, self.versions = app, cache, versions
        self.view = view or app

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
        parts = await request_key(self.view, scope, body)
        if parts is None:
            return await self.app(scope, _replay(body), send)
        caller = scope.get("state", {}).get("caller")
        # Anonymous, a valid token and a token that is not valid get different answers;
        # so do clients that accept different media types or languages (graphql/over_http.py).
        who = (caller is not None and caller.presented, caller is not None and caller.token is not None)
        media = scope.get("state", {}).get(MEDIA_TYPE)
        language = scope.get("state", {}).get(LANGUAGE)
        version = (
            self.versions.current() if self.versions.cheap else await asyncio.to_thread(self.versions.current)
        )
        # Answers also depend on the day (the revision in force; one superseded from its
        # successor's first day), which changes at midnight without a write.
        key = (version, datetime.date.today().isoformat(), *who, media, language, *parts)
        etag = 'W/"' + hashlib.sha256(repr(key).encode()).hexdigest()[:32] + '"'
        if (
            scope["method"] == "GET"
            and etag in dict(scope.get("headers") or []).get(b"if-none-match", b"").decode()
        ):
            return await _send(send, 304, b"", None, etag)
        hit = self.cache.get(key)
        if hit is not None:
            return await _send(send, 200, hit.body, hit.content_type, etag)
        captured: dict = {"status": None, "headers": [], "body": b""}

        async def capture(message) -> None:
            if message["type"] == "http.response.start":
                captured["status"], captured["headers"] = (
                    message["status"],
                    list(message.get("headers") or []),
                )
                message = {**message, "headers": [*captured["headers"], *_validators(etag)]}
            elif message["type"] == "http.response.body":
                captured["body"] += message.get("body", b"")
            await send(message)

        with noting_the_operation() as note:
            await self.app(scope, _replay(body), capture)
        content_type = dict(captured["headers"]).get(b"content-type", b"application/json").decode()
        if (
            note.type is OperationType.QUERY
            and captured["status"] == 200
            and b'"errors"' not in captured["body"]
        ):
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
    headers = [*_validators(etag), (b"content-length", str(len(body)).encode())]
    if content_type:
        headers.append((b"content-type", content_type.encode()))
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


def _validators(etag: str) -> list[tuple[bytes, bytes]]:
    """The ETag, and what else it depends on besides the URL and body: who is calling."""
    return [(b"etag", etag.encode()), (b"vary", b"Authorization")]  # over_http adds Accept, Accept-Language
