"""GraphQL over HTTP as the specification has it (graphql.github.io/graphql-over-http):
the one place that reads a /graphql request, before the answer cache and the schema.

- The answer's media type follows `Accept`: `application/graphql-response+json` when the
  client asks for it, `application/json` otherwise (no Accept, `*/*`, `application/json`,
  or nothing we can give: the specification lets a server fall back to it).
- A POST must say `Content-Type: application/json` (charset utf-8 if any): anything else
  is a 415 before any cache or the schema sees it. GET takes `query`, `variables`,
  `operationName` and `extensions` from the URL (the last two as JSON), each once.
- `variables` and `extensions` must be objects, `query` and `operationName` strings.
- Persisted queries (persisted.py): `extensions.persistedQuery` with `version: 1` and a
  `sha256Hash` is resolved here to the query's text, so the cache and the schema only ever
  see plain requests (and a hash-only GET is cached like any other query).
- `Accept-Language` gives the request's language (language.py): text fields without a
  `lang:` of their own answer in it.
- A browser's GET without a query (Accept: text/html) gets the IDE page or, without
  KPI_GRAPHIQL, a short page on how to send queries.

Downstream gets the request rebuilt in one canonical form (a JSON POST, or a GET with the
parameters in the URL) and the chosen media type in `scope["state"]`; the view (app.py)
answers in it, with 4xx for request errors under graphql-response+json.
"""

import urllib.parse

import orjson
from starlette.datastructures import QueryParams

from kpi_api.graphql.language import LANGUAGE, from_accept_language
from kpi_api.graphql.persisted import HASH, PersistedQueries, digest
from kpi_api.http.problems import send_graphql_error
from kpi_api.http.quoting import quoted

GRAPHQL_RESPONSE_JSON = "application/graphql-response+json"
JSON = "application/json"
MEDIA_TYPE = "graphql_media_type"  # the key in scope["state"]
_PARAMETERS = ("query", "variables", "operationName", "extensions")


def negotiate(accept: str) -> str:
    """The media type to answer in. graphql-response+json only when named (a bare `*/*`
    or `application/*` gets JSON, which every client reads), and only if its quality is
    at least JSON's."""
    quality = {GRAPHQL_RESPONSE_JSON: (-1.0, 0), JSON: (-1.0, 0)}  # (q, how specific the range)
    for item in accept.split(","):
        media, *params = (p.strip() for p in item.split(";"))
        media = media.lower()
        q = 1.0
        for param in params:
            name, _, value = param.partition("=")
            if name.strip().lower() == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = 0.0
        for candidate in quality:
            specific = (
                3 if media == candidate else 2 if media == "application/*" else 1 if media == "*/*" else 0
            )
            if specific > quality[candidate][1]:
                quality[candidate] = (q, specific)
    wanted_q, how = quality[GRAPHQL_RESPONSE_JSON]
    if how == 3 and wanted_q > 0 and wanted_q >= quality[JSON][0]:
        return GRAPHQL_RESPONSE_JSON
    return JSON


def prefers_html(accept: str) -> bool:
    """A browser's navigation (text/html named before any JSON type)."""
    lowered = accept.lower()
    html = lowered.find("text/html")
    return html >= 0 and all(lowered.find(j) < 0 or lowered.find(j) > html for j in (JSON, "+json"))


class RequestError(Exception):
    """A request refused before it reaches the schema: status, message, stable code."""

    def __init__(self, status: int, message: str, code: str = "BAD_REQUEST", headers=()) -> None:
        super().__init__(message)
        self.status, self.message, self.code, self.headers = status, message, code, list(headers)


