"""Error answers, built in one place: RFC 9457 problem documents for the web routes and
GraphQL-shaped errors (`{"errors": [...]}` with a stable `extensions.code`) for /graphql.

Each comes as a starlette `Response` (for route handlers) or as an ASGI sender (for the
middleware, which answers before any route runs)."""

import json

from starlette.responses import JSONResponse

_TITLES = {400: "Bad request", 404: "Not found", 429: "Too many requests", 503: "Service unavailable"}


def problem(status: int, detail: str, code: str | None = None, title: str | None = None) -> dict:
    """The document itself; `code` is the stable name clients branch on (SERVER_BUSY, …)."""
    document = {
        "type": "about:blank",
        "title": title or _TITLES.get(status, "Error"),
        "status": status,
        "detail": detail,
    }
    if code is not None:
        document["code"] = code
    return document


def problem_response(
    status: int,
    detail: str,
    code: str | None = None,
    retry_after: int | None = None,
    *,
    title: str | None = None,
    headers: dict | None = None,
    cross_origin: bool = True,
) -> JSONResponse:
    """A route's problems may be read cross-origin, like its answers (the router's own
    404/405 for paths that are no route are not)."""
    headers = {**({"Access-Control-Allow-Origin": "*"} if cross_origin else {}), **(headers or {})}
    if retry_after is not None:
        headers["Retry-After"] = str(retry_after)
    return JSONResponse(
        problem(status, detail, code, title),
        status_code=status,
        media_type="application/problem+json",
        headers=headers,
    )


def send_problem(status: int, detail: str, code: str, headers: list | None = None):
    body = json.dumps(problem(status, detail, code)).encode()
    return _sender(
        status, b"application/problem+json", body, [(b"access-control-allow-origin", b"*"), *(headers or [])]
    )


def send_graphql_error(
    status: int, message: str, code: str, headers: list | None = None, content_type: str = "application/json"
):
    """`content_type`: the media type the client accepts (application/graphql-response+json
    or application/json, see graphql/over_http.py)."""
    body = json.dumps({"errors": [{"message": message, "extensions": {"code": code}}]}).encode()
    return _sender(status, media_type_header(content_type), body, headers or [])


def media_type_header(media_type: str) -> bytes:
    """JSON is UTF-8 by definition (RFC 8259: no charset); the newer type names it, as the
    GraphQL-over-HTTP specification's examples do."""
    return (media_type if media_type == "application/json" else f"{media_type}; charset=utf-8").encode()


def _sender(status: int, content_type: bytes, body: bytes, headers: list):
    async def send_to(send) -> None:
        await send(
            {
                "type": "http.response.start",
                "status": status,
                "headers": [
                    (b"content-type", content_type),
                    (b"content-length", str(len(body)).encode()),
                    *headers,
                ],
            }
        )
        await send({"type": "http.response.body", "body": body})

    return send_to
