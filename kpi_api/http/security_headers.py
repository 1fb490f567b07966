"""HTTP hygiene on every response of every route: one pure-ASGI middleware that adds the
security headers a response lacks, never overwriting what a route set for itself (the
figure and status pages' CSP with `frame-ancestors`, GraphiQL's CSP in web/graphql_page.py).

- `Referrer-Policy: no-referrer`: the service needs no Referer (no cookies, no analytics,
  no CSRF check by origin), and a page's query (area, revision, date) is nobody else's.
- `X-Content-Type-Options: nosniff`: a JSON, CSV or problem document that echoes input is
  never run as HTML or script because a browser guessed its type.
- `Content-Security-Policy` that allows nothing, for every response without its own: an
  HTML or SVG answer from anywhere (an error page, a future route) runs no script, loads
  nothing and cannot be framed.
"""

DEFAULT_POLICY = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"

_DEFAULTS = (
    (b"referrer-policy", b"no-referrer"),
    (b"x-content-type-options", b"nosniff"),
    (b"content-security-policy", DEFAULT_POLICY.encode()),
)


class SecurityHeaders:
    def __init__(self, app) -> None:
        self.app = app

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            return await self.app(scope, receive, send)

        async def sending(message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers") or [])
                present = {name.lower() for name, _ in headers}
                headers += [(name, value) for name, value in _DEFAULTS if name not in present]
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, sending)