class GraphQLOverHTTP:
    def __init__(self, app, persisted: PersistedQueries, ide_page) -> None:
        # `ide_page(scope)`: the ASGI app that answers a browser's GET /graphql.
        self.app, self.persisted, self.ide_page = app, persisted, ide_page

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http" or scope["method"] not in ("GET", "POST"):
            return await self.app(scope, receive, send)
        headers = dict(scope.get("headers") or [])
        accept = headers.get(b"accept", b"").decode("latin-1")
        media = negotiate(accept)
        state = scope.setdefault("state", {})
        state[MEDIA_TYPE] = media
        # The language every text field answers in unless given its own `lang:` (language.py).
        state[LANGUAGE] = from_accept_language(headers.get(b"accept-language", b"").decode("latin-1"))
        if scope["method"] == "GET":
            params = QueryParams(scope.get("query_string", b"").decode("latin-1"))
            if "query" not in params and "extensions" not in params and prefers_html(accept):
                return await self.ide_page(scope, receive, send)
        chunks, more = [], True
        while more:  # bounded: the guard in front caps the body
            message = await receive()
            if message["type"] != "http.request":
                return
            chunks.append(message.get("body", b""))
            more = message.get("more_body", False)
        body = b"".join(chunks)
        try:
            request = _read(scope, headers, body)
            persisted = (
                isinstance(request.get("extensions"), dict) and "persistedQuery" in request["extensions"]
            )
            request["query"] = self._resolve(request)
            if persisted:  # rebuilt with the query's text; any other request goes on as sent
                scope, body = _canonical(scope, request)
        except RequestError as error:
            status, extra = error.status, error.headers
            if error.code == "PERSISTED_QUERY_NOT_FOUND":
                # Like Apollo Server: 200 for application/json clients, and never kept by a
                # cache (the client registers the query next). graphql-response+json: 404,
                # since an answer without `data` must be 4xx there.
                status = 200 if media == JSON else 404
                extra = [*extra, (b"cache-control", b"private, no-cache, must-revalidate")]
            return await send_graphql_error(
                status, error.message, error.code, headers=_vary(extra), content_type=media
            )(send)
        await self.app(scope, _replay(body), _with_cache_headers(send, scope, media))

    def _resolve(self, request: dict) -> str:
        """The text to run: the query as sent, or the persisted one its hash names."""
        extensions = request.get("extensions") or {}
        persisted = extensions.pop("persistedQuery", None)
        request["extensions"] = extensions or None
        query = request.get("query")
        if persisted is None:
            if query is None:
                raise RequestError(400, "The request has no `query`; send the GraphQL document in `query`.")
            if not self.persisted.allows(query):
                raise _not_in_list()
            return query
        if not isinstance(persisted, dict) or persisted.get("version") != 1:
            raise RequestError(
                400,
                "Unsupported persisted query version: `extensions.persistedQuery` must be "
                '{"version": 1, "sha256Hash": "<64 hex digits>"}.',
            )
        sha256 = persisted.get("sha256Hash")
        if not isinstance(sha256, str) or not HASH.fullmatch(sha256):
            raise RequestError(
                400,
                "`extensions.persistedQuery.sha256Hash` must be the query's SHA-256 in 64 lower-case hex digits.",
            )
        if query is None:
            found = self.persisted.get(sha256)
            if found is None:
                # Apollo's exact message and code: clients then send the query with its hash.
                raise RequestError(404, "PersistedQueryNotFound", "PERSISTED_QUERY_NOT_FOUND")
            return found
        if digest(query) != sha256:
            raise RequestError(
                400,
                f"provided sha does not match query: `sha256Hash` is {sha256}, the SHA-256 of `query` "
                f"(its UTF-8, exactly as sent) is {digest(query)}.",
            )
        if not self.persisted.allows(query):
            raise _not_in_list()
        self.persisted.learn(sha256, query)
        return query


def _not_in_list() -> RequestError:
    return RequestError(
        403,
        "This server runs registered queries only (KPI_PERSISTED_ONLY); the query sent is not one of them. "
        "Ask the operator to register it (`kpi persisted add FILE`).",
        "PERSISTED_QUERY_NOT_IN_LIST",
    )


