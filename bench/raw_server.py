"""The practical limit for the API benchmark: a raw Starlette endpoint that answers each
request with response bytes precomputed from the real service (no GraphQL, no database).

    python -m bench.raw_server RESPONSES.json --port 8123

RESPONSES.json is a list of entries, each
`{"method", "path", "query", "body_sha256", "status", "content_type", "body_b64"}`:
a request matches when its method, path and query string are equal and, if
`body_sha256` is set (POST /graphql: several queries share one path), the SHA-256 of
its body too. Unmatched requests get 404. Served by uvicorn with the same settings as
`kpi serve` (one process, log level info with access log), so the difference to the
service is the service's own work.
"""

import argparse
import base64
import hashlib
import json
from pathlib import Path

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

Key = tuple[str, str, str, str | None]


def load(path: Path) -> dict[Key, tuple[int, str, bytes]]:
    table = {}
    for entry in json.loads(path.read_text()):
        key = (entry["method"].upper(), entry["path"], entry.get("query", ""), entry.get("body_sha256"))
        table[key] = (int(entry["status"]), entry["content_type"], base64.b64decode(entry["body_b64"]))
    return table


def create_app(table: dict[Key, tuple[int, str, bytes]]) -> Starlette:
    with_body = {k[:3] for k in table if k[3] is not None}

    async def answer(request: Request) -> Response:
        method, path, query = request.method, request.url.path, request.url.query
        digest = None
        if (method, path, query) in with_body:
            digest = hashlib.sha256(await request.body()).hexdigest()
        found = table.get((method, path, query, digest))
        if found is None:
            return Response(b"not in the reference table\n", 404, media_type="text/plain")
        status, content_type, body = found
        return Response(body, status, headers={"content-type": content_type})

    return Starlette(routes=[Route("/{path:path}", answer, methods=["GET", "POST"])])


def main() -> None:
    import uvicorn

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("responses", type=Path, help="JSON file of precomputed responses")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args()
    uvicorn.run(create_app(load(args.responses)), host=args.host, port=args.port, log_level="info")


if __name__ == "__main__":
    main()
