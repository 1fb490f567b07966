"""ASGI middleware around every route but /healthz and /static: the caller's rate (per
client address for anonymous callers), and a time limit that stops the work.

The time limit is a deadline (deadline.py) that the request's threads honour, plus the
event loop's own timeout for the request's coroutine: past it the client gets 503
TIMEOUT and the work stops within a fraction of a second. A client that disconnects
before its answer cancels its work the same way. /graphql answers in GraphQL's error
shape, every other route with a problem document.
"""

import asyncio
import ipaddress
import math

from kpi_api.http import deadline
from kpi_api.http.limits import RateLimiter
from kpi_api.http.problems import send_graphql_error, send_problem
from kpi_api.http.work_pool import RETRY_AFTER_BUSY, WorkPool

# Answered from memory, never limited: load balancers always get an answer.
HEALTH, STATIC = "/healthz", "/static/"


def client_address(scope, trusted_proxies: int) -> str:
    """Who is calling, for the per-address rate limit. With `trusted_proxies` reverse
    proxies in front, the X-Forwarded-For entry that many hops from the right (the
    address the outermost trusted proxy saw; entries further left are the client's own
    say); with none, the socket peer. IPv6 addresses count per /64, the block one
    subscriber gets."""
    peer = (scope.get("client") or ("unknown", 0))[0]
    address = peer
    if trusted_proxies > 0:
        entries = [
            entry.strip()
            for name, value in scope.get("headers") or []
            if name == b"x-forwarded-for"
            for entry in value.decode("latin-1").split(",")
        ]
        if entries:
            address = entries[-trusted_proxies] if len(entries) >= trusted_proxies else entries[0]
    try:
        parsed = ipaddress.ip_address(address)
    except ValueError:
        return peer if address != peer else address
    if parsed.version == 6:
        if parsed.ipv4_mapped is not None:
            return str(parsed.ipv4_mapped)
        return str(ipaddress.ip_network(f"{parsed}/64", strict=False))
    return str(parsed)


def refusal(path: str, status: int, message: str, code: str, retry_after: int | None = None):
    """A refusal in the shape of the route: GraphQL errors for /graphql, else a problem document."""
    headers = [(b"retry-after", str(retry_after).encode())] if retry_after else []
    if path == "/graphql":
        return send_graphql_error(status, message, code, headers=headers)
    return send_problem(status, message, code, headers=headers)


def rate_limited(path: str, wait: float, who: str):
    retry = max(1, math.ceil(wait))
    return refusal(path, 429, f"Too many requests from {who}; try again in {retry} s.", "RATE_LIMITED", retry)


class RequestLimits:
    def __init__(self, app, settings, pool: WorkPool) -> None:
        self.app, self.settings, self.pool = app, settings, pool
        self.addresses = RateLimiter(
            settings.anonymous_rate, settings.anonymous_burst, settings.rate_limit_addresses
        )

    async def __call__(self, scope, receive, send) -> None:
        path = scope.get("path", "")
        if scope["type"] != "http" or path == HEALTH or path.startswith(STATIC):
            return await self.app(scope, receive, send)
        address = client_address(scope, self.settings.trusted_proxies)
        scope.setdefault("state", {})["client_address"] = address
        if not (
            path == "/graphql" and any(name == b"authorization" for name, _ in scope.get("headers") or [])
        ):
            # A token is counted per token by the GraphQL guard (invalid ones per address,
            # in a bucket of their own); everything else, web routes included, per address.
            wait = self.addresses.wait_needed(address, asyncio.get_running_loop().time())
            if wait > 0:
                return await rate_limited(path, wait, f"address {address} without a valid token")(send)
        with deadline.limited_to(self.settings.request_timeout) as budget:
            async with self.pool.request():
                await self._within_limit(scope, receive, send, budget)

    async def _within_limit(self, scope, receive, send, budget: deadline.Budget) -> None:
        started = finished = False
        task: asyncio.Task | None = None
        gone: asyncio.Task | None = None

        async def tracking_send(message) -> None:
            nonlocal started, finished
            if message["type"] == "http.response.start":
                started = True
            elif message["type"] == "http.response.body" and not message.get("more_body", False):
                finished = True
            await send(message)

        async def watch_disconnect() -> dict:
            message = await receive()
            if message["type"] == "http.disconnect" and not finished:
                budget.cancel()  # the threads stop at their next cancellation point
                task.cancel()
            return message

        async def watching_receive() -> dict:
            # Once the body is in, the server's receive() returns only when the client
            # goes away: watch for that while the work runs.
            nonlocal gone
            if gone is not None:
                return await asyncio.shield(gone)
            message = await receive()
            if message["type"] == "http.request" and not message.get("more_body", False):
                gone = asyncio.ensure_future(watch_disconnect())
            elif message["type"] == "http.disconnect":
                budget.cancel()
            return message

        task = asyncio.ensure_future(self.app(scope, watching_receive, tracking_send))
        try:
            await asyncio.wait_for(task, timeout=self.settings.request_timeout)
        except TimeoutError:
            budget.cancel()
            if not started:
                await refusal(
                    scope["path"], 503, deadline.too_long(budget.seconds), "TIMEOUT", RETRY_AFTER_BUSY
                )(send)
        except asyncio.CancelledError:
            if not budget.cancelled:
                raise  # the server itself is stopping
        finally:
            if gone is not None:
                gone.cancel()


class GraphQLInFlight:
    """At most `limit` GraphQL requests that the answer cache could not answer are in
    progress at once (parsing, validating, waiting for or doing store work); beyond that,
    503 SERVER_BUSY at once. Each one costs the event loop a few milliseconds before the
    work pool could refuse it, so a crowd of hundreds kept /healthz and cached answers
    waiting for a second or more; a refusal here costs a fraction of a millisecond.
    Sits inside the answer cache: cached answers are never refused."""

    def __init__(self, app, limit: int) -> None:
        self.app, self.limit = app, limit
        self.in_progress = 0  # one event loop: no lock needed

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http" or scope["method"] not in ("GET", "POST"):
            return await self.app(scope, receive, send)
        if self.in_progress >= self.limit:
            message = (
                f"The server is busy: {self.in_progress} GraphQL requests are in progress, the most it "
                f"takes (KPI_MAX_GRAPHQL_IN_PROGRESS); try again in {RETRY_AFTER_BUSY} s."
            )
            return await refusal("/graphql", 503, message, "SERVER_BUSY", RETRY_AFTER_BUSY)(send)
        self.in_progress += 1
        try:
            await self.app(scope, receive, send)
        finally:
            self.in_progress -= 1
