"""ASGI middleware for /graphql: who is calling, how often, and how much they may send
(how long they may take: request_limits.py). Refusals are JSON GraphQL errors with a
stable `extensions.code`."""

import asyncio
import collections
import math

import attrs

from kpi_api.access import Caller, Scope
from kpi_api.http.problems import send_graphql_error
from kpi_api.http.quoting import quoted
from kpi_api.http.read_policy import refusal as read_refusal


class RateLimiter:
    """A token bucket per key (an API token, a client address; per worker process):
    `rate` requests a second on average, bursts up to `burst`. At most `max_keys` are
    tracked: the least recently seen is forgotten first (a bucket idle for
    `burst / rate` seconds is full again anyway), so many addresses cannot fill memory."""

    def __init__(self, rate: float, burst: int, max_keys: int = 50_000) -> None:
        self.rate, self.burst, self.max_keys = rate, burst, max_keys
        self._buckets: collections.OrderedDict[str, tuple[float, float]] = collections.OrderedDict()

    def wait_needed(self, key: str, now: float) -> float:
        """0 when the request may go ahead (and is counted), else seconds to wait."""
        tokens = self._refilled(key, now)
        if tokens < 1:
            self._store(key, tokens, now)
            return (1 - tokens) / self.rate
        self._store(key, tokens - 1, now)
        return 0.0

    def would_wait(self, key: str, now: float) -> float:
        """Like wait_needed, but counts nothing."""
        tokens = self._refilled(key, now)
        return 0.0 if tokens >= 1 else (1 - tokens) / self.rate

    def _refilled(self, key: str, now: float) -> float:
        tokens, last = self._buckets.get(key, (float(self.burst), now))
        return min(float(self.burst), tokens + (now - last) * self.rate)

    def _store(self, key: str, tokens: float, now: float) -> None:
        self._buckets[key] = (tokens, now)
        self._buckets.move_to_end(key)
        while len(self._buckets) > self.max_keys:
            self._buckets.popitem(last=False)


