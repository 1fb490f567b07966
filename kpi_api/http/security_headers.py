"""HTTP hygiene on every response of every route: one pure-ASGI middleware that adds the
security headers a response lacks, never overwriting what a route set for itself (the
figure and status pages' CSP with `frame-ancestors`, GraphiQL's CSP).

- `Referrer-Policy: no-referrer`: the service needs no Referer (no cookies, no analytics,
  no CSRF check by origin), and a page's query (area, revision, date) is nobody else's.
- `X-Content-Type-Options: nosniff`: a JSON, CSV or problem document that echoes input is
  never run as HTML or script because a browser guessed its type.
- `Content-Security-Policy` that allows nothing, for every response without its own: an
  HTML or SVG answer from anywhere (an error page, a future route) runs no script, loads
  nothing and cannot be framed.
"""

import base64
import hashlib
import html.parser
import urllib.parse

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


class _PageResources(html.parser.HTMLParser):
    """What a page loads: external scripts and stylesheets, and its inline scripts."""

    def __init__(self) -> None:
        super().__init__()
        self.scripts: list[str] = []
        self.stylesheets: list[str] = []
        self.inline_scripts: list[str] = []
        self._in_inline_script = False

    def handle_starttag(self, tag, attrs) -> None:
        found = dict(attrs)
        if tag == "script":
            if found.get("src"):
                self.scripts.append(found["src"])
            else:
                self._in_inline_script = True
                self.inline_scripts.append("")
        elif tag == "link" and found.get("rel") == "stylesheet" and found.get("href"):
            self.stylesheets.append(found["href"])

    def handle_endtag(self, tag) -> None:
        if tag == "script":
            self._in_inline_script = False

    def handle_data(self, data) -> None:
        if self._in_inline_script:
            self.inline_scripts[-1] += data


def ide_policy(page: str) -> str:
    """A CSP for strawberry's GraphiQL page that allows exactly what the page loads: its
    scripts and stylesheets by full URL (pinned versions with SRI in the page), its inline
    script by hash, requests to this origin only. Derived from the page itself, so an
    upgrade of strawberry that changes the page keeps a working, equally narrow policy.
    Inline styles stay allowed: GraphiQL sets them at run time, and they cannot run code."""
    found = _PageResources()
    found.feed(page)
    hashes = [
        f"'sha256-{base64.b64encode(hashlib.sha256(s.encode()).digest()).decode()}'"
        for s in found.inline_scripts
    ]
    origins = sorted(
        {f"{u.scheme}://{u.netloc}" for u in map(urllib.parse.urlsplit, found.stylesheets) if u.netloc}
    )
    return "; ".join(
        [
            "default-src 'none'",
            "script-src " + " ".join([*found.scripts, *hashes]),
            "style-src 'unsafe-inline' " + " ".join(found.stylesheets),
            "font-src " + " ".join(origins or ["'none'"]),  # fonts a stylesheet names, relative to it
            "img-src 'self' data:",
            "connect-src 'self'",
            "frame-ancestors 'none'",
            "base-uri 'none'",
            "form-action 'none'",
        ]
    )
