"""Conditional GETs: an ETag from the data version and the request, 304 on revalidation.

Every import or publish bumps the data version in the database (see kpi_api.data_version),
so every worker derives the same ETag for the same data and request, and none serves a
stale one after a write.
"""

import hashlib

from starlette.requests import Request
from starlette.responses import Response


def etag_for(version: int, request: Request) -> str:
    query = "&".join(sorted(f"{k}={v}" for k, v in request.query_params.multi_items()))
    digest = hashlib.sha256(f"{version}|{request.url.path}|{query}".encode()).hexdigest()[:32]
    return f'W/"{digest}"'


def not_modified(request: Request, etag: str) -> Response | None:
    sent = request.headers.get("if-none-match", "")
    if etag in {tag.strip() for tag in sent.split(",")} or sent.strip() == "*":
        return Response(status_code=304, headers={"ETag": etag, "Cache-Control": "no-cache"})
    return None
