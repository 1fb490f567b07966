"""ASGI middleware for /graphql: who is calling, how much they may send, how long they
may take. Refusals are JSON GraphQL errors with a stable `extensions.code`."""

import asyncio
import json

import attrs

from kpi_api import tokens
from kpi_api.graphql.auth import Caller


def graphql_error_response(status: int, message: str, code: str, headers: list | None = None):
    body = json.dumps({"errors": [{"message": message, "extensions": {"code": code}}]}).encode()

    async def send_to(send) -> None:
        await send({"type": "http.response.start", "status": status,
                    "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()), *(headers or [])]})  # fmt: skip
        await send({"type": "http.response.body", "body": body})

    return send_to


@attrs.define
class GraphQLGuard:
    app: object
    engine: object
    settings: object

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        headers = dict(scope.get("headers") or [])
        authorization = headers.get(b"authorization", b"").decode("latin-1").strip()
        caller = Caller()
        if authorization:
            token = authorization[7:].strip() if authorization.lower().startswith("bearer ") else authorization
            record = await asyncio.to_thread(tokens.verify, self.engine, token)
            caller = Caller(presented=True, token=record)
        scope.setdefault("state", {})["caller"] = caller
        writes = caller.token is not None and caller.token.scope in (tokens.Scope.IMPORT, tokens.Scope.PUBLISH)
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
                await graphql_error_response(plain_error["status"], text, code)(send)
                plain_error = None
                return
            await send(message)

        try:
            await asyncio.wait_for(self.app(scope, capped_receive, tracking_send), timeout=self.settings.request_timeout)
        except _TooLarge:
            if not started:
                await _too_large(limit)(send)
        except TimeoutError:
            if not started:
                await graphql_error_response(
                    503, f"The request took longer than {self.settings.request_timeout} s and was stopped.", "TIMEOUT"
                )(send)


class _TooLarge(Exception):
    pass


def _too_large(limit: int):
    return graphql_error_response(
        413, f"The request body is larger than {limit:,} bytes; send a smaller query (imports: use a token with scope 'import').",
        "REQUEST_TOO_LARGE",
    )  # fmt: skip