@attrs.define
class GraphQLGuard:
    app: object
    tokens: object  # storage.tokens.Tokens: verify(token) -> TokenRecord | None
    settings: object
    pool: object  # work_pool.WorkPool: the token lookup runs on its reserved threads
    limiter: RateLimiter | None = None  # per valid token
    guesses: RateLimiter | None = None  # invalid or revoked tokens, per client address

    def __attrs_post_init__(self) -> None:
        settings = self.settings
        self.limiter = RateLimiter(settings.token_rate, settings.token_burst, settings.rate_limit_addresses)
        self.guesses = RateLimiter(
            settings.anonymous_rate, settings.anonymous_burst, settings.rate_limit_addresses
        )

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        headers = dict(scope.get("headers") or [])
        origin = headers.get(b"origin", b"").decode("latin-1")
        allowed = origin in self.settings.cors_origins
        if scope["method"] == "OPTIONS":
            return await _preflight(send, origin, allowed)
        if scope["method"] not in ("GET", "POST"):
            return await send_graphql_error(
                405,
                f"{scope['method']} is not supported here; send a query with POST (or GET).",
                "METHOD_NOT_ALLOWED",
                headers=[(b"allow", b"GET, POST, OPTIONS")],
            )(send)
        if allowed:
            send = _with_cors(send, origin)
        authorization = headers.get(b"authorization", b"").decode("latin-1").strip()
        caller = Caller()
        if authorization:
            # Guessing tokens costs the guesser: an address whose invalid tokens have used
            # up its bucket (the anonymous rate) is refused before its next token is even
            # looked up.
            address = scope.get("state", {}).get("client_address") or (scope.get("client") or ("unknown",))[0]
            now = asyncio.get_running_loop().time()
            if (wait := self.guesses.would_wait(address, now)) > 0:
                return await _rate_limited(wait, f"address {address} with invalid tokens")(send)
            token = (
                authorization[7:].strip() if authorization.lower().startswith("bearer ") else authorization
            )
            record = await self.pool.quick(self.tokens.verify, token)
            caller = Caller(presented=True, token=record)
            key, who = (
                (record.id, f"token {record.id}")
                if record
                else (address, f"address {address} with invalid tokens")
            )
            if (wait := (self.limiter if record else self.guesses).wait_needed(key, now)) > 0:
                return await _rate_limited(wait, who)(send)
        scope.setdefault("state", {})["caller"] = caller
        if (refused := read_refusal(self.settings, scope, caller)) is not None:  # KPI_REQUIRE_READ_TOKEN
            return await refused(send)
        writes = caller.token is not None and caller.token.scope in (Scope.IMPORT, Scope.PUBLISH)
        limit = self.settings.max_import_bytes if writes else self.settings.max_query_bytes
        declared = headers.get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > limit:
            return await _too_large(limit)(send)
        received = 0

        async def capped_receive():
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise _TooLarge
            return message

        started = False
        plain_error = None

        async def tracking_send(message) -> None:
            # The framework answers a malformed request (bad JSON, a batch) in plain
            # text; clients get the same JSON error shape as everywhere else instead.
            nonlocal started, plain_error
            if message["type"] == "http.response.start":
                started = True
                content_type = dict(message.get("headers") or []).get(b"content-type", b"")
                if message["status"] >= 400 and content_type.startswith(b"text/plain"):
                    plain_error = message
                    return
            elif plain_error is not None and message["type"] == "http.response.body":
                text = message.get("body", b"").decode("utf-8", "replace").strip()
                code = "BATCHING_NOT_SUPPORTED" if "Batching" in text else "BAD_REQUEST"
                await send_graphql_error(plain_error["status"], text, code)(send)
                plain_error = None
                return
            await send(message)

        try:  # the time limit: request_limits.RequestLimits, around this guard
            await self.app(scope, capped_receive, tracking_send)
        except _TooLarge:
            if not started:
                await _too_large(limit)(send)


def _rate_limited(wait: float, who: str):
    retry = str(max(1, math.ceil(wait)))
    return send_graphql_error(
        429,
        f"Too many requests for {who}; try again in {retry} s.",
        "RATE_LIMITED",
        headers=[(b"retry-after", retry.encode())],
    )


def _with_cors(send, origin: str):
    async def sending(message) -> None:
        if message["type"] == "http.response.start":
            message = {
                **message,
                "headers": [
                    *(message.get("headers") or []),
                    (b"access-control-allow-origin", origin.encode()),
                    (b"vary", b"Origin"),
                ],
            }
        await send(message)

    return sending


async def _preflight(send, origin: str, allowed: bool) -> None:
    """Browsers ask before a cross-origin POST; only configured origins get a yes (and
    never with credentials: the API uses tokens, not cookies)."""
    if origin and not allowed:
        return await send_graphql_error(
            403,
            f"Cross-origin calls from {quoted(origin)} are not allowed (see KPI_CORS_ORIGINS).",
            "CORS_ORIGIN_NOT_ALLOWED",
            headers=[(b"vary", b"Origin")],
        )(send)
    headers = [(b"content-length", b"0"), (b"vary", b"Origin"), (b"allow", b"GET, POST, OPTIONS")]
    if origin:
        headers += [
            (b"access-control-allow-origin", origin.encode()),
            (b"access-control-allow-methods", b"GET, POST"),
            (b"access-control-allow-headers", b"content-type, authorization"),
            (b"access-control-max-age", b"600"),
        ]
    await send({"type": "http.response.start", "status": 204, "headers": headers})
    await send({"type": "http.response.body", "body": b""})


class _TooLarge(Exception):
    pass


def _too_large(limit: int):
    return send_graphql_error(
        413,
        f"The request body is larger than {limit:,} bytes; send a smaller query (imports: use a token with scope 'import').",
        "REQUEST_TOO_LARGE",
    )
