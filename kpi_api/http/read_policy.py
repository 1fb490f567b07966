"""One read policy for every surface: with KPI_REQUIRE_READ_TOKEN=1, GraphQL, REST,
figures, status pages and the OpenAPI document answer only a caller with a valid API
token (any scope), except the paths listed in KPI_PUBLIC_READ_PATHS. /healthz and
/static (no data) are always open.

The token travels in `Authorization: Bearer kpi_…`, never in a URL: URLs end up in
server and proxy logs, browser history and bookmarks. Figures embedded where no header
can be sent (`<img>`, `<iframe>`) are made public explicitly, path by path.

This middleware identifies the caller of the web routes; /graphql's own guard
(limits.GraphQLGuard) identifies its callers and applies the same rule (`refusal`)."""

import asyncio
import math

from kpi_api.access import Caller
from kpi_api.http.problems import send_graphql_error, send_problem

ALWAYS_OPEN = ("/healthz", "/static/")
GRAPHQL = "/graphql"

MISSING = (
    "Reading needs an API token here: send `Authorization: Bearer kpi_…` "
    "(any valid token; an operator makes one with `kpi token create --scope read`)."
)
INVALID = "The API token is not valid or has been revoked."


def is_public(public_paths: tuple[str, ...], path: str) -> bool:
    """A listed path, or below a listed prefix that ends in `/` (`/figures/` covers every
    figure; `/figures/2.1/` only 2.1's)."""
    return any(path == p or (p.endswith("/") and path.startswith(p)) for p in public_paths)


def needs_token(settings, path: str) -> bool:
    return (
        settings.require_read_token
        and not is_public(ALWAYS_OPEN, path)
        and not is_public(settings.public_read_paths, path)
    )


def asks_for_a_page(scope) -> bool:
    """GET /graphql from a browser without a query: the IDE or the instructions page,
    which hold no data (the IDE asks for data with the token typed into it). No query
    string at all: `?%71uery=…` is a query too, once decoded."""
    headers = dict(scope.get("headers") or [])
    return (
        scope["method"] == "GET"
        and not scope.get("query_string")
        and b"text/html" in headers.get(b"accept", b"")
    )


def refusal(settings, scope, caller: Caller):
    """The 401 for a caller the read policy turns away from `scope`'s path, or None."""
    path = scope.get("path", "")
    if not needs_token(settings, path) or caller.token is not None:
        return None
    if path == GRAPHQL and not caller.presented and asks_for_a_page(scope):
        return None
    return unauthenticated(path, invalid=caller.presented)


def unauthenticated(path: str, invalid: bool):
    # RFC 6750: the scheme to use, and why a token sent was not enough.
    challenge = b'Bearer realm="kpi", error="invalid_token"' if invalid else b'Bearer realm="kpi"'
    headers = [(b"www-authenticate", challenge), (b"vary", b"Authorization")]
    message = INVALID if invalid else MISSING
    if path == GRAPHQL:
        return send_graphql_error(401, message, "UNAUTHENTICATED", headers=headers)
    return send_problem(401, message, "UNAUTHENTICATED", headers=headers)


def bearer(authorization: str) -> str:
    """The token of an Authorization header (`Bearer kpi_…`, or the bare token)."""
    return authorization[7:].strip() if authorization.lower().startswith("bearer ") else authorization


class ReadPolicy:
    """ASGI middleware around every route but /graphql (its guard does the same there):
    who is calling, and whether they may read what they ask for. An invalid or revoked
    token is refused everywhere (401), and counts against its address's guesses like a
    guess at /graphql (the same bucket: `guesses`, the GraphQL guard's)."""

    def __init__(self, app, tokens, settings, pool, guesses) -> None:
        self.app, self.tokens, self.settings, self.pool, self.guesses = app, tokens, settings, pool, guesses

    async def __call__(self, scope, receive, send) -> None:
        path = scope.get("path", "")
        # CORS preflights never carry a token; they hold no data (the route answers them).
        if scope["type"] != "http" or path == GRAPHQL or scope["method"] == "OPTIONS":
            return await self.app(scope, receive, send)
        headers = dict(scope.get("headers") or [])
        authorization = headers.get(b"authorization", b"").decode("latin-1").strip()
        caller = Caller()
        if authorization:
            address = scope.get("state", {}).get("client_address") or "unknown"
            now = asyncio.get_running_loop().time()
            if (wait := self.guesses.would_wait(address, now)) > 0:
                retry = str(max(1, math.ceil(wait)))
                return await send_problem(
                    429,
                    f"Too many requests for address {address} with invalid tokens; try again in {retry} s.",
                    "RATE_LIMITED",
                    headers=[(b"retry-after", retry.encode())],
                )(send)
            record = await self.pool.quick(self.tokens.verify, bearer(authorization))
            caller = Caller(presented=True, token=record)
            if record is None:
                self.guesses.wait_needed(address, now)  # counted as a guess
                return await unauthenticated(path, invalid=True)(send)
        scope.setdefault("state", {})["caller"] = caller
        if (refused := refusal(self.settings, scope, caller)) is not None:
            return await refused(send)
        await self.app(scope, receive, send)