def _read(scope, headers: dict, body: bytes) -> dict:
    """The request's parameters, checked for shape (not yet for GraphQL meaning)."""
    if scope["method"] == "GET":
        params = QueryParams(scope.get("query_string", b"").decode("latin-1"))
        data: dict = {}
        for name in _PARAMETERS:
            values = params.getlist(name)
            if len(values) > 1:
                raise RequestError(400, f"The URL gives `{name}` {len(values)} times; give it once.")
            if values:
                json_valued = name in ("variables", "extensions")
                data[name] = _json(values[0], f"the URL's `{name}`") if json_valued else values[0]
    else:
        content_type = headers.get(b"content-type", b"").decode("latin-1")
        media, *params = (p.strip() for p in content_type.split(";"))
        charsets = [
            p.partition("=")[2].strip().strip('"').lower() for p in params if p.lower().startswith("charset")
        ]
        if media.lower() != JSON or any(c not in ("utf-8", "utf8") for c in charsets):
            shown = quoted(content_type, 80) if content_type else "none"
            raise RequestError(
                415,
                f"A POST to /graphql needs `Content-Type: application/json` (UTF-8); this one has {shown}.",
                "UNSUPPORTED_MEDIA_TYPE",
                [(b"accept-post", b"application/json")],
            )
        if not body.strip():
            raise RequestError(400, 'The request body is empty; send {"query": "…"} as JSON.')
        data = _json(body, "the request body")
        if isinstance(data, list):
            raise RequestError(
                400, "Batching is not supported: send one operation per request.", "BATCHING_NOT_SUPPORTED"
            )
        if not isinstance(data, dict):
            raise RequestError(400, 'The request body must be a JSON object: {"query": "…"}.')
    for name, kinds, shown in (
        ("query", str, "a string"),
        ("operationName", str, "a string"),
        ("variables", dict, "an object"),
        ("extensions", dict, "an object"),
    ):
        value = data.get(name)
        if value is not None and not isinstance(value, kinds):
            raise RequestError(400, f"`{name}` must be {shown} or null, not {_kind(value)}.")
    return {name: data.get(name) for name in _PARAMETERS}


def _json(text: str | bytes, where: str):
    try:
        return orjson.loads(text)
    except orjson.JSONDecodeError as exc:
        raise RequestError(400, f"{where[0].upper()}{where[1:]} is not JSON: {exc}.") from None


def _kind(value) -> str:
    return {
        bool: "a boolean",
        int: "a number",
        float: "a number",
        str: "a string",
        list: "an array",
        dict: "an object",
    }.get(type(value), type(value).__name__)


def _canonical(scope, request: dict) -> tuple[dict, bytes]:
    """A persisted query's request as the cache and the view read it: the same method,
    the query's text in `query`."""
    present = {k: v for k, v in request.items() if v is not None}
    headers = [(k, v) for k, v in scope.get("headers") or [] if k not in (b"content-type", b"content-length")]
    try:
        if scope["method"] == "GET":
            encoded = {k: orjson.dumps(v).decode() if isinstance(v, dict) else v for k, v in present.items()}
            return {
                **scope,
                "query_string": urllib.parse.urlencode(encoded).encode(),
                "headers": headers,
            }, b""
        body = orjson.dumps(present)
    except orjson.JSONEncodeError:  # orjson writes 254 levels at most; nobody's variables are deeper
        raise RequestError(400, "`variables` are nested too deeply (more than 254 levels).") from None
    headers += [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    return {**scope, "headers": headers}, body


def _vary(headers: list) -> list:
    return [*headers, (b"vary", b"Accept, Accept-Language")]


def _with_cache_headers(send, scope, media: str):
    """Every answer depends on Accept and Accept-Language; a GET answer may be kept by the browser and proxies,
    which ask again each time (the answer cache's ETag makes that a 304): `private` when
    a token was sent, since the answer is for its holder."""
    authorized = any(k == b"authorization" for k, _ in scope.get("headers") or [])
    is_get = scope["method"] == "GET"

    async def sending(message) -> None:
        if message["type"] == "http.response.start":
            headers = list(message.get("headers") or [])
            varies = [v for k, v in headers if k.lower() == b"vary"]
            headers = [(k, v) for k, v in headers if k.lower() != b"vary"]
            headers.append(
                (b"vary", b", ".join([*varies, b"Accept, Accept-Language"]))
            )  # one header, every reason
            if is_get and message["status"] == 200 and all(k.lower() != b"cache-control" for k, _ in headers):
                headers.append(
                    (b"cache-control", b"private, no-cache" if authorized else b"public, no-cache")
                )
            message = {**message, "headers": headers}
        await send(message)

    return sending


def _replay(body: bytes):
    sent = False

    async def receive():
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return {"type": "http.disconnect"}

    return receive
